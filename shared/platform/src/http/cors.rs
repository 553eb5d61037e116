//! CORS policies. Each API puts its own on its routes before the shared
//! layers: LAND is open to every origin, the Rewards API answers only the
//! origins it is built for.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, Method, Uri, header};
use tower_http::cors::{AllowOrigin, Any, CorsLayer};

use crate::rate_limit::RateLimiter;
use crate::signed_fetch::{CHAIN_HEADER_PREFIX, MAX_LINKS, METADATA_HEADER, TIMESTAMP_HEADER};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// An API's routes with their rate limits (none when `limiter` is `None`)
/// and its CORS policy. The 405 answer is set first, so that the limits and
/// the policy also wrap it: a preflight (OPTIONS) reaches the CORS layer of
/// a route that has no OPTIONS handler, and is answered there, uncounted.
/// The limits sit inside CORS: a browser can read a 429.
pub fn with_cors(router: Router, cors: CorsLayer, limiter: Option<&RateLimiter>) -> Router {
    let router = router.method_not_allowed_fallback(|method: Method, uri: Uri| async move {
        super::ApiError::MethodNotAllowed(format!("{method} {}", uri.path()))
    });
    crate::rate_limit::limit(router, limiter).layer(cors)
}

/// The answer's headers a browser page may read: the entity tag, the
/// request id, the rate-limit headers.
fn exposed() -> Vec<HeaderName> {
    [header::ETAG, REQUEST_ID]
        .into_iter()
        .chain(crate::rate_limit::EXPOSED)
        .collect()
}

/// Any origin, reads only (LAND).
pub fn open_cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(Any)
        .allow_methods([Method::GET, Method::POST, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers(exposed())
}

/// The origins an API answers with CORS: domains with their subdomains
/// (`https` only), plus exact origins.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cors {
    /// `decentraland.org` allows `https://decentraland.org` and
    /// `https://play.decentraland.org`.
    pub domains: Vec<String>,
    /// Whole origins (`http://localhost:8000`), compared without letter case
    /// and a trailing slash.
    pub origins: Vec<String>,
}

impl Cors {
    /// Whether a browser page of `origin` may read the answers.
    pub fn allows(&self, origin: &str) -> bool {
        let origin = origin.trim_end_matches('/').to_ascii_lowercase();
        if self.origins.contains(&origin) {
            return true;
        }
        let Some(host) = origin.strip_prefix("https://") else {
            return false;
        };
        // A port or a path is no part of these domains.
        self.domains.iter().any(|domain| {
            host == domain
                || host
                    .strip_suffix(domain.as_str())
                    .is_some_and(|sub| sub.ends_with('.') && sub.len() > 1)
        })
    }

    /// Extra exact origins from a comma-separated list (a configuration value).
    pub fn with_origins(mut self, list: &str) -> Self {
        self.origins.extend(
            list.split(',')
                .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
                .filter(|o| !o.is_empty()),
        );
        self
    }

    /// The layer: every method of a read-write API, and the request headers a
    /// signed request carries, which browsers ask for in their preflight.
    pub fn layer(&self) -> CorsLayer {
        let policy = self.clone();
        let mut headers = vec![
            header::CONTENT_TYPE,
            HeaderName::from_static(TIMESTAMP_HEADER),
            HeaderName::from_static(METADATA_HEADER),
        ];
        headers.extend((0..MAX_LINKS).filter_map(|n| {
            HeaderName::from_bytes(format!("{CHAIN_HEADER_PREFIX}{n}").as_bytes()).ok()
        }));
        CorsLayer::new()
            .allow_origin(AllowOrigin::predicate(move |origin: &HeaderValue, _| {
                origin.to_str().is_ok_and(|o| policy.allows(o))
            }))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PATCH,
                Method::DELETE,
                Method::OPTIONS,
            ])
            .allow_headers(headers)
            .expose_headers(exposed())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_allow_themselves_and_their_subdomains_over_https() {
        let cors = Cors {
            domains: vec!["decentraland.org".into()],
            origins: vec![],
        }
        .with_origins(" http://localhost:8000/ ,");
        for good in [
            "https://decentraland.org",
            "https://play.decentraland.org",
            "https://A.B.Decentraland.org",
            "http://localhost:8000",
        ] {
            assert!(cors.allows(good), "{good}");
        }
        for bad in [
            "http://decentraland.org",
            "https://evildecentraland.org",
            "https://decentraland.org.evil.com",
            "https://.decentraland.org",
            "https://decentraland.org:8443",
            "http://localhost:8001",
            "null",
        ] {
            assert!(!cors.allows(bad), "{bad}");
        }
    }
}
