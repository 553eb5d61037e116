//! Rate limits on both APIs: the headers counting down, the 429, the next
//! window, who is counted (signer, peer address, API Gateway's `sourceIp`),
//! and budgets shared through DynamoDB. The counter is the store under test's
//! (in memory, or the rate-limit table on moto); the clock is the test's.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use http::{Request, StatusCode};
use platform::clock::{Clock, FixedClock};
use platform::rate_limit::{
    DynamoCounter, MemoryCounter, RateCounter, RateLimiter, RateLimits, create_table,
};
use platform::signed_fetch::{Wallet, sign};
use serde_json::Value;
use tower::ServiceExt;

use crate::common::{Answer, NOW, send};

/// A clock the test moves.
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

impl TestClock {
    /// At a random minute after NOW (windows of earlier runs on the same
    /// table are never reused), `into` seconds into it.
    fn new(into: i64) -> Arc<Self> {
        let minute = (uuid::Uuid::new_v4().as_u128() % 1_000_000) as i64;
        let start = (NOW / 60_000 + minute) * 60_000;
        Arc::new(Self(AtomicI64::new(start + into * 1000)))
    }

    fn advance(&self, seconds: i64) {
        self.0.fetch_add(seconds * 1000, Ordering::SeqCst);
    }
}

const TABLE: &str = "rate-limits-test";

/// The rate-limit table on moto, created once per process.
async fn dynamo_counter() -> DynamoCounter {
    static CREATED: OnceLock<()> = OnceLock::new();
    CREATED.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Runtime::new().unwrap().block_on(async {
                let config = crate::common::aws::sdk_config().await;
                create_table(&aws_sdk_dynamodb::Client::new(&config), TABLE)
                    .await
                    .unwrap();
            });
        })
        .join()
        .expect("creating the rate-limit table");
    });
    DynamoCounter::new(
        aws_sdk_dynamodb::Client::new(&crate::common::aws::sdk_config().await),
        TABLE,
    )
}

/// A limiter on `counter` that waits for the emulator as long as it takes
/// (moto answers in seconds under the DynamoDB pass; DynamoDB in
/// milliseconds, where the default gives up at 250 ms).
fn limiter_on(
    limits: RateLimits,
    counter: Arc<dyn RateCounter>,
    clock: Arc<TestClock>,
) -> RateLimiter {
    RateLimiter::new(limits, counter, clock).with_count_timeout(std::time::Duration::from_secs(60))
}

/// The counter of the store under test.
async fn counter() -> Arc<dyn RateCounter> {
    match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => Arc::new(dynamo_counter().await),
        _ => Arc::new(MemoryCounter::new()),
    }
}

/// Both APIs as the local server serves them on `clock`, limited by
/// `limiter` (on the same clock).
async fn server(clock: Arc<TestClock>, limiter: Option<&RateLimiter>) -> Router {
    genesis_api::server_router(
        &crate::common::backend().await,
        clock.clone(),
        crate::common::rewards_state(clock).await,
        &rewards::app::cors(Some("http://localhost:8000")),
        limiter,
    )
}

/// The default policies, with `(name, quota, window)` changed.
fn limits(changes: &[(&str, u32, u32)]) -> RateLimits {
    let mut limits = RateLimits::new(genesis_api::rate_limited_routes());
    for (name, quota, window) in changes {
        limits.set(name, *quota, *window).unwrap();
    }
    limits
}

/// A caller address no other test uses: a random /64.
fn random_peer() -> SocketAddr {
    let bits = uuid::Uuid::new_v4().as_u128();
    let addr = std::net::Ipv6Addr::new(
        0xfd00,
        (bits >> 16) as u16,
        (bits >> 32) as u16,
        (bits >> 48) as u16,
        0,
        0,
        0,
        1,
    );
    SocketAddr::new(addr.into(), 40_000)
}

async fn from(router: &Router, peer: SocketAddr, method: &str, uri: &str) -> Answer {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("origin", "http://localhost:8000")
        .body(Body::empty())
        .unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    send(router.clone(), request).await
}

