//! Map PNG figures: `cargo bench --bench map_png`. Prints, per picture size,
//! the uncached draw and encode times (p50/p95), the PNG size next to
//! tiny-skia's own `encode_png` of the same pixels, then cached-hit times
//! through the router, and the process's peak memory.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use http_body_util::BodyExt;
use land::app::LandBackend;
use land::domain::coords::Coord;
use land::domain::map::{
    CityTiles, EncodeOptions, MapView, TileIndex, draw, encode_png, encode_png_with,
};
use land::map::MapStore;
use land::map::cache::{FolderCache, MemoryCache, PngCache, Tiered};
use platform::clock::FixedClock;
use png::{Compression, FilterType};

use land::store::embedded::EmbeddedLand;
use tower::ServiceExt;

/// 2026-06-01T00:00:00Z, as in the tests.
const NOW: i64 = 1_780_272_000_000;

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort_unstable();
    samples[((samples.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or("n/a".into(), |kb| format!("{:.1} MB", kb / 1024.0))
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let store = Arc::new(EmbeddedLand::in_memory(land_seed::genesis_city(
        land_seed::DEFAULT_SEED,
    )));
    let started = Instant::now();
    let facts = runtime.block_on(store.city_tiles()).unwrap();
    let read = started.elapsed();
    let index = TileIndex::build(&facts, store.data_version(), NOW);
    let built = started.elapsed() - read;
    let stored = facts.to_bytes();
    let decode = Instant::now();
    CityTiles::from_bytes(&stored).unwrap();
    println!(
        "tile index: facts read {}, index built {}; stored facts {} bytes, decoded in {}",
        ms(read),
        ms(built),
        stored.len(),
        ms(decode.elapsed())
    );

    println!(
        "\n{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12} {:>12}",
        "picture",
        "draw p50",
        "draw p95",
        "enc p50",
        "enc p95",
        "total p50",
        "total p95",
        "png bytes",
        "rgba bytes",
        "rgba enc p50"
    );
    for (width, height, size, runs) in [
        (500, 500, 10, 400),
        (1024, 1024, 10, 150),
        (2048, 2048, 20, 60),
    ] {
        let view = MapView::new(
            Some(width),
            Some(height),
            Some(size),
            Coord { x: 0, y: 0 },
            vec![Coord { x: 3, y: 3 }],
            true,
        )
        .unwrap();
        let (mut draws, mut encodes, mut totals) = (vec![], vec![], vec![]);
        let mut png = Vec::new();
        for _ in 0..runs {
            let t0 = Instant::now();
            let pixmap = draw(&index, &view);
            let t1 = Instant::now();
            png = encode_png(&pixmap).unwrap();
            let t2 = Instant::now();
            draws.push(t1 - t0);
            encodes.push(t2 - t1);
            totals.push(t2 - t0);
        }
        let pixmap = draw(&index, &view);
        let mut rgba_encodes = Vec::new();
        let mut rgba = Vec::new();
        for _ in 0..runs.min(60) {
            let t0 = Instant::now();
            rgba = pixmap.encode_png().unwrap();
            rgba_encodes.push(t0.elapsed());
        }
        println!(
            "{:<22} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12} {:>12}",
            format!("{width}x{height} @ {size}"),
            ms(percentile(&mut draws, 0.5)),
            ms(percentile(&mut draws, 0.95)),
            ms(percentile(&mut encodes, 0.5)),
            ms(percentile(&mut encodes, 0.95)),
            ms(percentile(&mut totals, 0.5)),
            ms(percentile(&mut totals, 0.95)),
            png.len(),
            rgba.len(),
            ms(percentile(&mut rgba_encodes, 0.5))
        );
    }

    encoding_choices(&index);

    let dir = std::env::temp_dir().join(format!("map-bench-{}", std::process::id()));
    let folder: Arc<dyn PngCache> = Arc::new(FolderCache::new(&dir));
    let tiered: Arc<dyn PngCache> = Arc::new(Tiered {
        front: MemoryCache::new(32 << 20),
        back: folder.clone(),
    });
    println!("\ncached hits through the router (GET /v1/map.png, 500x500 @ 10, 2,000 requests):");
    for (name, cache) in [("memory front + folder", tiered), ("folder only", folder)] {
        let backend = LandBackend::new(store.clone()).with_png_cache(cache);
        let app = genesis_api::land_router(&backend, Arc::new(FixedClock(NOW)));
        let mut samples = Vec::new();
        runtime.block_on(async {
            for i in 0..2_001 {
                let request =
                    http::Request::get("/v1/map.png?width=500&height=500&size=10&center=0,0")
                        .body(Body::empty())
                        .unwrap();
                let t0 = Instant::now();
                let response = app.clone().oneshot(request).await.unwrap();
                let bytes = response.into_body().collect().await.unwrap().to_bytes();
                if i > 0 {
                    samples.push(t0.elapsed());
                }
                assert!(bytes.starts_with(b"\x89PNG"));
            }
        });
        println!(
            "  {name:<22} p50 {}  p95 {}",
            ms(percentile(&mut samples, 0.5)),
            ms(percentile(&mut samples, 0.95))
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "\npeak memory of this process (city data + index + pictures): {}",
        peak_rss_mb()
    );
}

/// Bytes and encode time of each encoding tried for the API's pictures; the
/// API sends the default (marked).
fn encoding_choices(index: &TileIndex) {
    let option = |pack, filter, adaptive, compression| EncodeOptions {
        pack,
        filter,
        adaptive,
        compression,
    };
    #[rustfmt::skip]
    let choices = [
        ("8-bit Up fdeflate (before)", option(false, FilterType::Up, false, Compression::Fast)),
        ("8-bit None zlib 6 (libpng-like)", option(false, FilterType::NoFilter, false, Compression::Default)),
        ("8-bit Up zlib 6", option(false, FilterType::Up, false, Compression::Default)),
        ("8-bit Up zlib 9", option(false, FilterType::Up, false, Compression::Best)),
        ("4-bit Up fdeflate", option(true, FilterType::Up, false, Compression::Fast)),
        ("4-bit None zlib 6", option(true, FilterType::NoFilter, false, Compression::Default)),
        ("4-bit None zlib 9", option(true, FilterType::NoFilter, false, Compression::Best)),
        ("4-bit Up zlib 6 (sent)", EncodeOptions::default()),
        ("4-bit Up zlib 9", option(true, FilterType::Up, false, Compression::Best)),
        ("4-bit adaptive zlib 6", option(true, FilterType::Up, true, Compression::Default)),
        ("4-bit adaptive zlib 9", option(true, FilterType::Up, true, Compression::Best)),
        ("4-bit Paeth zlib 9", option(true, FilterType::Paeth, false, Compression::Best)),
    ];
    for (width, height, size, publications, runs) in
        [(500, 500, 10, false, 200), (2048, 2048, 20, true, 20)]
    {
        let view = MapView::new(
            Some(width),
            Some(height),
            Some(size),
            Coord { x: 0, y: 0 },
            vec![],
            publications,
        )
        .unwrap();
        let pixmap = draw(index, &view);
        println!(
            "\nencodings of {width}x{height} @ {size}{}:",
            if publications {
                " with publications"
            } else {
                ""
            }
        );
        println!("  {:<34} {:>10} {:>12}", "choice", "bytes", "encode p50");
        for (name, options) in choices {
            let mut times = Vec::new();
            let mut bytes = 0;
            for _ in 0..runs {
                let t0 = Instant::now();
                bytes = encode_png_with(&pixmap, options).unwrap().len();
                times.push(t0.elapsed());
            }
            println!(
                "  {name:<34} {bytes:>10} {:>12}",
                ms(percentile(&mut times, 0.5))
            );
        }
    }
}
