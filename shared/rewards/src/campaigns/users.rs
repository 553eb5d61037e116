use axum::extract::State;
use platform::http::{
    ApiError, ApiResult, Created, Data, Envelope, ErrorBody, JsonBody, Listed, ListedEnvelope,
    PathParams,
};
use platform::signed_fetch::Signed;

use crate::domain::role::Action;
use crate::domain::user::{CampaignUser, NewUser, RoleChange};
use crate::http::{RewardsState, address, invalid, uuid, write_error};

fn user_not_found(user: &str) -> ApiError {
    ApiError::not_found(format!("User {user} has no role on this campaign"))
}

/// Who has which role on the campaign, oldest first (every role).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/users", tag = "users",
    params(("campaign_id" = String, Path, format = Uuid)), security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<CampaignUser>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn list_users(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> Result<Listed<CampaignUser>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::SeeUsers).await?;
    let data = s.store.users(&id.to_string()).await?;
    Ok(Listed {
        total: data.len() as u64,
        data,
    })
}

/// Grants a role (owner only). A user who has a role already is 409: change
/// it with PATCH.
#[utoipa::path(post, path = "/api/campaigns/{campaign_id}/users", tag = "users",
    params(("campaign_id" = String, Path, format = Uuid)), request_body = NewUser,
    security(("signed_fetch" = [])),
    responses((status = 201, body = Envelope<CampaignUser>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn add_user(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(body): JsonBody<NewUser>,
) -> Result<Created<CampaignUser>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::ChangeUsers).await?;
    let now = s.now();
    let user = CampaignUser {
        campaign_id: id.to_string(),
        user: crate::domain::address("user", &body.user).map_err(invalid)?,
        role: body.role,
        created_at: now,
        updated_at: now,
    };
    s.store
        .add_user(&user)
        .await
        .map_err(|e| write_error(e, || crate::http::campaign_not_found(&user.campaign_id)))?;
    Ok(Created(user))
}

/// One user's role (every role).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/users/{user}", tag = "users",
    params(("campaign_id" = String, Path, format = Uuid), ("user" = String, Path, pattern = "^0x[0-9a-fA-F]{40}$")),
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<CampaignUser>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_user(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> ApiResult<CampaignUser> {
    let id = uuid(&path, "campaign_id")?;
    let user = address(&path, "user")?;
    s.access(&id, &signer.address, Action::SeeUsers).await?;
    s.store
        .user(&id.to_string(), &user)
        .await?
        .map(Data)
        .ok_or_else(|| user_not_found(&user))
}

/// Changes a user's role (owner only); the last owner cannot be demoted (409).
#[utoipa::path(patch, path = "/api/campaigns/{campaign_id}/users/{user}", tag = "users",
    params(("campaign_id" = String, Path, format = Uuid), ("user" = String, Path, pattern = "^0x[0-9a-fA-F]{40}$")),
    request_body = RoleChange, security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<CampaignUser>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn change_role(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(body): JsonBody<RoleChange>,
) -> ApiResult<CampaignUser> {
    let id = uuid(&path, "campaign_id")?;
    let user = address(&path, "user")?;
    s.access(&id, &signer.address, Action::ChangeUsers).await?;
    s.store
        .change_role(&id.to_string(), &user, body.role, s.now())
        .await
        .map(Data)
        .map_err(|e| write_error(e, || user_not_found(&user)))
}

/// Removes a user's role (owner only); the last owner stays (409).
#[utoipa::path(delete, path = "/api/campaigns/{campaign_id}/users/{user}", tag = "users",
    params(("campaign_id" = String, Path, format = Uuid), ("user" = String, Path, pattern = "^0x[0-9a-fA-F]{40}$")),
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<CampaignUser>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn remove_user(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> ApiResult<CampaignUser> {
    let id = uuid(&path, "campaign_id")?;
    let user = address(&path, "user")?;
    s.access(&id, &signer.address, Action::ChangeUsers).await?;
    s.store
        .remove_user(&id.to_string(), &user)
        .await
        .map(Data)
        .map_err(|e| write_error(e, || user_not_found(&user)))
}
