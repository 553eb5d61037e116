//! Path parameters, parsed with the API's own messages. Families add their
//! typed readers (coordinates, addresses, ids) on top of `text`.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::ApiError;

/// The named path parameters of the matched route.
#[derive(Debug, Clone)]
pub struct PathParams(HashMap<String, String>);

impl PathParams {
    /// A raw parameter; the route guarantees its presence.
    pub fn text(&self, name: &str) -> Result<&str, ApiError> {
        self.0
            .get(name)
            .map(String::as_str)
            .ok_or_else(|| ApiError::missing(format!("Missing path parameter \"{name}\"")))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Path(map)| PathParams(map))
            .map_err(|rejection| {
                ApiError::invalid(format!("Invalid path: {}", rejection.body_text()))
            })
    }
}
