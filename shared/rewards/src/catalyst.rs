//! Catalysts: the allowed list (`REWARDS_CATALYSTS`) and the check that a
//! beneficiary is connected to one, and where, through its
//! `GET /comms/peers`. One HTTP client for every check; peer lists cached
//! for 2 s, so a burst of claims at one event costs one request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::domain::claim::ClaimError;

/// The DAO's production catalysts: the default allowed list.
pub const DAO_CATALYSTS: &str = "https://peer.decentraland.org,https://peer-ec1.decentraland.org,\
https://peer-ec2.decentraland.org,https://peer-ap1.decentraland.org,https://peer-eu1.decentraland.org,\
https://peer-wc1.decentraland.org,https://interconnected.online,https://peer.decentral.io,\
https://peer.melonwave.com,https://peer.kyllian.me,https://peer.uadevops.com,https://peer.dclnodes.io";

/// How long a catalyst has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(3);
/// How long a peer list is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(2);
/// The most of a peer list read (a busy catalyst lists a few thousand peers).
const MAX_PEERS_BYTES: usize = 8 << 20;

#[derive(Debug, Clone)]
struct Peer {
    address: String,
    parcel: Option<[i64; 2]>,
}

#[derive(Debug, Deserialize)]
struct Peers {
    #[serde(default)]
    peers: Vec<serde_json::Value>,
}

impl Peer {
    /// A listed peer, read leniently: one odd entry (no address, a parcel
    /// that is not two integers) is skipped, not the whole list.
    fn read(value: &serde_json::Value) -> Option<Self> {
        let address = value.get("address")?.as_str()?.to_string();
        let parcel = value.get("parcel").and_then(|p| {
            let p = p.as_array()?;
            Some([p.first()?.as_i64()?, p.get(1)?.as_i64()?])
        });
        Some(Self { address, parcel })
    }
}

/// What an error message quotes of a client's value: at most 200 characters.
fn quoted(text: &str) -> String {
    text.chars().take(200).collect()
}

/// `scheme://host[:port]` in lower case, or `None` for what is not an
/// http(s) URL. A path, query or trailing slash is dropped: clients send
/// realm URLs such as `https://peer.decentraland.org/main`.
pub fn origin(raw: &str) -> Option<String> {
    let url = reqwest::Url::parse(raw.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    Some(url.origin().ascii_serialization().to_ascii_lowercase())
}

/// A peer list and when it was fetched.
type Fetched = (Instant, Arc<Vec<Peer>>);
/// One catalyst's last peer list, behind an async lock: of concurrent
/// claims that find it stale, one fetches and the others wait for it.
type Slot = Arc<tokio::sync::Mutex<Option<Fetched>>>;

pub struct Catalysts {
    allowed: Vec<String>,
    client: reqwest::Client,
    cache: Mutex<HashMap<String, Slot>>,
    cache_for: Duration,
}

impl std::fmt::Debug for Catalysts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalysts")
            .field("allowed", &self.allowed)
            .finish_non_exhaustive()
    }
}

impl Catalysts {
    /// From a comma-separated list of origins (entries that are not URLs
    /// are left out, with a warning).
    pub fn new(list: &str) -> Self {
        let mut allowed = Vec::new();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            match origin(entry) {
                Some(o) if !allowed.contains(&o) => allowed.push(o),
                Some(_) => {}
                None => tracing::warn!(entry, "REWARDS_CATALYSTS: not an http(s) origin, left out"),
            }
        }
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("genesis-api-rewards/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default();
        Self {
            allowed,
            client,
            cache: Mutex::new(HashMap::new()),
            cache_for: CACHE_FOR,
        }
    }

    /// Peer lists reused for `cache_for` instead of `CACHE_FOR` (tests that
    /// must not depend on how fast two claims follow each other).
    pub fn cached_for(mut self, cache_for: Duration) -> Self {
        self.cache_for = cache_for;
        self
    }

