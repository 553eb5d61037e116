use platform::signed_fetch::Wallet;
use serde_json::json;

use super::{COLLECTION, call, created, new_campaign};
use crate::common::app;

fn encoded(secret: &str) -> String {
    form_urlencoded::byte_serialize(secret.as_bytes()).collect()
}

#[tokio::test]
async fn keys_are_created_read_back_by_secret_changed_and_deleted() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let keys = format!("/api/campaigns/{id}/keys");

    // Every campaign starts with a master key.
    let listed = call(&app, &owner, "GET", &keys, None).await;
    assert_eq!(listed.body["total"], 1);
    let master = listed.data()[0].clone();
    assert_eq!(
        (
            master["assign_limit"].clone(),
            master["assign_group"].clone()
        ),
        (json!(null), json!(null))
    );
    let master_secret = master["campaign_key"].as_str().unwrap().to_string();

    let body = json!({"assign_limit": 1, "assign_target": COLLECTION.to_uppercase().replace("0X", "0x"),
        "assign_value": "0", "requires_authetication": true, "requires_captcha": true,
        "requires_catalyst": true, "requires_position": ["0,0", "0,1", "-10,7"]});
    let key = created(&call(&app, &owner, "POST", &keys, Some(body)).await).clone();
    assert_eq!(key["campaign_id"], id.as_str());
    assert_eq!(key["assign_target"], COLLECTION);
    assert_eq!(key["requires_authentication"], true);
    assert_eq!(key["requires_position"], json!(["0,0", "0,1", "-10,7"]));
    assert_eq!(key["enabled"], true);
    let secret = key["campaign_key"].as_str().unwrap().to_string();
    let key_path = format!("{keys}/{}", key["id"].as_str().unwrap());
    assert_eq!(
        call(&app, &owner, "GET", &key_path, None).await.data(),
        &key
    );

    // Anyone signed who holds a secret reads its key; forged ones are left out.
    let (ids, mac) = secret.split_once('.').unwrap();
    let (_, master_mac) = master_secret.split_once('.').unwrap();
    let altered = format!("{ids}.{master_mac}");
    let forged = {
        use base64::Engine;
        use base64::engine::general_purpose::STANDARD;
        let mut tag = STANDARD.decode(mac).unwrap();
        tag[0] ^= 0x01;
        format!("{ids}.{}", STANDARD.encode(tag))
    };
    let uri = format!(
        "/api/campaigns/keys?campaign_key={}&campaign_key[]={}&campaign_key={}&campaign_key={}&campaign_key=junk",
        encoded(&secret),
        encoded(&master_secret),
        encoded(&altered),
        encoded(&forged)
    );
    let stranger = Wallet::random();
    let found = call(&app, &stranger, "GET", &uri, None).await;
    assert_eq!(found.body["total"], 2, "{}", found.body);
    let found_ids: Vec<&str> = found
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert!(
        found_ids.contains(&key["id"].as_str().unwrap())
            && found_ids.contains(&master["id"].as_str().unwrap())
    );
    let none = call(
        &app,
        &stranger,
        "GET",
        "/api/campaigns/keys?campaign_key=nothing",
        None,
    )
    .await;
    assert_eq!(
        (none.body["total"].clone(), none.data().clone()),
        (json!(0), json!([]))
    );
    // A secret sent unencoded in a query: its `+` arrive as spaces. Keys are
    // made until one's secret has a `+` (about three in four have one).
    let mut with_plus = secret.clone();
    for _ in 0..30 {
        if with_plus.contains('+') {
            break;
        }
        let another = call(&app, &owner, "POST", &keys, Some(json!({}))).await;
        with_plus = created(&another)["campaign_key"]
            .as_str()
            .unwrap()
            .to_string();
    }
    assert!(with_plus.contains('+'), "{with_plus}");
    let raw = call(
        &app,
        &stranger,
        "GET",
        &format!("/api/campaigns/keys?campaign_key={with_plus}"),
        None,
    )
    .await;
    assert_eq!(raw.body["total"], 1, "{}", raw.body);

    let patched = call(&app, &owner, "PATCH", &key_path,
        Some(json!({"assign_target": null, "assign_value": null, "assign_group": "box_1", "enabled": false,
            "requires_position": null}))).await;
    let data = patched.data();
    assert_eq!(
        (data["assign_group"].as_str(), data["enabled"].as_bool()),
        (Some("box_1"), Some(false))
    );
    assert_eq!(
        (
            data["assign_target"].clone(),
            data["requires_position"].clone()
        ),
        (json!(null), json!(null))
    );
    assert_eq!(data["campaign_key"], secret.as_str());
    let message = call(
        &app,
        &owner,
        "PATCH",
        &key_path,
        Some(json!({"assign_value": "1"})),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("assign_value"), "{message}");

    let deleted = call(&app, &owner, "DELETE", &key_path, None).await;
    assert_eq!(deleted.data()["enabled"], false);
    call(&app, &owner, "GET", &key_path, None)
        .await
        .error(404, "not_found");
    call(&app, &owner, "DELETE", &key_path, None)
        .await
        .error(404, "not_found");
    let after = call(
        &app,
        &stranger,
        "GET",
        &format!("/api/campaigns/keys?campaign_key={}", encoded(&secret)),
        None,
    )
    .await;
    assert_eq!(after.body["total"], 0, "a deleted key's secret is left out");
    let rewards = call(
        &app,
        &owner,
        "GET",
        &format!(
            "/api/campaigns/{id}/key/{}/rewards?limit=1",
            master["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(rewards.body["total"], 0);
}

#[tokio::test]
async fn key_rules_are_checked_and_name_their_field() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let keys = format!("/api/campaigns/{id}/keys");
    for (body, field) in [
        (json!({"assign_value": "1"}), "assign_value"),
        (json!({"assign_target": "0x1234"}), "assign_target"),
        (json!({"assign_limit": -1}), "assign_limit"),
        (json!({"assign_group": ""}), "assign_group"),
        (
            json!({"requires_position": ["0,0", "0,0"]}),
            "requires_position",
        ),
        (json!({"requires_position": ["north"]}), "requires_position"),
        (
            json!({"active_since": "2030-01-01T00:00:00Z", "active_until": "2029-01-01T00:00:00Z"}),
            "active_until",
        ),
    ] {
        let message = call(&app, &owner, "POST", &keys, Some(body.clone()))
            .await
            .error(400, "bad_request");
        assert!(message.contains(field), "{body}: {message}");
    }
}
