//! API Gateway HTTP API (v2) events go through a family's Lambda router the
//! way `lambda_http::run` sends them.

mod common;

use std::sync::Arc;

use common::{NOW, store};
use http_body_util::BodyExt;
use lambda_http::request::from_str;
use serde_json::Value;
use shared::domain::clock::FixedClock;
use tower::ServiceExt;

async fn invoke(family: &str, event: &str) -> (u16, Value) {
    let router = shared::app::lambda_router(family, store(), Arc::new(FixedClock(NOW))).unwrap();
    let request = from_str(event).expect("a valid API Gateway v2 event");
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn a_v2_event_reaches_the_parcels_function() {
    let (status, body) = invoke("parcels", include_str!("../events/parcels-get-parcel.json")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], "-48,-29");
}

#[tokio::test]
async fn query_strings_of_v2_events_are_read() {
    let (status, body) = invoke("parcels", include_str!("../events/parcels-list-sold.json")).await;
    assert_eq!(status, 200, "{body}");
    let parcels = body["data"]["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 3);
    assert!(parcels.iter().all(|p| p["publication"]["status"] == "sold"));
}

#[tokio::test]
async fn a_family_answers_only_its_own_routes() {
    let (status, body) = invoke(
        "districts",
        include_str!("../events/parcels-get-parcel.json"),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "route_not_found");
    assert!(shared::app::lambda_router("nope", store(), Arc::new(FixedClock(NOW))).is_none());
}
