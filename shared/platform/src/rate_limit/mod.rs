//! Per-caller rate limits, the same in every Lambda and in the local server:
//! one layer ([`limit`]) on each family's routes, inside its CORS policy (a
//! browser must be able to read a 429).
//!
//! The caller is the signer of a valid signed request, else the client's
//! address: in Lambda the API Gateway request context's `sourceIp` (never a
//! client-sent `X-Forwarded-For`), locally the peer's; IPv6 addresses count
//! by their /64, which one subscriber holds. Each request counts against
//! `signed` (for its signer, and for its address as a ceiling: wallets cost
//! nothing to make) or `anon`, and against its route's own policy if it has
//! one (by address), in fixed windows. A counter that fails lets the request
//! through (logged):
//! the limits guard against abuse, and failing closed would turn a counter
//! outage into an outage of every route; API Gateway's throttling stays as
//! the outer guard.

mod counter;
mod dynamo;
mod headers;
mod openapi;
mod policy;

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub use counter::{MemoryCounter, RateCounter, Window};
pub use dynamo::{DynamoCounter, TTL_ATTRIBUTE, create_table};
pub use headers::{EXPOSED, Standing};
pub use openapi::document;
pub use policy::{ANON, MAX_WINDOW, Policy, RateLimits, RoutePolicy, SIGNED};

use crate::clock::Clock;
use crate::http::ApiError;
use crate::signed_fetch::{Verified, called_path, verify};

/// The counter table's variable.
pub const TABLE_VAR: &str = "RATE_LIMIT_TABLE";
/// How long a count may take, in milliseconds (default 250).
pub const TIMEOUT_VAR: &str = "RATE_LIMIT_TIMEOUT_MS";

/// The layer's state: the limits, where requests are counted, the clock.
#[derive(Clone)]
pub struct RateLimiter {
    limits: Arc<RateLimits>,
    counter: Arc<dyn RateCounter>,
    clock: Arc<dyn Clock>,
    count_timeout: Duration,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// `clock` also checks signatures (signed callers count by address):
    /// give the limiter the clock the routes' state has.
    pub fn new(limits: RateLimits, counter: Arc<dyn RateCounter>, clock: Arc<dyn Clock>) -> Self {
        Self {
            limits: Arc::new(limits),
            counter,
            clock,
            count_timeout: COUNT_TIMEOUT,
        }
    }

    /// How long a count may take before the request goes through uncounted
    /// (default 250 ms).
    pub fn with_count_timeout(self, count_timeout: Duration) -> Self {
        Self {
            count_timeout,
            ..self
        }
    }

    /// Counting in this process only.
    pub fn in_memory(limits: RateLimits, clock: Arc<dyn Clock>) -> Self {
        Self::new(limits, Arc::new(MemoryCounter::new()), clock)
    }

    pub fn limits(&self) -> &RateLimits {
        &self.limits
    }

    /// A Lambda function's limiter, from the environment: counted in
    /// `RATE_LIMIT_TABLE`, which must be set unless `RATE_LIMITS=off`
    /// (instances counting apart would each allow the whole budget).
    pub async fn for_lambda(
        routes: Vec<RoutePolicy>,
        clock: Arc<dyn Clock>,
    ) -> Result<Option<Self>, String> {
        Self::from_env(routes, clock, true).await
    }

    /// The local server's limiter: in `RATE_LIMIT_TABLE` when it is set,
    /// else in memory.
    pub async fn for_local(
        routes: Vec<RoutePolicy>,
        clock: Arc<dyn Clock>,
    ) -> Result<Option<Self>, String> {
        Self::from_env(routes, clock, false).await
    }

    async fn from_env(
        routes: Vec<RoutePolicy>,
        clock: Arc<dyn Clock>,
        table_required: bool,
    ) -> Result<Option<Self>, String> {
        let Some(limits) = RateLimits::from_env(routes)? else {
            return Ok(None);
        };
        let timeout = timeout_from_env()?;
        let limiter = match std::env::var(TABLE_VAR).ok().filter(|t| !t.is_empty()) {
            Some(table) => Self::on_table(limits, &table, clock).await,
            None if table_required => {
                return Err(format!(
                    "{TABLE_VAR} is not set: set it to the rate-limit table \
                     (template.yaml's RateLimitTable), or RATE_LIMITS=off"
                ));
            }
            None => Self::in_memory(limits, clock),
        };
        Ok(Some(limiter.with_count_timeout(timeout)))
    }

    /// Counting in `table`, with a client that never retries: a count that
    /// fails is let through at once, and a throttled caller's key is a
    /// refusal, not a wait.
    async fn on_table(limits: RateLimits, table: &str, clock: Arc<dyn Clock>) -> Self {
        let config = aws_sdk_dynamodb::config::Builder::from(&crate::aws::sdk_config().await)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        let client = aws_sdk_dynamodb::Client::from_conf(config);
        Self::new(limits, Arc::new(DynamoCounter::new(client, table)), clock)
    }
}

/// `RATE_LIMIT_TIMEOUT_MS`, else the default.
fn timeout_from_env() -> Result<Duration, String> {
    match std::env::var(TIMEOUT_VAR) {
        Ok(value) if !value.trim().is_empty() => value
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|ms| (1..=60_000).contains(ms))
            .map(Duration::from_millis)
            .ok_or_else(|| format!("{TIMEOUT_VAR}={value}: expected milliseconds, 1 to 60000")),
        _ => Ok(COUNT_TIMEOUT),
    }
}

