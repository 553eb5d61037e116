//! The harness of the HTTP behaviour tests: the whole API over the store
//! selected by `LAND_TEST_BACKEND` (`embedded`, the default, or `dynamodb`),
//! both holding the default generated city, a clock stopped in 2026, and
//! requests sent through the router as the server and Lambda send them.

pub mod anvil;
pub mod aws;
pub mod logs;
pub mod png;

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use land::app::LandBackend;
use platform::clock::FixedClock;
use serde_json::Value;

use land::store::LandDataset;
use land::store::embedded::EmbeddedLand;
use tower::ServiceExt;

/// A port nothing listens on yet, for a server a test starts.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something accepts connections on 127.0.0.1:`port`.
pub fn wait_for_port(port: u16, timeout: std::time::Duration, what: &str) {
    let deadline = std::time::Instant::now() + timeout;
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            std::time::Instant::now() < deadline,
            "{what} did not start on port {port}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// 2026-06-01T00:00:00Z: every generated open publication is clearly live or expired.
pub const NOW: i64 = 1_780_272_000_000;

pub fn dataset() -> &'static LandDataset {
    static DATA: OnceLock<LandDataset> = OnceLock::new();
    DATA.get_or_init(|| land_seed::genesis_city(land_seed::DEFAULT_SEED))
}

pub fn embedded() -> Arc<EmbeddedLand> {
    static STORE: OnceLock<Arc<EmbeddedLand>> = OnceLock::new();
    STORE
        .get_or_init(|| Arc::new(EmbeddedLand::in_memory(dataset().clone())))
        .clone()
}

/// The store under test. A DynamoDB client is made per test: each test has
/// its own runtime, and connections must not outlive it.
pub async fn backend() -> LandBackend {
    match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => LandBackend::new(Arc::new(aws::seeded_land().await)),
        Ok("embedded") | Err(_) => LandBackend::new(embedded()),
        Ok(other) => panic!("LAND_TEST_BACKEND={other}: expected embedded or dynamodb"),
    }
}

pub async fn app() -> Router {
    let clock = Arc::new(FixedClock(NOW));
    genesis_api::server_router(
        &backend().await,
        clock.clone(),
        rewards_state(clock.clone()).await,
        &rewards::app::cors(Some("http://localhost:8000")),
        Some(&limiter(clock)),
    )
}

/// The rate limiter of the behaviour tests' routers: every policy of both
/// APIs, at a million a minute (a test's requests all come from one
/// address, and claims tests make more than a minute's claims).
/// `rate_limits.rs` tests the limits themselves.
pub fn limiter(clock: Arc<dyn platform::clock::Clock>) -> platform::rate_limit::RateLimiter {
    let mut limits = platform::rate_limit::RateLimits::new(genesis_api::rate_limited_routes());
    for policy in limits.policies() {
        limits.set(policy.name, 1_000_000, 60).unwrap();
    }
    platform::rate_limit::RateLimiter::in_memory(limits, clock)
}

/// The secret every test's Rewards state derives its keys from.
pub const TEST_SECRET: &str = "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7";

/// The Rewards state on the store under test: one SQLite database in memory
/// for the whole binary, or the Rewards table on moto (a client per test).
pub async fn rewards_state(clock: Arc<dyn platform::clock::Clock>) -> rewards::RewardsState {
    rewards_state_with_queue(
        clock,
        Arc::new(rewards::queue::EmbeddedQueue::new(
            std::time::Duration::from_secs(60),
        )),
    )
    .await
}

/// The same, with claims' messages going to `queue`.
pub async fn rewards_state_with_queue(
    clock: Arc<dyn platform::clock::Clock>,
    queue: Arc<dyn rewards::queue::RewardQueue>,
) -> rewards::RewardsState {
    rewards_state_over(rewards_store().await, clock, queue)
}

