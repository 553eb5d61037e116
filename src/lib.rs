//! The local server and operator commands around the `land` and `rewards`
//! libraries.

pub mod cli;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use land::LandBackend;
use platform::clock::Clock;
use platform::http::Cors;
use platform::rate_limit::{RateLimiter, RoutePolicy};
use rewards::RewardsState;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_swagger_ui::SwaggerUi;

/// Both APIs, each with its CORS policy and the rate limits (none when
/// `limiter` is `None`), with their docs (see `with_docs`).
pub fn server_router(
    backend: &LandBackend,
    clock: Arc<dyn Clock>,
    rewards: RewardsState,
    rewards_cors: &Cors,
    limiter: Option<&RateLimiter>,
) -> Router {
    let (api, doc) = both_apis(backend, clock, rewards, rewards_cors, limiter);
    with_docs(api, doc)
}

/// The LAND API alone, with its docs and without rate limits: for commands
/// and benches that need no Rewards store.
pub fn land_router(backend: &LandBackend, clock: Arc<dyn Clock>) -> Router {
    let (api, doc) = backend.api(clock, None);
    with_docs(api, doc)
}

/// Every route policy of both APIs.
pub fn rate_limited_routes() -> Vec<RoutePolicy> {
    let mut routes = land::app::rate_limited_routes();
    routes.extend(rewards::app::rate_limited_routes());
    routes
}

/// Both APIs' routes (without the shared layers) and one description of both.
pub fn both_apis(
    backend: &LandBackend,
    clock: Arc<dyn Clock>,
    rewards: RewardsState,
    rewards_cors: &Cors,
    limiter: Option<&RateLimiter>,
) -> (Router, OpenApiDoc) {
    let (land, mut doc) = backend.api(clock, limiter);
    let (rewards, rewards_doc) = rewards::app::api(rewards, rewards_cors, limiter);
    doc.merge(rewards_doc);
    platform::rate_limit::document(&mut doc);
    doc.info.title = "LAND and Rewards APIs".into();
    doc.info.description = Some(
        "The LAND API (`/v1`: parcels, estates, marketplace, districts, map) and the Rewards API          (`/api`: campaigns, keys, users, supply, rewards). Every answer is `{\"ok\": true, \"data\": ...}`;          every error `{\"ok\": false, \"code\": ..., \"error\": ...}` with a real status code."
            .into(),
    );
    (land.merge(rewards), doc)
}

/// The shared layers around `api`, plus `/openapi.json`, the `/docs` page
/// (served from vendored assets: it works offline) and `/health`.
fn with_docs(api: Router, doc: OpenApiDoc) -> Router {
    let doc_json = Arc::new(doc.clone());
    platform::http::finish(api)
        .merge(SwaggerUi::new("/docs").url("/docs/openapi.json", doc))
        .route(
            "/openapi.json",
            get(move || async move { axum::Json(doc_json.as_ref().clone()) }),
        )
        .route(
            "/health",
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
}
