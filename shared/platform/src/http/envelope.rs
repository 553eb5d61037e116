//! The success envelope `{"ok": true, "data": ...}`, with `total` on lists.

use axum::Json;
use axum::http::StatusCode;
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

/// A created object: 201 with the envelope.
#[derive(Debug)]
pub struct Created<T>(pub T);

impl<T: Serialize> IntoResponse for Created<T> {
    fn into_response(self) -> Response {
        (StatusCode::CREATED, Data(self.0)).into_response()
    }
}

/// One page of a list and the number of items the whole list holds.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListedEnvelope<T> {
    /// Always true.
    pub ok: bool,
    pub data: Vec<T>,
    /// How many items match, over every page.
    pub total: u64,
}

/// A handler's page of a list: `{"ok": true, "data": [...], "total": n}`.
#[derive(Debug)]
pub struct Listed<T> {
    pub data: Vec<T>,
    pub total: u64,
}

impl<T: Serialize> IntoResponse for Listed<T> {
    fn into_response(self) -> Response {
        Json(ListedEnvelope {
            ok: true,
            data: self.data,
            total: self.total,
        })
        .into_response()
    }
}

/// What every handler returns.
pub type ApiResult<T> = Result<Data<T>, super::ApiError>;
