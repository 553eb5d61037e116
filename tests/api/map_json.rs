//! `/v1/map?nw=&se=`.

use crate::common::{dataset, get, ids};

#[tokio::test]
async fn the_reference_example_has_441_parcels() {
    let answer = get("/v1/map?nw=-10,10&se=10,-10").await;
    let data = answer.data();
    assert_eq!(data["assets"]["parcels"].as_array().unwrap().len(), 441);
    assert_eq!(data["assets"]["estates"], serde_json::json!([]));
    assert_eq!(data["total"], 441);
}

#[tokio::test]
async fn estates_owning_parcels_in_the_box_come_along() {
    let estate = dataset()
        .estates
        .iter()
        .find(|e| !e.data.parcels.is_empty())
        .unwrap();
    let p = estate.data.parcels[0];
    let answer = get(&format!(
        "/v1/map?nw={},{}&se={},{}",
        p.x - 1,
        p.y + 1,
        p.x + 1,
        p.y - 1
    ))
    .await;
    let data = answer.data();
    assert!(ids(&data["assets"]["estates"]).contains(&estate.id));
    let total = data["assets"]["parcels"].as_array().unwrap().len()
        + data["assets"]["estates"].as_array().unwrap().len();
    assert_eq!(data["total"].as_u64().unwrap() as usize, total);
}

#[tokio::test]
async fn both_corners_are_required_and_checked() {
    assert_eq!(
        get("/v1/map").await.error(400, "missing_parameter"),
        "Both \"nw\" and \"se\" are required query params"
    );
    assert_eq!(
        get("/v1/map?se=1,1").await.error(400, "missing_parameter"),
        "Both \"nw\" and \"se\" are required query params"
    );
    let message = get("/v1/map?nw=0,0&se=east,0")
        .await
        .error(400, "invalid_parameter");
    assert!(
        message.contains("\"se\"") && message.contains("integer"),
        "{message}"
    );
    let message = get("/v1/map?nw=0;0&se=1,1")
        .await
        .error(400, "invalid_parameter");
    assert!(
        message.contains("\"nw\"") && message.contains("x,y"),
        "{message}"
    );
    // A corner past the edge is cut to the city (see clients.rs).
    assert_eq!(get("/v1/map?nw=0,0&se=200,0").await.data()["total"], 151);
}
