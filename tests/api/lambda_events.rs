//! API Gateway HTTP API (v2) events from `events/` go through each family's
//! Lambda router the way `lambda_http::run` sends them.

use std::sync::Arc;

use axum::Router;
use http_body_util::BodyExt;
use lambda_http::request::from_str;
use land::bids::{self, BidsState};
use land::districts::{self, DistrictsState};
use land::estates::{self, EstatesState};
use land::map::{self, MapState};
use land::mortgages::{self, MortgagesState};
use land::parcels::{self, ParcelsState};
use land::publications::{self, PublicationsState};
use platform::clock::{Clock, FixedClock};
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{NOW, app, backend};

/// The router a family's Lambda function serves, built as its `main` builds it.
async fn function(family: &str) -> Router {
    let backend = backend().await;
    let store = backend.store;
    let clock: Arc<dyn Clock> = Arc::new(FixedClock(NOW));
    let routes = match family {
        "parcels" => parcels::router(ParcelsState { store, clock }),
        "estates" => estates::router(EstatesState { store, clock }),
        "bids" => bids::router(BidsState { store, clock }),
        "mortgages" => mortgages::router(MortgagesState { store, clock }),
        "publications" => publications::router(PublicationsState { store, clock }),
        "districts" => districts::router(DistrictsState { store }),
        "map" => map::router(MapState::new(store, clock, backend.png_cache)),
        "translations" => land::translations::router(),
        other => panic!("no function {other}"),
    };
    land::app::lambda_router(
        routes,
        Some(&crate::common::limiter(Arc::new(FixedClock(NOW)))),
    )
}

async fn invoke_raw(family: &str, event: &str) -> (u16, String, bytes::Bytes) {
    let request = from_str(event).expect("a valid API Gateway v2 event");
    let response = function(family).await.oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_string();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, content_type, bytes)
}

async fn invoke(family: &str, event: &str) -> (u16, Value) {
    let (status, _, bytes) = invoke_raw(family, event).await;
    (status, serde_json::from_slice(&bytes).unwrap())
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The whole Lambda path, as `lambda_http::run` takes it: a v2 event in, the
/// API Gateway response out, as JSON.
async fn through_lambda(family: &str, event: Value) -> Value {
    use lambda_http::request::LambdaRequest;
    use lambda_http::{Adapter, Context, LambdaEvent, Service};

    let mut adapter: Adapter<'_, _, _> = Adapter::from(function(family).await);
    let payload: LambdaRequest = serde_json::from_value(event).unwrap();
    let answer = adapter
        .call(LambdaEvent::new(payload, Context::default()))
        .await
        .unwrap();
    serde_json::to_value(&answer).unwrap()
}

/// Every event file, through its function, answers what the same request
/// answers through the local server: same status, same body.
#[tokio::test]
async fn every_event_file_is_answered_by_its_function_as_the_server_answers() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("events");
    let mut families = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let family = name.split('-').next().unwrap().to_string();
        // Rewards events: `signed_rewards_events_reach_their_functions` and
        // `claim_and_captcha_events_reach_their_functions`; the SQS event of
        // the reward sender: rewards::sending.
        if matches!(
            family.as_str(),
            "campaigns" | "rewards" | "captcha" | "reward"
        ) {
            continue;
        }
        let event = std::fs::read_to_string(&path).unwrap();
        let (status, content_type, bytes) = invoke_raw(&family, &event).await;
        assert_eq!(status, 200, "{name}: {bytes:?}");

        let request = from_str(&event).unwrap();
        let local = axum::http::Request::get(request.uri().path_and_query().unwrap().as_str())
            .body(axum::body::Body::empty())
            .unwrap();
        let response = app().await.oneshot(local).await.unwrap();
        assert_eq!(response.status(), 200, "{name} on the local server");
        let expected = response.into_body().collect().await.unwrap().to_bytes();
        if content_type == "image/png" {
            assert!(bytes.starts_with(PNG_SIGNATURE), "{name}");
            assert_eq!(bytes, expected, "{name}: the same picture");
        } else {
            let body: Value = serde_json::from_slice(&bytes).unwrap();
            let expected: Value = serde_json::from_slice(&expected).unwrap();
            assert_eq!(body["ok"], true, "{name}");
            assert_ne!(body["data"], Value::Null, "{name}");
            assert_eq!(body, expected, "{name}: the same answer");
        }
        families.insert(family);
    }
    let expected: std::collections::BTreeSet<String> = [
        "parcels",
        "estates",
        "bids",
        "mortgages",
        "publications",
        "districts",
        "map",
        "translations",
    ]
    .map(String::from)
    .into();
    assert_eq!(families, expected, "one event per function at least");
}

