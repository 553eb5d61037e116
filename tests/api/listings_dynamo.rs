//! Listings on DynamoDB read their page, not the market: after the one read
//! of the listing partitions per data version, a listing costs the data
//! version and its page's assets, counted in read units as DynamoDB bills
//! them; and a new import is listed by the very next request.

use land::domain::coords::Coord;
use land::domain::listing::{ListingQuery, SortBy, SortOrder};
use land::domain::parcel::Parcel;
use land::domain::publication::{AssetType, Publication, PublicationStatus, StatusFilter};
use land::domain::status::AnyOf;
use land::estates::EstateStore;
use land::parcels::ParcelStore;
use land::store::Record;
use land::store::dynamo::{DynamoLand, create_table};

use crate::common::{NOW, aws};

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
            assert!(page.items.len() as u64 <= limit);
        }
    }

    let open_estates = query(&[StatusFilter::Open], SortBy::Price, 20, 0);
    land.list_estates(&open_estates, NOW).await.unwrap();
    let before = land.read_units();
    let page = land.list_estates(&open_estates, NOW).await.unwrap();
    assert_eq!(page.items.len(), 20);
    assert_eq!(land.read_units() - before, 1 + page.items.len() as u64);
}

fn parcel(x: i32) -> Record {
    Record::Parcel(Parcel {
        owner: Some("0x00000000000000000000000000000000000000bb".into()),
        ..Parcel::unowned(Coord { x, y: 0 })
    })
}

fn on_sale(x: i32, price: f64, tx: &str) -> Record {
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
        block_time_created_at: NOW - 1_000,
        block_time_updated_at: None,
        asset_type: AssetType::Parcel,
        asset_id: Coord { x, y: 0 }.id(),
        marketplace_address: "0x02".into(),
    })
}

#[tokio::test]
async fn the_request_after_an_import_lists_what_it_wrote() {
    let client = aws_sdk_dynamodb::Client::new(&aws::sdk_config().await);
    let table = format!("listings-{}", std::process::id());
    create_table(&client, &table).await.unwrap();
    let land = DynamoLand::new(client, &table);
    land.import(
        vec![parcel(1), parcel(2), on_sale(1, 500.0, "0xa1")],
        &|_, _| {},
    )
    .await
    .unwrap();
    let cheapest = query(&[StatusFilter::Open], SortBy::Price, 10, 0);
    let page = land.list_parcels(&cheapest, NOW).await.unwrap();
    let first = page.items.first().map(|p| p.id.as_str());
    assert_eq!((page.total, first), (1, Some("1,0")));

    // The same store (its listing cached) sees the next import at once.
    land.import(vec![on_sale(2, 100.0, "0xa2")], &|_, _| {})
        .await
        .unwrap();
    let page = land.list_parcels(&cheapest, NOW).await.unwrap();
    let ids: Vec<&str> = page.items.iter().map(|p| p.id.as_str()).collect();
    assert_eq!((page.total, ids), (2, vec!["2,0", "1,0"]));
    assert_eq!(
        page.items[0].publication.as_ref().map(|p| p.price),
        Some(100.0)
    );
}
