//! `POST /api/rewards`: each check and its code, in the documented order;
//! limits, groups, target and value restrictions, master and super key
//! overrides, no stock, the limit answer, priority then age.

use std::sync::Arc;

use platform::clock::FixedClock;
use platform::signed_fetch::Wallet;
use serde_json::{Value, json};

use super::{
    COLLECTION, add_supply, address, call, claim, claim_signed, new_campaign, new_key, rewards_of,
    router_of, signed_request_at,
};
use crate::common::{NOW, app, rewards_state, send};

const OTHER: &str = "0x00000000000000000000000000000000000000c0";

fn stock(value: &str, quantity: u32) -> Value {
    json!({"target": COLLECTION, "value": value, "token": "Hat", "quantity": quantity})
}

async fn patch_key(app: &axum::Router, owner: &Wallet, campaign: &str, key: &str, body: Value) {
    let answer = call(
        app,
        owner,
        "PATCH",
        &format!("/api/campaigns/{campaign}/keys/{key}"),
        Some(body),
    )
    .await;
    answer.data();
}

async fn patch_campaign(app: &axum::Router, owner: &Wallet, campaign: &str, body: Value) {
    call(
        app,
        owner,
        "PATCH",
        &format!("/api/campaigns/{campaign}"),
        Some(body),
    )
    .await
    .data();
}

