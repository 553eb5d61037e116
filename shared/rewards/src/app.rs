//! Assembles the Rewards route families: both for the local server; a Lambda
//! function calls its own family's `router` and hands it to [`lambda_router`].

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use platform::clock::Clock;
use platform::http::{self, Cors, ErrorBody};
use platform::rate_limit::{Policy, RateLimiter, RoutePolicy};
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::http::RewardsState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Rewards API",
        version = "1.0.0",
        description = "Campaigns that give NFT rewards through campaign keys. Signed requests follow \
Decentraland's ADR-44 (signed fetch): `x-identity-auth-chain-0..N`, `x-identity-timestamp` and \
`x-identity-metadata` headers (`cargo run -- sign --help` makes them). Every answer is \
`{\"ok\": true, \"data\": ...}` (with `total` on lists); every error `{\"ok\": false, \"code\": ..., \"error\": ...}`.",
        license(name = "Apache-2.0")
    ),
    components(schemas(ErrorBody)),
    modifiers(&SignedFetch),
    tags((name = "campaigns"), (name = "keys"), (name = "users"), (name = "supply"), (name = "rewards"), (name = "captcha"))
)]
struct RewardsDoc;

/// The security scheme of signed requests. OpenAPI has no word for a chain
/// of headers: the scheme names the first, the description the rest.
struct SignedFetch;

impl Modify for SignedFetch {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "signed_fetch",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "x-identity-auth-chain-0",
                "ADR-44 signed fetch: x-identity-auth-chain-0..N (JSON links: SIGNER, \
                 ECDSA_EPHEMERAL, ECDSA_SIGNED_ENTITY over `method:path:timestamp:metadata`), \
                 x-identity-timestamp (ms, within 60 s of the server's clock) and \
                 x-identity-metadata (JSON). A missing or bad signature is a 401 whose code \
                 names the part that failed.",
            ))),
        );
    }
}

/// The origins the Rewards API answers with CORS: decentraland domains and
/// their subdomains, plus `REWARDS_CORS_ORIGINS`.
pub fn cors(extra_origins: Option<&str>) -> Cors {
    let cors = Cors {
        domains: vec![
            "decentraland.org".into(),
            "decentraland.zone".into(),
            "decentraland.today".into(),
        ],
        origins: vec![],
    };
    match extra_origins {
        Some(list) => cors.with_origins(list),
        None => cors,
    }
}

/// Captchas: each is drawn (about 1.3 ms) and stored until it expires.
pub const CAPTCHA: Policy = Policy::new("captcha", 30, 60);
/// Claims: each runs the whole check sequence, catalysts included.
pub const CLAIM: Policy = Policy::new("claim", 30, 60);

/// The Rewards routes with a rate-limit policy of their own (on top of
/// `anon` or `signed`).
pub fn rate_limited_routes() -> Vec<RoutePolicy> {
    vec![
        RoutePolicy::new(Method::POST, "/api/captcha", CAPTCHA),
        RoutePolicy::new(Method::POST, "/api/rewards", CLAIM),
        RoutePolicy::new(Method::POST, "/api/campaigns/{campaign_id}/rewards", CLAIM),
    ]
}

/// A Rewards function's rate limiter, from the environment (see
/// [`RateLimiter::for_lambda`]).
pub async fn lambda_limiter(clock: Arc<dyn Clock>) -> Result<Option<RateLimiter>, String> {
    RateLimiter::for_lambda(rate_limited_routes(), clock).await
}

/// Both families with the rate limits and the Rewards CORS policy, without
/// the shared layers (the server adds them once around both APIs), and
/// their description.
pub fn api(
    state: RewardsState,
    cors: &Cors,
    limiter: Option<&RateLimiter>,
) -> (Router, OpenApiDoc) {
    let (router, doc) = OpenApiRouter::with_openapi(RewardsDoc::openapi())
        .merge(crate::campaigns::router(state.clone()))
        .merge(crate::rewards::router(state.clone()))
        .merge(crate::captcha::router(state))
        .split_for_parts();
    (http::with_cors(router, cors.layer(), limiter), doc)
}

/// One family's routes as a Lambda function serves them.
pub fn lambda_router(family: OpenApiRouter, cors: &Cors, limiter: Option<&RateLimiter>) -> Router {
    http::finish(http::with_cors(
        family.split_for_parts().0,
        cors.layer(),
        limiter,
    ))
}