fn header<'a>(answer: &'a Answer, name: &str) -> &'a str {
    answer
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header: {:?}", answer.headers))
        .to_str()
        .unwrap()
}

/// The end of the clock's current window of `window` seconds, in seconds.
fn window_end(clock: &TestClock, window: i64) -> i64 {
    (clock.now_ms() / 1000 / window + 1) * window
}

#[tokio::test]
async fn the_headers_count_down_on_land_and_rewards_routes() {
    let clock = TestClock::new(18);
    let limiter = limiter_on(limits(&[]), counter().await, clock.clone());
    let router = server(clock.clone(), Some(&limiter)).await;
    let peer = random_peer();
    let reset = window_end(&clock, 60).to_string();

    for (n, uri) in ["/v1/parcels/-48/-29", "/v1/districts", "/api/campaigns"]
        .into_iter()
        .enumerate()
    {
        let answer = from(&router, peer, "GET", uri).await;
        let remaining = 299 - n;
        assert_eq!(
            header(&answer, "ratelimit-policy"),
            "\"anon\";q=300;w=60",
            "{uri}"
        );
        assert_eq!(
            header(&answer, "ratelimit"),
            format!("\"anon\";r={remaining};t=42"),
            "{uri}"
        );
        assert_eq!(header(&answer, "x-ratelimit-limit"), "300");
        assert_eq!(
            header(&answer, "x-ratelimit-remaining"),
            remaining.to_string()
        );
        assert_eq!(header(&answer, "x-ratelimit-reset"), reset);
        // Browsers may read them.
        let exposed = header(&answer, "access-control-expose-headers").to_ascii_lowercase();
        for name in [
            "ratelimit-policy",
            "ratelimit",
            "x-ratelimit-limit",
            "x-ratelimit-remaining",
            "x-ratelimit-reset",
            "retry-after",
        ] {
            assert!(
                exposed.split(',').any(|e| e.trim() == name),
                "{name} in {exposed}"
            );
        }
    }
    // An unsigned call of a signed route is counted too, and says so.
    let refused = from(&router, peer, "GET", "/api/campaigns").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), "296");

    // Expensive routes count against their own policy as well; the trio
    // speaks of the one nearest to refusing.
    let picture = from(&router, peer, "GET", "/v1/parcels/-48/-29/map.png").await;
    assert_eq!(picture.status, StatusCode::OK);
    assert_eq!(
        header(&picture, "ratelimit-policy"),
        "\"anon\";q=300;w=60, \"render\";q=120;w=60"
    );
    assert_eq!(
        header(&picture, "ratelimit"),
        "\"anon\";r=295;t=42, \"render\";r=119;t=42"
    );
    assert_eq!(header(&picture, "x-ratelimit-limit"), "120");
    let captcha = from(&router, peer, "POST", "/api/captcha").await;
    assert_eq!(captcha.status, StatusCode::CREATED, "{}", captcha.body);
    assert_eq!(
        header(&captcha, "ratelimit-policy"),
        "\"anon\";q=300;w=60, \"captcha\";q=30;w=60"
    );
    // A HEAD runs the picture's GET handler: it counts as a render.
    let head = from(&router, peer, "HEAD", "/v1/parcels/-48/-29/map.png").await;
    assert_eq!(head.status, StatusCode::OK);
    assert_eq!(
        header(&head, "ratelimit"),
        "\"anon\";r=293;t=42, \"render\";r=118;t=42"
    );
    // A method the route does not have is counted and says so too.
    let refused = from(&router, peer, "DELETE", "/v1/districts").await;
    assert_eq!(refused.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&refused, "x-ratelimit-remaining"), "292");
}

