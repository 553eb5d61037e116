//! The Rewards API over HTTP, on the store under test: signed requests,
//! roles, the life cycles of campaigns, keys, users and supply, reward
//! reads, secrets, and durability of the embedded store.

mod auth;
mod campaigns;
mod captcha;
mod catalyst;
mod claims;
mod contention;
mod durability;
mod keys;
mod roles;
mod scenes;
mod secrets;
mod sending;
mod supply;
mod users;

use axum::Router;
use axum::body::Body;
use http::Request;
use platform::signed_fetch::{Wallet, sign};
use serde_json::Value;

use crate::common::{Answer, NOW, send};

/// A request as a wallet signs it (3 links, metadata `{}`), at the tests'
/// clock.
pub fn signed_request(
    wallet: &Wallet,
    method: &str,
    uri: &str,
    body: Option<&Value>,
) -> Request<Body> {
    signed_request_at(wallet, method, uri, body, NOW)
}

/// The same, signed at `at` (ms).
pub fn signed_request_at(
    wallet: &Wallet,
    method: &str,
    uri: &str,
    body: Option<&Value>,
    at: i64,
) -> Request<Body> {
    let path = uri.split('?').next().unwrap();
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in sign(wallet, method, path, "{}", at, true) {
        request = request.header(name, value);
    }
    match body {
        Some(json) => request
            .header("content-type", "application/json")
            .body(Body::from(json.to_string()))
            .unwrap(),
        None => request.body(Body::empty()).unwrap(),
    }
}

pub async fn call(
    app: &Router,
    wallet: &Wallet,
    method: &str,
    uri: &str,
    body: Option<Value>,
) -> Answer {
    send(
        app.clone(),
        signed_request(wallet, method, uri, body.as_ref()),
    )
    .await
}

/// The `data` of a 201.
pub fn created(answer: &Answer) -> &Value {
    assert_eq!(answer.status.as_u16(), 201, "{}", answer.body);
    assert_eq!(answer.body["ok"], true, "{}", answer.body);
    &answer.body["data"]
}

/// A campaign created by `owner`; its id.
pub async fn new_campaign(app: &Router, owner: &Wallet) -> String {
    let answer = call(
        app,
        owner,
        "POST",
        "/api/campaigns",
        Some(serde_json::json!({"name": "Summer hats", "chain_id": 80002})),
    )
    .await;
    created(&answer)["id"].as_str().unwrap().to_string()
}

/// Gives `user` a role on the campaign, as its owner.
pub async fn grant(app: &Router, owner: &Wallet, campaign: &str, user: &Wallet, role: &str) {
    let answer = call(
        app,
        owner,
        "POST",
        &format!("/api/campaigns/{campaign}/users"),
        Some(serde_json::json!({"user": user.address(), "role": role})),
    )
    .await;
    created(&answer);
}

pub const COLLECTION: &str = "0x7434a847c5e1ff250db456c55f99d1612e93d6a3";

/// The Rewards API alone over `state`, with the server's shared layers: for
/// tests that set the state up (a catalyst list, a clock, captcha answers).
/// Its rate limits no behaviour test reaches (a test's claims all come from
/// one address); `rate_limits.rs` tests the limits.
pub fn router_of(state: rewards::RewardsState) -> Router {
    let limiter = crate::common::limiter(state.clock.clone());
    router_limited_by(state, &limiter)
}

/// The same, with these rate limits.
pub fn router_limited_by(
    state: rewards::RewardsState,
    limiter: &platform::rate_limit::RateLimiter,
) -> Router {
    platform::http::finish(rewards::app::api(state, &rewards::app::cors(None), Some(limiter)).0)
}

/// A key made by the owner; its id and its secret.
pub async fn new_key(
    app: &Router,
    owner: &Wallet,
    campaign: &str,
    body: Value,
) -> (String, String) {
    let answer = call(
        app,
        owner,
        "POST",
        &format!("/api/campaigns/{campaign}/keys"),
        Some(body),
    )
    .await;
    let key = created(&answer);
    (
        key["id"].as_str().unwrap().to_string(),
        key["campaign_key"].as_str().unwrap().to_string(),
    )
}

/// Adds stock as the owner.
pub async fn add_supply(app: &Router, owner: &Wallet, campaign: &str, body: Value) {
    created(
        &call(
            app,
            owner,
            "POST",
            &format!("/api/campaigns/{campaign}/supply"),
            Some(body),
        )
        .await,
    );
}

/// An unsigned claim, as a guest's scene sends it.
pub async fn claim(app: &Router, body: Value) -> Answer {
    let request = Request::builder()
        .method("POST")
        .uri("/api/rewards")
        .header("content-type", "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    send(app.clone(), request).await
}

/// A signed claim.
pub async fn claim_signed(app: &Router, wallet: &Wallet, body: Value) -> Answer {
    call(app, wallet, "POST", "/api/rewards", Some(body)).await
}

/// The rewards of a 200 or 201 claim answer.
pub fn rewards_of(answer: &Answer, status: u16) -> Vec<Value> {
    assert_eq!(answer.status.as_u16(), status, "{}", answer.body);
    assert_eq!(answer.body["ok"], true, "{}", answer.body);
    answer.body["data"].as_array().unwrap().clone()
}

/// A fresh address (a beneficiary that never signs).
pub fn address() -> String {
    Wallet::random().address()
}
