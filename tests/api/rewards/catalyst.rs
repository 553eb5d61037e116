//! Keys with `requires_catalyst` (and `requires_position`) against a stub
//! catalyst on 127.0.0.1 that lists its peers, and a port where nothing
//! listens.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::routing::get;
use platform::clock::FixedClock;
use platform::signed_fetch::Wallet;
use serde_json::json;

use super::{COLLECTION, add_supply, address, claim, new_campaign, new_key, rewards_of, router_of};
use crate::common::{NOW, free_port, rewards_state};

/// A catalyst whose `/comms/peers` lists `player` on parcel 10,20; its
/// origin and how many times it was asked.
async fn stub_catalyst(player: String) -> (String, Arc<AtomicUsize>) {
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let app = axum::Router::new().route(
        "/comms/peers",
        get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let player = player.clone();
            async move {
                axum::Json(json!({"ok": true, "peers": [
                    {"id": "1", "address": "0x00000000000000000000000000000000000000a1", "parcel": [0, 0],
                     "position": [0, 0, 0], "lastPing": 1},
                    {"id": "2", "address": player.to_uppercase().replace("0X", "0x"), "parcel": [10, 20],
                     "position": [160, 0, 320], "lastPing": 1}
                ]}))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (origin, asked)
}

#[tokio::test]
async fn connection_and_position_are_checked_on_the_catalyst() {
    let player = address();
    let (catalyst, asked) = stub_catalyst(player.clone()).await;
    let silent = format!("http://127.0.0.1:{}", free_port());
    let mut state = rewards_state(Arc::new(FixedClock(NOW))).await;
    // Cached for ten minutes: "fetched once" must not depend on how fast
    // the claims follow each other on a loaded machine.
    state.catalysts = Arc::new(
        rewards::catalyst::Catalysts::new(&format!("{catalyst},{silent}"))
            .cached_for(std::time::Duration::from_secs(600)),
    );
    let app = router_of(state);
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    add_supply(
        &app,
        &owner,
        &campaign,
        json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 10}),
    )
    .await;
    let (_, anywhere) = new_key(&app, &owner, &campaign, json!({"requires_catalyst": true})).await;
    let (_, at_10_20) = new_key(
        &app,
        &owner,
        &campaign,
        json!({"requires_catalyst": true, "requires_position": ["10,20", "11,20"]}),
    )
    .await;
    let (_, elsewhere) = new_key(
        &app,
        &owner,
        &campaign,
        json!({"requires_catalyst": true, "requires_position": ["-5,3"]}),
    )
    .await;

    // A realm URL (with a path) of the listed catalyst is that catalyst.
    let realm = format!("{catalyst}/main");
    let given = rewards_of(
        &claim(
            &app,
            json!({"campaign_key": anywhere, "beneficiary": player, "catalyst": realm}),
        )
        .await,
        201,
    );
    assert_eq!(given[0]["user"], player.as_str());
    let given = rewards_of(
        &claim(
            &app,
            json!({"campaign_key": at_10_20, "beneficiary": player, "catalyst": catalyst}),
        )
        .await,
        201,
    );
    assert_eq!(given.len(), 1);
    // Both claims within the cache's life: the peer list was fetched once.
    assert_eq!(asked.load(Ordering::SeqCst), 1);

    let message = claim(
        &app,
        json!({"campaign_key": elsewhere, "beneficiary": player, "catalyst": catalyst}),
    )
    .await
    .error(400, "user_address_position");
    assert_eq!(
        message,
        "Beneficiary is not at one of the positions of this reward"
    );

    let stranger = address();
    let message = claim(
        &app,
        json!({"campaign_key": anywhere, "beneficiary": stranger, "catalyst": catalyst}),
    )
    .await
    .error(400, "user_address_not_connected");
    assert_eq!(
        message,
        format!("Beneficiary is not connected to catalyst \"{catalyst}\"")
    );

    let message = claim(
        &app,
        json!({"campaign_key": anywhere, "beneficiary": player, "catalyst": silent}),
    )
    .await
    .error(400, "catalyst_unreachable");
    assert_eq!(message, format!("Catalyst \"{silent}\" can't be reached"));

    let message = claim(
        &app,
        json!({"campaign_key": anywhere, "beneficiary": player, "catalyst": "https://peer.decentraland.org"}),
    )
    .await
    .error(400, "catalyst_invalid");
    assert_eq!(
        message,
        format!(
            "Catalyst \"https://peer.decentraland.org\" not found. Expected: \"{catalyst}, {silent}\""
        )
    );
}
