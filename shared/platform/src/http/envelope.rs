//! The success envelope `{"ok": true, "data": ...}`.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Envelope<T> {
    /// Always true.
    pub ok: bool,
    pub data: T,
}

/// A handler's successful answer, wrapped in the envelope.
#[derive(Debug)]
pub struct Data<T>(pub T);

impl<T: Serialize> IntoResponse for Data<T> {
    fn into_response(self) -> Response {
        Json(Envelope {
            ok: true,
            data: self.0,
        })
        .into_response()
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<Data<T>, super::ApiError>;
