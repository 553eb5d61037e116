//! The headers of a limited answer: the IETF httpapi draft's `RateLimit-Policy`
//! and `RateLimit` (as Cloudflare's API sends them), and GitHub's
//! `X-RateLimit-*` trio for older clients.

use axum::http::{HeaderMap, HeaderName, HeaderValue};

use super::policy::Policy;

pub const RATELIMIT_POLICY: HeaderName = HeaderName::from_static("ratelimit-policy");
pub const RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
pub const X_RATELIMIT_LIMIT: HeaderName = HeaderName::from_static("x-ratelimit-limit");
pub const X_RATELIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
pub const X_RATELIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");

/// Every header the layer sets, for `Access-Control-Expose-Headers`.
pub const EXPOSED: [HeaderName; 6] = [
    RATELIMIT_POLICY,
    RATELIMIT,
    X_RATELIMIT_LIMIT,
    X_RATELIMIT_REMAINING,
    X_RATELIMIT_RESET,
    axum::http::header::RETRY_AFTER,
];

/// Where one policy stands for this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub policy: Policy,
    /// Requests left in the window after this one.
    pub remaining: u32,
    /// The window's end, in seconds since the epoch.
    pub reset: i64,
    /// Seconds until then (at least 1).
    pub reset_in: i64,
}

/// Sets the headers for the policies that applied. The `X-RateLimit-*`
/// trio speaks of one policy: the one that refused the request, else the
/// one nearest to refusing.
pub fn set(headers: &mut HeaderMap, standings: &[Standing], refused: Option<&Standing>) {
    let Some(nearest) = refused.or_else(|| {
        standings
            .iter()
            .min_by_key(|s| (s.remaining, s.policy.quota))
    }) else {
        return;
    };
    let policies = standings
        .iter()
        .map(|s| {
            format!(
                "\"{}\";q={};w={}",
                s.policy.name, s.policy.quota, s.policy.window
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    let states = standings
        .iter()
        .map(|s| format!("\"{}\";r={};t={}", s.policy.name, s.remaining, s.reset_in))
        .collect::<Vec<_>>()
        .join(", ");
    for (name, value) in [
        (RATELIMIT_POLICY, policies),
        (RATELIMIT, states),
        (X_RATELIMIT_LIMIT, nearest.policy.quota.to_string()),
        (X_RATELIMIT_REMAINING, nearest.remaining.to_string()),
        (X_RATELIMIT_RESET, nearest.reset.to_string()),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_is_listed_and_the_trio_speaks_of_the_nearest() {
        let mut headers = HeaderMap::new();
        set(
            &mut headers,
            &[
                Standing {
                    policy: Policy::new("anon", 300, 60),
                    remaining: 250,
                    reset: 1_700_000_040,
                    reset_in: 40,
                },
                Standing {
                    policy: Policy::new("render", 60, 60),
                    remaining: 9,
                    reset: 1_700_000_040,
                    reset_in: 40,
                },
            ],
            None,
        );
        assert_eq!(
            headers[RATELIMIT_POLICY],
            "\"anon\";q=300;w=60, \"render\";q=60;w=60"
        );
        assert_eq!(
            headers[RATELIMIT],
            "\"anon\";r=250;t=40, \"render\";r=9;t=40"
        );
        assert_eq!(headers[X_RATELIMIT_LIMIT], "60");
        assert_eq!(headers[X_RATELIMIT_REMAINING], "9");
        assert_eq!(headers[X_RATELIMIT_RESET], "1700000040");
    }

    #[test]
    fn a_refusal_is_what_the_trio_speaks_of() {
        let anon = Standing {
            policy: Policy::new("anon", 300, 60),
            remaining: 0,
            reset: 1_700_000_040,
            reset_in: 40,
        };
        let daily = Standing {
            policy: Policy::new("render", 1_000, 86_400),
            remaining: 0,
            reset: 1_700_086_400,
            reset_in: 86_400,
        };
        let mut headers = HeaderMap::new();
        set(&mut headers, &[anon, daily], Some(&daily));
        assert_eq!(headers[X_RATELIMIT_LIMIT], "1000");
        assert_eq!(headers[X_RATELIMIT_RESET], "1700086400");
    }

    #[test]
    fn no_standing_no_header() {
        let mut headers = HeaderMap::new();
        set(&mut headers, &[], None);
        assert!(headers.is_empty());
    }
}
