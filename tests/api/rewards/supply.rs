use platform::signed_fetch::Wallet;
use serde_json::json;

use super::{COLLECTION, call, created, new_campaign};
use crate::common::app;

#[tokio::test]
async fn supply_is_added_counted_and_removed_unassigned_only() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let supply = format!("/api/campaigns/{id}/supply");
    let hats = json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 30,
        "image": "https://example.org/hat.png", "priority": 2});
    let added = call(&app, &owner, "POST", &supply, Some(hats)).await;
    assert_eq!(created(&added)["quantity"], 30);
    let boxed = json!({"target": COLLECTION, "value": "01", "token": "Hat", "group": "box_1", "quantity": 5});
    created(&call(&app, &owner, "POST", &supply, Some(boxed)).await);

    let counted = call(&app, &owner, "GET", &supply, None).await;
    assert_eq!(counted.body["total"], 2);
    assert_eq!(
        counted.data(),
        &json!([
            {"target": COLLECTION, "value": "1", "group": null, "unassigned": 30, "assigned": 0,
             "sending": 0, "success": 0, "confirmed": 0, "rejected": 0},
            {"target": COLLECTION, "value": "1", "group": "box_1", "unassigned": 5, "assigned": 0,
             "sending": 0, "success": 0, "confirmed": 0, "rejected": 0},
        ])
    );

    let removed = call(
        &app,
        &owner,
        "DELETE",
        &supply,
        Some(json!({"target": COLLECTION, "value": "1", "quantity": 12})),
    )
    .await;
    assert_eq!(removed.data()["quantity"], 12);
    let all = call(
        &app,
        &owner,
        "DELETE",
        &supply,
        Some(json!({"target": COLLECTION, "value": "1", "group": "box_1"})),
    )
    .await;
    assert_eq!(all.data()["quantity"], 5);
    let none = call(
        &app,
        &owner,
        "DELETE",
        &supply,
        Some(json!({"target": COLLECTION, "value": "9"})),
    )
    .await;
    assert_eq!(none.data()["quantity"], 0);
    let counted = call(&app, &owner, "GET", &supply, None).await;
    // The group's rows are all gone, and its line with them.
    assert_eq!(counted.body["total"], 1, "{}", counted.body);
    assert_eq!(counted.data()[0]["unassigned"], 18);

    for (body, field) in [
        (
            json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 0}),
            "quantity",
        ),
        (
            json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 10001}),
            "quantity",
        ),
        (
            json!({"target": COLLECTION, "value": "x", "token": "Hat", "quantity": 1}),
            "value",
        ),
        (
            json!({"target": "0x1", "value": "1", "token": "Hat", "quantity": 1}),
            "target",
        ),
        (
            json!({"target": COLLECTION, "value": "1", "quantity": 1}),
            "token",
        ),
        (
            json!({"target": COLLECTION, "value": "1", "token": "Hat", "quantity": 1, "image": "ftp://x"}),
            "image",
        ),
    ] {
        let message = call(&app, &owner, "POST", &supply, Some(body.clone()))
            .await
            .error(400, "bad_request");
        assert!(message.contains(field), "{body}: {message}");
    }
    let message = call(&app, &owner, "DELETE", &supply, None)
        .await
        .error(400, "bad_request");
    assert!(message.contains("target"), "{message}");
}
