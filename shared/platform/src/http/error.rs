//! The one error type of the HTTP layer and its mapping to the envelope
//! `{"ok": false, "code": "...", "error": "..."}`.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::signed_fetch::AuthError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A malformed or out-of-range parameter; the message names it.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("{0}")]
    NotFound(String),
    /// The caller is known but may not do this (a role without the right).
    #[error("{0}")]
    Forbidden(String),
    /// The request contradicts what is stored (e.g. the last owner's removal).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    #[error("Route {0} not found")]
    RouteNotFound(String),
    #[error("Method {0} is not allowed on this route")]
    MethodNotAllowed(String),
    /// A request that must be signed and is not, or not validly.
    #[error(transparent)]
    Unauthorized(#[from] AuthError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The caller used up a rate-limit policy's window.
    #[error(
        "Too many requests: the \"{policy}\" limit is {quota} requests per {window} s; retry in {retry_after} s"
    )]
    RateLimited {
        policy: &'static str,
        quota: u32,
        window: u32,
        /// Seconds until the window ends (`Retry-After`).
        retry_after: i64,
    },
    /// A failure of our own; the detail is logged, not answered.
    #[error("{0}")]
    Internal(String),
}

/// The error envelope every route answers with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Always false.
    pub ok: bool,
    /// A stable snake_case code, e.g. `invalid_parameter`, `not_found`.
    pub code: String,
    /// A human-readable message naming what is wrong.
    pub error: String,
}

impl ApiError {
    /// A bad query or path parameter.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "invalid_parameter",
            message: message.into(),
        }
    }

    /// A malformed body or a field of it; the message names the field.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "bad_request",
            message: message.into(),
        }
    }

    pub fn missing(message: impl Into<String>) -> Self {
        Self::BadRequest {
            code: "missing_parameter",
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::NotFound(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest { .. } => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::NotFound(_) | Self::RouteNotFound(_) => StatusCode::NOT_FOUND,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Store(StoreError::Unavailable(_)) => StatusCode::SERVICE_UNAVAILABLE,
            Self::Store(_) | Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::BadRequest { code, .. } => code,
            Self::Unauthorized(err) => err.code(),
            Self::NotFound(_) => "not_found",
            Self::Forbidden(_) => "forbidden",
            Self::Conflict { code, .. } => code,
            Self::RouteNotFound(_) => "route_not_found",
            Self::MethodNotAllowed(_) => "method_not_allowed",
            Self::RateLimited { .. } => "rate_limited",
            Self::Store(StoreError::Unavailable(_)) => "store_unavailable",
            Self::Store(_) | Self::Internal(_) => "internal_error",
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let message = match &self {
            // Store details stay in the logs, not in answers to strangers.
            Self::Store(err) => {
                tracing::error!(error = %err, "store failure");
                match err {
                    StoreError::Unavailable(_) => {
                        "The data store is unavailable, try again later".to_string()
                    }
                    _ => "Internal error".to_string(),
                }
            }
            Self::Internal(detail) => {
                tracing::error!(error = %detail, "internal failure");
                "Internal error".to_string()
            }
            other => {
                tracing::debug!(code = other.code(), error = %other, "request rejected");
                other.to_string()
            }
        };
        let retry_after = match &self {
            Self::RateLimited { retry_after, .. } => Some(*retry_after),
            _ => None,
        };
        let body = ErrorBody {
            ok: false,
            code: self.code().to_string(),
            error: message,
        };
        let mut response = (status, Json(body)).into_response();
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds.max(1)));
        }
        response
    }
}
