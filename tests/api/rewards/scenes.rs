//! Claims exactly as the dispenser and giveaway scenes send them from the
//! Unity, Godot, web and Bevy explorers (`rewards-behaviour.md`, "What real
//! clients do").

use axum::body::Body;
use http::Request;
use platform::signed_fetch::{Wallet, sign};
use serde_json::{Value, json};

use super::{COLLECTION, add_supply, address, new_campaign, new_key, rewards_of};
use crate::common::{Answer, NOW, app, send};

/// A scene's claim: `?campaign_id=` on the URL, signed with `metadata`
/// when a wallet is given.
async fn scene_claim(
    app: &axum::Router,
    uri: &str,
    signer: Option<(&Wallet, &str)>,
    body: &Value,
) -> Answer {
    let mut request = Request::builder()
        .method("POST")
        .uri(uri)
        .header("content-type", "application/json");
    if let Some((wallet, metadata)) = signer {
        let path = uri.split('?').next().unwrap();
        for (name, value) in sign(wallet, "POST", path, metadata, NOW, true) {
            request = request.header(name, value);
        }
    }
    send(
        app.clone(),
        request.body(Body::from(body.to_string())).unwrap(),
    )
    .await
}

async fn dispenser(app: &axum::Router) -> (String, String) {
    let owner = Wallet::random();
    let campaign = new_campaign(app, &owner).await;
    add_supply(
        app,
        &owner,
        &campaign,
        json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 10}),
    )
    .await;
    let (_, secret) = new_key(app, &owner, &campaign, json!({"assign_limit": 1})).await;
    (campaign, secret)
}

#[tokio::test]
async fn a_guest_scene_with_campaign_id_on_the_url_and_a_stray_catalyst_gets_its_reward() {
    let app = app().await;
    let (campaign, secret) = dispenser(&app).await;
    let guest = address();
    // The SDK7 dispenser sends a catalyst even when the key needs none.
    for catalyst in [
        json!(""),
        json!("https://not-a-catalyst.example"),
        json!(null),
    ] {
        let beneficiary = address();
        let answer = scene_claim(
            &app,
            &format!("/api/rewards?campaign_id={campaign}"),
            None,
            &json!({"campaign_key": secret, "beneficiary": beneficiary, "catalyst": catalyst}),
        )
        .await;
        assert_eq!(rewards_of(&answer, 201)[0]["user"], beneficiary.as_str());
    }
    // A second claim of the same guest hits the limit: 200 with what it holds.
    let uri = format!("/api/rewards?campaign_id={campaign}");
    let body = json!({"campaign_key": secret, "beneficiary": guest});
    let first = rewards_of(&scene_claim(&app, &uri, None, &body).await, 201);
    let again = rewards_of(&scene_claim(&app, &uri, None, &body).await, 200);
    assert_eq!(again, first);
}

#[tokio::test]
async fn a_signed_scene_may_leave_the_beneficiary_out_but_not_send_it_empty() {
    let app = app().await;
    let (campaign, secret) = dispenser(&app).await;
    let uri = format!("/api/rewards?campaign_id={campaign}");
    // The Unity explorer signs with the scene's metadata.
    let unity_metadata = json!({"origin": "https://play.decentraland.org", "sceneId": "b64-abc",
        "parcel": "10,20", "tld": "org", "network": "mainnet", "isGuest": false,
        "signer": "decentraland-kernel-scene"})
    .to_string();
    let player = Wallet::random();
    let answer = scene_claim(
        &app,
        &uri,
        Some((&player, &unity_metadata)),
        &json!({"campaign_key": secret}),
    )
    .await;
    assert_eq!(rewards_of(&answer, 201)[0]["user"], player.address());
    // Guests of the web explorer send "beneficiary": "" (signed or not).
    let guest = Wallet::random();
    let empty = json!({"campaign_key": secret, "beneficiary": ""});
    scene_claim(&app, &uri, Some((&guest, &unity_metadata)), &empty)
        .await
        .error(400, "beneficiary_invalid");
    scene_claim(&app, &uri, None, &empty)
        .await
        .error(400, "beneficiary_invalid");
    // The Godot explorer signs the whole body as the metadata.
    let godot = Wallet::random();
    let body = json!({"campaign_key": secret, "beneficiary": godot.address().to_uppercase().replace("0X", "0x")});
    let answer = scene_claim(&app, &uri, Some((&godot, &body.to_string())), &body).await;
    assert_eq!(rewards_of(&answer, 201)[0]["user"], godot.address());
}

#[tokio::test]
#[allow(deprecated)]
async fn the_deprecated_campaign_route_assigns_only_keys_of_its_campaign() {
    let app = app().await;
    let (campaign, secret) = dispenser(&app).await;
    let (other_campaign, _) = dispenser(&app).await;
    let body = json!({"campaign_key": secret, "beneficiary": address()});
    let answer = scene_claim(
        &app,
        &format!("/api/campaigns/{campaign}/rewards"),
        None,
        &body,
    )
    .await;
    assert_eq!(rewards_of(&answer, 201).len(), 1);
    let message = scene_claim(
        &app,
        &format!("/api/campaigns/{other_campaign}/rewards"),
        None,
        &body,
    )
    .await
    .error(400, "campaign_key_invalid");
    assert_eq!(message, "Campaign key is invalid");
}

#[tokio::test]
async fn only_state_errors_carry_the_words_scenes_search_for() {
    // Scenes search the `error` text for the words of the state errors: a
    // body error must not contain them by accident (it may name
    // `captcha_value`, as the behaviour page allows).
    let app = app().await;
    let words = [
        "disabled",
        "uninitiated",
        "finished",
        "Catalyst",
        "catalyst",
        "connected",
        "position",
    ];
    for body in [
        json!({"campaign_key": 7}),
        json!({}),
        json!({"campaign_key": ""}),
        json!({"campaign_key": "k", "captcha_value": "12345"}),
        json!({"campaign_key": "k", "assign_target": "0x1"}),
        json!({"campaign_key": "k", "assign_value": "1"}),
        json!({"campaign_key": "k", "assign_target": COLLECTION, "assign_value": "x"}),
        json!({"campaign_key": "k", "assign_group": ""}),
    ] {
        let answer = scene_claim(&app, "/api/rewards", None, &body).await;
        let message = answer.error(400, "bad_request");
        for word in words {
            assert!(!message.contains(word), "{body}: {message} contains {word}");
        }
    }
    // A restricted key's choice (step 9) is a body error too.
    let chosen = rewards::domain::claim::ClaimError::NotAllowed("assign_group").to_string();
    assert!(words.iter().all(|word| !chosen.contains(word)), "{chosen}");
}
