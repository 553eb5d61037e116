//! `/v1/map.png`, `/v1/parcels/{x}/{y}/map.png`, `/v1/estates/{id}/map.png`:
//! decoded pictures checked pixel by pixel against the data, the limits, and
//! HTTP caching.

use crate::common::png::{fetch, find, find_pair, hex_at, parcel_at};
use crate::common::{app, dataset};
use land::domain::coords::Coord;
use land::domain::parcel::Parcel;
use land::domain::proximity::{PLAZA_DISTRICT_ID, ROAD_DISTRICT_ID};
use land::domain::publication::PublicationStatus;

const DISTRICT: &str = "#5054d4";
const ROAD: &str = "#716c7a";
const PLAZA: &str = "#70ac76";
const OWNED: &str = "#3d3a46";
const ON_SALE: &str = "#00d3ff";
const UNOWNED: &str = "#09080a";
const BACKGROUND: &str = "#18141a";
const SELECTED: &str = "#ff9990";

fn is_district(p: &Parcel) -> bool {
    matches!(p.district_id.as_deref(), Some(id) if id != ROAD_DISTRICT_ID && id != PLAZA_DISTRICT_ID)
}

fn on_sale(p: &Parcel) -> bool {
    p.publication
        .as_ref()
        .is_some_and(|p| p.status == PublicationStatus::Open)
}

/// A plain owned parcel: no district, no estate, not on sale.
fn plain_owned(p: &Parcel) -> bool {
    p.owner.is_some() && p.district_id.is_none() && p.estate_id.is_none() && !on_sale(p)
}

/// The colour at the centre of a 100 x 100 picture at size 10 centred on `at`.
async fn centre_colour(app: &axum::Router, at: Coord, extra: &str) -> String {
    let uri = format!("/v1/map.png?width=100&height=100&size=10&center={at}{extra}");
    hex_at(&fetch(app, &uri, None).await.pixmap(), 50, 50)
}

#[tokio::test]
async fn each_kind_of_parcel_has_its_colour() {
    let app = app().await;
    let road = find(|p| p.district_id.as_deref() == Some(ROAD_DISTRICT_ID));
    let plaza = find(|p| p.district_id.as_deref() == Some(PLAZA_DISTRICT_ID));
    let district = find(is_district);
    let owned = find(plain_owned);
    let unowned = find(|p| p.owner.is_none() && p.district_id.is_none());
    let for_sale = find(|p| on_sale(p) && p.district_id.is_none());
    assert_eq!(centre_colour(&app, road, "").await, ROAD, "road {road}");
    assert_eq!(centre_colour(&app, plaza, "").await, PLAZA, "plaza {plaza}");
    assert_eq!(centre_colour(&app, district, "").await, DISTRICT);
    assert_eq!(centre_colour(&app, owned, "").await, OWNED, "owned {owned}");
    assert_eq!(centre_colour(&app, unowned, "").await, UNOWNED);
    assert_eq!(
        centre_colour(&app, for_sale, "").await,
        OWNED,
        "sales hidden"
    );
    assert_eq!(
        centre_colour(&app, for_sale, "&publications=true").await,
        ON_SALE,
        "on sale {for_sale}"
    );
    assert_eq!(
        centre_colour(&app, owned, &format!("&selected={owned}")).await,
        SELECTED
    );
}

#[tokio::test]
async fn outside_the_city_is_a_checkerboard() {
    let app = app().await;
    let pixmap = fetch(
        &app,
        "/v1/map.png?width=100&height=100&size=10&center=150,150",
        None,
    )
    .await
    .pixmap();
    // (151, 150): x + y odd; (151, 151): even. Each 10 px from the centre.
    assert_eq!(hex_at(&pixmap, 60, 50), "#0d0b0e");
    assert_eq!(hex_at(&pixmap, 60, 40), "#110e13");
    assert_eq!(hex_at(&pixmap, 70, 40), "#0d0b0e");
}