#[tokio::test]
async fn each_check_answers_its_code_in_the_documented_order() {
    let app = app().await;
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    add_supply(&app, &owner, &campaign, stock("1", 5)).await;
    let (key, secret) = new_key(&app, &owner, &campaign, json!({"name": "door"})).await;
    let guest = address();

    // 1. The body's shape comes first, whatever else is wrong.
    let message = claim(&app, json!({"beneficiary": ""}))
        .await
        .error(400, "bad_request");
    assert!(message.contains("campaign_key"), "{message}");
    let message = claim(
        &app,
        json!({"campaign_key": "nonsense", "captcha_value": "12345"}),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("captcha_value"), "{message}");
    let message = claim(
        &app,
        json!({"campaign_key": "nonsense", "assign_target": "0x12"}),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("assign_target"), "{message}");
    claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": guest, "assign_value": "1"}),
    )
    .await
    .error(400, "bad_request");
    // Not JSON at all.
    let request = http::Request::builder()
        .method("POST")
        .uri("/api/rewards")
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{"))
        .unwrap();
    send(app.clone(), request).await.error(400, "bad_request");

    // 2. The secret: forged, altered, or of a deleted key.
    for forged in [
        "nonsense",
        &secret.replace('.', "x."),
        &format!("{secret}A"),
    ] {
        let message = claim(&app, json!({"campaign_key": forged, "beneficiary": ""}))
            .await
            .error(400, "campaign_key_invalid");
        assert_eq!(message, "Campaign key is invalid");
    }

    // 3. before 4: a disabled key on a disabled campaign is the key's fault.
    patch_key(&app, &owner, &campaign, &key, json!({"enabled": false})).await;
    patch_campaign(&app, &owner, &campaign, json!({"enabled": false})).await;
    let message = claim(&app, json!({"campaign_key": secret, "beneficiary": ""}))
        .await
        .error(400, "campaign_key_disabled");
    assert_eq!(message, "Campaign key is disabled");
    let future = "2026-07-01T00:00:00.000Z";
    let past = "2026-05-01T00:00:00.000Z";
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"enabled": true, "active_since": future}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret}))
        .await
        .error(400, "campaign_key_uninitiated");
    assert_eq!(
        message,
        format!("Campaign key is uninitiated: it gives rewards from {future}")
    );
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"active_since": null, "active_until": past}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret}))
        .await
        .error(400, "campaign_key_finished");
    assert_eq!(
        message,
        format!("Campaign key is finished: it stopped giving rewards at {past}")
    );
    patch_key(&app, &owner, &campaign, &key, json!({"active_until": null})).await;

    // 4. The campaign.
    let message = claim(&app, json!({"campaign_key": secret}))
        .await
        .error(400, "campaign_disabled");
    assert_eq!(message, "Campaign is disabled");
    patch_campaign(
        &app,
        &owner,
        &campaign,
        json!({"enabled": true, "active_since": future}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret}))
        .await
        .error(400, "campaign_uninitiated");
    assert_eq!(
        message,
        format!("Campaign is uninitiated: it starts at {future}")
    );
    patch_campaign(
        &app,
        &owner,
        &campaign,
        json!({"active_since": null, "active_until": past}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret}))
        .await
        .error(400, "campaign_finished");
    assert_eq!(message, format!("Campaign is finished: it ended at {past}"));
    patch_campaign(&app, &owner, &campaign, json!({"active_until": null})).await;

    // 5 before 6: an unsigned request with a bad beneficiary, on a key that
    // needs a signature, is told to sign.
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"requires_authentication": true}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret, "beneficiary": "0x12"}))
        .await
        .error(400, "sign_required");
    assert_eq!(message, "This reward needs a signed request");
    // A signature that does not verify counts as none.
    let signer = Wallet::random();
    let stale = signed_request_at(
        &signer,
        "POST",
        "/api/rewards",
        Some(&json!({"campaign_key": secret})),
        NOW - 120_000,
    );
    send(app.clone(), stale).await.error(400, "sign_required");

    // 6. The beneficiary: empty, not an address, or not the signer.
    let message = claim_signed(
        &app,
        &signer,
        json!({"campaign_key": secret, "beneficiary": OTHER}),
    )
    .await
    .error(400, "beneficiary_invalid");
    assert_eq!(
        message,
        "Beneficiary is missing, not an address, or not the signer"
    );
    claim_signed(
        &app,
        &signer,
        json!({"campaign_key": secret, "beneficiary": ""}),
    )
    .await
    .error(400, "beneficiary_invalid");
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"requires_authentication": false}),
    )
    .await;
    for beneficiary in [json!(""), json!("0x12"), json!(7), Value::Null] {
        claim(
            &app,
            json!({"campaign_key": secret, "beneficiary": beneficiary}),
        )
        .await
        .error(400, "beneficiary_invalid");
    }

    // 7 before 8: the captcha is asked for before the catalyst is judged.
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"requires_captcha": true, "requires_catalyst": true}),
    )
    .await;
    let message = claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": guest, "catalyst": "https://evil.example"}),
    )
    .await
    .error(400, "captcha_required");
    assert_eq!(
        message,
        "This reward needs a captcha: send captcha_id and captcha_value"
    );
    claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": guest, "captcha_id": uuid::Uuid::new_v4()}),
    )
    .await
    .error(400, "captcha_required");
    let message = claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": guest,
               "captcha_id": uuid::Uuid::new_v4(), "captcha_value": "ACE347"}),
    )
    .await
    .error(400, "captcha_invalid");
    assert_eq!(
        message,
        "The captcha is wrong, expired or already used: ask for a new captcha"
    );

    // 8. The catalyst: missing or unlisted, with the allowed list quoted.
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"requires_captcha": false}),
    )
    .await;
    let message = claim(&app, json!({"campaign_key": secret, "beneficiary": guest}))
        .await
        .error(400, "catalyst_invalid");
    assert!(
        message.starts_with("Catalyst \"\" not found. Expected: \"https://peer.decentraland.org, "),
        "{message}"
    );
    let message = claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": guest, "catalyst": "https://evil.example/main"}),
    )
    .await
    .error(400, "catalyst_invalid");
    assert!(
        message.starts_with("Catalyst \"https://evil.example/main\" not found. Expected: \""),
        "{message}"
    );

    // 9. A restricted key may not choose what it assigns.
    patch_key(
        &app,
        &owner,
        &campaign,
        &key,
        json!({"requires_catalyst": false, "assign_target": COLLECTION}),
    )
    .await;
    for choice in [
        json!({"assign_target": COLLECTION}),
        json!({"assign_group": "box"}),
        json!({"group": "box"}),
    ] {
        let mut body = json!({"campaign_key": secret, "beneficiary": guest});
        body.as_object_mut()
            .unwrap()
            .extend(choice.as_object().unwrap().clone());
        let message = claim(&app, body).await.error(400, "bad_request");
        assert!(message.contains("assign_"), "{message}");
    }

    // Every check passed: the reward is the guest's.
    let given = rewards_of(
        &claim(&app, json!({"campaign_key": secret, "beneficiary": guest})).await,
        201,
    );
    assert_eq!(given.len(), 1);
    let reward = &given[0];
    assert_eq!(reward["user"], guest);
    assert_eq!(reward["status"], "assigned");
    assert_eq!(reward["campaign_key"], key);
    assert_eq!(reward["campaign_id"], campaign);
    assert_eq!(reward["assigned_at"], "2026-06-01T00:00:00.000Z");
    // Anyone with its id can follow it.
    let followed = send(
        app.clone(),
        http::Request::get(format!("/api/rewards/{}", reward["id"].as_str().unwrap()))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(followed.data()["user"], guest);
}

