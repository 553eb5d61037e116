//! Layers every router gets, in the local server and in each Lambda.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, Uri, header};
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use super::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Compression levels, each where its bytes stop paying for its time. For the
/// 5.7 MB answer of the web app's map viewport (`cargo bench --bench
/// compression`, 2-core Xeon): brotli 1 gives 392 kB in 34 ms, where brotli 4
/// takes 143 ms for 264 kB and its default, 11, ten seconds; gzip 4 gives
/// 473 kB in 31 ms, where gzip 6 takes 72 ms for 458 kB.
pub const BROTLI_LEVEL: i32 = 1;
pub const GZIP_LEVEL: i32 = 4;

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
/// it), the Lambda response limit, one `Vary` header, request ids and
/// tracing. CORS and the 405 answer are each API's own: its routes carry
/// them (`with_cors`).
pub fn finish(router: Router) -> Router {
    let trace = TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
        let request_id = req
            .headers()
            .get(&REQUEST_ID)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("-");
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id)
    });
    // Two layers, one level each: brotli when the client takes it, else gzip
    // (the outer layer leaves an encoded answer alone). PNGs are left alone
    // (they are compressed already): the default predicate skips images and
    // bodies under 32 bytes.
    let brotli = CompressionLayer::new()
        .no_gzip()
        .quality(CompressionLevel::Precise(BROTLI_LEVEL));
    let gzip = CompressionLayer::new()
        .no_br()
        .quality(CompressionLevel::Precise(GZIP_LEVEL));
    router
        .fallback(not_found_fallback)
        .layer(brotli)
        .layer(gzip)
        // Outside compression, so that it sees what is sent.
        .layer(axum::middleware::map_response(within_lambda_limit))
        .layer(axum::middleware::map_response(one_vary_header))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(trace)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// An answer too big for a Lambda response becomes a 400 that says how to
/// get it: compressed, or smaller. The local server answers the same, so that
/// what works locally works deployed. Compressed answers stream without a
/// known size and are left alone: they are a tenth of plain ones that fit.
async fn within_lambda_limit(response: Response) -> Response {
    let size = axum::body::HttpBody::size_hint(response.body()).exact();
    if size.is_none_or(|size| size <= SURELY_FITS as u64) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let bytes = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(err) => return ApiError::Internal(format!("reading an answer: {err}")).into_response(),
    };
    let text = travels_as_text(&parts.headers);
    // lambda_http sends text as a JSON string (quotes and backslashes take
    // two bytes there) and anything else base64-encoded (4 bytes for 3).
    let on_the_wire = if text {
        bytes.len() + bytes.iter().filter(|&&b| b == b'"' || b == b'\\').count()
    } else {
        bytes.len().div_ceil(3) * 4
    };
    if on_the_wire + ENVELOPE_ROOM <= LAMBDA_RESPONSE_LIMIT {
        return Response::from_parts(parts, Body::from(bytes));
    }
    tracing::warn!(
        bytes = bytes.len(),
        on_the_wire,
        "answer over the Lambda limit"
    );
    let remedy = if text {
        "send \"Accept-Encoding: gzip\" (or br) to receive it compressed, or ask for less \
         (a smaller nw/se box)"
    } else {
        "ask for less"
    };
    let mut refused = ApiError::BadRequest {
        code: "response_too_large",
        message: format!(
            "The answer is {:.1} MB, too big for the 6 MB a Lambda response may carry: {remedy}",
            bytes.len() as f64 / 1_000_000.0
        ),
    }
    .into_response();
    // The refusal depends on Accept-Encoding as much as the answer would.
    refused
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    refused
}

/// Whether lambda_http sends this body as text (else base64): uncompressed
/// JSON or text.
fn travels_as_text(headers: &HeaderMap) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !headers.contains_key(header::CONTENT_ENCODING)
        && (content_type.starts_with("application/json") || content_type.starts_with("text/"))
}

/// API Gateway's HTTP API takes one value per header name (lambda_http sends
/// the first): every `Vary` value (compression's `accept-encoding`, CORS'
/// `origin`...) is folded into one header, each once, so that caches see
/// them all.
async fn one_vary_header(mut response: Response) -> Response {
    let mut names: Vec<String> = Vec::new();
    let headers = response.headers().get_all(header::VARY);
    if headers.iter().count() < 2 {
        return response;
    }
    for value in headers.iter().filter_map(|v| v.to_str().ok()) {
        for name in value.split(',').map(|n| n.trim().to_ascii_lowercase()) {
            if !name.is_empty() && !names.contains(&name) {
                names.push(name);
            }
        }
    }
    if let Ok(joined) = HeaderValue::from_str(&names.join(", ")) {
        response.headers_mut().insert(header::VARY, joined);
    }
    response
}
