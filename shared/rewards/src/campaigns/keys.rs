use axum::extract::State;
use platform::http::{
    ApiError, ApiResult, Created, Data, Envelope, ErrorBody, JsonBody, Listed, ListedEnvelope,
    PathParams, Query,
};
use platform::signed_fetch::Signed;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::routes::PageParams;
use crate::domain::key::{KeyPatch, NewKey};
use crate::domain::reward::Reward;
use crate::domain::role::Action;
use crate::http::{KeyView, RewardsState, UPDATE_ATTEMPTS, invalid, page, uuid, write_error};
use crate::store::WriteError;

/// Most secrets one `GET /api/campaigns/keys` reads.
const MAX_SECRETS: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SecretParams {
    /// Campaign key secrets (repeat the parameter, or `campaign_key[]`)
    #[serde(default)]
    #[param(style = Form, explode)]
    campaign_key: Vec<String>,
}

fn key_not_found(key_id: &Uuid) -> ApiError {
    ApiError::not_found(format!("Campaign key {key_id} not found"))
}

/// The keys named by their secrets: holding a valid secret is the permission.
/// Unknown, forged and deleted secrets are left out.
#[utoipa::path(get, path = "/api/campaigns/keys", tag = "keys", params(SecretParams),
    security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<KeyView>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn keys_by_secret(
    State(s): State<RewardsState>,
    Signed(_signer): Signed,
    Query(p): Query<SecretParams>,
) -> Result<Listed<KeyView>, ApiError> {
    if p.campaign_key.len() > MAX_SECRETS {
        return Err(ApiError::invalid(format!(
            "Invalid query parameter \"campaign_key\": at most {MAX_SECRETS} secrets, got {}",
            p.campaign_key.len()
        )));
    }
    // Each key once, however often (and wherever) its secret repeats.
    let mut seen = std::collections::HashSet::new();
    let ids: Vec<(String, String)> = p
        .campaign_key
        .iter()
        .filter_map(|secret| s.keys.open(secret))
        .filter(|ids| seen.insert(*ids))
        .map(|(key, campaign)| (campaign.to_string(), key.to_string()))
        .collect();
    let data = s
        .store
        .keys_by_id(&ids)
        .await?
        .into_iter()
        .map(|key| s.view(key))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Listed {
        total: data.len() as u64,
        data,
    })
}

/// The campaign's keys with their secrets (owner, collaborator, developer).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/keys", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid)), security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<KeyView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn list_keys(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> Result<Listed<KeyView>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::SeeKeys).await?;
    let data = s
        .store
        .keys(&id.to_string())
        .await?
        .into_iter()
        .map(|key| s.view(key))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Listed {
        total: data.len() as u64,
        data,
    })
}

/// Creates a key (owner, collaborator): `{}` is a master key, `assign_limit`
/// alone a super key, `assign_group` / `assign_target` restrict it.
#[utoipa::path(post, path = "/api/campaigns/{campaign_id}/keys", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid)), request_body = NewKey,
    security(("signed_fetch" = [])),
    responses((status = 201, body = Envelope<KeyView>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn create_key(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(body): JsonBody<NewKey>,
) -> Result<Created<KeyView>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::ChangeKeys).await?;
    let key = body
        .into_key(Uuid::new_v4().to_string(), id.to_string(), s.now())
        .map_err(invalid)?;
    s.store.add_key(&key).await?;
    Ok(Created(s.view(key)?))
}

/// One key with its secret (owner, collaborator, developer).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/keys/{campaign_key_id}", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid), ("campaign_key_id" = String, Path, format = Uuid)),
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<KeyView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_key(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> ApiResult<KeyView> {
    let id = uuid(&path, "campaign_id")?;
    let key_id = uuid(&path, "campaign_key_id")?;
    s.access(&id, &signer.address, Action::SeeKeys).await?;
    let key = s
        .store
        .key(&id.to_string(), &key_id.to_string())
        .await?
        .ok_or_else(|| key_not_found(&key_id))?;
    Ok(Data(s.view(key)?))
}

/// Changes a key (owner, collaborator): every create field and `enabled`.
#[utoipa::path(patch, path = "/api/campaigns/{campaign_id}/keys/{campaign_key_id}", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid), ("campaign_key_id" = String, Path, format = Uuid)),
    request_body = KeyPatch, security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<KeyView>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_key(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(patch): JsonBody<KeyPatch>,
) -> ApiResult<KeyView> {
    let id = uuid(&path, "campaign_id")?;
    let key_id = uuid(&path, "campaign_key_id")?;
    // Read, patch, write only over what was read: a concurrent PATCH (one
    // that disables the key, say) is read again, never undone.
    for _ in 0..UPDATE_ATTEMPTS {
        s.access(&id, &signer.address, Action::ChangeKeys).await?;
        let key = s
            .store
            .key(&id.to_string(), &key_id.to_string())
            .await?
            .ok_or_else(|| key_not_found(&key_id))?;
        let updated = patch.clone().apply(key.clone(), s.now()).map_err(invalid)?;
        match s.store.update_key(&key, &updated).await {
            Err(WriteError::Stale) => continue,
            Err(err) => return Err(write_error(err, || key_not_found(&key_id))),
            Ok(()) => return Ok(Data(s.view(updated)?)),
        }
    }
    Err(write_error(WriteError::Stale, || key_not_found(&key_id)))
}

/// Disables and removes a key (owner, collaborator): its secret stops
/// working. Answers the removed key.
#[utoipa::path(delete, path = "/api/campaigns/{campaign_id}/keys/{campaign_key_id}", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid), ("campaign_key_id" = String, Path, format = Uuid)),
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<KeyView>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete_key(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> ApiResult<KeyView> {
    let id = uuid(&path, "campaign_id")?;
    let key_id = uuid(&path, "campaign_key_id")?;
    s.access(&id, &signer.address, Action::ChangeKeys).await?;
    let mut removed = s
        .store
        .remove_key(&id.to_string(), &key_id.to_string())
        .await
        .map_err(|e| write_error(e, || key_not_found(&key_id)))?;
    removed.enabled = false;
    Ok(Data(s.view(removed)?))
}

/// The rewards a key assigned, newest first (any role of the campaign).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/key/{campaign_key_id}/rewards", tag = "keys",
    params(("campaign_id" = String, Path, format = Uuid), ("campaign_key_id" = String, Path, format = Uuid), PageParams),
    security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<Reward>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn rewards_of_key(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    Query(p): Query<PageParams>,
) -> Result<Listed<Reward>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    let key_id = uuid(&path, "campaign_key_id")?;
    let page = page(p.limit, p.offset, 100, 1000)?;
    s.access(&id, &signer.address, Action::SeeRewards).await?;
    let found = s
        .store
        .rewards_of_key(&id.to_string(), &key_id.to_string(), page)
        .await?;
    Ok(Listed {
        data: found.items,
        total: found.total,
    })
}