/// The same, on `store`.
pub fn rewards_state_over(
    store: Arc<dyn rewards::send::SendStore>,
    clock: Arc<dyn platform::clock::Clock>,
    queue: Arc<dyn rewards::queue::RewardQueue>,
) -> rewards::RewardsState {
    use rewards::secrets::{KeySecrets, LocalCipher, ServerSecret};
    let secret = ServerSecret::from_hex(TEST_SECRET).unwrap();
    rewards::RewardsState::new(
        store,
        clock,
        KeySecrets::new(&secret),
        Arc::new(LocalCipher::new(&secret)),
        queue,
        rewards::catalyst::Catalysts::new(rewards::catalyst::DAO_CATALYSTS),
    )
}

/// A Rewards store of the test's own (a new SQLite database in memory, or a
/// table of its own on moto), for a test that sweeps the outbox: a sweep
/// takes every entry of its store, other tests' too.
pub async fn own_rewards_store(test: &str) -> Arc<dyn rewards::send::SendStore> {
    match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => Arc::new(rewards::store::dynamo::DynamoRewards::new(
            aws_sdk_dynamodb::Client::new(&aws::sdk_config().await),
            &aws::own_rewards_table(test).await,
        )),
        _ => Arc::new(rewards::store::sqlite::SqliteRewards::in_memory().unwrap()),
    }
}

/// The Rewards store under test (with the sender's side): one SQLite
/// database in memory for the whole binary, or the Rewards table on moto.
pub async fn rewards_store() -> Arc<dyn rewards::send::SendStore> {
    static SQLITE: OnceLock<Arc<rewards::store::sqlite::SqliteRewards>> = OnceLock::new();
    match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => Arc::new(aws::rewards_table().await),
        _ => SQLITE
            .get_or_init(|| Arc::new(rewards::store::sqlite::SqliteRewards::in_memory().unwrap()))
            .clone(),
    }
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    /// The body as JSON, decoded first when it came compressed.
    pub body: Value,
    /// The bytes the body took on the wire.
    pub wire_bytes: usize,
}

impl Answer {
    /// `data` of a success envelope (asserting it is one).
    pub fn data(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(self.body["ok"], true, "{}", self.body);
        &self.body["data"]
    }

    /// Asserts an error envelope with this status and code; returns the message.
    pub fn error(&self, status: u16, code: &str) -> String {
        assert_eq!(self.status.as_u16(), status, "{}", self.body);
        assert_eq!(self.body["ok"], false, "{}", self.body);
        assert_eq!(self.body["code"], code, "{}", self.body);
        self.body["error"].as_str().unwrap().to_string()
    }
}

pub async fn send(router: Router, request: Request<Body>) -> Answer {
    let response = router.oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let encoding = headers.get("content-encoding").map(|v| v.to_str().unwrap());
    let plain = decode(encoding, &bytes);
    let body = serde_json::from_slice(&plain).unwrap_or(Value::Null);
    Answer {
        status,
        headers,
        body,
        wire_bytes: bytes.len(),
    }
}

/// A body as the client reads it, after undoing `Content-Encoding`.
pub fn decode(encoding: Option<&str>, bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut plain = Vec::new();
    match encoding {
        None => plain.extend_from_slice(bytes),
        Some("gzip") => {
            flate2::read::GzDecoder::new(bytes)
                .read_to_end(&mut plain)
                .expect("a gzip body");
        }
        Some("br") => {
            brotli_decompressor::Decompressor::new(bytes, 4096)
                .read_to_end(&mut plain)
                .expect("a brotli body");
        }
        Some(other) => panic!("unexpected content-encoding {other}"),
    }
    plain
}

pub async fn get(uri: &str) -> Answer {
    send(app().await, Request::get(uri).body(Body::empty()).unwrap()).await
}

/// A GET with the `Accept-Encoding` a client sends.
pub async fn get_accepting(uri: &str, accept_encoding: &str) -> Answer {
    let request = Request::get(uri)
        .header("accept-encoding", accept_encoding)
        .body(Body::empty())
        .unwrap();
    send(app().await, request).await
}

/// The ids ("x,y" or estate ids) of a list of assets.
pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_string())
        .collect()
}