/// The pixel in the 1 px gap left of `right` (size 10, centred on it).
async fn left_gap_colour(app: &axum::Router, right: Coord) -> String {
    let pixmap = fetch(
        app,
        &format!("/v1/map.png?width=100&height=100&size=10&center={right}"),
        None,
    )
    .await
    .pixmap();
    assert_eq!(
        hex_at(&pixmap, 50, 50),
        hex_at(&pixmap, 40, 50),
        "the pair looks alike"
    );
    hex_at(&pixmap, 45, 50)
}

#[tokio::test]
async fn shapes_join_across_the_gap_and_strangers_do_not() {
    let app = app().await;
    let (_, estate) = find_pair(|l, r| {
        r.estate_id.is_some() && l.estate_id == r.estate_id && !on_sale(l) && !on_sale(r)
    });
    assert_eq!(
        left_gap_colour(&app, estate).await,
        OWNED,
        "estate at {estate}"
    );
    let (_, district) = find_pair(|l, r| is_district(r) && l.district_id == r.district_id);
    assert_eq!(left_gap_colour(&app, district).await, DISTRICT);
    let (_, road) = find_pair(|l, r| {
        r.district_id.as_deref() == Some(ROAD_DISTRICT_ID) && l.district_id == r.district_id
    });
    assert_eq!(left_gap_colour(&app, road).await, ROAD);
    let (_, strangers) = find_pair(|l, r| plain_owned(l) && plain_owned(r));
    assert_eq!(left_gap_colour(&app, strangers).await, BACKGROUND);
}

#[tokio::test]
async fn an_inner_corner_keeps_the_unowned_notch() {
    let app = app().await;
    // Joined to its left and top neighbours, which do not join each other.
    let estate_at = |x, y| parcel_at(Coord { x, y }).estate_id.clone();
    let corner = find(|p| {
        let estate = p.estate_id.clone();
        estate.is_some()
            && p.x > -150
            && p.y < 150
            && !on_sale(p)
            && estate_at(p.x - 1, p.y) == estate
            && estate_at(p.x, p.y + 1) == estate
            && estate_at(p.x - 1, p.y + 1) != estate
    });
    let pixmap = fetch(
        &app,
        &format!("/v1/map.png?width=100&height=100&size=10&center={corner}"),
        None,
    )
    .await
    .pixmap();
    // The tile spans 45..55; its 1 px gaps are column 45 and row 45.
    assert_eq!(hex_at(&pixmap, 45, 45), UNOWNED, "corner of {corner}");
    assert_eq!(
        hex_at(&pixmap, 45, 50),
        hex_at(&pixmap, 50, 50),
        "left gap closed"
    );
    assert_eq!(
        hex_at(&pixmap, 50, 45),
        hex_at(&pixmap, 50, 50),
        "top gap closed"
    );
}

#[tokio::test]
async fn pictures_have_the_asked_dimensions() {
    let app = app().await;
    for (w, h, size) in [
        (33, 47, 5),
        (64, 32, 7),
        (501, 500, 10),
        (32, 2048, 40),
        (120, 90, 15),
    ] {
        let uri = format!("/v1/map.png?width={w}&height={h}&size={size}&center=-3,7");
        let pixmap = fetch(&app, &uri, None).await.pixmap();
        assert_eq!((pixmap.width(), pixmap.height()), (w, h), "{uri}");
    }
}

#[tokio::test]
async fn the_parcel_limit_is_15000() {
    let app = app().await;
    let answer = fetch(&app, "/v1/map.png?width=1024&height=1024&size=5", None).await;
    assert_eq!(
        answer.error(400),
        "Too many parcels. You are trying to render 42436 parcels and the maximum allowed is 15000."
    );
    let answer = fetch(
        &app,
        "/v1/parcels/0/0/map.png?width=1024&height=1024&size=5",
        None,
    )
    .await;
    assert!(answer.error(400).contains("42436"));
    let pixmap = fetch(&app, "/v1/map.png?width=500&height=500&size=10", None)
        .await
        .pixmap();
    assert_eq!(pixmap.width(), 500);
}

