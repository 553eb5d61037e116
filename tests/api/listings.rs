//! Listings as time passes: the stores answer from indexes built once per
//! data version, and a publication that expires between two requests must
//! still move from `open` to `expired` at once, `total` with it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use axum::Router;
use axum::body::Body;
use http::Request;
use platform::clock::Clock;
use serde_json::Value;

use crate::common::{NOW, backend, ids, send};

/// A clock the test moves.
struct MovingClock(AtomicI64);

impl Clock for MovingClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

async fn data(router: &Router, uri: &str) -> Value {
    let request = Request::get(uri).body(Body::empty()).unwrap();
    send(router.clone(), request).await.data().clone()
}

#[tokio::test]
async fn a_publication_that_expires_between_two_requests_leaves_open_and_its_total() {
    let clock = Arc::new(MovingClock(AtomicI64::new(NOW)));
    let (router, _) = backend().await.api(clock.clone(), None);
    for kind in ["parcels", "estates"] {
        let soonest = data(&router, &format!("/v1/{kind}?sort_by=expires_at&limit=1")).await;
        let expires = soonest[kind][0]["publication"]["expires_at"]
            .as_i64()
            .unwrap();
        assert!(expires > NOW, "{kind}: {soonest}");

        // At its expiry instant it is still open.
        clock.0.store(expires, Ordering::SeqCst);
        let open = data(&router, &format!("/v1/{kind}?sort_by=expires_at&limit=100")).await;
        let ending: Vec<String> = open[kind]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["publication"]["expires_at"].as_i64() == Some(expires))
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        assert!(!ending.is_empty(), "{kind}");
        let open_total = open["total"].as_u64().unwrap();
        let expired = data(&router, &format!("/v1/{kind}?status=expired&limit=1")).await;
        let expired_total = expired["total"].as_u64().unwrap();

        // A millisecond later it has expired, on the same data version.
        clock.0.store(expires + 1, Ordering::SeqCst);
        let open = data(&router, &format!("/v1/{kind}?sort_by=expires_at&limit=100")).await;
        assert_eq!(
            open["total"].as_u64().unwrap(),
            open_total - ending.len() as u64,
            "{kind}"
        );
        let still_open = ids(&open[kind]);
        assert!(
            ending.iter().all(|id| !still_open.contains(id)),
            "{kind}: {ending:?} still listed as open"
        );
        let newest_expired = data(
            &router,
            &format!(
                "/v1/{kind}?status=expired&sort_by=expires_at&sort_order=desc&limit={}",
                ending.len()
            ),
        )
        .await;
        assert_eq!(
            newest_expired["total"].as_u64().unwrap(),
            expired_total + ending.len() as u64,
            "{kind}"
        );
        let mut newly_expired = ids(&newest_expired[kind]);
        newly_expired.sort();
        let mut ending = ending;
        ending.sort();
        assert_eq!(newly_expired, ending, "{kind}");
        clock.0.store(NOW, Ordering::SeqCst);
    }
}
