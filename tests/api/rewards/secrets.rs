use std::sync::Arc;

use platform::clock::FixedClock;
use platform::signed_fetch::Wallet;
use rewards::secrets::{KmsCipher, WalletCipher, WalletKey};
use serde_json::json;

use super::{call, new_campaign};
use crate::common::{NOW, app, rewards_state};

#[tokio::test]
async fn a_campaign_wallet_key_is_in_no_answer_and_no_log_line() {
    let logs = crate::common::logs::captured();

    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let mut bodies = Vec::new();
    for (method, path) in [
        ("GET", format!("/api/campaigns/{id}")),
        ("GET", "/api/campaigns".to_string()),
        ("GET", format!("/api/campaigns/{id}/keys")),
        ("GET", format!("/api/campaigns/{id}/users")),
        ("PATCH", format!("/api/campaigns/{id}")),
    ] {
        let body = (method == "PATCH").then(|| json!({"name": "Renamed"}));
        bodies.push(
            call(&app, &owner, method, &path, body)
                .await
                .body
                .to_string(),
        );
    }

    // The key, as only the sender would ever see it.
    let state = rewards_state(Arc::new(FixedClock(NOW))).await;
    let sealed = state
        .store
        .sealed_wallet(&id)
        .await
        .unwrap()
        .expect("a sealed wallet");
    let key = state.cipher.open(&id, &sealed).await.unwrap();
    let wallet = Wallet::from_bytes(key.bytes()).unwrap();
    let campaign_address =
        serde_json::from_str::<serde_json::Value>(&bodies[0]).unwrap()["data"]["address"]
            .as_str()
            .unwrap()
            .to_string();
    assert_eq!(
        wallet.address(),
        campaign_address,
        "the sealed key is the campaign's wallet"
    );
    let hex_key = hex::encode(key.bytes());
    let logged = logs.text();
    assert!(
        logged.contains("campaign created"),
        "the capture works: {logged}"
    );
    for text in bodies
        .iter()
        .chain([&logged, &format!("{key:?} {wallet:?}")])
    {
        assert!(
            !text.to_lowercase().contains(&hex_key),
            "the wallet key leaked: {text}"
        );
        assert!(
            !text.contains(&hex_key[..16]),
            "part of the wallet key leaked: {text}"
        );
    }
    // Not stored in the clear either.
    assert!(!sealed.windows(32).any(|w| w == key.bytes()));
}

#[tokio::test]
async fn kms_seals_wallets_bound_to_their_campaign_on_the_emulator() {
    let aws = crate::common::aws::sdk_config().await;
    let client = aws_sdk_kms::Client::new(&aws);
    let key_id = client
        .create_key()
        .description("campaign wallets (test)")
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_id;
    let cipher = KmsCipher::new(client, key_id);
    let wallet = Wallet::random();
    let key = WalletKey::new(wallet.secret_bytes());
    let sealed = cipher.seal("campaign-a", &key).await.unwrap();
    assert!(!sealed.windows(32).any(|w| w == key.bytes()));
    let opened = cipher.open("campaign-a", &sealed).await.unwrap();
    assert_eq!(
        Wallet::from_bytes(opened.bytes()).unwrap().address(),
        wallet.address()
    );
    assert!(
        cipher.open("campaign-b", &sealed).await.is_err(),
        "another campaign's context"
    );
}