/// Integers out of range are clamped, as the original's `sanitize()` did:
/// the Unity explorer's thumbnails ask `size=50`, wide scenes `size` 1..4.
#[tokio::test]
async fn sizes_out_of_range_are_clamped() {
    let app = app().await;
    for (asked, clamped) in [
        (
            "/v1/parcels/10/10/map.png?width=200&height=200&size=50",
            "/v1/parcels/10/10/map.png?width=200&height=200&size=40",
        ),
        (
            "/v1/map.png?width=31&height=2049&size=20",
            "/v1/map.png?width=32&height=2048&size=20",
        ),
        (
            "/v1/map.png?width=300&height=300&size=1",
            "/v1/map.png?width=300&height=300&size=5",
        ),
    ] {
        let got = fetch(&app, asked, None).await;
        let expected = fetch(&app, clamped, None).await;
        assert_eq!(got.status, 200, "{asked}");
        assert_eq!(expected.status, 200, "{clamped}");
        assert_eq!(got.bytes, expected.bytes, "{asked} draws {clamped}");
    }
    // The parcel limit applies after clamping: 2048 x 2048 at size 5.
    let message = fetch(&app, "/v1/map.png?width=9999&height=9999&size=1", None)
        .await
        .error(400);
    assert!(message.contains("169744 parcels"), "{message}");
}

#[tokio::test]
async fn bad_parameters_are_named() {
    let app = app().await;
    for (query, name) in [
        ("size=abc", "size"),
        ("width=1.5", "width"),
        ("center=151,0", "center"),
        ("center=1", "center"),
        ("selected=1,1;2", "selected"),
        ("publications=maybe", "publications"),
    ] {
        let message = fetch(&app, &format!("/v1/map.png?{query}"), None)
            .await
            .error(400);
        assert!(
            message.contains(&format!("\"{name}\"")),
            "{query}: {message}"
        );
    }
    let message = fetch(&app, "/v1/parcels/0/200/map.png", None)
        .await
        .error(400);
    assert!(message.contains("out of bounds"), "{message}");
}

#[tokio::test]
async fn a_parcel_map_is_centred_on_it_and_selects_it() {
    let app = app().await;
    let owned = find(plain_owned);
    let pixmap = fetch(
        &app,
        &format!(
            "/v1/parcels/{}/{}/map.png?width=100&height=100&size=10",
            owned.x, owned.y
        ),
        None,
    )
    .await
    .pixmap();
    assert_eq!(hex_at(&pixmap, 50, 50), SELECTED);
    assert_ne!(hex_at(&pixmap, 30, 50), SELECTED, "only that parcel");
}

#[tokio::test]
async fn an_estate_map_selects_its_parcels() {
    let app = app().await;
    let estate = dataset()
        .estates
        .iter()
        .find(|e| e.data.parcels.len() >= 3)
        .unwrap();
    let answer = fetch(
        &app,
        &format!("/v1/estates/{}/map.png?size=20", estate.id),
        None,
    )
    .await;
    let pixmap = answer.pixmap();
    let mut parcels: Vec<Coord> = estate
        .data
        .parcels
        .iter()
        .map(|p| Coord { x: p.x, y: p.y })
        .collect();
    parcels.sort();
    let middle = parcels[parcels.len() / 2];
    for p in &parcels {
        let x = 250 + (p.x - middle.x) * 20;
        let y = 250 - (p.y - middle.y) * 20;
        assert_eq!(
            hex_at(&pixmap, x as u32, y as u32),
            SELECTED,
            "estate parcel {p}"
        );
    }
    assert_eq!(
        parcel_at(middle).estate_id.as_deref(),
        Some(estate.id.as_str())
    );

    let dissolved = dataset()
        .estates
        .iter()
        .find(|e| e.data.parcels.is_empty())
        .unwrap();
    let answer = fetch(&app, &format!("/v1/estates/{}/map.png", dissolved.id), None).await;
    assert!(answer.error(404).contains(&dissolved.id));
    fetch(&app, "/v1/estates/99999999/map.png", None)
        .await
        .error(404);
}

