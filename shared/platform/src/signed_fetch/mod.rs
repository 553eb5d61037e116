//! Signed fetch (Decentraland ADR-44): a request signed by a wallet through
//! an auth chain in its headers. [`verify`] checks one; [`sign`] makes one,
//! for tests, scripts and the `sign` command.
//!
//! Headers: `x-identity-auth-chain-0` .. `-N` (one JSON link each),
//! `x-identity-timestamp` (ms since the epoch) and `x-identity-metadata` (a
//! JSON string). The chain is `SIGNER` (the wallet's address), then either
//! `ECDSA_EPHEMERAL` (a login message naming an ephemeral address and its
//! expiration, signed by the wallet) and `ECDSA_SIGNED_ENTITY` signed by the
//! ephemeral key, or `ECDSA_SIGNED_ENTITY` signed by the wallet itself. The
//! signed entity is `<method>:<path>:<timestamp>:<metadata>`, lowercased.

mod eip191;
mod sign;
mod verify;

use serde::{Deserialize, Serialize};

pub use eip191::{Wallet, address_of};
pub use sign::{SignedHeaders, header_map, sign};
pub use verify::{Signer, verify};

pub const CHAIN_HEADER_PREFIX: &str = "x-identity-auth-chain-";
pub const TIMESTAMP_HEADER: &str = "x-identity-timestamp";
pub const METADATA_HEADER: &str = "x-identity-metadata";

/// How far a request's timestamp may be from the server's clock, either way.
pub const TIMESTAMP_WINDOW_MS: i64 = 60_000;

/// Links past this are refused before any signature is checked: a real chain
/// has two or three.
pub const MAX_LINKS: usize = 5;

/// One link of an auth chain, as its header carries it. `Debug` shows the
/// kind only: a signed entity holds the metadata, which may hold a secret.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthLink {
    #[serde(rename = "type")]
    pub kind: String,
    pub payload: String,
    #[serde(default)]
    pub signature: String,
}

impl std::fmt::Debug for AuthLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthLink")
            .field("kind", &self.kind)
            .finish_non_exhaustive()
    }
}

pub const SIGNER: &str = "SIGNER";
pub const ECDSA_EPHEMERAL: &str = "ECDSA_EPHEMERAL";
pub const ECDSA_SIGNED_ENTITY: &str = "ECDSA_SIGNED_ENTITY";
/// Contract-wallet links (EIP-1654) start with this; refused for now.
pub const EIP_1654_PREFIX: &str = "ECDSA_EIP_1654_";

/// Why a request is not accepted as signed; each maps to a 401 whose code
/// says which part failed. Messages never quote the metadata (it may hold a
/// campaign secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("This request must be signed: {0}")]
    Required(&'static str),
    #[error("The request's signature is not valid: {0}")]
    Invalid(String),
    #[error("The request's signature has expired: {0}")]
    Expired(String),
    #[error("Contract wallets (EIP-1654 links) are not supported yet")]
    Unsupported,
}

impl AuthError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Required(_) => "signature_required",
            Self::Invalid(_) => "signature_invalid",
            Self::Expired(_) => "signature_expired",
            Self::Unsupported => "signature_unsupported",
        }
    }
}

/// The text the last link signs for a request.
pub fn signed_entity(method: &str, path: &str, timestamp: &str, metadata: &str) -> String {
    format!("{method}:{path}:{timestamp}:{metadata}").to_lowercase()
}

/// The message a wallet signs to delegate to an ephemeral key.
pub fn ephemeral_message(ephemeral_address: &str, expiration: &str) -> String {
    format!("Decentraland Login\nEphemeral address: {ephemeral_address}\nExpiration: {expiration}")
}

/// A request's signature as the rate-limit layer checked it (it counts
/// signed callers by address) at `at_ms`: the extractors take it from there
/// rather than recover the same keys twice, when their clock agrees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub checked: Result<Signer, AuthError>,
    pub at_ms: i64,
}

/// How far the extractor's clock may be from the layer's for the layer's
/// check to stand (the same clock, read a moment later).
const VERIFIED_DRIFT_MS: i64 = 1_000;

/// The path the client called, which its signature covers: nested routers
/// strip their prefix from `Uri`, not from `OriginalUri`.
pub fn called_path(parts: &axum::http::request::Parts) -> &str {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |original| original.0.path())
}

