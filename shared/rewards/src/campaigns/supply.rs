use axum::extract::State;
use platform::http::{
    ApiError, ApiResult, Created, Data, Envelope, ErrorBody, JsonBody, Listed, ListedEnvelope,
    PathParams,
};
use platform::signed_fetch::Signed;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::domain::reward::{NewSupply, SupplyCount, SupplyRemoval};
use crate::domain::role::Action;
use crate::http::{RewardsState, campaign_not_found, invalid, uuid, write_error};

/// What a supply call changed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupplyChange {
    pub target: String,
    pub value: String,
    pub group: Option<String>,
    /// Rows added (POST) or removed (DELETE).
    pub quantity: u64,
}

/// Stock per (target, value, group), counted by status (every role).
#[utoipa::path(get, path = "/api/campaigns/{campaign_id}/supply", tag = "supply",
    params(("campaign_id" = String, Path, format = Uuid)), security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<SupplyCount>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn get_supply(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
) -> Result<Listed<SupplyCount>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::SeeSupply).await?;
    let data = s.store.supply(&id.to_string()).await?;
    Ok(Listed {
        total: data.len() as u64,
        data,
    })
}

/// Adds `quantity` unassigned rows (1 to 10,000) of one item (owner,
/// collaborator).
#[utoipa::path(post, path = "/api/campaigns/{campaign_id}/supply", tag = "supply",
    params(("campaign_id" = String, Path, format = Uuid)), request_body = NewSupply,
    security(("signed_fetch" = [])),
    responses((status = 201, body = Envelope<SupplyChange>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn add_supply(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(body): JsonBody<NewSupply>,
) -> Result<Created<SupplyChange>, ApiError> {
    let id = uuid(&path, "campaign_id")?;
    let (campaign, _) = s.access(&id, &signer.address, Action::ChangeSupply).await?;
    let stock = body.checked().map_err(invalid)?;
    let rows = stock.rows(&campaign.id, campaign.chain_id, s.now(), || {
        Uuid::new_v4().to_string()
    });
    s.store
        .add_supply(&campaign.id, campaign.chain_id, &rows)
        .await
        .map_err(|e| write_error(e, || campaign_not_found(&campaign.id)))?;
    Ok(Created(SupplyChange {
        target: stock.target,
        value: stock.value,
        group: stock.group,
        quantity: u64::from(stock.quantity),
    }))
}

/// Removes unassigned rows of one item (owner, collaborator); assigned
/// rewards are never removed. Without `quantity`, every unassigned row that
/// matches.
#[utoipa::path(delete, path = "/api/campaigns/{campaign_id}/supply", tag = "supply",
    params(("campaign_id" = String, Path, format = Uuid)), request_body = SupplyRemoval,
    security(("signed_fetch" = [])),
    responses((status = 200, body = Envelope<SupplyChange>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn remove_supply(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    path: PathParams,
    JsonBody(body): JsonBody<SupplyRemoval>,
) -> ApiResult<SupplyChange> {
    let id = uuid(&path, "campaign_id")?;
    s.access(&id, &signer.address, Action::ChangeSupply).await?;
    let removal = body.checked().map_err(invalid)?;
    let removed = s.store.remove_supply(&id.to_string(), &removal).await?;
    Ok(Data(SupplyChange {
        target: removal.target,
        value: removal.value,
        group: removal.group,
        quantity: removed,
    }))
}
