//! The claim under contention, over real HTTP: 2,000 concurrent claims of
//! 300 beneficiaries (limit 3 each) on 500 stock rows; and `kill -9` of the
//! real server in the middle of them. On both stores.

use std::collections::{HashMap, HashSet};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use platform::clock::{Clock, FixedClock, SystemClock};
use platform::signed_fetch::{Wallet, sign};
use serde_json::{Value, json};

use super::{COLLECTION, add_supply, address, new_campaign, new_key, router_of};
use crate::common::{NOW, free_port, rewards_state, wait_for_port};

const CLAIMS: usize = 2_000;
const BENEFICIARIES: usize = 300;
const STOCK: u32 = 500;
const LIMIT: u64 = 3;
const IN_FLIGHT: usize = 64;

/// One claim answer: its status and the ids of its rewards.
type Outcome = (u16, Vec<(String, String)>);

async fn post_claim(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    beneficiary: &str,
) -> Option<Outcome> {
    let answer = client
        .post(format!("{base}/api/rewards"))
        .header("content-type", "application/json")
        .body(json!({"campaign_key": secret, "beneficiary": beneficiary}).to_string())
        .send()
        .await
        .ok()?;
    let status = answer.status().as_u16();
    let body: Value = serde_json::from_slice(&answer.bytes().await.ok()?).ok()?;
    let rewards = body["data"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|r| {
                    (
                        r["id"].as_str().unwrap().to_string(),
                        r["user"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert!(
        matches!(status, 200 | 201),
        "a claim under contention answered {status}: {body}"
    );
    Some((status, rewards))
}

/// The beneficiaries, each claiming about 6.7 times.
fn beneficiaries() -> Vec<String> {
    (0..BENEFICIARIES).map(|_| address()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_concurrent_claims_give_each_stock_row_once_within_limits() {
    let state = rewards_state(Arc::new(FixedClock(NOW))).await;
    let app = router_of(state.clone());
    let owner = Wallet::random();
    let campaign = new_campaign(&app, &owner).await;
    add_supply(
        &app,
        &owner,
        &campaign,
        json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": STOCK}),
    )
    .await;
    let (key, secret) = new_key(&app, &owner, &campaign, json!({"assign_limit": LIMIT})).await;

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = reqwest::Client::new();
    let users = beneficiaries();
    let outcomes: Vec<Outcome> = futures::stream::iter(0..CLAIMS)
        .map(|n| {
            let (client, base, secret, user) = (
                client.clone(),
                base.clone(),
                secret.clone(),
                users[n % BENEFICIARIES].clone(),
            );
            async move {
                post_claim(&client, &base, &secret, &user)
                    .await
                    .expect("an answer")
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;

    let assigned: Vec<&(String, String)> = outcomes
        .iter()
        .filter(|(status, _)| *status == 201)
        .flat_map(|(_, rewards)| rewards)
        .collect();
    assert_eq!(assigned.len(), STOCK as usize, "every stock row given");
    let distinct: HashSet<&String> = assigned.iter().map(|(id, _)| id).collect();
    assert_eq!(distinct.len(), STOCK as usize, "no row given twice");
    let mut per_user: HashMap<&String, u64> = HashMap::new();
    for (_, user) in &assigned {
        *per_user.entry(user).or_default() += 1;
    }
    assert!(
        per_user.values().all(|n| *n <= LIMIT),
        "a beneficiary over its limit"
    );
    // The store agrees with the answers.
    let mut stored = 0;
    for user in &users {
        let held = state.store.held(&campaign, &key, user).await.unwrap();
        assert!(held.len() as u64 <= LIMIT, "{user} holds {}", held.len());
        stored += held.len();
    }
    assert_eq!(stored, STOCK as usize);
    // And every assigned reward is in the queue at least once.
    let mut queued = HashSet::new();
    loop {
        let batch = state
            .outbox
            .queue()
            .receive(10, Duration::from_millis(20))
            .await
            .unwrap();
        if batch.is_empty() {
            break;
        }
        queued.extend(
            batch
                .into_iter()
                .filter_map(|m| m.unwrap().message.reward_id),
        );
    }
    for id in distinct {
        assert!(queued.contains(id), "reward {id} assigned but never queued");
    }
}

/// The real server binary, its queue on moto's SQS; on the Rewards table
/// `table` on moto, or on the embedded database without one.
fn start(dir: &std::path::Path, port: u16, queue_url: &str, table: Option<&str>) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_genesis-api"));
    command
        .arg("--data-file")
        .arg(dir.join("land.jsonl"))
        .arg("--map-cache-dir")
        .arg(dir.join("map-cache"))
        .arg("--rewards-dir")
        .arg(dir)
        .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string()])
        .env(
            "REWARDS_SECRET",
            "0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e0e",
        )
        .env("REWARD_QUEUE_URL", queue_url)
        .env("AWS_ENDPOINT_URL", crate::common::aws::endpoint())
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_REGION", "us-east-1")
        .env("RUST_LOG", "warn")
        // Every claim comes from 127.0.0.1: limits this load never reaches.
        .env("RATE_LIMIT_ANON", "1000000/60")
        .env("RATE_LIMIT_SIGNED", "1000000/60")
        .env("RATE_LIMIT_CLAIM", "1000000/60")
        .env_remove("LAND_TABLE")
        .env_remove("REWARDS_SECRET_ID")
        .env_remove("REWARDS_WALLET_KEY_ID")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    match table {
        Some(table) => command.env("REWARDS_TABLE", table),
        None => command.env_remove("REWARDS_TABLE"),
    };
    let child = command.spawn().expect("start the server");
    wait_for_port(port, Duration::from_secs(180), "the server");
    child
}

/// A signed request with the real clock, as a client sends it.
async fn signed(
    client: &reqwest::Client,
    base: &str,
    wallet: &Wallet,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> Value {
    let mut request = client.request(method.parse().unwrap(), format!("{base}{path}"));
    for (name, value) in sign(
        wallet,
        method,
        path.split('?').next().unwrap(),
        "{}",
        SystemClock.now_ms(),
        false,
    ) {
        request = request.header(name, value);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/json")
            .body(body.to_string());
    }
    let answer = request.send().await.unwrap();
    let status = answer.status();
    let body: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    assert!(status.is_success(), "{method} {path}: {status} {body}");
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_in_the_middle_of_the_claims_loses_no_message_and_gives_no_row_twice() {
    let table = match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => Some(crate::common::aws::own_rewards_table("kill9").await),
        _ => None,
    };
    let sqs = aws_sdk_sqs::Client::new(&crate::common::aws::sdk_config().await);
    let queue_name = format!("claims-kill9-{}-{}", std::process::id(), rand_suffix());
    let queue_url = rewards::queue::create_queue(&sqs, &queue_name)
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("rewards-claims-kill9-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(&dir, port, &queue_url, table.as_deref());

    let owner = Wallet::random();
    let created = signed(
        &client,
        &base,
        &owner,
        "POST",
        "/api/campaigns",
        Some(json!({"name": "Kill 9", "chain_id": 80002})),
    )
    .await;
    let campaign = created["data"]["id"].as_str().unwrap().to_string();
    signed(
        &client,
        &base,
        &owner,
        "POST",
        &format!("/api/campaigns/{campaign}/supply"),
        Some(json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": STOCK})),
    )
    .await;
    let key = signed(
        &client,
        &base,
        &owner,
        "POST",
        &format!("/api/campaigns/{campaign}/keys"),
        Some(json!({"assign_limit": LIMIT})),
    )
    .await;
    let (key_id, secret) = (
        key["data"]["id"].as_str().unwrap().to_string(),
        key["data"]["campaign_key"].as_str().unwrap().to_string(),
    );

    // The claims run; the server dies under them once 150 are answered.
    let answered = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let users = beneficiaries();
    let claims = {
        let (client, base, secret, answered) = (
            client.clone(),
            base.clone(),
            secret.clone(),
            answered.clone(),
        );
        tokio::spawn(async move {
            futures::stream::iter(0..CLAIMS)
                .map(|n| {
                    let (client, base, secret, user, answered) = (
                        client.clone(),
                        base.clone(),
                        secret.clone(),
                        users[n % BENEFICIARIES].clone(),
                        answered.clone(),
                    );
                    async move {
                        if let Some((201, rewards)) =
                            post_claim(&client, &base, &secret, &user).await
                        {
                            answered.lock().unwrap().extend(rewards);
                        }
                    }
                })
                .buffer_unordered(32)
                .collect::<Vec<()>>()
                .await;
        })
    };
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while answered.lock().unwrap().len() < 150 {
        assert!(
            std::time::Instant::now() < deadline,
            "150 claims never answered"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    server.kill().unwrap(); // SIGKILL
    server.wait().unwrap();
    claims.await.unwrap();
    let answered = answered.lock().unwrap().clone();

    // After a restart the outbox sweep sends what the dead server had not.
    let mut server = start(&dir, port, &queue_url, table.as_deref());
    let mut stored = Vec::new();
    for offset in (0..STOCK).step_by(1000) {
        let page = signed(
            &client,
            &base,
            &owner,
            "GET",
            &format!("/api/campaigns/{campaign}/key/{key_id}/rewards?limit=1000&offset={offset}"),
            None,
        )
        .await;
        stored.extend(page["data"].as_array().unwrap().clone());
    }
    let stored_ids: HashSet<String> = stored
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(stored_ids.len(), stored.len(), "a reward listed twice");
    assert!(
        stored.len() >= answered.len(),
        "{} stored, {} answered",
        stored.len(),
        answered.len()
    );
    // No acknowledged reward changed hands, and no row went twice.
    let owners: HashMap<String, String> = stored
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["user"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut seen = HashSet::new();
    for (id, user) in &answered {
        assert!(seen.insert(id), "reward {id} answered twice");
        assert_eq!(owners.get(id), Some(user), "reward {id}");
    }
    let mut per_user: HashMap<&String, u64> = HashMap::new();
    for user in owners.values() {
        *per_user.entry(user).or_default() += 1;
    }
    assert!(per_user.values().all(|n| *n <= LIMIT));

    // Every stored assignment reaches the queue (some maybe twice).
    let mut queued = HashSet::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while !stored_ids.is_subset(&queued) && std::time::Instant::now() < deadline {
        let out = sqs
            .receive_message()
            .queue_url(&queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        for message in out.messages.unwrap_or_default() {
            let body: Value = serde_json::from_str(message.body().unwrap()).unwrap();
            queued.insert(body["reward_id"].as_str().unwrap().to_string());
            sqs.delete_message()
                .queue_url(&queue_url)
                .receipt_handle(message.receipt_handle().unwrap())
                .send()
                .await
                .unwrap();
        }
    }
    let missing: Vec<&String> = stored_ids.difference(&queued).collect();
    assert!(
        missing.is_empty(),
        "{} assigned rewards never queued: {missing:?}",
        missing.len()
    );
    server.kill().unwrap();
    server.wait().unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

fn rand_suffix() -> u64 {
    SystemClock.now_ms().rem_euclid(1_000_000) as u64
}
