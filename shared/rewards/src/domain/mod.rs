//! The Rewards domain: plain types and rules, no I/O, no AWS or HTTP type.

pub mod campaign;
pub mod captcha;
pub mod claim;
pub mod key;
pub mod patch;
pub mod reward;
pub mod role;
pub mod time;
pub mod user;

/// A field of a request that breaks a rule; the HTTP layer answers 400
/// `bad_request` naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Invalid body field \"{field}\": {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// A lowercase address, or why the field is not one.
pub fn address(field: &'static str, raw: &str) -> Result<String, Invalid> {
    platform::address::normalize(raw).map_err(|e| Invalid::new(field, e.to_string()))
}

/// The chains a campaign may run on: the reference's 137, 80001, 1 and 3,
/// and Amoy (80002) and Sepolia (11155111), which replaced the retired test
/// networks.
pub const CHAIN_IDS: [u64; 6] = [137, 80001, 1, 3, 80002, 11155111];

pub fn chain_id(value: u64) -> Result<u64, Invalid> {
    if CHAIN_IDS.contains(&value) {
        Ok(value)
    } else {
        Err(Invalid::new(
            "chain_id",
            format!("{value} is not a supported chain: expected one of {CHAIN_IDS:?}"),
        ))
    }
}

/// A contract value (an item id): a decimal unsigned integer of at most 78
/// digits (uint256).
pub fn item_value(field: &'static str, raw: &str) -> Result<String, Invalid> {
    if raw.is_empty() || raw.len() > 78 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Invalid::new(
            field,
            format!("\"{raw}\" is not an item id (a decimal unsigned integer)"),
        ));
    }
    let trimmed = raw.trim_start_matches('0');
    // Same length: decimal strings compare as the numbers do.
    if trimmed.len() == U256_MAX.len() && trimmed > U256_MAX {
        return Err(Invalid::new(
            field,
            format!("\"{raw}\" is larger than a uint256"),
        ));
    }
    Ok(if trimmed.is_empty() { "0" } else { trimmed }.to_string())
}

/// 2^256 - 1, the largest item id a contract can take.
const U256_MAX: &str =
    "115792089237316195423570985008687907853269984665640564039457584007913129639935";

/// The most characters a name, token or group may have.
pub const MAX_TEXT_CHARS: usize = 200;

/// A reward group (a key's `assign_group`, a supply row's `group`): null for
/// none, else 1 to 200 characters.
pub fn group(field: &'static str, raw: Option<String>) -> Result<Option<String>, Invalid> {
    match raw {
        Some(g) if g.is_empty() => {
            Err(Invalid::new(field, "must not be empty (null for no group)"))
        }
        Some(g) if g.chars().count() > MAX_TEXT_CHARS => Err(Invalid::new(
            field,
            format!("must be at most {MAX_TEXT_CHARS} characters"),
        )),
        other => Ok(other),
    }
}

/// `since` must not come after `until`.
pub fn period(
    since: Option<time::Timestamp>,
    until: Option<time::Timestamp>,
) -> Result<(), Invalid> {
    match (since, until) {
        (Some(since), Some(until)) if since > until => Err(Invalid::new(
            "active_until",
            format!("{until} is before active_since {since}"),
        )),
        _ => Ok(()),
    }
}
