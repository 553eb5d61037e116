//! The one JSON body reader: any content type (clients forget it), an empty
//! body read as `{}`, and every failure a 400 `bad_request` that names the
//! field, never axum's 415 or 422.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use super::ApiError;

/// Like `axum::Json`, rejecting with our envelope.
#[derive(Debug, Clone, Copy, Default)]
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> JsonBody<T> {
    pub fn parse(bytes: &[u8]) -> Result<T, ApiError> {
        let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
            b"{}"
        } else {
            bytes
        };
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let value = serde_path_to_error::deserialize(&mut de).map_err(|err| {
            let field = err.path().to_string();
            let inner = err.into_inner();
            let reason = without_position(&inner);
            if inner.is_syntax() || inner.is_eof() {
                ApiError::bad_request(format!("The body is not valid JSON: {reason}"))
            } else if field.is_empty() || field == "." {
                ApiError::bad_request(format!("Invalid body: {reason}"))
            } else {
                ApiError::bad_request(format!("Invalid body field \"{field}\": {reason}"))
            }
        })?;
        de.end()
            .map_err(|err| ApiError::bad_request(format!("The body is not valid JSON: {err}")))?;
        Ok(value)
    }
}

/// serde_json's message without " at line 1 column 9", which helps nobody
/// reading one line of JSON, but keeping where a syntax error is.
fn without_position(err: &serde_json::Error) -> String {
    let text = err.to_string();
    match text.rsplit_once(" at line ") {
        Some((reason, _)) if err.is_data() => reason.to_string(),
        _ => text,
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                ApiError::bad_request(format!(
                    "The body could not be read: {}",
                    rejection.body_text()
                ))
            })?;
        Self::parse(&bytes).map(JsonBody)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Body {
        name: String,
        #[serde(default)]
        quantity: Option<u32>,
    }

    fn message(raw: &str) -> String {
        match JsonBody::<Body>::parse(raw.as_bytes()) {
            Err(ApiError::BadRequest { code, message }) => {
                assert_eq!(code, "bad_request");
                message
            }
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn every_failure_names_what_is_wrong() {
        assert!(message(r#"{"name": 3}"#).contains("\"name\""));
        assert!(message(r#"{"name": "a", "quantity": -1}"#).contains("\"quantity\""));
        assert!(message("{}").contains("missing field `name`"));
        assert!(message("").contains("missing field `name`"));
        assert!(message(r#"{"name": "a""#).contains("not valid JSON"));
        assert!(message(r#"{"name": "a"} x"#).contains("not valid JSON"));
    }
}