#[tokio::test]
async fn same_request_same_bytes_and_304_on_its_etag() {
    let app = app().await;
    let uri = "/v1/map.png?width=300&height=200&size=12&center=10,-20&selected=10,-20;11,-20&publications=true";
    let first = fetch(&app, uri, None).await;
    let etag = first.etag();
    assert!(
        etag.starts_with('"') && !etag.starts_with("W/"),
        "strong: {etag}"
    );
    assert!(
        first.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age")
    );
    // A fresh router (no cache shared with the first) draws the same bytes.
    let again = fetch(&crate::common::app().await, uri, None).await;
    assert_eq!(again.bytes, first.bytes);
    assert_eq!(again.etag(), etag);
    // Parameters in another order or spelling are the same picture.
    let reordered = "/v1/map.png?publications=true&selected=11,-20;10,-20;10,-20&center=10,-20&size=12&height=200&width=300";
    assert_eq!(fetch(&app, reordered, None).await.etag(), etag);

    let not_modified = fetch(&app, uri, Some(&etag)).await;
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.bytes.is_empty());
    assert_eq!(not_modified.etag(), etag);
    let listed = format!("\"nope\", W/{etag}");
    assert_eq!(fetch(&app, uri, Some(&listed)).await.status, 304);
    assert_eq!(fetch(&app, uri, Some("\"other\"")).await.status, 200);
    let other = fetch(
        &app,
        "/v1/map.png?width=300&height=200&size=12&center=10,-20",
        None,
    )
    .await;
    assert_ne!(other.etag(), etag);
}

#[tokio::test]
async fn an_indexed_png_no_larger_than_rgba() {
    let app = app().await;
    let answer = fetch(&app, "/v1/map.png?publications=true&selected=0,0", None).await;
    let pixmap = answer.pixmap();
    let rgba = pixmap.encode_png().unwrap();
    assert!(
        answer.bytes.len() <= rgba.len(),
        "{} > {}",
        answer.bytes.len(),
        rgba.len()
    );
}

/// The bytes a browser or game client downloads: no more than zlib at level
/// 6 gives for the same pixels as 8-bit indices (3,715 bytes at 500 x 500 @ 10
/// unfiltered, 22,048 at 2048 x 2048 @ 20 with publications, "Up"-filtered; see
/// the map_png bench), at 4 bits a pixel.
#[tokio::test]
async fn pictures_are_as_small_as_libpng_makes_them() {
    let app = app().await;
    for (uri, libpng) in [
        ("/v1/map.png?width=500&height=500&size=10&center=0,0", 3_715),
        (
            "/v1/map.png?width=2048&height=2048&size=20&center=0,0&publications=true",
            22_048,
        ),
    ] {
        let picture = fetch(&app, uri, None).await;
        assert_eq!(picture.status, 200, "{uri}");
        assert_eq!(picture.bytes[24], 4, "{uri}: 4 bits a pixel");
        assert!(
            picture.bytes.len() <= libpng,
            "{uri}: {} bytes, libpng level 6 gives {libpng}",
            picture.bytes.len()
        );
    }
}

/// Building the tile index (the embedded store's tile facts, about 30 ms of
/// CPU, then the index of 90,601 tiles) must leave the async runtime free: on
/// a single-threaded runtime, a task ticking every millisecond keeps ticking
/// while the work runs on the blocking pool. Done inline, it could not tick
/// until the work ended.
#[tokio::test(flavor = "current_thread")]
async fn the_tile_index_is_built_off_the_async_workers() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    let store = crate::common::embedded();
    let tiles = land::map::TileIndexCache::default();
    let ticks = Arc::new(AtomicU32::new(0));
    let ticker = {
        let ticks = ticks.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    // Let the ticker start, then build.
    tokio::task::yield_now().await;
    let before = ticks.load(Ordering::Relaxed);
    let index = tiles.get(store.as_ref(), crate::common::NOW).await.unwrap();
    let during = ticks.load(Ordering::Relaxed) - before;
    ticker.abort();
    assert!(!index.data_version().is_empty());
    assert!(
        during >= 10,
        "the runtime ticked {during} times during the build"
    );
}