#[tokio::test]
async fn a_key_whose_campaign_is_gone_answers_campaign_invalid() {
    // Only a store that lost the campaign item can show it: DynamoDB, whose
    // items have no foreign keys. The embedded store refuses such a key.
    if std::env::var("LAND_TEST_BACKEND").as_deref() != Ok("dynamodb") {
        let state = rewards_state(Arc::new(FixedClock(NOW))).await;
        let app = router_of(state.clone());
        let owner = Wallet::random();
        let campaign = new_campaign(&app, &owner).await;
        let (key, _) = new_key(&app, &owner, &campaign, json!({})).await;
        let stored = state.store.key(&campaign, &key).await.unwrap().unwrap();
        let mut orphan = stored.clone();
        orphan.campaign_id = uuid::Uuid::new_v4().to_string();
        assert!(
            state.store.add_key(&orphan).await.is_err(),
            "SQLite keeps keys to their campaign"
        );
        return;
    }
    let state = rewards_state(Arc::new(FixedClock(NOW))).await;
    let app = router_of(state.clone());
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    let (_, secret) = new_key(&app, &owner, &campaign, json!({})).await;
    crate::common::aws::delete_rewards_item(&format!("CAMPAIGN#{campaign}"), "#CAMPAIGN").await;
    let message = claim(
        &app,
        json!({"campaign_key": secret, "beneficiary": address()}),
    )
    .await
    .error(400, "campaign_invalid");
    assert_eq!(message, "Campaign does not exist");
}