#[tokio::test]
async fn a_v2_event_reaches_the_parcels_function() {
    let (status, body) = invoke("parcels", include_str!("../../events/parcels.json")).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["id"], "-48,-29");
}

#[tokio::test]
async fn query_strings_of_v2_events_are_read() {
    let (status, body) = invoke(
        "parcels",
        include_str!("../../events/parcels-list-sold.json"),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let parcels = body["data"]["parcels"].as_array().unwrap();
    assert_eq!(parcels.len(), 3);
    assert!(parcels.iter().all(|p| p["publication"]["status"] == "sold"));
    let (_, body) = invoke(
        "translations",
        include_str!("../../events/translations.json"),
    )
    .await;
    assert!(body["data"]["activity.approve"].is_string());
}

#[tokio::test]
async fn a_family_answers_only_its_own_routes() {
    let (status, body) = invoke("districts", include_str!("../../events/parcels.json")).await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "route_not_found");
}

/// The map function's PNG body travels base64-encoded with `isBase64Encoded`
/// so that the HTTP API decodes it to bytes.
#[tokio::test]
async fn the_map_function_returns_a_binary_png_body() {
    use base64::Engine;

    let event = serde_json::from_str(include_str!("../../events/map-png.json")).unwrap();
    let wire = through_lambda("map", event).await;
    assert_eq!(wire["isBase64Encoded"], true, "{wire:#}");
    assert_eq!(wire["statusCode"], 200);
    assert_eq!(wire["headers"]["content-type"], "image/png");
    assert!(wire["headers"]["etag"].as_str().unwrap().starts_with('"'));
    let png = base64::engine::general_purpose::STANDARD
        .decode(wire["body"].as_str().unwrap())
        .expect("a base64 body");
    assert!(png.starts_with(PNG_SIGNATURE));
    let pixmap = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!((pixmap.width(), pixmap.height()), (200, 150));
}

/// A JSON answer the client accepts compressed travels as binary: gzip bytes,
/// base64-encoded with `isBase64Encoded`, `Content-Encoding` intact, so that
/// API Gateway hands the client the gzip body it asked for.
#[tokio::test]
async fn compressed_json_travels_base64_encoded_with_its_content_encoding() {
    use base64::Engine;

    let mut event: Value = serde_json::from_str(include_str!("../../events/parcels.json")).unwrap();
    let plain_answer = through_lambda("parcels", event.clone()).await;
    assert_eq!(plain_answer["isBase64Encoded"], false);
    event["headers"]["accept-encoding"] = "gzip, deflate".into();
    let wire = through_lambda("parcels", event).await;
    assert_eq!(wire["statusCode"], 200);
    assert_eq!(wire["isBase64Encoded"], true, "{wire:#}");
    assert_eq!(wire["headers"]["content-encoding"], "gzip");
    assert_eq!(wire["headers"]["content-type"], "application/json");
    // One header per name reaches the client: every Vary value is in it.
    let vary = wire["headers"]["vary"].as_str().unwrap();
    assert!(
        vary.contains("accept-encoding") && vary.contains("origin"),
        "{vary}"
    );
    let gzip = base64::engine::general_purpose::STANDARD
        .decode(wire["body"].as_str().unwrap())
        .expect("a base64 body");
    let json: Value = serde_json::from_slice(&crate::common::decode(Some("gzip"), &gzip)).unwrap();
    let plain: Value = serde_json::from_str(plain_answer["body"].as_str().unwrap()).unwrap();
    assert_eq!(json, plain);
    assert_eq!(json["data"]["id"], "-48,-29");
}