#[tokio::test]
async fn over_the_limit_is_a_429_with_retry_after_until_the_next_window() {
    let clock = TestClock::new(18);
    let limiter = limiter_on(limits(&[("anon", 3, 60)]), counter().await, clock.clone());
    let router = server(clock.clone(), Some(&limiter)).await;
    let peer = random_peer();
    for remaining in ["2", "1", "0"] {
        let answer = from(&router, peer, "GET", "/v1/parcels/-48/-29").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert_eq!(header(&answer, "x-ratelimit-remaining"), remaining);
    }
    for _ in 0..2 {
        let over = from(&router, peer, "GET", "/v1/parcels/-48/-29").await;
        assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(over.body["ok"], false);
        assert_eq!(over.body["code"], "rate_limited");
        let error = over.body["error"].as_str().unwrap();
        assert!(
            error.contains("\"anon\"") && error.contains("3 requests per 60 s"),
            "{error}"
        );
        assert_eq!(header(&over, "retry-after"), "42");
        assert_eq!(header(&over, "ratelimit"), "\"anon\";r=0;t=42");
        assert_eq!(header(&over, "x-ratelimit-remaining"), "0");
        // A browser can read the refusal (LAND answers every origin).
        assert_eq!(header(&over, "access-control-allow-origin"), "*");
    }
    // Other routes share the caller's budget.
    let other = from(&router, peer, "GET", "/v1/districts").await;
    assert_eq!(other.status, StatusCode::TOO_MANY_REQUESTS);

    // Retry-After is never early: one second before the reset, still refused.
    clock.advance(41);
    let early = from(&router, peer, "GET", "/v1/parcels/-48/-29").await;
    assert_eq!(early.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(header(&early, "retry-after"), "1");
    clock.advance(1);
    let next = from(&router, peer, "GET", "/v1/parcels/-48/-29").await;
    assert_eq!(next.status, StatusCode::OK);
    assert_eq!(header(&next, "ratelimit"), "\"anon\";r=2;t=60");
}

#[tokio::test]
async fn two_callers_do_not_share_a_budget() {
    let clock = TestClock::new(0);
    let limiter = limiter_on(limits(&[("anon", 2, 60)]), counter().await, clock.clone());
    let router = server(clock.clone(), Some(&limiter)).await;
    let (first, second) = (random_peer(), random_peer());
    for _ in 0..2 {
        assert_eq!(
            from(&router, first, "GET", "/v1/districts").await.status,
            StatusCode::OK
        );
    }
    let refused = from(&router, first, "GET", "/v1/districts").await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    let other = from(&router, second, "GET", "/v1/districts").await;
    assert_eq!(other.status, StatusCode::OK);
    assert_eq!(header(&other, "x-ratelimit-remaining"), "1");
    // Another address of the first caller's /64 is the same subscriber.
    let SocketAddr::V6(v6) = first else {
        unreachable!()
    };
    let mut segments = v6.ip().segments();
    segments[7] = 0xbeef;
    let neighbour = SocketAddr::new(std::net::Ipv6Addr::from(segments).into(), 1);
    let same = from(&router, neighbour, "GET", "/v1/districts").await;
    assert_eq!(same.status, StatusCode::TOO_MANY_REQUESTS);
}

/// A request of `wallet` signed at the clock's time (or forged: the
/// signature covers another path).
async fn signed(
    router: &Router,
    peer: SocketAddr,
    wallet: &Wallet,
    clock: &TestClock,
    forged: bool,
) -> Answer {
    let signed_path = if forged {
        "/api/other"
    } else {
        "/api/campaigns"
    };
    let headers = sign(wallet, "GET", signed_path, "{}", clock.now_ms(), true);
    let mut request = Request::get("/api/campaigns");
    for (name, value) in &headers {
        request = request.header(name, value);
    }
    let mut request = request.body(Body::empty()).unwrap();
    request.extensions_mut().insert(ConnectInfo(peer));
    send(router.clone(), request).await
}

#[tokio::test]
async fn a_signed_caller_gets_the_signed_policy_and_a_forged_one_counts_as_anonymous() {
    let clock = TestClock::new(0);
    let limiter = limiter_on(
        limits(&[("anon", 2, 60), ("signed", 3, 60)]),
        counter().await,
        clock.clone(),
    );
    let router = server(clock.clone(), Some(&limiter)).await;
    let peer = random_peer();
    let wallet = Wallet::random();
    let answer = signed(&router, peer, &wallet, &clock, false).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(header(&answer, "ratelimit-policy"), "\"signed\";q=3;w=60");
    assert_eq!(header(&answer, "x-ratelimit-remaining"), "2");

    let forged = signed(&router, peer, &wallet, &clock, true).await;
    assert_eq!(forged.status, StatusCode::UNAUTHORIZED);
    assert_eq!(forged.body["code"], "signature_invalid");
    assert_eq!(header(&forged, "ratelimit-policy"), "\"anon\";q=2;w=60");
    assert_eq!(header(&forged, "x-ratelimit-remaining"), "1");

    // The signer is counted, wherever it calls from.
    for remaining in ["1", "0"] {
        let answer = signed(&router, random_peer(), &wallet, &clock, false).await;
        assert_eq!(header(&answer, "x-ratelimit-remaining"), remaining);
    }
    let over = signed(&router, random_peer(), &wallet, &clock, false).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    // Its address's anonymous budget is untouched by the signed calls.
    let anonymous = from(&router, peer, "GET", "/v1/districts").await;
    assert_eq!(anonymous.status, StatusCode::OK);
    assert_eq!(header(&anonymous, "x-ratelimit-remaining"), "0");
}

#[tokio::test]
async fn new_wallets_from_one_address_meet_its_ceiling() {
    let clock = TestClock::new(0);
    let limiter = limiter_on(
        limits(&[("signed", 2, 60), ("captcha", 1, 60)]),
        counter().await,
        clock.clone(),
    );
    let router = server(clock.clone(), Some(&limiter)).await;
    let peer = random_peer();
    // A wallet costs nothing to make: the address has the signed quota too.
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let answer = signed(&router, peer, &Wallet::random(), &clock, false).await;
        statuses.push(answer.status.as_u16());
    }
    assert_eq!(statuses, [200, 200, 429]);
    // The expensive routes count by address, signed or not.
    let wallet = Wallet::random();
    let other = random_peer();
    let mut statuses = Vec::new();
    for _ in 0..2 {
        let headers = sign(&wallet, "POST", "/api/captcha", "{}", clock.now_ms(), true);
        let mut request = Request::post("/api/captcha");
        for (name, value) in &headers {
            request = request.header(name, value);
        }
        let mut request = request.body(Body::empty()).unwrap();
        request.extensions_mut().insert(ConnectInfo(other));
        statuses.push(send(router.clone(), request).await.status.as_u16());
    }
    assert_eq!(statuses, [201, 429]);
    let anonymous = from(&router, other, "POST", "/api/captcha").await;
    assert_eq!(anonymous.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn two_routers_over_one_dynamodb_table_share_a_budget() {
    let clock = TestClock::new(0);
    let limits = limits(&[("anon", 3, 60)]);
    // Two Lambda instances: two routers, two clients, one table.
    let first = server(
        clock.clone(),
        Some(&limiter_on(
            limits.clone(),
            Arc::new(dynamo_counter().await),
            clock.clone(),
        )),
    )
    .await;
    let second = server(
        clock.clone(),
        Some(&limiter_on(
            limits,
            Arc::new(dynamo_counter().await),
            clock.clone(),
        )),
    )
    .await;
    let peer = random_peer();
    let mut remaining = Vec::new();
    for router in [&first, &second, &first] {
        let answer = from(router, peer, "GET", "/v1/districts").await;
        remaining.push(header(&answer, "x-ratelimit-remaining").to_string());
    }
    assert_eq!(remaining, ["2", "1", "0"]);
    assert_eq!(
        from(&second, peer, "GET", "/v1/districts").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn a_counter_that_fails_lets_requests_through_without_headers() {
    let clock = TestClock::new(0);
    // A table that does not exist: every count fails.
    let missing = DynamoCounter::new(
        aws_sdk_dynamodb::Client::new(&crate::common::aws::sdk_config().await),
        "no-such-rate-limit-table",
    );
    let limiter = RateLimiter::new(limits(&[("anon", 1, 60)]), Arc::new(missing), clock.clone());
    let router = server(clock.clone(), Some(&limiter)).await;
    let logs = crate::common::logs::captured();
    let peer = random_peer();
    for _ in 0..3 {
        let answer = from(&router, peer, "GET", "/v1/districts").await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.headers.get("ratelimit").is_none());
    }
    // The layer was there, and said why it let them through.
    let text = logs.text();
    let warned = text
        .lines()
        .filter(|line| line.contains("rate-limit counter unavailable: the request is let through"))
        .count();
    assert!(warned >= 3, "{text}");
}

/// The parcels function's router as its `main` builds it, limited.
async fn parcels_function(limiter: &RateLimiter) -> Router {
    let routes = land::parcels::router(land::parcels::ParcelsState {
        store: crate::common::backend().await.store,
        clock: Arc::new(FixedClock(NOW)),
    });
    land::app::lambda_router(routes, Some(limiter))
}

/// The parcels event as API Gateway sends it from `source_ip`, with a
/// client-sent `X-Forwarded-For`.
fn event(source_ip: &str, forwarded_for: &str) -> Request<lambda_http::Body> {
    let mut event: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/events/parcels.json"))
            .unwrap(),
    )
    .unwrap();
    event["requestContext"]["http"]["sourceIp"] = source_ip.into();
    event["headers"]["x-forwarded-for"] = forwarded_for.into();
    lambda_http::request::from_str(&event.to_string()).unwrap()
}

#[tokio::test]
async fn in_lambda_the_caller_is_api_gateways_source_ip_not_x_forwarded_for() {
    let clock = TestClock::new(0);
    let limiter = limiter_on(limits(&[("anon", 2, 60)]), counter().await, clock);
    let function = parcels_function(&limiter).await;
    let bits = uuid::Uuid::new_v4().as_u128();
    let source = format!(
        "10.{}.{}.{}",
        bits as u8,
        (bits >> 8) as u8,
        (bits >> 16) as u8
    );
    let other = format!(
        "10.{}.{}.{}",
        (bits >> 24) as u8,
        (bits >> 32) as u8,
        (bits >> 40) as u8
    );
    let mut statuses = Vec::new();
    for forwarded in ["1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4", &other] {
        let answer = function
            .clone()
            .oneshot(event(&source, forwarded))
            .await
            .unwrap();
        statuses.push(answer.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429, 429]);
    // The address in X-Forwarded-For has its own budget, untouched.
    let answer = function
        .clone()
        .oneshot(event(&other, &source))
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()["x-ratelimit-remaining"], "1");
}

#[tokio::test]
async fn rate_limits_off_means_no_layer_and_the_description_documents_the_429() {
    let (off, _) = RateLimits::from_vars(
        genesis_api::rate_limited_routes(),
        [("RATE_LIMITS".to_string(), "off".to_string())],
    )
    .unwrap();
    assert!(off.is_none());
    let clock = TestClock::new(0);
    let router = server(clock.clone(), None).await;
    let answer = from(&router, random_peer(), "GET", "/v1/districts").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(answer.headers.get("ratelimit").is_none());
    // The same server with the layer answers with them.
    let limiter = RateLimiter::in_memory(limits(&[]), clock.clone());
    let limited = server(clock.clone(), Some(&limiter)).await;
    let answer = from(&limited, random_peer(), "GET", "/v1/districts").await;
    assert_eq!(header(&answer, "ratelimit"), "\"anon\";r=299;t=60");

    let doc = from(&router, random_peer(), "GET", "/openapi.json").await;
    for (path, method) in [
        ("/v1/parcels/{x}/{y}", "get"),
        ("/v1/map.png", "get"),
        ("/api/rewards", "post"),
        ("/api/captcha", "post"),
    ] {
        let operation = &doc.body["paths"][path][method];
        let too_many = &operation["responses"]["429"];
        assert!(
            too_many["headers"]["Retry-After"].is_object(),
            "{path}: {too_many}"
        );
        let ok = operation["responses"]
            .as_object()
            .unwrap()
            .iter()
            .find(|(status, _)| status.starts_with('2'))
            .unwrap()
            .1;
        for name in ["RateLimit-Policy", "RateLimit", "X-RateLimit-Remaining"] {
            assert!(ok["headers"][name].is_object(), "{path} {name}: {ok}");
        }
    }
}