#[tokio::test]
async fn keys_take_only_what_they_may_and_limits_answer_what_is_held() {
    let app = app().await;
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    let other = "0x00000000000000000000000000000000000000ee";
    add_supply(&app, &owner, &campaign, stock("1", 3)).await;
    add_supply(&app, &owner, &campaign, stock("2", 3)).await;
    add_supply(
        &app,
        &owner,
        &campaign,
        json!({"target": other, "value": "7", "token": "Cap", "quantity": 3}),
    )
    .await;
    add_supply(
        &app,
        &owner,
        &campaign,
        json!({"target": COLLECTION, "value": "3", "token": "Box", "group": "box_1", "quantity": 3}),
    )
    .await;

    let taken = |answer: &crate::common::Answer| -> (String, String, Value) {
        let rewards = rewards_of(answer, 201);
        assert_eq!(rewards.len(), 1, "{}", answer.body);
        (
            rewards[0]["target"].as_str().unwrap().to_string(),
            rewards[0]["value"].as_str().unwrap().to_string(),
            rewards[0]["group"].clone(),
        )
    };

    // A group key takes its group only.
    let (_, by_group) = new_key(&app, &owner, &campaign, json!({"assign_group": "box_1"})).await;
    for _ in 0..3 {
        let got = taken(
            &claim(
                &app,
                json!({"campaign_key": by_group, "beneficiary": address()}),
            )
            .await,
        );
        assert_eq!(
            got,
            (COLLECTION.to_string(), "3".to_string(), json!("box_1"))
        );
    }
    // Its stock is gone: 201 with nothing, though other stock remains.
    let none = rewards_of(
        &claim(
            &app,
            json!({"campaign_key": by_group, "beneficiary": address()}),
        )
        .await,
        201,
    );
    assert!(none.is_empty());

    // A target + value key takes that item only.
    let (_, by_item) = new_key(
        &app,
        &owner,
        &campaign,
        json!({"assign_target": COLLECTION, "assign_value": "2"}),
    )
    .await;
    let got = taken(
        &claim(
            &app,
            json!({"campaign_key": by_item, "beneficiary": address()}),
        )
        .await,
    );
    assert_eq!((got.0.as_str(), got.1.as_str()), (COLLECTION, "2"));

    // A super key (a limit only) may choose a target and a value; its limit
    // answers 200 with what the beneficiary holds, and takes nothing more.
    let (_, super_key) = new_key(&app, &owner, &campaign, json!({"assign_limit": 2})).await;
    let fan = address();
    let first = taken(
        &claim(
            &app,
            json!({"campaign_key": super_key, "beneficiary": fan, "assign_target": other}),
        )
        .await,
    );
    assert_eq!(first.0, other);
    let second = taken(
        &claim(
            &app,
            json!({"campaign_key": super_key, "beneficiary": fan, "assign_target": COLLECTION, "assign_value": "1"}),
        )
        .await,
    );
    assert_eq!((second.0.as_str(), second.1.as_str()), (COLLECTION, "1"));
    let held = rewards_of(
        &claim(&app, json!({"campaign_key": super_key, "beneficiary": fan})).await,
        200,
    );
    assert_eq!(held.len(), 2);
    assert!(held.iter().all(|r| r["user"] == fan.as_str()));
    // Another beneficiary has a budget of their own. (Rows of one priority
    // made at one instant go in id order: name the item, to know which.)
    let got = taken(
        &claim(
            &app,
            json!({"campaign_key": super_key, "beneficiary": address(),
                   "assign_target": COLLECTION, "assign_value": "1"}),
        )
        .await,
    );
    assert_eq!(got.1, "1");

    // The master key has no limit and may pick a group.
    let master = crate::rewards::call(
        &app,
        &owner,
        "GET",
        &format!("/api/campaigns/{campaign}/keys"),
        None,
    )
    .await;
    // (Keys made at one instant list in id order: find it by name.)
    let master_secret = master
        .data()
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "master")
        .expect("the master key")["campaign_key"]
        .as_str()
        .unwrap()
        .to_string();
    let collector = address();
    for _ in 0..2 {
        let got = taken(
            &claim(&app, json!({"campaign_key": master_secret, "beneficiary": collector, "assign_target": other})).await,
        );
        assert_eq!(got.0, other);
    }
    let none = rewards_of(
        &claim(&app, json!({"campaign_key": master_secret, "beneficiary": collector, "assign_group": "box_1"})).await,
        201,
    );
    assert!(none.is_empty(), "the group is empty");

    // What is left: value 1 x2, value 2 x2, nothing of the others.
    let supply = call(
        &app,
        &owner,
        "GET",
        &format!("/api/campaigns/{campaign}/supply"),
        None,
    )
    .await;
    let left: Vec<(String, String, u64, u64)> = supply
        .data()
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            (
                line["target"].as_str().unwrap().to_string(),
                line["value"].as_str().unwrap().to_string(),
                line["unassigned"].as_u64().unwrap(),
                line["assigned"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(
        left.contains(&(COLLECTION.into(), "1".into(), 1, 2)),
        "{left:?}"
    );
    assert!(
        left.contains(&(COLLECTION.into(), "2".into(), 2, 1)),
        "{left:?}"
    );
    assert!(left.contains(&(other.into(), "7".into(), 0, 3)), "{left:?}");
}

#[tokio::test]
async fn claims_take_the_lowest_priority_then_the_oldest() {
    let state = rewards_state(Arc::new(FixedClock(NOW - 60_000))).await;
    let earlier = router_of(state.clone());
    let mut later_state = state.clone();
    later_state.clock = Arc::new(FixedClock(NOW));
    let app = router_of(later_state);
    let owner = Wallet::random();
    // The campaign and the older stock a minute before the rest.
    let created = send(
        earlier.clone(),
        signed_request_at(
            &owner,
            "POST",
            "/api/campaigns",
            Some(&json!({"name": "Ordered hats", "chain_id": 80002})),
            NOW - 60_000,
        ),
    )
    .await;
    let campaign = created.body["data"]["id"].as_str().unwrap().to_string();
    let supply = format!("/api/campaigns/{campaign}/supply");
    let old =
        json!({"target": COLLECTION, "value": "10", "token": "Old", "priority": 5, "quantity": 2});
    send(
        earlier,
        signed_request_at(&owner, "POST", &supply, Some(&old), NOW - 60_000),
    )
    .await;
    for (value, priority) in [("20", 5), ("30", 1), ("40", -3)] {
        add_supply(
            &app,
            &owner,
            &campaign,
            json!({"target": COLLECTION, "value": value, "token": "New", "priority": priority, "quantity": 1}),
        )
        .await;
    }
    let (_, secret) = new_key(&app, &owner, &campaign, json!({})).await;
    let mut order = Vec::new();
    for _ in 0..6 {
        let rewards = rewards_of(
            &claim(
                &app,
                json!({"campaign_key": secret, "beneficiary": address()}),
            )
            .await,
            201,
        );
        order.push(
            rewards
                .first()
                .map(|r| r["value"].as_str().unwrap().to_string()),
        );
    }
    let expected: Vec<Option<String>> = ["40", "30", "10", "10", "20"]
        .iter()
        .map(|v| Some((*v).to_string()))
        .chain([None])
        .collect();
    assert_eq!(order, expected);
}

#[tokio::test]
async fn each_claim_reaches_the_reward_queue() {
    let state = rewards_state(Arc::new(FixedClock(NOW))).await;
    let app = router_of(state.clone());
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    add_supply(&app, &owner, &campaign, stock("1", 3)).await;
    let (_, secret) = new_key(&app, &owner, &campaign, json!({})).await;
    let mut assigned = Vec::new();
    for _ in 0..3 {
        let rewards = rewards_of(
            &claim(
                &app,
                json!({"campaign_key": secret, "beneficiary": address()}),
            )
            .await,
            201,
        );
        assigned.push(rewards[0]["id"].as_str().unwrap().to_string());
    }
    let mut queued = Vec::new();
    loop {
        let batch = state
            .outbox
            .queue()
            .receive(10, std::time::Duration::from_millis(50))
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        queued.extend(batch.into_iter().map(|m| m.unwrap().message));
    }
    for id in &assigned {
        let message = queued
            .iter()
            .find(|m| m.reward_id.as_ref() == Some(id))
            .expect("queued");
        assert_eq!(message.campaign_id, campaign);
    }
    // Delivered: nothing of theirs is left in the outbox.
    let unsent = state
        .store
        .unsent(rewards::domain::time::Timestamp(NOW + 1), 1000)
        .await
        .unwrap();
    assert!(
        unsent.iter().all(|r| !assigned.contains(&r.id)),
        "{unsent:?}"
    );
}

/// A claim whose message the queue refused stays in the outbox, and the
/// sender function's scheduled sweep sends it once the claim's grace is
/// over: what happens when a function dies between a claim's commit and its
/// send and no claim comes after.
#[tokio::test]
async fn a_message_the_queue_refused_is_sent_by_the_senders_scheduled_sweep() {
    use reward_sender_function::Invocation;
    use rewards::domain::time::Timestamp;
    use rewards::outbox::GRACE_MS;

    // A store of its own: a sweep takes every entry of its store.
    let state = crate::common::rewards_state_over(
        crate::common::own_rewards_store("sweep").await,
        Arc::new(FixedClock(NOW)),
        Arc::new(rewards::queue::NoQueue),
    );
    let app = router_of(state.clone());
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    add_supply(&app, &owner, &campaign, stock("1", 2)).await;
    let (_, secret) = new_key(&app, &owner, &campaign, json!({})).await;
    let rewards = rewards_of(
        &claim(
            &app,
            json!({"campaign_key": secret, "beneficiary": address()}),
        )
        .await,
        201,
    );
    let id = rewards[0]["id"].as_str().unwrap().to_string();
    let unsent = || async {
        state
            .store
            .unsent(Timestamp(NOW + 1), 10_000)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect::<Vec<String>>()
    };
    assert_eq!(unsent().await, vec![id.clone()], "the claim's entry stays");

    // The function's schedule invokes it with EventBridge's event.
    let event: Value =
        serde_json::from_str(include_str!("../../../events/reward-sender-schedule.json")).unwrap();
    assert!(matches!(Invocation::read(event), Ok(Invocation::Schedule)));
    assert!(matches!(
        Invocation::read(
            serde_json::from_str(include_str!("../../../events/reward-sender.json")).unwrap()
        ),
        Ok(Invocation::Queue(_))
    ));
    assert!(Invocation::read(json!({"detail-type": "Object Created"})).is_err());
    // Lambda's deadline is ms since the epoch; one already past is the
    // emulator's (`cargo lambda watch` sends 600000) and counts as the timeout.
    let time_left = reward_sender_function::time_left;
    assert_eq!(
        time_left(NOW as u64 + 42_000, NOW),
        std::time::Duration::from_secs(42)
    );
    assert_eq!(time_left(600_000, NOW), std::time::Duration::from_secs(60));
    assert_eq!(
        time_left(NOW as u64, NOW),
        std::time::Duration::from_secs(60)
    );

    let queue = Arc::new(rewards::queue::EmbeddedQueue::new(
        std::time::Duration::from_secs(60),
    ));
    let sweeper = rewards::outbox::Outbox::new(state.store.clone(), queue.clone());
    let queued = || async {
        let mut queued = Vec::new();
        loop {
            let batch = rewards::queue::RewardQueue::receive(
                &*queue,
                10,
                std::time::Duration::from_millis(20),
            )
            .await
            .unwrap();
            if batch.is_empty() {
                return queued;
            }
            queued.extend(
                batch
                    .into_iter()
                    .filter_map(|m| m.unwrap().message.reward_id),
            );
        }
    };
    let deadline = || std::time::Instant::now() + std::time::Duration::from_secs(60);
    // Within the grace the entry is left to the claim that wrote it.
    let answer = reward_sender_function::sweep(&sweeper, Timestamp(NOW + GRACE_MS), deadline())
        .await
        .unwrap();
    assert_eq!(answer, json!({"swept": 0}));
    assert!(queued().await.is_empty(), "sent within its grace");
    assert_eq!(unsent().await, vec![id.clone()]);
    // An invocation about to time out starts no round.
    let answer = reward_sender_function::sweep(
        &sweeper,
        Timestamp(NOW + GRACE_MS + 1),
        std::time::Instant::now() + std::time::Duration::from_secs(5),
    )
    .await
    .unwrap();
    assert_eq!(answer, json!({"swept": 0}));
    assert_eq!(unsent().await, vec![id.clone()]);

    let answer = reward_sender_function::sweep(&sweeper, Timestamp(NOW + GRACE_MS + 1), deadline())
        .await
        .unwrap();
    assert_eq!(answer, json!({"swept": 1}));
    assert_eq!(queued().await, vec![id.clone()], "the sweep sent it");
    assert!(unsent().await.is_empty(), "and dropped its entry");
}
