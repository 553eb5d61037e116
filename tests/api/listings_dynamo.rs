//! Listings on DynamoDB read their page, not the market: after the one read
//! of the listing partitions per data version, a listing costs the data
//! version and its page's assets, counted in read units as DynamoDB bills
//! them; and a new import is listed by the very next request.

use land::domain::coords::Coord;
use land::domain::listing::{ListingQuery, Page, SortBy, SortOrder};
use land::domain::parcel::Parcel;
use land::domain::publication::{AssetType, Publication, PublicationStatus, StatusFilter};
use land::domain::status::AnyOf;
use land::estates::EstateStore;
use land::parcels::ParcelStore;
use land::store::dynamo::{DynamoLand, create_table};
use land::store::embedded::EmbeddedLand;
use land::store::{LandDataset, Record};

use crate::common::{NOW, aws, embedded};

fn query(status: &[StatusFilter], sort: SortBy, limit: u64, offset: u64) -> ListingQuery {
    ListingQuery::new(
        AnyOf::new(status.iter().copied()),
        Some(sort),
        Some(SortOrder::Asc),
        Some(limit),
        Some(offset),
    )
}

#[tokio::test]
async fn a_listing_reads_its_page_and_the_version_whatever_the_offset() {
    let land = aws::seeded_land().await;
    // The first listing in this process reads the listing partitions once
    // per data version (the bench command counts that read).
    let total = land
        .list_parcels(&query(&[StatusFilter::Open], SortBy::Price, 20, 0), NOW)
        .await
        .unwrap()
        .total;
    assert!(total > 300, "{total}");

    for (status, limit, offset) in [
        (&[StatusFilter::Open][..], 20, 0),
        (&[StatusFilter::Open][..], 20, 300),
        (&[StatusFilter::Open][..], 100, 0),
        (&[StatusFilter::Sold, StatusFilter::Expired][..], 50, 100),
        (&[StatusFilter::Sold, StatusFilter::Expired][..], 50, 1_500),
        (&[StatusFilter::Open][..], 20, 1_000_000),
    ] {
        for sort in [SortBy::Price, SortBy::CreatedAt, SortBy::ExpiresAt] {
            let q = query(status, sort, limit, offset);
            let before = land.read_units();
            let page = land.list_parcels(&q, NOW).await.unwrap();
            let used = land.read_units() - before;
            // One unit for the version, one per parcel (each item < 4 KB).
            assert_eq!(
                used,
                1 + page.items.len() as u64,
                "{status:?} {sort:?} limit {limit} offset {offset}"
            );
            // The page the embedded store gives for the same data.
            let expected = embedded().list_parcels(&q, NOW).await.unwrap();
            let ids = |page: &Page<Parcel>| -> Vec<String> {
                page.items.iter().map(|p| p.id.clone()).collect()
            };
            assert_eq!((page.total, ids(&page)), (expected.total, ids(&expected)));
            let rows = (limit as usize).min(page.total.saturating_sub(offset as usize));
            assert_eq!(page.items.len(), rows);
        }
    }

    let open_estates = query(&[StatusFilter::Open], SortBy::Price, 20, 0);
    land.list_estates(&open_estates, NOW).await.unwrap();
    let before = land.read_units();
    let page = land.list_estates(&open_estates, NOW).await.unwrap();
    assert_eq!(page.items.len(), 20);
    assert_eq!(land.read_units() - before, 1 + page.items.len() as u64);
}

/// The `n`th parcel from the west edge of row 0, then of row 1, ...
fn at(n: i32) -> Coord {
    Coord {
        x: n % 301 - 150,
        y: n / 301,
    }
}

fn parcel(n: i32) -> Record {
    Record::Parcel(Parcel {
        owner: Some("0x00000000000000000000000000000000000000bb".into()),
        ..Parcel::unowned(at(n))
    })
}

/// A publication of the `n`th parcel, created at `created`.
fn on_sale(n: i32, price: f64, tx: &str, created: i64) -> Record {
    Record::Publication(Publication {
        tx_hash: tx.into(),
        tx_status: "confirmed".into(),
        owner: "0x00000000000000000000000000000000000000bb".into(),
        price,
        status: PublicationStatus::Open,
        buyer: None,
        contract_id: "0x01".into(),
        block_number: 1,
        expires_at: NOW + 1_000_000,
        block_time_created_at: created,
        block_time_updated_at: None,
        asset_type: AssetType::Parcel,
        asset_id: at(n).id(),
        marketplace_address: "0x02".into(),
    })
}

