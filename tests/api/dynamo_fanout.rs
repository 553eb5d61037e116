//! A box on DynamoDB is one Query per column: a bounded number in flight,
//! however wide the box. A proxy in front of the emulator counts the
//! connections the client holds open at once (HTTP/1.1: one request a
//! connection at a time, so that is the peak of requests in flight).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use land::domain::coords::{Area, Coord};
use land::parcels::ParcelStore;
use land::store::dynamo::{DynamoLand, create_table};
use tokio::net::{TcpListener, TcpStream};

use crate::common::{NOW, aws};

/// Forwards every connection to `target` (host:port); answers the proxy's
/// URL and the most connections ever open at once.
async fn counting_proxy(target: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let open = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let seen = peak.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            let (open, peak, target) = (open.clone(), peak.clone(), target.clone());
            tokio::spawn(async move {
                let now = open.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                if let Ok(mut outbound) = TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
                open.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    (url, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wide_box_keeps_a_bounded_number_of_queries_in_flight() {
    let config = aws::sdk_config().await;
    let direct = aws_sdk_dynamodb::Client::new(&config);
    let table = format!("fanout-{}", std::process::id());
    create_table(&direct, &table).await.unwrap();

    let endpoint = aws::endpoint();
    let (proxy, peak) = counting_proxy(endpoint.trim_start_matches("http://").to_string()).await;
    let proxied = aws_sdk_dynamodb::Client::from_conf(
        aws_sdk_dynamodb::config::Builder::from(&config)
            .endpoint_url(proxy)
            .build(),
    );
    let land = DynamoLand::new(proxied, &table);
    // 150 columns: one Query each.
    let area = Area::between(Coord { x: -75, y: 10 }, Coord { x: 74, y: -10 });
    let parcels = land.parcels_in(area, NOW).await.unwrap();
    assert!(parcels.is_empty(), "an empty table");
    let peak = peak.load(Ordering::SeqCst);
    // 16 in flight; the connection pool may finish opening a connection it
    // no longer needs, hence the margin. All at once would be 150.
    assert!((2..=24).contains(&peak), "{peak} connections at once");
}
