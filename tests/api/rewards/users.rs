use platform::signed_fetch::Wallet;
use serde_json::json;

use super::{call, created, grant, new_campaign};
use crate::common::app;

#[tokio::test]
async fn roles_are_granted_changed_and_removed_and_a_campaign_keeps_an_owner() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let users = format!("/api/campaigns/{id}/users");
    let listed = call(&app, &owner, "GET", &users, None).await;
    assert_eq!(listed.body["total"], 1);
    assert_eq!(listed.data()[0]["user"], owner.address());
    assert_eq!(listed.data()[0]["role"], "owner");

    let dev = Wallet::random();
    let upper = dev.address().to_uppercase().replace("0X", "0x");
    let added = call(
        &app,
        &owner,
        "POST",
        &users,
        Some(json!({"user": upper, "role": "developer"})),
    )
    .await;
    assert_eq!(created(&added)["user"], dev.address());
    call(
        &app,
        &owner,
        "POST",
        &users,
        Some(json!({"user": dev.address(), "role": "viewer"})),
    )
    .await
    .error(409, "user_exists");
    let message = call(
        &app,
        &owner,
        "POST",
        &users,
        Some(json!({"user": "0x12", "role": "viewer"})),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("user"), "{message}");
    let message = call(
        &app,
        &owner,
        "POST",
        &users,
        Some(json!({"user": dev.address(), "role": "admin"})),
    )
    .await
    .error(400, "bad_request");
    assert!(message.contains("role"), "{message}");

    let one = format!("{users}/{}", dev.address());
    assert_eq!(
        call(&app, &owner, "GET", &one, None).await.data()["role"],
        "developer"
    );
    let changed = call(
        &app,
        &owner,
        "PATCH",
        &one,
        Some(json!({"role": "collaborator"})),
    )
    .await;
    assert_eq!(changed.data()["role"], "collaborator");
    // The developer, now collaborator, sees the campaign's users.
    assert_eq!(call(&app, &dev, "GET", &users, None).await.body["total"], 2);

    let me = format!("{users}/{}", owner.address());
    call(&app, &owner, "DELETE", &me, None)
        .await
        .error(409, "last_owner");
    call(&app, &owner, "PATCH", &me, Some(json!({"role": "viewer"})))
        .await
        .error(409, "last_owner");
    call(&app, &owner, "PATCH", &one, Some(json!({"role": "owner"})))
        .await
        .data();
    // Two owners: one may step down.
    let stepped = call(&app, &owner, "PATCH", &me, Some(json!({"role": "viewer"}))).await;
    assert_eq!(stepped.data()["role"], "viewer");
    call(
        &app,
        &dev,
        "DELETE",
        &format!("{users}/{}", dev.address()),
        None,
    )
    .await
    .error(409, "last_owner");
    let removed = call(&app, &dev, "DELETE", &me, None).await;
    assert_eq!(removed.data()["user"], owner.address());
    // Gone: the campaign is no longer there for them.
    call(&app, &owner, "GET", &format!("/api/campaigns/{id}"), None)
        .await
        .error(404, "not_found");
    call(&app, &dev, "GET", &me, None)
        .await
        .error(404, "not_found");
    call(&app, &dev, "DELETE", &me, None)
        .await
        .error(404, "not_found");
}

#[tokio::test]
async fn a_user_added_twice_at_once_gets_one_role() {
    let app = app().await;
    let owner = Wallet::random();
    let id = new_campaign(&app, &owner).await;
    let user = Wallet::random().address();
    let users = format!("/api/campaigns/{id}/users");
    let (a, b) = tokio::join!(
        call(
            &app,
            &owner,
            "POST",
            &users,
            Some(json!({"user": user, "role": "viewer"}))
        ),
        call(
            &app,
            &owner,
            "POST",
            &users,
            Some(json!({"user": user, "role": "owner"}))
        ),
    );
    let mut statuses = [a.status.as_u16(), b.status.as_u16()];
    statuses.sort();
    assert_eq!(statuses, [201, 409]);
    grant(&app, &owner, &id, &Wallet::random(), "viewer").await;
    assert_eq!(
        call(&app, &owner, "GET", &users, None).await.body["total"],
        3
    );
}