/// The extractor of a route that needs a signed request: the signer, or a
/// 401 whose code says which part failed. The path checked is the one the
/// client called (nested routers strip their prefix from `Uri`), without the
/// query string; the clock is the router state's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signed(pub Signer);

impl<S> axum::extract::FromRequestParts<S> for Signed
where
    S: Send + Sync,
    std::sync::Arc<dyn crate::clock::Clock>: axum::extract::FromRef<S>,
{
    type Rejection = crate::http::ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        use axum::extract::FromRef;
        let now_ms = std::sync::Arc::<dyn crate::clock::Clock>::from_ref(state).now_ms();
        if let Some(verified) = parts.extensions.get::<Verified>()
            && (now_ms - verified.at_ms).abs() <= VERIFIED_DRIFT_MS
        {
            return verified.checked.clone().map(Signed).map_err(Into::into);
        }
        verify(
            &parts.headers,
            parts.method.as_str(),
            called_path(parts),
            now_ms,
        )
        .map(Signed)
        .map_err(Into::into)
    }
}

/// The extractor of a route where signing is optional: the signer of a
/// valid signature, or why the request does not count as signed (no
/// signature at all is `AuthError::Required`). Never rejects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaybeSigned(pub Result<Signer, AuthError>);

impl<S> axum::extract::FromRequestParts<S> for MaybeSigned
where
    S: Send + Sync,
    std::sync::Arc<dyn crate::clock::Clock>: axum::extract::FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        Ok(Self(
            match <Signed as axum::extract::FromRequestParts<S>>::from_request_parts(parts, state)
                .await
            {
                Ok(Signed(signer)) => Ok(signer),
                Err(crate::http::ApiError::Unauthorized(reason)) => Err(reason),
                Err(other) => Err(AuthError::Invalid(other.to_string())),
            },
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use axum::Router;
    use axum::body::Body;
    use axum::extract::FromRef;
    use axum::http::{Request, StatusCode};
    use axum::routing::post;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;
    use crate::clock::{Clock, FixedClock};

    const NOW: i64 = 1_780_272_000_000;

    #[derive(Clone)]
    struct State {
        clock: Arc<dyn Clock>,
    }

    impl FromRef<State> for Arc<dyn Clock> {
        fn from_ref(state: &State) -> Self {
            state.clock.clone()
        }
    }

    async fn whoami(Signed(signer): Signed) -> String {
        signer.address
    }

    /// A route nested under `/api`, as the Rewards routers are.
    fn app() -> Router {
        let inner = Router::new()
            .route("/campaigns", post(whoami))
            .with_state(State {
                clock: Arc::new(FixedClock(NOW)),
            });
        Router::new().nest("/api", inner)
    }

    async fn call(uri: &str, headers: &SignedHeaders) -> (StatusCode, String) {
        let mut request = Request::post(uri);
        for (name, value) in headers {
            request = request.header(name, value);
        }
        let answer = app()
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = answer.status();
        let body = answer.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(body.to_vec()).unwrap())
    }

    #[tokio::test]
    async fn the_extractor_checks_the_path_the_client_called() {
        let wallet = Wallet::random();
        let headers = sign(&wallet, "POST", "/api/campaigns", "{}", NOW, true);
        let (status, body) = call("/api/campaigns?campaign_id=1", &headers).await;
        assert_eq!((status, body), (StatusCode::OK, wallet.address()));

        // Signed for the path the nested router sees: not this request.
        let inner_path = sign(&wallet, "POST", "/campaigns", "{}", NOW, true);
        let (status, body) = call("/api/campaigns", &inner_path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains(r#""code":"signature_invalid""#), "{body}");
        assert!(body.contains(r#""ok":false"#), "{body}");

        let (status, body) = call("/api/campaigns", &Vec::new()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains(r#""code":"signature_required""#), "{body}");
    }

    #[test]
    fn debug_never_shows_a_signed_entity() {
        let link = AuthLink {
            kind: ECDSA_SIGNED_ENTITY.into(),
            payload: "post:/api/rewards:1:{\"campaign_key\":\"secret\"}".into(),
            signature: "0x00".into(),
        };
        assert!(!format!("{link:?}").contains("secret"));
    }
}
