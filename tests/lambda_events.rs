//! API Gateway HTTP API (v2) events from `events/` go through each family's
//! Lambda router the way `lambda_http::run` sends them.

mod common;

use std::sync::Arc;

use common::{NOW, backend};
use http_body_util::BodyExt;
use lambda_http::request::from_str;
use serde_json::Value;
use shared::domain::clock::FixedClock;
use tower::ServiceExt;

async fn invoke(family: &str, event: &str) -> (u16, Value) {
    let router = backend()
        .await
        .lambda_router(family, Arc::new(FixedClock(NOW)))
        .unwrap();
    let request = from_str(event).expect("a valid API Gateway v2 event");
    let response = router.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap())
}

#[tokio::test]
async fn every_event_file_is_answered_by_its_function() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut families = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let family = name.split('-').next().unwrap().to_string();
        let (status, body) = invoke(&family, &std::fs::read_to_string(&path).unwrap()).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(body["ok"], true, "{name}");
        families.insert(family);
    }
    let expected: std::collections::BTreeSet<String> = shared::app::LAND_FAMILIES
        .iter()
        .map(|f| f.to_string())
        .collect();
    assert_eq!(families, expected, "one event per function at least");
}

#[tokio::test]
async fn a_v2_event_reaches_the_parcels_function() {
    let (status, body) = invoke("parcels", include_str!("../events/parcels.json")).await;
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
    let (_, body) = invoke("translations", include_str!("../events/translations.json")).await;
    assert!(body["data"]["activity.approve"].is_string());
}

#[tokio::test]
async fn a_family_answers_only_its_own_routes() {
    let (status, body) = invoke("districts", include_str!("../events/parcels.json")).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "route_not_found");
    assert!(
        backend()
            .await
            .lambda_router("nope", Arc::new(FixedClock(NOW)))
            .is_none()
    );
}
