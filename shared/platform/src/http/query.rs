//! The one query-string parser: serde over `application/x-www-form-urlencoded`,
//! with failures turned into a 400 that names the parameter.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::ApiError;

/// Like `axum::extract::Query`, but rejects with our envelope and names the
/// offending parameter.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T: DeserializeOwned> Query<T> {
    pub fn parse(query: &str) -> Result<T, ApiError> {
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de).map_err(|err| {
            let field = err.path().to_string();
            let inner = err.into_inner().to_string();
            if field.is_empty() || field == "." {
                ApiError::invalid(format!("Invalid query string: {inner}"))
            } else {
                ApiError::invalid(format!("Invalid query parameter \"{field}\": {inner}"))
            }
        })
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::parse(parts.uri.query().unwrap_or_default()).map(Query)
    }
}

/// Checks a count parameter (`limit`, `offset`): described as int64 >= 0.
pub fn non_negative(name: &str, value: Option<i64>) -> Result<Option<u64>, ApiError> {
    value
        .map(|v| {
            u64::try_from(v).map_err(|_| {
                ApiError::invalid(format!(
                    "Invalid query parameter \"{name}\": must be 0 or more, got {v}"
                ))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Params {
        limit: Option<u32>,
        status: Option<Status>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Open,
        Sold,
    }

    #[test]
    fn names_the_bad_parameter() {
        let err = Query::<Params>::parse("limit=abc").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Invalid query parameter \"limit\""),
            "{err}"
        );
        let err = Query::<Params>::parse("status=nope").unwrap_err();
        assert!(err.to_string().contains("\"status\""), "{err}");
        assert!(err.to_string().contains("open"), "{err}");
        let ok = Query::<Params>::parse("limit=5&other=1").unwrap();
        assert_eq!(ok.limit, Some(5));
    }
}
