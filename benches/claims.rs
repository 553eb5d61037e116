//! Claims per second under contention, with p50/p99 latency, over HTTP on
//! 127.0.0.1: 2,000 claims of 300 beneficiaries (`assign_limit` 3) on 500
//! stock rows, 64 in flight, as `tests/api/rewards/contention.rs` runs them;
//! and how long one captcha takes to draw and encode.
//!
//! `cargo bench --bench claims` measures the embedded store (SQLite);
//! with `AWS_ENDPOINT_URL` (and `REWARDS_TABLE`, default `rewards-bench`) it
//! measures DynamoDB there, e.g. on moto:
//! `AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
//! AWS_REGION=us-east-1 cargo bench --bench claims`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use platform::clock::{Clock, SystemClock};
use platform::signed_fetch::{Wallet, sign};
use rewards::store::RewardsStore;
use serde_json::{Value, json};

const CLAIMS: usize = 2_000;
const BENEFICIARIES: usize = 300;
const STOCK: u32 = 500;
const IN_FLIGHT: usize = 64;

async fn signed(
    client: &reqwest::Client,
    base: &str,
    wallet: &Wallet,
    method: &str,
    path: &str,
    body: Value,
) -> Value {
    let mut request = client.request(method.parse().unwrap(), format!("{base}{path}"));
    for (name, value) in sign(wallet, method, path, "{}", SystemClock.now_ms(), false) {
        request = request.header(name, value);
    }
    let answer = request
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap()
}

async fn store() -> (Arc<dyn RewardsStore>, String) {
    if std::env::var("AWS_ENDPOINT_URL").is_ok() {
        let table = std::env::var("REWARDS_TABLE").unwrap_or_else(|_| "rewards-bench".into());
        let aws = platform::aws::sdk_config().await;
        let client = aws_sdk_dynamodb::Client::new(&aws);
        rewards::store::dynamo::create_table(&client, &table)
            .await
            .unwrap();
        (
            Arc::new(rewards::store::dynamo::DynamoRewards::new(client, &table)),
            format!(
                "DynamoDB table {table} at {}",
                std::env::var("AWS_ENDPOINT_URL").unwrap()
            ),
        )
    } else {
        let dir = std::env::temp_dir().join(format!("claims-bench-{}", std::process::id()));
        let path = dir.join("rewards.sqlite3");
        (
            Arc::new(rewards::store::sqlite::SqliteRewards::open(&path).unwrap()),
            format!("embedded SQLite {}", path.display()),
        )
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn captcha_timing() {
    let answer = rewards::domain::captcha::random_answer();
    rewards::captcha::draw::png(&answer); // the font loads once
    let rounds = 200;
    let started = Instant::now();
    let mut bytes = 0;
    for _ in 0..rounds {
        bytes += rewards::captcha::draw::png(&answer).len();
    }
    let each = started.elapsed() / rounds;
    println!(
        "captcha: {:.2} ms to draw and encode one 300 x 100 PNG ({} bytes on average, {rounds} rounds)",
        each.as_secs_f64() * 1e3,
        bytes / rounds as usize
    );
}

#[tokio::main]
async fn main() {
    captcha_timing();
    let (store, what) = store().await;
    let secret = rewards::secrets::ServerSecret::from_material(&[7u8; 32]).unwrap();
    let state = rewards::RewardsState::new(
        store,
        Arc::new(SystemClock),
        rewards::secrets::KeySecrets::new(&secret),
        Arc::new(rewards::secrets::LocalCipher::new(&secret)),
        Arc::new(rewards::queue::EmbeddedQueue::new(Duration::from_secs(60))),
        rewards::catalyst::Catalysts::new(rewards::catalyst::DAO_CATALYSTS),
    );
    // No rate limits: every claim comes from one address (RATE_LIMITS=off).
    let app = platform::http::finish(rewards::app::api(state, &rewards::app::cors(None), None).0);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let client = reqwest::Client::new();
    let owner = Wallet::random();
    let campaign = signed(
        &client,
        &base,
        &owner,
        "POST",
        "/api/campaigns",
        json!({"name": "Bench", "chain_id": 80002}),
    )
    .await;
    let id = campaign["data"]["id"].as_str().unwrap().to_string();
    signed(
        &client,
        &base,
        &owner,
        "POST",
        &format!("/api/campaigns/{id}/supply"),
        json!({"target": "0x7434a847c5e1ff250db456c55f99d1612e93d6a3", "value": "1", "token": "Hat", "quantity": STOCK}),
    )
    .await;
    let key = signed(
        &client,
        &base,
        &owner,
        "POST",
        &format!("/api/campaigns/{id}/keys"),
        json!({"assign_limit": 3}),
    )
    .await;
    let secret = key["data"]["campaign_key"].as_str().unwrap().to_string();
    let users: Vec<String> = (0..BENEFICIARIES)
        .map(|_| Wallet::random().address())
        .collect();

    let started = Instant::now();
    let results: Vec<(u16, usize, Duration)> = futures::stream::iter(0..CLAIMS)
        .map(|n| {
            let (client, base, secret, user) = (
                client.clone(),
                base.clone(),
                secret.clone(),
                users[n % BENEFICIARIES].clone(),
            );
            async move {
                let sent = Instant::now();
                let answer = client
                    .post(format!("{base}/api/rewards"))
                    .header("content-type", "application/json")
                    .body(json!({"campaign_key": secret, "beneficiary": user}).to_string())
                    .send()
                    .await
                    .unwrap();
                let status = answer.status().as_u16();
                let body: Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
                let given = if status == 201 {
                    body["data"].as_array().map_or(0, Vec::len)
                } else {
                    0
                };
                (status, given, sent.elapsed())
            }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let elapsed = started.elapsed();
    let mut latencies: Vec<Duration> = results.iter().map(|r| r.2).collect();
    latencies.sort();
    let assigned: usize = results.iter().map(|r| r.1).sum();
    let errors = results.iter().filter(|r| !matches!(r.0, 200 | 201)).count();
    println!("store: {what}");
    println!(
        "{CLAIMS} claims ({IN_FLIGHT} in flight, {BENEFICIARIES} beneficiaries, limit 3, {STOCK} stock rows) in {:.2} s: {:.0} claims/s",
        elapsed.as_secs_f64(),
        CLAIMS as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {assigned} assigned, {errors} answers other than 200/201",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().unwrap().as_secs_f64() * 1e3,
    );
}
