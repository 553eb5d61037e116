//! Signing a request as a wallet would, for tests, scripts and the `sign`
//! command.

use axum::http::{HeaderMap, HeaderName, HeaderValue};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::eip191::Wallet;
use super::{
    AuthLink, CHAIN_HEADER_PREFIX, ECDSA_EPHEMERAL, ECDSA_SIGNED_ENTITY, METADATA_HEADER, SIGNER,
    TIMESTAMP_HEADER, ephemeral_message, signed_entity,
};

/// The headers of a signed request, in order.
pub type SignedHeaders = Vec<(String, String)>;

/// The signed headers as an HTTP header map, as a server receives them.
pub fn header_map(headers: &SignedHeaders) -> HeaderMap {
    headers
        .iter()
        .filter_map(|(name, value)| {
            Some((
                HeaderName::try_from(name.as_str()).ok()?,
                HeaderValue::try_from(value.as_str()).ok()?,
            ))
        })
        .collect()
}

/// Signs `method path` at `now_ms` with `metadata` (a JSON text, `{}` for
/// none): a three-link chain through a fresh ephemeral key valid for an hour,
/// or, with `ephemeral: false`, the two-link chain signed by the wallet.
pub fn sign(
    wallet: &Wallet,
    method: &str,
    path: &str,
    metadata: &str,
    now_ms: i64,
    ephemeral: bool,
) -> SignedHeaders {
    let timestamp = now_ms.to_string();
    let entity = signed_entity(method, path, &timestamp, metadata);
    let mut chain = vec![AuthLink {
        kind: SIGNER.into(),
        payload: wallet.address(),
        signature: String::new(),
    }];
    let entity_signer = if ephemeral {
        let key = Wallet::random();
        let expiration =
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(now_ms + 3_600_000) * 1_000_000)
                .ok()
                .and_then(|at| at.format(&Rfc3339).ok())
                .expect("an hour from a real clock is a date");
        let message = ephemeral_message(&key.address(), &expiration);
        chain.push(AuthLink {
            kind: ECDSA_EPHEMERAL.into(),
            signature: wallet.personal_sign(&message),
            payload: message,
        });
        Some(key)
    } else {
        None
    };
    chain.push(AuthLink {
        kind: ECDSA_SIGNED_ENTITY.into(),
        signature: entity_signer
            .as_ref()
            .unwrap_or(wallet)
            .personal_sign(&entity),
        payload: entity,
    });
    let mut headers: SignedHeaders = chain
        .iter()
        .enumerate()
        .map(|(i, link)| {
            (
                format!("{CHAIN_HEADER_PREFIX}{i}"),
                serde_json::to_string(link).expect("a link serializes"),
            )
        })
        .collect();
    headers.push((TIMESTAMP_HEADER.into(), timestamp));
    headers.push((METADATA_HEADER.into(), metadata.into()));
    headers
}

#[cfg(test)]
mod tests {
    use super::super::{AuthError, Signer, verify};
    use super::*;

    const NOW: i64 = 1_780_272_000_000;
    const KEY: &str = "0x1da6847600b0ee25e9ad9a52abbd786dd2502fa4005dd5af9310b7cc7a3b25db";
    const ADDRESS: &str = "0x71cb05ee1b1f506ff321da3dac38f25c0c9ce6e1";

    fn signed(ephemeral: bool) -> HeaderMap {
        let wallet = Wallet::from_hex(KEY).unwrap();
        header_map(&sign(
            &wallet,
            "POST",
            "/api/campaigns",
            "{}",
            NOW,
            ephemeral,
        ))
    }

    fn code(result: Result<Signer, AuthError>) -> &'static str {
        result.unwrap_err().code()
    }

    #[test]
    fn both_chains_verify_as_the_wallet() {
        for ephemeral in [true, false] {
            let signer = verify(&signed(ephemeral), "POST", "/api/campaigns", NOW).unwrap();
            assert_eq!(signer.address, ADDRESS);
        }
    }

    #[test]
    fn another_request_or_moment_is_refused() {
        let headers = signed(true);
        assert_eq!(
            code(verify(&headers, "GET", "/api/campaigns", NOW)),
            "signature_invalid"
        );
        assert_eq!(
            code(verify(&headers, "POST", "/api/rewards", NOW)),
            "signature_invalid"
        );
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW + 61_000)),
            "signature_expired"
        );
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW - 61_000)),
            "signature_expired"
        );
        assert!(verify(&headers, "POST", "/api/campaigns", NOW + 60_000).is_ok());
        // The ephemeral key is valid for an hour.
        let late = sign(
            &Wallet::from_hex(KEY).unwrap(),
            "POST",
            "/x",
            "{}",
            NOW - 3_600_001,
            true,
        );
        let mut late = header_map(&late);
        late.insert(TIMESTAMP_HEADER, NOW.to_string().parse().unwrap());
        assert_eq!(code(verify(&late, "POST", "/x", NOW)), "signature_expired");
    }

    #[test]
    fn forged_links_are_refused() {
        // Another wallet's SIGNER with our signatures.
        let mut headers = signed(true);
        let mut first: AuthLink =
            serde_json::from_str(headers["x-identity-auth-chain-0"].to_str().unwrap()).unwrap();
        first.payload = Wallet::random().address();
        headers.insert(
            "x-identity-auth-chain-0",
            serde_json::to_string(&first).unwrap().parse().unwrap(),
        );
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW)),
            "signature_invalid"
        );
        // Metadata changed after signing.
        let mut headers = signed(false);
        headers.insert(METADATA_HEADER, "{\"secret\":1}".parse().unwrap());
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW)),
            "signature_invalid"
        );
        // Malformed JSON, missing headers, contract wallets.
        let mut headers = signed(false);
        headers.insert("x-identity-auth-chain-1", "{not json".parse().unwrap());
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW)),
            "signature_invalid"
        );
        assert_eq!(
            code(verify(&HeaderMap::new(), "POST", "/api/campaigns", NOW)),
            "signature_required"
        );
        let mut headers = signed(false);
        headers.remove(TIMESTAMP_HEADER);
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW)),
            "signature_required"
        );
        let mut headers = signed(true);
        headers.insert(
            "x-identity-auth-chain-1",
            r#"{"type":"ECDSA_EIP_1654_EPHEMERAL","payload":"x","signature":"0x"}"#
                .parse()
                .unwrap(),
        );
        assert_eq!(
            code(verify(&headers, "POST", "/api/campaigns", NOW)),
            "signature_unsupported"
        );
    }
}
