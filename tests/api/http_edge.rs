//! What every route shares: envelopes, unknown routes, methods, CORS,
//! request ids, the OpenAPI description and the docs page.

use crate::common::{app, get, send};
use axum::body::Body;
use http::Request;

#[tokio::test]
async fn unknown_routes_and_methods_answer_with_the_error_envelope() {
    let message = get("/v1/nothing/here").await.error(404, "route_not_found");
    assert_eq!(message, "Route GET /v1/nothing/here not found");
    let answer = send(
        app().await,
        Request::post("/v1/parcels").body(Body::empty()).unwrap(),
    )
    .await;
    answer.error(405, "method_not_allowed");
}

#[tokio::test]
async fn cors_allows_any_origin_and_exposes_etag() {
    let request = Request::get("/v1/districts")
        .header("origin", "https://example.org")
        .body(Body::empty())
        .unwrap();
    let answer = send(app().await, request).await;
    assert_eq!(answer.headers["access-control-allow-origin"], "*");
    let exposed = answer.headers["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("etag"), "{exposed}");
    let preflight = Request::options("/v1/parcels")
        .header("origin", "https://example.org")
        .header("access-control-request-method", "GET")
        .header("access-control-request-headers", "x-request-id")
        .body(Body::empty())
        .unwrap();
    let answer = send(app().await, preflight).await;
    assert!(answer.status.is_success(), "{}", answer.status);
    let header = |name: &str| {
        answer
            .headers
            .get(name)
            .unwrap_or_else(|| panic!("preflight without {name}"))
            .to_str()
            .unwrap()
            .to_ascii_lowercase()
    };
    assert_eq!(header("access-control-allow-origin"), "*");
    let methods = header("access-control-allow-methods");
    assert!(
        methods.contains("get") && methods.contains("options"),
        "{methods}"
    );
    assert_eq!(header("access-control-allow-headers"), "*");
}

#[tokio::test]
async fn every_answer_carries_a_request_id() {
    let answer = get("/v1/districts").await;
    assert_eq!(answer.headers["x-request-id"].len(), 36);
    let request = Request::get("/v1/districts")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(app().await, request).await.headers["x-request-id"],
        "abc-123"
    );
}

#[tokio::test]
async fn the_openapi_description_covers_every_route() {
    let answer = get("/openapi.json").await;
    let doc = &answer.body;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let expected = [
        "/v1/parcels",
        "/v1/parcels/{x}/{y}",
        "/v1/parcels/{tokenId}",
        "/v1/parcels/{x}/{y}/encodedId",
        "/v1/addresses/{address}/parcels",
        "/v1/estates",
        "/v1/estates/{id}",
        "/v1/addresses/{address}/estates",
        "/v1/bids/{id}",
        "/v1/addresses/{address}/bids",
        "/v1/parcels/{x}/{y}/bids",
        "/v1/estates/{id}/bids",
        "/v1/bids/{address}/assets",
        "/v1/mortgages/{address}/parcels",
        "/v1/addresses/{address}/mortgages",
        "/v1/parcels/{x}/{y}/mortgages",
        "/v1/parcels/{x}/{y}/publications",
        "/v1/publications/{txHash}",
        "/v1/districts",
        "/v1/districts/{id}",
        "/v1/addresses/{address}/contributions",
        "/v1/map",
        "/v1/map.png",
        "/v1/parcels/{x}/{y}/map.png",
        "/v1/estates/{id}/map.png",
        "/v1/translations/{locale}",
        "/api/campaigns",
        "/api/campaigns/{campaign_id}",
        "/api/campaigns/{campaign_id}/transactions",
        "/api/campaigns/keys",
        "/api/campaigns/{campaign_id}/keys",
        "/api/campaigns/{campaign_id}/keys/{campaign_key_id}",
        "/api/campaigns/{campaign_id}/key/{campaign_key_id}/rewards",
        "/api/campaigns/{campaign_id}/users",
        "/api/campaigns/{campaign_id}/users/{user}",
        "/api/campaigns/{campaign_id}/supply",
        "/api/rewards",
        "/api/rewards/{reward_id}",
        "/api/campaigns/{campaign_id}/rewards",
        "/api/captcha",
    ];
    for path in expected {
        assert!(paths.contains_key(path), "{path} is not described");
    }
    assert_eq!(paths.len(), expected.len());
    // Bounds and enums are part of the description.
    let params = paths["/v1/parcels/{x}/{y}"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert_eq!(params[0]["schema"]["minimum"], -150);
    assert_eq!(params[0]["schema"]["maximum"], 150);
    let text = doc.to_string();
    assert!(text.contains("fingerprintChanged") && text.contains("block_time_updated_at"));
    assert!(doc["components"]["schemas"].get("ErrorBody").is_some());
    // Signed routes name their scheme; the public reward read does not.
    assert!(
        doc["components"]["securitySchemes"]
            .get("signed_fetch")
            .is_some()
    );
    assert_eq!(
        paths["/api/campaigns"]["post"]["security"][0]["signed_fetch"],
        serde_json::json!([])
    );
    assert!(
        paths["/api/rewards/{reward_id}"]["get"]
            .get("security")
            .is_none()
    );
}

fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_schema_reference_resolves() {
    let answer = get("/openapi.json").await;
    let mut found = Vec::new();
    refs(&answer.body, &mut found);
    assert!(!found.is_empty());
    for r in found {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("unexpected ref {r}"));
        assert!(
            answer.body["components"]["schemas"].get(name).is_some(),
            "{r} is not defined"
        );
    }
    // `/map` needs both corners: the description says so.
    let params = answer.body["paths"]["/v1/map"]["get"]["parameters"]
        .as_array()
        .unwrap();
    assert!(params.iter().all(|p| p["required"] == true));
}

#[tokio::test]
async fn the_docs_page_is_served_offline() {
    let answer = send(
        app().await,
        Request::get("/docs/").body(Body::empty()).unwrap(),
    )
    .await;
    assert!(answer.status.is_success());
    let content_type = answer.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let js = send(
        app().await,
        Request::get("/docs/swagger-ui-bundle.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(js.status.is_success());
    let content_type = js.headers["content-type"].to_str().unwrap();
    assert!(content_type.contains("javascript"), "{content_type}");
}