/// `router` with the limits on each of its routes (none when `limiter` is
/// `None`: `RATE_LIMITS=off`). `http::with_cors` calls it, inside CORS.
pub fn limit(router: Router, limiter: Option<&RateLimiter>) -> Router {
    match limiter {
        Some(limiter) => router.layer(axum::middleware::from_fn_with_state(
            limiter.clone(),
            enforce,
        )),
        None => router,
    }
}

/// How long a count may take before the request goes through uncounted
/// (the SDK retries a throttled write; the request should not wait on it).
const COUNT_TIMEOUT: Duration = Duration::from_millis(250);

async fn enforce(State(limiter): State<RateLimiter>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let now_ms = limiter.clock.now_ms();
    let now = now_ms.div_euclid(1000);
    let checked = verify(
        &parts.headers,
        parts.method.as_str(),
        called_path(&parts),
        now_ms,
    );
    let limits = &limiter.limits;
    let address = client_key(&parts);
    // A signer has its own budget, and its address a ceiling of the same
    // size: wallets cost nothing to make. The expensive routes count by
    // address, signed or not, for the same reason.
    let mut counted = match &checked {
        Ok(signer) => vec![
            (
                limits.signed,
                format!("signer:{}", signer.address.to_ascii_lowercase()),
            ),
            (limits.signed, address.clone()),
        ],
        Err(_) => vec![(limits.anon, address.clone())],
    };
    parts.extensions.insert(Verified {
        checked,
        at_ms: now_ms,
    });
    if let Some(route) = parts.extensions.get::<MatchedPath>() {
        counted.extend(
            limits
                .for_route(&parts.method, route.as_str())
                .map(|policy| (policy, address.clone())),
        );
    }

    let taken = futures::future::join_all(counted.into_iter().map(|(policy, caller)| {
        let window = i64::from(policy.window);
        let number = now.div_euclid(window);
        let ends = (number + 1) * window;
        let counter = limiter.counter.clone();
        let timeout = limiter.count_timeout;
        let key = format!("{}#{caller}#{number}", policy.name);
        async move {
            let window = Window {
                key,
                ends,
                quota: policy.quota,
            };
            let taken = match tokio::time::timeout(timeout, counter.take(&window, now)).await {
                Ok(taken) => taken.map_err(|e| e.to_string()),
                Err(_) => Err(format!("no answer within {timeout:?}")),
            };
            (policy, ends, taken)
        }
    }))
    .await;

    let mut standings: Vec<Standing> = Vec::new();
    let mut refused: Option<Standing> = None;
    for (policy, ends, taken) in taken {
        let standing = |remaining| Standing {
            policy,
            remaining,
            reset: ends,
            reset_in: (ends - now).max(1),
        };
        let standing = match taken {
            Ok(Some(count)) => standing(policy.quota.saturating_sub(count)),
            Ok(None) => {
                let over = standing(0);
                // Retry after the last of the windows that refuse.
                if refused.is_none_or(|r| r.reset_in < over.reset_in) {
                    refused = Some(over);
                }
                over
            }
            Err(err) => {
                tracing::warn!(
                    policy = policy.name,
                    error = %err,
                    "rate-limit counter unavailable: the request is let through"
                );
                continue;
            }
        };
        // One line per policy: where two windows count it (a signer and its
        // address), the nearer to refusing.
        match standings.iter_mut().find(|s| s.policy.name == policy.name) {
            Some(seen) if standing.remaining < seen.remaining => *seen = standing,
            Some(_) => {}
            None => standings.push(standing),
        }
    }
    let mut response = match refused {
        Some(over) => {
            tracing::debug!(policy = over.policy.name, "rate limited");
            ApiError::RateLimited {
                policy: over.policy.name,
                quota: over.policy.quota,
                window: over.policy.window,
                retry_after: over.reset_in,
            }
            .into_response()
        }
        None => next.run(Request::from_parts(parts, body)).await,
    };
    headers::set(response.headers_mut(), &standings, refused.as_ref());
    response
}

/// The client's address as the key it is counted by.
fn client_key(parts: &axum::http::request::Parts) -> String {
    match client_ip(parts) {
        Some(IpAddr::V6(v6)) => match v6.to_ipv4_mapped() {
            Some(v4) => format!("ip:{v4}"),
            None => {
                let s = v6.segments();
                format!("ip:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
        Some(ip) => format!("ip:{ip}"),
        // Neither Lambda nor a server with peer addresses: one shared budget.
        None => "ip:unknown".to_string(),
    }
}

/// In Lambda, API Gateway's `sourceIp` (headers are the client's to
/// invent); locally, the peer's address.
pub fn client_ip(parts: &axum::http::request::Parts) -> Option<IpAddr> {
    use lambda_http::request::RequestContext;
    if let Some(context) = parts.extensions.get::<RequestContext>() {
        let source = match context {
            RequestContext::ApiGatewayV2(c) => c.http.source_ip.as_deref(),
            RequestContext::ApiGatewayV1(c) => c.identity.source_ip.as_deref(),
            _ => None,
        };
        return source.and_then(|ip| ip.trim().parse().ok());
    }
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(peer)| peer.ip())
}
