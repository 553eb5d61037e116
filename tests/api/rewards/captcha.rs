//! `POST /api/captcha` and keys with `requires_captcha`: the picture, the
//! answer in any letter case, and a captcha that passes once only, also
//! under 50 concurrent uses.

use std::sync::Arc;

use axum::body::Body;
use base64::Engine;
use http::Request;
use platform::clock::FixedClock;
use platform::signed_fetch::Wallet;
use rewards::domain::captcha::Captcha;
use rewards::domain::time::Timestamp;
use serde_json::{Value, json};

use super::{COLLECTION, add_supply, address, claim, new_campaign, new_key, rewards_of, router_of};
use crate::common::{NOW, rewards_state, send};

fn known_answer() -> String {
    "ACE347".into()
}

async fn new_captcha(app: &axum::Router) -> Value {
    let answer = send(
        app.clone(),
        Request::post("/api/captcha").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(answer.status.as_u16(), 201, "{}", answer.body);
    answer.body["data"].clone()
}

/// A campaign with stock and a key that asks for a captcha; the key's secret.
async fn captcha_dispenser(app: &axum::Router) -> String {
    let owner = Wallet::random();
    let campaign = new_campaign(app, &owner).await;
    add_supply(
        app,
        &owner,
        &campaign,
        json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 60}),
    )
    .await;
    new_key(app, &owner, &campaign, json!({"requires_captcha": true}))
        .await
        .1
}

#[tokio::test]
async fn a_captcha_is_a_300_by_100_png_that_expires_in_five_minutes() {
    let app = router_of(rewards_state(Arc::new(FixedClock(NOW))).await);
    let captcha = new_captcha(&app).await;
    assert!(uuid::Uuid::parse_str(captcha["id"].as_str().unwrap()).is_ok());
    assert_eq!(
        (captcha["width"].as_u64(), captcha["height"].as_u64()),
        (Some(300), Some(100))
    );
    assert_eq!(captcha["expires_at"], "2026-06-01T00:05:00.000Z");
    assert!(captcha.get("answer").is_none() && captcha.get("value").is_none());
    let image = captcha["image"].as_str().unwrap();
    let png = base64::engine::general_purpose::STANDARD
        .decode(
            image
                .strip_prefix("data:image/png;base64,")
                .expect("a PNG data URL"),
        )
        .unwrap();
    let decoder = png::Decoder::new(std::io::Cursor::new(png));
    let reader = decoder.read_info().unwrap();
    assert_eq!((reader.info().width, reader.info().height), (300, 100));
    // Two captchas are two pictures.
    assert_ne!(new_captcha(&app).await["image"], captcha["image"]);
}

#[tokio::test]
async fn the_answer_passes_once_in_any_case_and_wrong_or_expired_ones_never() {
    let mut state = rewards_state(Arc::new(FixedClock(NOW))).await;
    state.captcha_answer = known_answer;
    let app = router_of(state.clone());
    let secret = captcha_dispenser(&app).await;
    let body = |captcha: &Value, value: &str| json!({"campaign_key": secret, "beneficiary": address(), "captcha_id": captcha["id"], "captcha_value": value});

    // Lower case passes; the same captcha never again.
    let captcha = new_captcha(&app).await;
    assert_eq!(
        rewards_of(&claim(&app, body(&captcha, "ace347")).await, 201).len(),
        1
    );
    claim(&app, body(&captcha, "ACE347"))
        .await
        .error(400, "captcha_invalid");

    // A wrong answer consumes it: the right one after it fails.
    let captcha = new_captcha(&app).await;
    claim(&app, body(&captcha, "ACE348"))
        .await
        .error(400, "captcha_invalid");
    claim(&app, body(&captcha, "ACE347"))
        .await
        .error(400, "captcha_invalid");

    // Upper case passes.
    let captcha = new_captcha(&app).await;
    assert_eq!(
        rewards_of(&claim(&app, body(&captcha, "ACE347")).await, 201).len(),
        1
    );

    // Five minutes later it has expired.
    let captcha = new_captcha(&app).await;
    let mut later = state.clone();
    later.clock = Arc::new(FixedClock(NOW + 5 * 60_000 + 1));
    claim(&router_of(later), body(&captcha, "ACE347"))
        .await
        .error(400, "captcha_invalid");
    // An id that is no captcha, or not even an id.
    claim(&app, body(&json!({"id": uuid::Uuid::new_v4()}), "ACE347"))
        .await
        .error(400, "captcha_invalid");
    claim(&app, body(&json!({"id": 12}), "ACE347"))
        .await
        .error(400, "captcha_invalid");
}

