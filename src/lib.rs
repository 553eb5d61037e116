//! The local server and operator commands around the `land` (and, from Step 5, `rewards`) libraries.

pub mod cli;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use land::LandBackend;
use platform::clock::Clock;
use utoipa_swagger_ui::SwaggerUi;

/// Every route family plus `/openapi.json` and the `/docs` page (served from
/// vendored assets: it works offline).
pub fn server_router(backend: &LandBackend, clock: Arc<dyn Clock>) -> Router {
    let (api, doc) = backend.api(clock);
    let doc_json = Arc::new(doc.clone());
    let api = platform::http::finish(api);
    api.merge(SwaggerUi::new("/docs").url("/docs/openapi.json", doc))
        .route(
            "/openapi.json",
            get(move || async move { axum::Json(doc_json.as_ref().clone()) }),
        )
        .route(
            "/health",
            get(|| async { axum::Json(serde_json::json!({"ok": true})) }),
        )
}
