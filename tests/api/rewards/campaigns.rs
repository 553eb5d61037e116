use axum::body::Body;
use http::Request;
use platform::signed_fetch::Wallet;
use serde_json::json;

use super::{COLLECTION, call, created, new_campaign, signed_request};
use crate::common::{app, send};

#[tokio::test]
async fn a_campaign_is_created_with_its_wallet_listed_read_and_changed() {
    let app = app().await;
    let owner = Wallet::random();
    let answer = call(
        &app,
        &owner,
        "POST",
        "/api/campaigns",
        Some(json!({"name": "Summer hats", "chain_id": 137,
            "active_since": "2026-01-01T00:00:00Z", "active_until": "2030-01-01T00:00:00.000Z"})),
    )
    .await;
    let campaign = created(&answer).clone();
    let id = campaign["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    let address = campaign["address"].as_str().unwrap();
    assert!(
        address.len() == 42 && address == address.to_lowercase(),
        "{address}"
    );
    assert_eq!(campaign["chain_id"], 137);
    assert_eq!(campaign["max_gas"], 200.0);
    assert_eq!(campaign["enabled"], true);
    assert_eq!(campaign["active_since"], "2026-01-01T00:00:00.000Z");
    assert_eq!(campaign["created_at"], "2026-06-01T00:00:00.000Z");

    let read = call(&app, &owner, "GET", &format!("/api/campaigns/{id}"), None).await;
    assert_eq!(read.data(), &campaign);
    let listed = call(&app, &owner, "GET", "/api/campaigns", None).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.data()[0], campaign);
    let stranger = call(&app, &Wallet::random(), "GET", "/api/campaigns", None).await;
    assert_eq!(
        (stranger.body["total"].clone(), stranger.data().clone()),
        (json!(0), json!([]))
    );

    let patched = call(
        &app,
        &owner,
        "PATCH",
        &format!("/api/campaigns/{id}"),
        Some(
            json!({"name": "Winter hats", "enabled": false, "max_gas": null, "active_until": null}),
        ),
    )
    .await;
    let data = patched.data();
    assert_eq!(
        (data["name"].as_str(), data["enabled"].as_bool()),
        (Some("Winter hats"), Some(false))
    );
    assert_eq!(
        (data["max_gas"].clone(), data["active_until"].clone()),
        (json!(null), json!(null))
    );
    assert_eq!(data["active_since"], campaign["active_since"]);
    assert_eq!(data["address"], campaign["address"]);

    for (status, total) in [
        ("Disable", 1),
        ("disabled", 1),
        ("ENABLED", 0),
        ("Enabled", 0),
    ] {
        let answer = call(
            &app,
            &owner,
            "GET",
            &format!("/api/campaigns?status={status}"),
            None,
        )
        .await;
        assert_eq!(answer.body["total"], total, "{status}: {}", answer.body);
    }
    call(&app, &owner, "GET", "/api/campaigns?status=off", None)
        .await
        .error(400, "invalid_parameter");
    call(&app, &owner, "GET", "/api/campaigns?limit=101", None)
        .await
        .error(400, "invalid_parameter");
}

#[tokio::test]
async fn lists_are_paged_newest_first_with_their_total() {
    let owner = Wallet::random();
    let mut ids = Vec::new();
    // One second apart: the server's clock moves, the signatures stay fresh.
    for second in 0..3 {
        let clock = std::sync::Arc::new(platform::clock::FixedClock(
            crate::common::NOW + second * 1000,
        ));
        let app = genesis_api::server_router(
            &crate::common::backend().await,
            clock.clone(),
            crate::common::rewards_state(clock.clone()).await,
            &rewards::app::cors(None),
            Some(&crate::common::limiter(clock)),
        );
        ids.push(new_campaign(&app, &owner).await);
    }
    let app = app().await;
    let page = call(&app, &owner, "GET", "/api/campaigns?limit=2&offset=1", None).await;
    assert_eq!(page.body["total"], 3);
    let listed: Vec<&str> = page
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        [ids[1].as_str(), ids[0].as_str()],
        "newest first, second page"
    );
}

#[tokio::test]
async fn bad_bodies_are_400_bad_request_naming_the_field() {
    let app = app().await;
    let owner = Wallet::random();
    let cases = [
        (json!({"name": "ab", "chain_id": 137}), "name"),
        (json!({"name": "Hats", "chain_id": 5}), "chain_id"),
        (json!({"name": "Hats"}), "chain_id"),
        (json!({"name": 7, "chain_id": 137}), "name"),
        (
            json!({"name": "Hats", "chain_id": 137, "active_since": "soon"}),
            "active_since",
        ),
        (
            json!({"name": "Hats", "chain_id": 137, "max_gas": -1}),
            "max_gas",
        ),
    ];
    for (body, field) in cases {
        let message = call(&app, &owner, "POST", "/api/campaigns", Some(body.clone()))
            .await
            .error(400, "bad_request");
        assert!(message.contains(field), "{body}: {message}");
    }
    // Not JSON, and no content type: still our 400, never axum's 415/422.
    let mut request = signed_request(&owner, "POST", "/api/campaigns", None);
    *request.body_mut() = Body::from("{name:");
    send(app.clone(), request).await.error(400, "bad_request");
    let id = new_campaign(&app, &owner).await;
    let message = call(
        &app,
        &owner,
        "PATCH",
        &format!("/api/campaigns/{id}"),
        Some(json!({"chain_id": "137"})),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("chain_id"), "{message}");
    call(&app, &owner, "GET", "/api/campaigns/not-a-uuid", None)
        .await
        .error(400, "invalid_parameter");
    call(
        &app,
        &owner,
        "GET",
        &format!("/api/campaigns/{}", uuid::Uuid::new_v4()),
        None,
    )
    .await
    .error(404, "not_found");
}

