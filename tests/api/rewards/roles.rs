//! Every route of a campaign, called by each role and by a stranger: allowed
//! (2xx), 403 for a role that may not, 404 for someone without a role. The
//! expected table is written out here, from rewards-behaviour.md, not
//! derived from the code under test.

use axum::Router;
use platform::signed_fetch::Wallet;
use serde_json::{Value, json};

use super::{COLLECTION, call, created, grant, new_campaign};
use crate::common::app;

/// One route: method, path (after `/api/campaigns/{id}`), body, and the
/// roles allowed: O(wner), C(ollaborator), D(eveloper), V(iewer).
struct Route {
    method: &'static str,
    path: String,
    body: Option<Value>,
    allowed: &'static str,
}

/// Fresh objects for each call, so that an allowed write never changes what
/// the next call meets.
async fn routes(app: &Router, owner: &Wallet, id: &str) -> Vec<Route> {
    let base = format!("/api/campaigns/{id}");
    let key =
        created(&call(app, owner, "POST", &format!("{base}/keys"), Some(json!({}))).await)["id"]
            .as_str()
            .unwrap()
            .to_string();
    let doomed_key =
        created(&call(app, owner, "POST", &format!("{base}/keys"), Some(json!({}))).await)["id"]
            .as_str()
            .unwrap()
            .to_string();
    let doomed_user = Wallet::random();
    grant(app, owner, id, &doomed_user, "viewer").await;
    let changed_user = Wallet::random();
    grant(app, owner, id, &changed_user, "viewer").await;
    let stock = json!({"target": COLLECTION, "value": "3", "token": "Hat", "quantity": 1});
    let r = |method, path: String, body: Option<Value>, allowed| Route {
        method,
        path,
        body,
        allowed,
    };
    vec![
        r("GET", base.clone(), None, "OCDV"),
        r(
            "PATCH",
            base.clone(),
            Some(json!({"name": "Renamed"})),
            "OC",
        ),
        r("GET", format!("{base}/users"), None, "OCDV"),
        r(
            "POST",
            format!("{base}/users"),
            Some(json!({"user": Wallet::random().address(), "role": "viewer"})),
            "O",
        ),
        r(
            "GET",
            format!("{base}/users/{}", owner.address()),
            None,
            "OCDV",
        ),
        r(
            "PATCH",
            format!("{base}/users/{}", changed_user.address()),
            Some(json!({"role": "developer"})),
            "O",
        ),
        r(
            "DELETE",
            format!("{base}/users/{}", doomed_user.address()),
            None,
            "O",
        ),
        r("GET", format!("{base}/supply"), None, "OCDV"),
        r("POST", format!("{base}/supply"), Some(stock), "OC"),
        r(
            "DELETE",
            format!("{base}/supply"),
            Some(json!({"target": COLLECTION, "value": "3", "quantity": 1})),
            "OC",
        ),
        r("GET", format!("{base}/keys"), None, "OCD"),
        r(
            "POST",
            format!("{base}/keys"),
            Some(json!({"assign_limit": 1})),
            "OC",
        ),
        r("GET", format!("{base}/keys/{key}"), None, "OCD"),
        r(
            "PATCH",
            format!("{base}/keys/{key}"),
            Some(json!({"assign_limit": 2})),
            "OC",
        ),
        r("DELETE", format!("{base}/keys/{doomed_key}"), None, "OC"),
        r("GET", format!("{base}/key/{key}/rewards"), None, "OCDV"),
        r("GET", format!("{base}/transactions"), None, "OCDV"),
    ]
}

#[tokio::test]
async fn every_route_by_every_role() {
    let app = app().await;
    let roles = [
        ("O", "owner"),
        ("C", "collaborator"),
        ("D", "developer"),
        ("V", "viewer"),
    ];
    let mut checked = 0;
    for (letter, role) in roles {
        let owner = Wallet::random();
        let id = new_campaign(&app, &owner).await;
        let caller = if role == "owner" {
            Wallet::from_bytes(owner.secret_bytes().as_ref()).unwrap()
        } else {
            let caller = Wallet::random();
            grant(&app, &owner, &id, &caller, role).await;
            caller
        };
        let stranger = Wallet::random();
        for route in routes(&app, &owner, &id).await {
            let by_stranger = call(
                &app,
                &stranger,
                route.method,
                &route.path,
                route.body.clone(),
            )
            .await;
            by_stranger.error(404, "not_found");
            let answer = call(&app, &caller, route.method, &route.path, route.body.clone()).await;
            if route.allowed.contains(letter) {
                assert!(
                    answer.status.is_success(),
                    "{role} {} {}: {} {}",
                    route.method,
                    route.path,
                    answer.status,
                    answer.body
                );
            } else {
                let message = answer.error(403, "forbidden");
                assert!(message.contains(role), "{message}");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 17);
}