/// Every listing of `queries` on `land` equals the embedded store's over
/// the same records.
async fn same_pages(land: &DynamoLand, records: &[Record], queries: &[ListingQuery]) {
    let mut data = LandDataset::default();
    data.upsert(records.iter().cloned());
    let reference = EmbeddedLand::in_memory(data);
    let ids = |page: &Page<Parcel>| -> Vec<(String, Option<String>)> {
        page.items
            .iter()
            .map(|p| {
                (
                    p.id.clone(),
                    p.publication.as_ref().map(|p| p.tx_hash.clone()),
                )
            })
            .collect()
    };
    for q in queries {
        let got = land.list_parcels(q, NOW).await.unwrap();
        let want = reference.list_parcels(q, NOW).await.unwrap();
        assert_eq!((got.total, ids(&got)), (want.total, ids(&want)), "{q:?}");
    }
}

#[tokio::test]
async fn the_request_after_an_import_lists_what_it_wrote_reading_only_what_changed() {
    let client = aws_sdk_dynamodb::Client::new(&aws::sdk_config().await);
    let table = format!("listings-{}", std::process::id());
    create_table(&client, &table).await.unwrap();
    let land = DynamoLand::new(client, &table);
    let queries = [
        query(&[StatusFilter::Open], SortBy::Price, 10, 0),
        query(&[StatusFilter::Open], SortBy::CreatedAt, 7, 590),
        query(
            &[StatusFilter::Sold, StatusFilter::Open],
            SortBy::Price,
            30,
            0,
        ),
        query(&[StatusFilter::Sold], SortBy::ExpiresAt, 10, 0),
    ];
    // 600 parcels on sale at 500 and up: their listing entries alone are
    // over 40 read units.
    let mut records: Vec<Record> = (0..600).map(parcel).collect();
    records.extend(
        (0..600).map(|x| on_sale(x, 500.0 + f64::from(x), &format!("0xa{x:03}"), NOW - 1_000)),
    );
    land.import(records.clone(), &|_, _| {}).await.unwrap();
    let cheapest = &queries[0];
    let before = land.read_units();
    let page = land.list_parcels(cheapest, NOW).await.unwrap();
    let first_read = land.read_units() - before;
    let first = page.items.first().map(|p| p.id.clone());
    assert_eq!((page.total, first), (600, Some(at(0).id())));
    assert!(first_read > 40, "{first_read}");
    same_pages(&land, &records, &queries).await;

    // The same store (its listing cached) sees the next import at once,
    // reading the change item and the changed parcels, not the listing: a
    // new, cheaper publication of one parcel, another parcel sold.
    let mut sold = match on_sale(3, 503.0, "0xa003", NOW - 1_000) {
        Record::Publication(p) => p,
        _ => unreachable!(),
    };
    sold.status = PublicationStatus::Sold;
    let second = vec![
        on_sale(7, 100.0, "0xb1", NOW - 500),
        Record::Publication(sold),
    ];
    land.import(second.clone(), &|_, _| {}).await.unwrap();
    records.extend(second);
    let before = land.read_units();
    let page = land.list_parcels(cheapest, NOW).await.unwrap();
    let refresh = land.read_units() - before;
    let ids: Vec<String> = page.items.iter().map(|p| p.id.clone()).collect();
    assert_eq!(
        (page.total, &ids[..2]),
        (599, &[at(7).id(), at(0).id()][..])
    );
    // Two version reads, the change item, two parcels, the page's ten.
    assert!(refresh <= 15, "{refresh} read units");
    same_pages(&land, &records, &queries).await;

    // Two imports without a request between: the second started from a
    // version this store never held, so it reads every listing entry.
    let third = vec![on_sale(8, 50.0, "0xb2", NOW - 500)];
    let fourth = vec![parcel(600), on_sale(600, 10.0, "0xb3", NOW - 500)];
    land.import(third.clone(), &|_, _| {}).await.unwrap();
    land.import(fourth.clone(), &|_, _| {}).await.unwrap();
    records.extend(third);
    records.extend(fourth);
    let before = land.read_units();
    let page = land.list_parcels(cheapest, NOW).await.unwrap();
    let reread = land.read_units() - before;
    let ids: Vec<String> = page.items.iter().map(|p| p.id.clone()).collect();
    assert_eq!(
        (page.total, &ids[..3]),
        (600, &[at(600).id(), at(8).id(), at(7).id()][..])
    );
    assert!(reread > 40, "{reread} read units");
    same_pages(&land, &records, &queries).await;
}
