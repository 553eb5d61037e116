//! The one query-string parser: serde over `application/x-www-form-urlencoded`,
//! with failures turned into a 400 that names the parameter.
//!
//! A parameter may repeat where its field is a list (`status=a&status=b`),
//! and `name[]` is read as `name` (`status[]=a&status[]=b`, as axios and
//! PHP-style clients send arrays). A repeated single-valued parameter is a 400.

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
        let normalized = without_array_brackets(query);
        let query = normalized.as_deref().unwrap_or(query);
        let de = serde_html_form::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
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

/// The query with array keys renamed to their name: `name[]`, and `name[0]`
/// as qs numbers them. Left as they are, they would be unknown parameters,
/// silently ignored, and a filter would vanish. `serde_html_form` reads only a
/// `form_urlencoded::Parse`, hence the re-encoding (only when such a key is
/// there).
fn without_array_brackets(query: &str) -> Option<String> {
    let pairs = form_urlencoded::parse(query.as_bytes());
    if !pairs.clone().any(|(key, _)| array_name(&key).is_some()) {
        return None;
    }
    let mut out = form_urlencoded::Serializer::new(String::with_capacity(query.len()));
    for (key, value) in pairs {
        out.append_pair(array_name(&key).unwrap_or(&key), &value);
    }
    Some(out.finish())
}

/// `name` of `name[]` or `name[<digits>]`.
fn array_name(key: &str) -> Option<&str> {
    let (name, index) = key.strip_suffix(']')?.rsplit_once('[')?;
    (!name.is_empty() && index.bytes().all(|b| b.is_ascii_digit())).then_some(name)
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
        let err = Query::<Params>::parse("limit=5&limit=6").unwrap_err();
        assert!(err.to_string().contains("\"limit\""), "{err}");
    }

    #[derive(Debug, serde::Deserialize)]
    struct Listed {
        #[serde(default)]
        status: Vec<Status>,
        limit: Option<u32>,
    }

    #[test]
    fn repeated_and_bracketed_keys_fill_a_list() {
        for query in [
            "status=open&status=sold",
            "status[]=open&status[]=sold",
            "status%5B%5D=open&status%5B%5D=sold",
            "status[0]=open&status[1]=sold",
            "status=open&status[]=sold",
        ] {
            let listed = Query::<Listed>::parse(query).unwrap();
            assert!(
                matches!(listed.status[..], [Status::Open, Status::Sold]),
                "{query}: {listed:?}"
            );
        }
        let one = Query::<Listed>::parse("status=open&limit=3").unwrap();
        assert!(matches!(one.status[..], [Status::Open]));
        assert_eq!(one.limit, Some(3));
        assert!(Query::<Listed>::parse("").unwrap().status.is_empty());
        let err = Query::<Listed>::parse("limit[]=5&limit=6").unwrap_err();
        assert!(err.to_string().contains("\"limit\""), "{err}");
        // Not an array key: left alone (and ignored, as any unknown name).
        assert_eq!(array_name("[]"), None);
        assert_eq!(array_name("status[x]"), None);
        let err = Query::<Listed>::parse("status[]=open&status[]=nope").unwrap_err();
        assert!(err.to_string().contains("\"status"), "{err}");
    }
}
