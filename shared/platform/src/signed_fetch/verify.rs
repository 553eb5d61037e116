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
    // Digits only, compared without overflow: the header is not signed yet.
    let sent_at: u64 = timestamp
        .parse()
        .map_err(|_| AuthError::Invalid(format!("{TIMESTAMP_HEADER} is not a number of ms")))?;
    let drift = sent_at.abs_diff(u64::try_from(now_ms).unwrap_or_default());
    if drift > TIMESTAMP_WINDOW_MS as u64 {
        return Err(AuthError::Expired(format!(
            "{TIMESTAMP_HEADER} is {} s away from the server's clock (at most 60 s)",
            drift / 1000
        )));
    }
    let expected = signed_entity(method, path, timestamp, metadata);
    verify_chain(&chain, &expected, now_ms)
}

/// A header as UTF-8 text (explorers written in Rust send raw UTF-8
/// metadata, which `HeaderValue::to_str` refuses).
fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a str, AuthError> {
    let value = headers.get(name).ok_or(AuthError::Required(name))?;
    std::str::from_utf8(value.as_bytes())
        .map_err(|_| AuthError::Invalid(format!("{name} is not UTF-8 text")))
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
        let link = std::str::from_utf8(value.as_bytes())
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
    // Every cheap check first (an expired key, an entity for another
    // request), the key recoveries last: a chain that fails them costs none.
    let delegate = ephemeral
        .map(|link| read_ephemeral(link, now_ms))
        .transpose()?;
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
    let mut authority = signer.clone();
    if let (Some(link), Some(ephemeral)) = (ephemeral, delegate) {
        signed_by(link, &authority)?;
        authority = ephemeral;
    }
    signed_by(entity, &authority)?;
    Ok(Signer { address: signer })
}

/// Reads an `ECDSA_EPHEMERAL` link and checks it has not expired (its
/// signature is checked by the caller); answers the ephemeral address it
/// delegates to.
fn read_ephemeral(link: &AuthLink, now_ms: i64) -> Result<String, AuthError> {
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
    let expires = parse_expiration(expiration).ok_or_else(|| {
        AuthError::Invalid("the ephemeral's expiration is not an ISO date".into())
    })?;
    if (expires.unix_timestamp_nanos() / 1_000_000) < i128::from(now_ms) {
        return Err(AuthError::Expired(format!(
            "the ephemeral key expired at {expiration}"
        )));
    }
    Ok(ephemeral.to_ascii_lowercase())
}

/// An ISO date; without a zone (as the Unity explorer writes it) it is UTC,
/// as JavaScript's `Date` reads it in the reference.
fn parse_expiration(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(&format!("{text}Z"), &Rfc3339))
        .ok()
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

#[cfg(test)]
mod tests {
    use axum::http::{HeaderMap, HeaderValue};

    use super::*;

    /// A chain made by Decentraland's own code (dcl-crypto-middleware-rs),
    /// with checksummed addresses.
    fn reference_chain() -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            (
                "x-identity-auth-chain-0",
                r#"{"type":"SIGNER","payload":"0x7949f9F239D1a0816ce5Eb364A1F588AE9Cc1Bf5","signature":""}"#,
            ),
            (
                "x-identity-auth-chain-1",
                r#"{"type":"ECDSA_EPHEMERAL","payload":"Decentraland Login\nEphemeral address: 0x84452bbFA4ca14B7828e2F3BBd106A2bD495CD34\nExpiration: 3021-10-16T22:32:29.626Z","signature":"0x39dd4ddf131ad2435d56c81c994c4417daef5cf5998258027ef8a1401470876a1365a6b79810dc0c4a2e9352befb63a9e4701d67b38007d83ffc4cd2b7a38ad51b"}"#,
            ),
            (
                "x-identity-auth-chain-2",
                r#"{"type":"ECDSA_SIGNED_ENTITY","payload":"get:/api/events:1684936391789:{}","signature":"0xc1511b724b986925896fa7f67f1004b1dbca331f32bea806456ea205904a70f723d1ecb9c0f8c52a930fccb2d2eb61ca715120d57b3226d66d8ce5e63567f27c1c"}"#,
            ),
            ("x-identity-timestamp", "1684936391789"),
            ("x-identity-metadata", "{}"),
        ] {
            headers.insert(name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn a_chain_signed_by_the_reference_implementation() {
        let signer = verify(&reference_chain(), "GET", "/api/events", 1_684_936_391_789).unwrap();
        assert_eq!(signer.address, "0x7949f9f239d1a0816ce5eb364a1f588ae9cc1bf5");
        let err = verify(&reference_chain(), "GET", "/api/event", 1_684_936_391_789).unwrap_err();
        assert_eq!(err.code(), "signature_invalid");
    }

    #[test]
    fn extreme_timestamps_are_refused_without_overflow() {
        for sent in ["-9223372036854775808", "18446744073709551615", "1e3", ""] {
            let mut headers = reference_chain();
            headers.insert(TIMESTAMP_HEADER, HeaderValue::from_str(sent).unwrap());
            assert!(
                verify(&headers, "GET", "/api/events", i64::MAX).is_err(),
                "{sent}"
            );
        }
    }

    #[test]
    fn expirations_with_and_without_a_zone() {
        assert!(parse_expiration("2026-06-30T12:00:00.000Z").is_some());
        let unity = parse_expiration("2026-06-30T12:00:00").unwrap();
        assert_eq!(unity.unix_timestamp(), 1_782_820_800);
        assert!(parse_expiration("next tuesday").is_none());
    }
}
