//! decentraland-gatsby (`src/utils/api/Land.ts`): query strings built with
//! `URLSearchParams`, so commas and semicolons arrive percent-encoded.

use super::box_ids;
use crate::common::png::fetch;
use crate::common::{app, get, ids};

/// `getParcels(options)` sends both the camelCase and the snake_case sort
/// keys (URLSearchParams, in object order); the camelCase ones are unknown
/// and ignored.
#[tokio::test]
async fn gatsby_get_parcels_with_both_key_spellings() {
    let answer = get(
        "/v1/parcels?status=open&sortBy=price&sortOrder=desc&limit=10&offset=0&sort_by=price&sort_order=desc",
    )
    .await;
    let data = answer.data();
    let prices: Vec<f64> = data["parcels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["publication"]["price"].as_f64().unwrap())
        .collect();
    assert_eq!(prices.len(), 10);
    assert!(prices.windows(2).all(|w| w[0] >= w[1]), "{prices:?}");
}

/// `getMapContent(nw, se)` percent-encodes the commas; `getImage(...)` does
/// the same for `center` and the `;` of `selected`.
#[tokio::test]
async fn gatsby_map_content_and_image_with_encoded_commas() {
    let answer = get("/v1/map?nw=-10%2C10&se=10%2C-10").await;
    assert_eq!(
        ids(&answer.data()["assets"]["parcels"]),
        box_ids(-10, 10, -10, 10)
    );
    let picture = fetch(
        &app().await,
        "/v1/map.png?width=500&height=500&size=10&center=20%2C21&selected=20%2C20%3B20%2C21&publications=true",
        None,
    )
    .await
    .pixmap();
    assert_eq!((picture.width(), picture.height()), (500, 500));
}