    /// Step 8 of a claim: `given` is an allowed catalyst, it answers, the
    /// beneficiary is among its peers, and (when `positions` is set) stands
    /// on one of them.
    pub async fn check(
        &self,
        given: Option<&serde_json::Value>,
        beneficiary: &str,
        positions: Option<&[String]>,
    ) -> Result<(), ClaimError> {
        let given = match given {
            Some(serde_json::Value::String(text)) => quoted(text),
            None | Some(serde_json::Value::Null) => String::new(),
            Some(other) => quoted(&other.to_string()),
        };
        let invalid = || ClaimError::CatalystInvalid {
            given: given.clone(),
            expected: self.allowed.join(", "),
        };
        let origin = origin(&given).ok_or_else(invalid)?;
        if !self.allowed.contains(&origin) {
            return Err(invalid());
        }
        let peers = self.peers(&origin).await.map_err(|reason| {
            tracing::warn!(catalyst = %origin, %reason, "catalyst unreachable");
            ClaimError::CatalystUnreachable(given.clone())
        })?;
        let peer = peers
            .iter()
            .find(|p| p.address.eq_ignore_ascii_case(beneficiary))
            .ok_or_else(|| ClaimError::NotConnected(given.clone()))?;
        if let Some(positions) = positions {
            let at = peer.parcel.map(|[x, y]| format!("{x},{y}"));
            if !at.is_some_and(|at| positions.contains(&at)) {
                return Err(ClaimError::NotAtPosition);
            }
        }
        Ok(())
    }

    async fn peers(&self, origin: &str) -> Result<Arc<Vec<Peer>>, String> {
        let slot = self.slot(origin);
        let mut last = slot.lock().await;
        if let Some((at, peers)) = last.as_ref()
            && at.elapsed() < self.cache_for
        {
            return Ok(peers.clone());
        }
        let peers = Arc::new(self.fetch(origin).await?);
        *last = Some((Instant::now(), peers.clone()));
        Ok(peers)
    }

    /// The cache slot of an allowed origin (the list bounds the slots).
    fn slot(&self, origin: &str) -> Slot {
        let mut cache = self.cache.lock().unwrap_or_else(|e| e.into_inner());
        cache.entry(origin.to_string()).or_default().clone()
    }

    async fn fetch(&self, origin: &str) -> Result<Vec<Peer>, String> {
        let mut response = self
            .client
            .get(format!("{origin}/comms/peers"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if !response.status().is_success() {
            return Err(format!("answered {}", response.status()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
            if body.len() + chunk.len() > MAX_PEERS_BYTES {
                return Err("the peer list is larger than 8 MiB".into());
            }
            body.extend_from_slice(&chunk);
        }
        let peers: Peers =
            serde_json::from_slice(&body).map_err(|e| format!("not a peer list: {e}"))?;
        Ok(peers.peers.iter().filter_map(Peer::read).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_drop_paths_and_letter_case() {
        assert_eq!(
            origin("https://Peer.Decentraland.org/main/").as_deref(),
            Some("https://peer.decentraland.org")
        );
        assert_eq!(
            origin("http://127.0.0.1:8080/x").as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(
            origin("https://peer.decentraland.org:443").as_deref(),
            Some("https://peer.decentraland.org")
        );
        assert_eq!(origin("peer.decentraland.org"), None);
        assert_eq!(origin("ftp://peer.decentraland.org"), None);
        assert_eq!(origin(""), None);
    }

    #[tokio::test]
    async fn an_unlisted_catalyst_is_named_with_the_list() {
        let catalysts =
            Catalysts::new("https://peer.decentraland.org, https://peer-ec1.decentraland.org/");
        let err = catalysts
            .check(
                Some(&serde_json::json!("https://evil.example")),
                "0xab",
                None,
            )
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Catalyst \"https://evil.example\" not found. Expected: \"https://peer.decentraland.org, https://peer-ec1.decentraland.org\""
        );
    }
}
