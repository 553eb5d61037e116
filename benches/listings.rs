//! What a marketplace listing costs on DynamoDB as the market grows: the
//! default generated market and ones several times larger, each imported
//! into the emulator, then per listing request the read units (counted from
//! item sizes as DynamoDB bills strongly consistent reads: the emulator's
//! own figure is not real) and the latency; beside them, the one read of
//! the listing partitions per data version, and what the previous design
//! read on every request (the whole live `open` partition).
//!
//! `scripts/bench-listings.sh` starts moto and runs this with
//! `AWS_ENDPOINT_URL`; `LAND_SEED` (default 2018) and
//! `LISTINGS_BENCH_SIZES` (market sizes, default `1,10`) choose the markets.

use std::time::{Duration, Instant};

use land::domain::listing::{ListingQuery, SortBy, SortOrder};
use land::domain::publication::{AssetType, PublicationStatus, StatusFilter};
use land::domain::status::AnyOf;
use land::estates::EstateStore;
use land::parcels::ParcelStore;
use land::store::Record;
use land::store::dynamo::{DynamoLand, create_table, keys};
use platform::clock::{Clock, SystemClock};
use platform::dynamo::{Query, Table};

const RUNS: usize = 30;

struct Case {
    name: &'static str,
    estates: bool,
    query: ListingQuery,
}

fn cases() -> Vec<Case> {
    let q = |status: &[StatusFilter], sort, order, limit, offset| {
        ListingQuery::new(
            AnyOf::new(status.iter().copied()),
            Some(sort),
            order,
            Some(limit),
            Some(offset),
        )
    };
    let open = &[StatusFilter::Open][..];
    vec![
        Case {
            name: "parcels open, newest, 20",
            estates: false,
            query: ListingQuery::default(),
        },
        Case {
            name: "parcels open, price, 20",
            estates: false,
            query: q(open, SortBy::Price, None, 20, 0),
        },
        Case {
            name: "parcels open, price, 20 @500",
            estates: false,
            query: q(open, SortBy::Price, None, 20, 500),
        },
        Case {
            name: "parcels open, price, 100",
            estates: false,
            query: q(open, SortBy::Price, None, 100, 0),
        },
        Case {
            name: "parcels sold+cancelled, 20 @1000",
            estates: false,
            query: q(
                &[StatusFilter::Sold, StatusFilter::Cancelled],
                SortBy::BlockTimeUpdatedAt,
                Some(SortOrder::Desc),
                20,
                1000,
            ),
        },
        Case {
            name: "estates open, price, 20",
            estates: true,
            query: q(open, SortBy::Price, None, 20, 0),
        },
    ]
}

/// Read units of the previous design's listing: every live `open` entry,
/// through the project's own paged Query and its meter.
async fn whole_open_partition(land: &DynamoLand, now_ms: i64) -> (u64, usize) {
    let table = Table::new(land.client().clone(), land.table());
    let entries = table
        .query(Query::from(
            keys::listing(AssetType::Parcel, PublicationStatus::Open),
            keys::expiry_bound(now_ms),
        ))
        .await
        .expect("query the open partition");
    (table.read_units(), entries.len())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn bench(size: u32, seed: u64) {
    let config = platform::aws::sdk_config().await;
    let client = aws_sdk_dynamodb::Client::new(&config);
    let table = format!("listings-bench-{seed}-{size}");
    create_table(&client, &table).await.expect("create table");
    let data = land_seed::genesis_city_sized(seed, size);
    let land = DynamoLand::new(client, &table);
    let version = data.clone().canonical().fingerprint();
    if land.stored_version().await.unwrap().as_deref() != Some(version.as_str()) {
        let started = Instant::now();
        land.import(data.records().collect(), &|_, _| {})
            .await
            .expect("import");
        println!(
            "market size {size}: imported {} records into {table} in {:.0?}",
            data.record_count(),
            started.elapsed()
        );
    }
    let now = SystemClock.now_ms();
    let (old_units, open_entries) = whole_open_partition(&land, now).await;
    println!(
        "market size {size}: {} publications, {open_entries} live open parcel listing entries",
        data.publications.len()
    );
    println!(
        "  the previous design, every request: {old_units} read units (the live open partition)"
    );
    for (name, estates) in [("parcels", false), ("estates", true)] {
        let before = land.read_units();
        let started = Instant::now();
        let query = ListingQuery::default();
        if estates {
            land.list_estates(&query, now).await.unwrap();
        } else {
            land.list_parcels(&query, now).await.unwrap();
        }
        println!(
            "  once per function and data version, {name}: {} read units, {:.0?}",
            land.read_units() - before,
            started.elapsed()
        );
    }
    for case in cases() {
        let mut latencies = Vec::with_capacity(RUNS);
        let (mut least, mut most, mut total) = (u64::MAX, 0, 0);
        for _ in 0..RUNS {
            let before = land.read_units();
            let started = Instant::now();
            total = if case.estates {
                land.list_estates(&case.query, now).await.unwrap().total
            } else {
                land.list_parcels(&case.query, now).await.unwrap().total
            };
            latencies.push(started.elapsed());
            let used = land.read_units() - before;
            least = least.min(used);
            most = most.max(used);
        }
        latencies.sort();
        println!(
            "  {:<36} total {total:>6}  read units {least}..={most} (limit {})  p50 {:>7.2?}  p99 {:>7.2?}",
            case.name,
            case.query.limit,
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
        );
    }
    follow_an_import(&land, now).await;
}

/// One publication imported: what the next listing request reads to
/// follow it (the change item and the changed parcel, then its page).
async fn follow_an_import(land: &DynamoLand, now: i64) {
    let cheapest = ListingQuery::new(
        StatusFilter::Open.into(),
        Some(SortBy::Price),
        None,
        None,
        None,
    );
    let page = land.list_parcels(&cheapest, now).await.unwrap();
    let Some(parcel) = page.items.first() else {
        return;
    };
    let mut publication = parcel
        .publication
        .clone()
        .expect("a listed parcel's publication");
    publication.tx_hash = format!("0x{:064x}", now);
    publication.price = 1.0;
    publication.block_time_created_at = now - 1_000;
    land.import(vec![Record::Publication(publication)], &|_, _| {})
        .await
        .expect("import one publication");
    let before = land.read_units();
    let started = Instant::now();
    land.list_parcels(&cheapest, now).await.unwrap();
    println!(
        "  the request after importing one publication: {} read units (the version twice, the change item, the parcel, the page of 20), {:.0?}",
        land.read_units() - before,
        started.elapsed()
    );
}

#[tokio::main]
async fn main() {
    if std::env::var("AWS_ENDPOINT_URL").is_err() {
        eprintln!("set AWS_ENDPOINT_URL (scripts/bench-listings.sh starts moto and does)");
        std::process::exit(2);
    }
    let seed = std::env::var("LAND_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(land_seed::DEFAULT_SEED);
    let sizes = std::env::var("LISTINGS_BENCH_SIZES").unwrap_or_else(|_| "1,10".into());
    for size in sizes.split(',') {
        let size: u32 = size.trim().parse().expect("LISTINGS_BENCH_SIZES: numbers");
        bench(size, seed).await;
    }
}
