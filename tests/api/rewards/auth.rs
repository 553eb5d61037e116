use axum::body::Body;
use http::Request;
use platform::signed_fetch::{
    AuthLink, ECDSA_EPHEMERAL, ECDSA_SIGNED_ENTITY, SIGNER, Wallet, ephemeral_message, sign,
    signed_entity,
};

use crate::common::{NOW, app, send};

const PATH: &str = "/api/campaigns";

fn request(headers: Vec<(String, String)>) -> Request<Body> {
    let mut request = Request::get(PATH);
    for (name, value) in headers {
        request = request.header(name, value);
    }
    request.body(Body::empty()).unwrap()
}

fn replace(headers: &mut [(String, String)], name: &str, value: String) {
    headers.iter_mut().find(|(n, _)| n == name).unwrap().1 = value;
}

fn link(headers: &[(String, String)], n: usize) -> AuthLink {
    let name = format!("x-identity-auth-chain-{n}");
    serde_json::from_str(&headers.iter().find(|(h, _)| *h == name).unwrap().1).unwrap()
}

/// A 3-link chain whose ephemeral key expired a minute before NOW, with a
/// fresh timestamp.
fn expired_ephemeral(wallet: &Wallet) -> Vec<(String, String)> {
    let ephemeral = Wallet::random();
    let message = ephemeral_message(&ephemeral.address(), "2026-05-31T23:59:00.000Z");
    let entity = signed_entity("GET", PATH, &NOW.to_string(), "{}");
    let chain = [
        AuthLink {
            kind: SIGNER.into(),
            payload: wallet.address(),
            signature: String::new(),
        },
        AuthLink {
            kind: ECDSA_EPHEMERAL.into(),
            signature: wallet.personal_sign(&message),
            payload: message,
        },
        AuthLink {
            kind: ECDSA_SIGNED_ENTITY.into(),
            signature: ephemeral.personal_sign(&entity),
            payload: entity,
        },
    ];
    let mut headers: Vec<(String, String)> = chain
        .iter()
        .enumerate()
        .map(|(i, l)| {
            (
                format!("x-identity-auth-chain-{i}"),
                serde_json::to_string(l).unwrap(),
            )
        })
        .collect();
    headers.push(("x-identity-timestamp".into(), NOW.to_string()));
    headers.push(("x-identity-metadata".into(), "{}".into()));
    headers
}

#[tokio::test]
async fn every_part_of_a_signed_request_is_checked() {
    let wallet = Wallet::random();
    let good = sign(&wallet, "GET", PATH, "{}", NOW, true);
    let two_links = sign(&wallet, "GET", PATH, "{}", NOW, false);

    let mut forged = good.clone();
    let mut last = link(&forged, 2);
    let mut digits: Vec<char> = last.signature.chars().collect();
    digits[10] = if digits[10] == '0' { '1' } else { '0' };
    last.signature = digits.into_iter().collect();
    replace(
        &mut forged,
        "x-identity-auth-chain-2",
        serde_json::to_string(&last).unwrap(),
    );

    let mut wrong_signer = good.clone();
    let mut first = link(&wrong_signer, 0);
    first.payload = Wallet::random().address();
    replace(
        &mut wrong_signer,
        "x-identity-auth-chain-0",
        serde_json::to_string(&first).unwrap(),
    );

    type Case<'a> = (&'a str, Vec<(String, String)>, u16, &'a str);
    let cases: Vec<Case> = vec![
        ("3-link chain", good.clone(), 200, ""),
        ("2-link chain", two_links, 200, ""),
        ("no headers", vec![], 401, "signature_required"),
        ("forged signature", forged, 401, "signature_invalid"),
        ("another signer", wrong_signer, 401, "signature_invalid"),
        (
            "expired ephemeral",
            expired_ephemeral(&wallet),
            401,
            "signature_expired",
        ),
        (
            "61 s old",
            sign(&wallet, "GET", PATH, "{}", NOW - 61_000, true),
            401,
            "signature_expired",
        ),
        (
            "61 s ahead",
            sign(&wallet, "GET", PATH, "{}", NOW + 61_000, true),
            401,
            "signature_expired",
        ),
        (
            "signed for POST",
            sign(&wallet, "POST", PATH, "{}", NOW, true),
            401,
            "signature_invalid",
        ),
        (
            "signed for another path",
            sign(&wallet, "GET", "/api/rewards", "{}", NOW, true),
            401,
            "signature_invalid",
        ),
        (
            "metadata changed after signing",
            {
                let mut h = good.clone();
                replace(&mut h, "x-identity-metadata", r#"{"a":1}"#.into());
                h
            },
            401,
            "signature_invalid",
        ),
        (
            "a link that is not JSON",
            {
                let mut h = good.clone();
                replace(&mut h, "x-identity-auth-chain-1", "{not json".into());
                h
            },
            401,
            "signature_invalid",
        ),
    ];
    for (case, headers, status, code) in cases {
        let answer = send(app().await, request(headers)).await;
        if status == 200 {
            assert_eq!(answer.status.as_u16(), 200, "{case}: {}", answer.body);
            assert_eq!(answer.body["total"], 0, "{case}: {}", answer.body);
        } else {
            answer.error(status, code);
        }
    }
}

#[tokio::test]
async fn any_json_metadata_is_accepted_and_a_query_is_not_signed() {
    // The Godot explorer signs the whole body, campaign secret included.
    let wallet = Wallet::random();
    let metadata = r#"{"campaign_key":"c2VjcmV0.c2VjcmV0","beneficiary":"0x00"}"#;
    let mut request = Request::get("/api/campaigns?limit=5&campaign_id=x");
    for (name, value) in sign(&wallet, "GET", PATH, metadata, NOW, true) {
        request = request.header(name, value);
    }
    let answer = send(app().await, request.body(Body::empty()).unwrap()).await;
    assert_eq!(answer.status.as_u16(), 200, "{}", answer.body);
}