/// A Rewards function's router, built as its `main` builds it (on the store
/// under test, the clock at the events' signing instant).
async fn rewards_function(family: &str) -> Router {
    let state = crate::common::rewards_state(Arc::new(FixedClock(NOW))).await;
    let routes = match family {
        "campaigns" => rewards::campaigns::router(state),
        "rewards" => rewards::rewards::router(state),
        "captcha" => rewards::captcha::router(state),
        other => panic!("no function {other}"),
    };
    rewards::app::lambda_router(
        routes,
        &rewards::app::cors(None),
        Some(&crate::common::limiter(Arc::new(FixedClock(NOW)))),
    )
}

#[tokio::test]
async fn signed_rewards_events_reach_their_functions() {
    let event = include_str!("../../events/campaigns-create.json");
    let request = from_str(event).expect("a valid API Gateway v2 event");
    let response = rewards_function("campaigns")
        .await
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "https://decentraland.org"
    );
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["data"]["name"], "Summer hats");
    assert_eq!(body["data"]["chain_id"], 80002);

    let event = include_str!("../../events/rewards-list.json");
    let request = from_str(event).expect("a valid API Gateway v2 event");
    let response = rewards_function("rewards")
        .await
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        (body["ok"].clone(), body["total"].clone()),
        (Value::Bool(true), 0.into())
    );

    // The campaigns function does not serve the rewards family's routes.
    let request = from_str(event).unwrap();
    let response = rewards_function("campaigns")
        .await
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 404);
}

/// The claim event as a scene sends it (unsigned, `?campaign_id=`, a stray
/// `catalyst`), with the secret of a key this test made: a reward, and its
/// message on the function's queue. The captcha event draws a captcha.
#[tokio::test]
async fn claim_and_captcha_events_reach_their_functions() {
    use crate::rewards::{add_supply, new_campaign};
    let state = crate::common::rewards_state(Arc::new(FixedClock(NOW))).await;
    let campaigns = rewards::app::lambda_router(
        rewards::campaigns::router(state.clone()),
        &rewards::app::cors(None),
        Some(&crate::common::limiter(state.clock.clone())),
    );
    let owner = platform::signed_fetch::Wallet::random();
    let campaign = new_campaign(&campaigns, &owner).await;
    add_supply(
        &campaigns,
        &owner,
        &campaign,
        serde_json::json!({"target": crate::rewards::COLLECTION, "value": "1", "token": "Hat", "quantity": 1}),
    )
    .await;
    let keys = crate::rewards::call(
        &campaigns,
        &owner,
        "GET",
        &format!("/api/campaigns/{campaign}/keys"),
        None,
    )
    .await;
    let secret = keys.data()[0]["campaign_key"].as_str().unwrap().to_string();

    let mut event: Value =
        serde_json::from_str(include_str!("../../events/rewards-claim.json")).unwrap();
    let mut body: Value = serde_json::from_str(event["body"].as_str().unwrap()).unwrap();
    body["campaign_key"] = secret.into();
    event["body"] = body.to_string().into();
    let request = from_str(&event.to_string()).expect("a valid API Gateway v2 event");
    let rewards_router = rewards::app::lambda_router(
        rewards::rewards::router(state.clone()),
        &rewards::app::cors(None),
        Some(&crate::common::limiter(state.clock.clone())),
    );
    let response = rewards_router.oneshot(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let answer: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    let reward = &answer["data"][0];
    assert_eq!(reward["user"], body["beneficiary"]);
    let queued = state
        .outbox
        .queue()
        .receive(10, std::time::Duration::from_millis(100))
        .await
        .unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(
        queued[0].as_ref().unwrap().message.reward_id.as_deref(),
        reward["id"].as_str()
    );

    let request = from_str(include_str!("../../events/captcha.json")).expect("a valid event");
    let response = rewards_function("captcha")
        .await
        .oneshot(request)
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 201);
    let answer: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert!(
        answer["data"]["image"]
            .as_str()
            .unwrap()
            .starts_with("data:image/png;base64,")
    );
}
