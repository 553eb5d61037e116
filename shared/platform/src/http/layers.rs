//! Layers every router gets, in the local server and in each Lambda.

use axum::Router;
use axum::http::{HeaderName, Method, Uri};
use axum::response::IntoResponse;
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// JSON 404 for paths no route matches.
pub async fn not_found_fallback(method: Method, uri: Uri) -> impl IntoResponse {
    ApiError::RouteNotFound(format!("{method} {}", uri.path()))
}

/// Adds the fallback, CORS (`*`, exposing `etag`), request ids and tracing.
pub fn finish(router: Router) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([axum::http::header::ETAG, REQUEST_ID]);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let request_id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
    });
    router
        .fallback(not_found_fallback)
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            ApiError::MethodNotAllowed(format!("{method} {}", uri.path()))
        })
        .layer(cors)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}