#[tokio::test]
async fn fifty_concurrent_uses_of_one_captcha_let_exactly_one_through() {
    let mut state = rewards_state(Arc::new(FixedClock(NOW))).await;
    state.captcha_answer = known_answer;
    let app = router_of(state);
    let secret = captcha_dispenser(&app).await;
    let captcha = new_captcha(&app).await;
    let claims = (0..50).map(|_| {
        let app = app.clone();
        let body = json!({"campaign_key": secret, "beneficiary": address(),
            "captcha_id": captcha["id"], "captcha_value": "ace347"});
        tokio::spawn(async move { claim(&app, body).await })
    });
    let answers = futures::future::join_all(claims).await;
    let mut passed = 0;
    for answer in answers {
        let answer = answer.unwrap();
        match answer.status.as_u16() {
            201 => passed += 1,
            _ => {
                answer.error(400, "captcha_invalid");
            }
        }
    }
    assert_eq!(passed, 1);
}

#[tokio::test]
async fn expired_captchas_are_purged() {
    let state = rewards_state(Arc::new(FixedClock(NOW))).await;
    let old = Captcha {
        id: uuid::Uuid::new_v4().to_string(),
        answer: "ACE347".into(),
        expires_at: Timestamp(NOW - 1),
    };
    state.store.add_captcha(&old).await.unwrap();
    state.store.purge_captchas(Timestamp(NOW)).await.unwrap();
    if std::env::var("LAND_TEST_BACKEND").as_deref() == Ok("dynamodb") {
        // DynamoDB's TTL purges it: the table has TTL on, on the attribute
        // the captcha carries.
        let client = aws_sdk_dynamodb::Client::new(&crate::common::aws::sdk_config().await);
        let ttl = client
            .describe_time_to_live()
            .table_name(
                std::env::var("LAND_TEST_REWARDS_TABLE").unwrap_or_else(|_| "rewards-test".into()),
            )
            .send()
            .await
            .unwrap()
            .time_to_live_description
            .unwrap();
        assert_eq!(
            ttl.attribute_name(),
            Some(rewards::store::dynamo::TTL_ATTRIBUTE)
        );
        assert_eq!(
            ttl.time_to_live_status().map(|s| s.as_str()),
            Some("ENABLED")
        );
        let stored = client
            .get_item()
            .table_name(
                std::env::var("LAND_TEST_REWARDS_TABLE").unwrap_or_else(|_| "rewards-test".into()),
            )
            .key(
                "pk",
                aws_sdk_dynamodb::types::AttributeValue::S(format!("CAPTCHA#{}", old.id)),
            )
            .key(
                "sk",
                aws_sdk_dynamodb::types::AttributeValue::S("#CAPTCHA".into()),
            )
            .send()
            .await
            .unwrap()
            .item
            .unwrap();
        let expires: i64 = stored[rewards::store::dynamo::TTL_ATTRIBUTE]
            .as_n()
            .unwrap()
            .parse()
            .unwrap();
        assert!(
            expires * 1000 >= NOW - 1 && expires * 1000 <= NOW + 1000,
            "{expires}"
        );
    } else {
        assert!(
            state.store.take_captcha(&old.id).await.unwrap().is_none(),
            "the embedded store purged it"
        );
    }
}
