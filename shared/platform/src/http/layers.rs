//! Layers every router gets, in the local server and in each Lambda.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderName, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::cors::{Any, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// gzip and brotli level. For the 5.7 MB answer of the web app's map
/// viewport, level 4 takes 30 ms (gzip, 12x smaller) and 111 ms (brotli, 22x
/// smaller); brotli's default level, 11, takes ten seconds (figures from
/// `cargo bench --bench compression`).
pub const COMPRESSION_LEVEL: i32 = 4;

/// The most a Lambda function may return: 6 MB for the whole API Gateway
/// response, in which the body travels as a JSON string.
const LAMBDA_RESPONSE_LIMIT: usize = 6 * 1024 * 1024;
/// Room for the status, the headers and the JSON around the body.
const ENVELOPE_ROOM: usize = 32 * 1024;
/// Bodies below this size always fit, however they are escaped: no need to look.
const SURELY_FITS: usize = (LAMBDA_RESPONSE_LIMIT - ENVELOPE_ROOM) / 2;

/// JSON 404 for paths no route matches.
pub async fn not_found_fallback(method: Method, uri: Uri) -> impl IntoResponse {
    ApiError::RouteNotFound(format!("{method} {}", uri.path()))
}

/// Adds the fallback, compression (gzip or brotli, when the client accepts
/// it), the response budget, CORS (`*`, exposing `etag`), request ids and
/// tracing.
pub fn finish(router: Router) -> Router {
    let cors = CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::ETAG, REQUEST_ID]);
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let request_id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
    });
    // PNGs are left alone (they are compressed already): the default
    // predicate skips images and bodies under 32 bytes.
    let compression = CompressionLayer::new().quality(CompressionLevel::Precise(COMPRESSION_LEVEL));
    router
        .fallback(not_found_fallback)
        .method_not_allowed_fallback(|method: Method, uri: Uri| async move {
            ApiError::MethodNotAllowed(format!("{method} {}", uri.path()))
        })
        .layer(compression)
        .layer(axum::middleware::map_response(within_lambda_limit))
        .layer(cors)
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// An uncompressed answer too big for a Lambda response becomes a 400 that
/// says how to get it: compressed, or smaller. The local server answers the
/// same, so that what works locally works deployed.
async fn within_lambda_limit(response: Response) -> Response {
    let plain = !response.headers().contains_key(header::CONTENT_ENCODING);
    let size = axum::body::HttpBody::size_hint(response.body()).exact();
    if !plain || size.is_none_or(|size| size <= SURELY_FITS as u64) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => return ApiError::Internal(format!("reading an answer: {err}")).into_response(),
    };
    // In the Lambda response the body is a JSON string: quotes and
    // backslashes take two bytes there.
    let escaped = bytes.len() + bytes.iter().filter(|&&b| b == b'"' || b == b'\\').count();
    if escaped + ENVELOPE_ROOM <= LAMBDA_RESPONSE_LIMIT {
        return Response::from_parts(parts, Body::from(bytes));
    }
    tracing::warn!(
        bytes = bytes.len(),
        "uncompressed answer over the Lambda limit"
    );
    ApiError::BadRequest {
        code: "response_too_large",
        message: format!(
            "The answer is {:.1} MB uncompressed, too big for the 6 MB a Lambda response may \
             carry once its body is escaped as a JSON string: send \"Accept-Encoding: gzip\" \
             (or br) to receive it compressed, or ask for less (a smaller nw/se box)",
            bytes.len() as f64 / 1_000_000.0
        ),
    }
    .into_response()
}
