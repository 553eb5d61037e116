//! Compressed JSON answers: `cargo bench --bench compression`. Prints, for
//! the web app's 1920 x 1080 map viewport (`/v1/map`, 11,869 parcels) and a
//! full listing page (`/v1/parcels?limit=100`), the whole request's time
//! through the router with gzip and with brotli, the plain answer's bytes,
//! then bytes and time of the compression alone at several levels (the
//! router uses `platform::http::{BROTLI_LEVEL, GZIP_LEVEL}`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use http::{Request, Response, header};
use http_body_util::BodyExt;
use land::app::LandBackend;
use land::store::embedded::EmbeddedLand;
use platform::clock::FixedClock;
use tower::{Layer, ServiceExt, service_fn};
use tower_http::compression::{CompressionLayer, CompressionLevel};

/// 2026-06-01T00:00:00Z, as in the tests.
const NOW: i64 = 1_780_272_000_000;
const RUNS: usize = 15;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// The whole request through the router, accepting `encoding`: the answer's
/// bytes as sent and the median time.
async fn through_router(router: &axum::Router, uri: &str, encoding: &str) -> (Bytes, Duration) {
    let mut times = Vec::new();
    let mut body = Bytes::new();
    for _ in 0..RUNS {
        let request = Request::get(uri)
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let answer = router.clone().oneshot(request).await.unwrap();
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], encoding);
        body = answer.into_body().collect().await.unwrap().to_bytes();
        times.push(started.elapsed());
    }
    (body, median(times))
}

/// The bytes and time of one encoding at one level, through tower-http's
/// layer as the router runs it.
async fn compressed(json: &Bytes, encoding: &str, level: i32) -> (usize, Duration) {
    let layer = CompressionLayer::new()
        .quality(CompressionLevel::Precise(level))
        .gzip(encoding == "gzip")
        .br(encoding == "br");
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..RUNS {
        let json = json.clone();
        let service = layer.layer(service_fn(move |_req: Request<Body>| {
            let json = json.clone();
            async move {
                Ok::<_, std::convert::Infallible>(
                    Response::builder()
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(Body::from(json))
                        .unwrap(),
                )
            }
        }));
        let request = Request::get("/")
            .header(header::ACCEPT_ENCODING, encoding)
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let answer = service.oneshot(request).await.unwrap();
        assert_eq!(answer.headers()[header::CONTENT_ENCODING], encoding);
        size = answer.into_body().collect().await.unwrap().to_bytes().len();
        times.push(started.elapsed());
    }
    (size, median(times))
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = Arc::new(EmbeddedLand::in_memory(land_seed::genesis_city(
        land_seed::DEFAULT_SEED,
    )));
    let router = genesis_api::land_router(&LandBackend::new(store), Arc::new(FixedClock(NOW)));
    println!(
        "router levels: brotli {}, gzip {}; medians of {RUNS} runs",
        platform::http::BROTLI_LEVEL,
        platform::http::GZIP_LEVEL
    );
    for (name, uri) in [
        ("map 1920x1080 viewport", "/v1/map?nw=-71,41&se=71,-41"),
        ("listing page", "/v1/parcels?limit=100"),
    ] {
        // The viewport is too big to answer plain (a 400): the JSON is read
        // back from the gzip answer.
        let (gzipped, gzip_time) = runtime.block_on(through_router(&router, uri, "gzip"));
        let (brotli, br_time) = runtime.block_on(through_router(&router, uri, "br"));
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&gzipped[..]), &mut json)
            .unwrap();
        let json = Bytes::from(json);
        println!("\n{name}: {uri}");
        println!(
            "  whole request, gzip   {:>9} B  {:>10}",
            gzipped.len(),
            ms(gzip_time)
        );
        println!(
            "  whole request, br     {:>9} B  {:>10}",
            brotli.len(),
            ms(br_time)
        );
        println!("  plain JSON            {:>9} B", json.len());
        for (encoding, levels) in [("gzip", [1, 2, 3, 4, 6, 9]), ("br", [1, 2, 3, 4, 6, 11])] {
            for level in levels {
                let (size, time) = runtime.block_on(compressed(&json, encoding, level));
                println!(
                    "  {encoding:<4} level {level:<2}         {size:>9} B  {:>10} (compression alone)  {:.1}x smaller",
                    ms(time),
                    json.len() as f64 / size as f64
                );
            }
        }
    }
}
