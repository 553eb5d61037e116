//! The Unity explorer's map pictures (`MapUtils.GetMarketPlaceThumbnailUrl`,
//! `MapChunk`).

use crate::common::png::fetch;
use crate::common::{app, get};

/// `GetMarketPlaceThumbnailUrl(parcels, 196, 143, 50)`: one parcel asks
/// `size=50`, over the reference's 40, and gets the picture at size 40; a
/// wide estate in the land panel asks `size=0` and gets it at 5.
#[tokio::test]
async fn unity_marketplace_thumbnails_with_sizes_out_of_range() {
    let app = app().await;
    let single = fetch(
        &app,
        "/v1/map.png?width=196&height=143&size=50&center=10,20&selected=10,20",
        None,
    )
    .await;
    let clamped = fetch(
        &app,
        "/v1/map.png?width=196&height=143&size=40&center=10,20&selected=10,20",
        None,
    )
    .await;
    assert_eq!(single.pixmap(), clamped.pixmap());
    let estate = fetch(
        &app,
        "/v1/map.png?width=100&height=100&size=0&center=0,0&selected=-1,-1;0,-1;-1,0;0,0",
        None,
    )
    .await
    .pixmap();
    assert_eq!((estate.width(), estate.height()), (100, 100));
    // `MapChunk`: the minimap's 1020 x 1020 chunks at 20 pixels a parcel.
    let chunk = fetch(
        &app,
        "/v1/map.png?center=0,0&width=1020&height=1020&size=20",
        None,
    )
    .await
    .pixmap();
    assert_eq!((chunk.width(), chunk.height()), (1020, 1020));
    // A dashboard sends `width=auto`: malformed, still a 400 naming it.
    let auto = get("/v1/map.png?width=auto&height=auto&size=15").await;
    let message = auto.error(400, "invalid_parameter");
    assert!(message.contains("width"), "{message}");
}
