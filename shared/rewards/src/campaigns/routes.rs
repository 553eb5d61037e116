use axum::extract::State;
use platform::http::{
    ApiError, ApiResult, Created, Data, Envelope, ErrorBody, JsonBody, Listed, ListedEnvelope,
    PathParams, Query,
};
use platform::signed_fetch::{Signed, Wallet};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use crate::domain::campaign::{Campaign, CampaignPatch, NewCampaign, status_filter};
use crate::domain::key::CampaignKey;
use crate::domain::reward::CollectionTransaction;
use crate::domain::role::{Action, Role};
use crate::domain::user::CampaignUser;
use crate::http::{
    RewardsState, UPDATE_ATTEMPTS, campaign_not_found, cipher_error, invalid, page, uuid,
    write_error,
};
use crate::secrets::WalletKey;
use crate::store::WriteError;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CampaignListParams {
    /// `enabled` or `disabled` (the reference's `Enabled` / `Disable` too, any case)
    status: Option<String>,
    /// 1 to 100, default 25
    pub(crate) limit: Option<i64>,
    /// Default 0
    pub(crate) offset: Option<i64>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1 to 1000, default 100
    pub(crate) limit: Option<i64>,
    /// Default 0
    pub(crate) offset: Option<i64>,
}

/// The campaigns where the signer has a role, newest first.
#[utoipa::path(get, path = "/api/campaigns", tag = "campaigns", params(CampaignListParams),
    security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<Campaign>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn list_campaigns(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    Query(p): Query<CampaignListParams>,
) -> Result<Listed<Campaign>, ApiError> {
    let enabled = p
        .status
        .as_deref()
        .map(status_filter)
        .transpose()
        .map_err(|e| ApiError::invalid(format!("Invalid query parameter \"status\": {e}")))?;
    let page = page(p.limit, p.offset, 25, 100)?;
    let found = s.store.campaigns_of(&signer.address, enabled, page).await?;
    Ok(Listed {
        data: found.items,
        total: found.total,
    })
}

/// Creates a campaign with its own wallet (`address`) and a master key; the
/// signer becomes its owner.
#[utoipa::path(post, path = "/api/campaigns", tag = "campaigns", request_body = NewCampaign,
    security(("signed_fetch" = [])),
    responses((status = 201, body = Envelope<Campaign>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn create_campaign(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    JsonBody(body): JsonBody<NewCampaign>,
) -> Result<Created<Campaign>, ApiError> {
    let now = s.now();
    let wallet = Wallet::random();
    let campaign = body
        .into_campaign(Uuid::new_v4().to_string(), wallet.address(), now)
        .map_err(invalid)?;
    let sealed = s
        .cipher
        .seal(&campaign.id, &WalletKey::new(wallet.secret_bytes()))
        .await
        .map_err(cipher_error)?;
    drop(wallet);
    let owner = CampaignUser {
        campaign_id: campaign.id.clone(),
        user: signer.address,
        role: Role::Owner,
        created_at: now,
        updated_at: now,
    };
    let master = CampaignKey::master(Uuid::new_v4().to_string(), campaign.id.clone(), now);
    s.store
        .create_campaign(&campaign, &sealed, &owner, &master)
        .await?;
    tracing::info!(campaign = %campaign.id, owner = %owner.user, "campaign created");
    Ok(Created(campaign))
}

/// A campaign, for any role on it.
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}", tag = "campaigns",
    params(("campaign_id" = String, Path, format = Uuid)), security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<Campaign>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_campaign(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> ApiResult<Campaign> {
    let id = uuid(&path, "campaign_id")?;
    let (campaign, _) = s.access(&id, &signer.address, Action::SeeCampaign).await?;
    Ok(Data(campaign))
}

/// Changes a campaign's settings (owner, collaborator). `chain_id` cannot
/// change once the campaign has rewards (409 `chain_id_locked`).
#[utoipa::path(patch, path = "/api/campaigns/{campaign_id}", tag = "campaigns",
    params(("campaign_id" = String, Path, format = Uuid)), request_body = CampaignPatch,
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<Campaign>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update_campaign(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(patch): JsonBody<CampaignPatch>,
) -> ApiResult<Campaign> {
    let id = uuid(&path, "campaign_id")?;
    let not_found = || campaign_not_found(&id.to_string());
    // Read, patch, write only over what was read: a concurrent PATCH is
    // read again, never undone.
    for _ in 0..UPDATE_ATTEMPTS {
        let (campaign, _) = s
            .access(&id, &signer.address, Action::ChangeCampaign)
            .await?;
        let updated = patch
            .clone()
            .apply(campaign.clone(), s.now())
            .map_err(invalid)?;
        match s.store.update_campaign(&campaign, &updated).await {
            Err(WriteError::Stale) => continue,
            written => {
                return written
                    .map(|()| Data(updated))
                    .map_err(|e| write_error(e, not_found));
            }
        }
    }
    Err(write_error(WriteError::Stale, not_found))
}

/// The campaign's collection transactions, newest first.
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/transactions", tag = "campaigns",
    params(("campaign_id" = String, Path, format = Uuid), PageParams),
    security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<CollectionTransaction>),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn transactions(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    Query(p): Query<PageParams>,
) -> Result<Listed<CollectionTransaction>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    let page = page(p.limit, p.offset, 100, 1000)?;
    s.access(&id, &signer.address, Action::SeeRewards).await?;
    let found = s.store.transactions(&id.to_string(), page).await?;
    Ok(Listed {
        data: found.items,
        total: found.total,
    })
}