#[tokio::test]
async fn the_chain_is_fixed_once_the_campaign_has_rewards() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let path = format!("/api/campaigns/{id}");
    let moved = call(&app, &owner, "PATCH", &path, Some(json!({"chain_id": 137}))).await;
    assert_eq!(moved.data()["chain_id"], 137);
    let supply = json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 1});
    created(
        &call(
            &app,
            &owner,
            "POST",
            &format!("{path}/supply"),
            Some(supply),
        )
        .await,
    );
    call(&app, &owner, "PATCH", &path, Some(json!({"chain_id": 1})))
        .await
        .error(409, "chain_id_locked");
    // The same chain again is no change.
    let same = call(
        &app,
        &owner,
        "PATCH",
        &path,
        Some(json!({"chain_id": 137, "name": "Renamed"})),
    )
    .await;
    assert_eq!(same.data()["name"], "Renamed");
}

#[tokio::test]
async fn reward_reads_are_signed_lists_and_public_by_id() {
    let app = app().await;
    let wallet = Wallet::random();
    let mine = call(
        &app,
        &wallet,
        "GET",
        "/api/rewards?status=assigned&limit=10",
        None,
    )
    .await;
    assert_eq!(
        (mine.body["total"].clone(), mine.data().clone()),
        (json!(0), json!([]))
    );
    call(&app, &wallet, "GET", "/api/rewards?status=lost", None)
        .await
        .error(400, "invalid_parameter");
    let unsigned = send(
        app.clone(),
        Request::get("/api/rewards").body(Body::empty()).unwrap(),
    )
    .await;
    unsigned.error(401, "signature_required");
    let by_id = Request::get(format!("/api/rewards/{}", uuid::Uuid::new_v4()))
        .body(Body::empty())
        .unwrap();
    send(app.clone(), by_id).await.error(404, "not_found");
    let bad_id = Request::get("/api/rewards/42").body(Body::empty()).unwrap();
    send(app.clone(), bad_id)
        .await
        .error(400, "invalid_parameter");
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let txs = call(
        &app,
        &owner,
        "GET",
        &format!("/api/campaigns/{id}/transactions"),
        None,
    )
    .await;
    assert_eq!(
        (txs.body["total"].clone(), txs.data().clone()),
        (json!(0), json!([]))
    );
}

#[tokio::test]
async fn cors_answers_decentraland_origins_on_the_rewards_api_only() {
    let app = app().await;
    let preflight = |origin: &str| {
        Request::options("/api/campaigns")
            .header("origin", origin)
            .header("access-control-request-method", "PATCH")
            .header(
                "access-control-request-headers",
                "content-type,x-identity-auth-chain-0,x-identity-auth-chain-2,x-identity-timestamp,x-identity-metadata",
            )
            .body(Body::empty())
            .unwrap()
    };
    for origin in [
        "https://decentraland.org",
        "https://play.decentraland.zone",
        "http://localhost:8000",
    ] {
        let answer = send(app.clone(), preflight(origin)).await;
        assert!(answer.status.is_success(), "{origin}: {}", answer.status);
        assert_eq!(answer.headers["access-control-allow-origin"], origin);
        let methods = answer.headers["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            methods.contains("PATCH") && methods.contains("DELETE"),
            "{methods}"
        );
        let headers = answer.headers["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        for wanted in [
            "content-type",
            "x-identity-auth-chain-2",
            "x-identity-timestamp",
            "x-identity-metadata",
        ] {
            assert!(headers.contains(wanted), "{wanted} in {headers}");
        }
    }
    let answer = send(app.clone(), preflight("https://evil.example")).await;
    assert!(
        answer.headers.get("access-control-allow-origin").is_none(),
        "{:?}",
        answer.headers
    );
    // LAND stays open to any origin.
    let land = Request::get("/v1/districts")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    assert_eq!(
        send(app.clone(), land).await.headers["access-control-allow-origin"],
        "*"
    );
}

/// Two PATCHes that read the same campaign (or key): the later write does
/// not undo the earlier one, it finds the campaign changed and reads again.
#[tokio::test]
async fn a_write_over_a_stale_read_is_refused_on_the_store() {
    use rewards::store::WriteError;

    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let state = crate::common::rewards_state(std::sync::Arc::new(platform::clock::FixedClock(
        crate::common::NOW,
    )))
    .await;
    let read = state.store.campaign(&id).await.unwrap().unwrap();
    let path = format!("/api/campaigns/{id}");
    call(
        &app,
        &owner,
        "PATCH",
        &path,
        Some(json!({"enabled": false})),
    )
    .await
    .data();
    let mut renamed = read.clone();
    renamed.name = "Renamed over a stale read".into();
    let stale = state.store.update_campaign(&read, &renamed).await;
    assert!(matches!(stale, Err(WriteError::Stale)), "{stale:?}");
    let now = call(&app, &owner, "GET", &path, None).await;
    assert_eq!(now.data()["enabled"], false, "the first PATCH stands");

    let key = state.store.keys(&id).await.unwrap().remove(0);
    let key_path = format!("{path}/keys/{}", key.id);
    call(
        &app,
        &owner,
        "PATCH",
        &key_path,
        Some(json!({"enabled": false})),
    )
    .await
    .data();
    let mut renamed = key.clone();
    renamed.name = Some("over a stale read".into());
    let stale = state.store.update_key(&key, &renamed).await;
    assert!(matches!(stale, Err(WriteError::Stale)), "{stale:?}");
    assert_eq!(
        call(&app, &owner, "GET", &key_path, None).await.data()["enabled"],
        false
    );
}
