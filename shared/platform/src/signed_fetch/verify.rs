//! Checking a signed request: the chain, each signature, the ephemeral's
//! expiration, the signed entity against this request, the timestamp.

use axum::http::HeaderMap;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::eip191::recover;
use super::{
    AuthError, AuthLink, CHAIN_HEADER_PREFIX, ECDSA_EPHEMERAL, ECDSA_SIGNED_ENTITY,
    EIP_1654_PREFIX, MAX_LINKS, METADATA_HEADER, SIGNER, TIMESTAMP_HEADER, TIMESTAMP_WINDOW_MS,
    signed_entity,
};

/// Who signed a request: the wallet of the chain's `SIGNER` link, lowercase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    pub address: String,
}

/// Checks the signed-fetch headers of a request to `method path` (the path
/// the client called, without the query string) at `now_ms`.
pub fn verify(
    headers: &HeaderMap,
    method: &str,
    path: &str,
    now_ms: i64,
) -> Result<Signer, AuthError> {
    let chain = read_chain(headers)?;
    let timestamp = header(headers, TIMESTAMP_HEADER)?;
    let metadata = header(headers, METADATA_HEADER)?;
    let sent_at: i64 = timestamp
        .parse()
        .map_err(|_| AuthError::Invalid(format!("{TIMESTAMP_HEADER} is not a number of ms")))?;
    if (now_ms - sent_at).abs() > TIMESTAMP_WINDOW_MS {
        return Err(AuthError::Expired(format!(
            "{TIMESTAMP_HEADER} is {} s away from the server's clock (at most 60 s)",
            (now_ms - sent_at) / 1000
        )));
    }
    let expected = signed_entity(method, path, timestamp, metadata);
    verify_chain(&chain, &expected, now_ms)
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, AuthError> {
    headers
        .get(name)
        .ok_or(AuthError::Required(name))?
        .to_str()
        .map_err(|_| AuthError::Invalid(format!("{name} is not text")))
}

/// The links `-0`, `-1`, ... up to the first one missing.
fn read_chain(headers: &HeaderMap) -> Result<Vec<AuthLink>, AuthError> {
    let mut chain = Vec::new();
    loop {
        let name = format!("{CHAIN_HEADER_PREFIX}{}", chain.len());
        let Some(value) = headers.get(name.as_str()) else {
            break;
        };
        if chain.len() == MAX_LINKS {
            return Err(AuthError::Invalid(format!("more than {MAX_LINKS} links")));
        }
        let link = value
            .to_str()
            .ok()
            .and_then(|text| serde_json::from_str::<AuthLink>(text).ok())
            .ok_or_else(|| AuthError::Invalid(format!("{name} is not a JSON auth link")))?;
        chain.push(link);
    }
    if chain.is_empty() {
        return Err(AuthError::Required("x-identity-auth-chain-0"));
    }
    Ok(chain)
}

/// Each link is signed by the authority the link before names; the last one
/// must sign exactly `expected`.
fn verify_chain(chain: &[AuthLink], expected: &str, now_ms: i64) -> Result<Signer, AuthError> {
    if chain
        .iter()
        .any(|link| link.kind.starts_with(EIP_1654_PREFIX))
    {
        return Err(AuthError::Unsupported);
    }
    let (first, rest) = chain
        .split_first()
        .expect("read_chain refuses empty chains");
    if first.kind != SIGNER || !is_address(&first.payload) {
        return Err(AuthError::Invalid(
            "the first link must be SIGNER with the wallet's address".into(),
        ));
    }
    let signer = first.payload.to_ascii_lowercase();
    let middle = match rest {
        [entity] => (entity, None),
        [ephemeral, entity] => (entity, Some(ephemeral)),
        _ => return Err(AuthError::Invalid("a chain has two or three links".into())),
    };
    let (entity, ephemeral) = middle;
    let mut authority = signer.clone();
    if let Some(link) = ephemeral {
        authority = verify_ephemeral(link, &authority, now_ms)?;
    }
    if entity.kind != ECDSA_SIGNED_ENTITY {
        return Err(AuthError::Invalid(
            "the last link must be ECDSA_SIGNED_ENTITY".into(),
        ));
    }
    if entity.payload != expected {
        return Err(AuthError::Invalid(
            "the signed entity is not this request's method, path, timestamp and metadata".into(),
        ));
    }
    signed_by(entity, &authority)?;
    Ok(Signer { address: signer })
}

/// Checks an `ECDSA_EPHEMERAL` link signed by `authority`; answers the
/// ephemeral address it delegates to.
fn verify_ephemeral(link: &AuthLink, authority: &str, now_ms: i64) -> Result<String, AuthError> {
    if link.kind != ECDSA_EPHEMERAL {
        return Err(AuthError::Invalid(
            "the middle link must be ECDSA_EPHEMERAL".into(),
        ));
    }
    let field = |name: &str| {
        link.payload
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(str::trim)
            .ok_or_else(|| AuthError::Invalid(format!("the ephemeral link has no \"{name}\"")))
    };
    let ephemeral = field("Ephemeral address:")?;
    let expiration = field("Expiration:")?;
    if !link.payload.starts_with("Decentraland Login\n") || !is_address(ephemeral) {
        return Err(AuthError::Invalid(
            "the ephemeral link is not a Decentraland login message".into(),
        ));
    }
    let expires = OffsetDateTime::parse(expiration, &Rfc3339)
        .map_err(|_| AuthError::Invalid("the ephemeral's expiration is not an ISO date".into()))?;
    if (expires.unix_timestamp_nanos() / 1_000_000) < i128::from(now_ms) {
        return Err(AuthError::Expired(format!(
            "the ephemeral key expired at {expiration}"
        )));
    }
    signed_by(link, authority)?;
    Ok(ephemeral.to_ascii_lowercase())
}

fn signed_by(link: &AuthLink, authority: &str) -> Result<(), AuthError> {
    let recovered = recover(&link.payload, &link.signature)
        .map_err(|reason| AuthError::Invalid(format!("{}: {reason}", link.kind)))?;
    if recovered != authority {
        return Err(AuthError::Invalid(format!(
            "{} is not signed by {authority}",
            link.kind
        )));
    }
    Ok(())
}

fn is_address(text: &str) -> bool {
    text.len() == 42 && text.starts_with("0x") && text[2..].bytes().all(|b| b.is_ascii_hexdigit())
}
