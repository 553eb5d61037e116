use axum::extract::State;
use platform::http::{
    ApiError, ApiResult, Data, Envelope, ErrorBody, Listed, ListedEnvelope, PathParams, Query,
};
use platform::signed_fetch::Signed;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::domain::reward::{Reward, RewardStatus};
use crate::http::{RewardsState, page, uuid};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RewardListParams {
    /// assigned, sending, success, confirmed or rejected
    status: Option<String>,
    /// 1 to 1000, default 100
    limit: Option<i64>,
    /// Default 0
    offset: Option<i64>,
}

/// The signer's rewards, newest first.
#[utoipa::path(get, path = "/api/rewards", tag = "rewards", params(RewardListParams),
    security(("signed_fetch" = [])),
    responses((status = 200, body = ListedEnvelope<Reward>), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody)))]
pub async fn my_rewards(
    State(s): State<RewardsState>,
    Signed(signer): Signed,
    Query(p): Query<RewardListParams>,
) -> Result<Listed<Reward>, ApiError> {
    let status = p
        .status
        .as_deref()
        .map(|raw| {
            RewardStatus::parse(raw)
                .filter(|s| *s != RewardStatus::Unassigned)
                .ok_or_else(|| {
                    ApiError::invalid(format!(
                        "Invalid query parameter \"status\": \"{raw}\" is not one of assigned, \
                         sending, success, confirmed, rejected"
                    ))
                })
        })
        .transpose()?;
    let page = page(p.limit, p.offset, 100, 1000)?;
    let found = s
        .store
        .rewards_of_user(&signer.address, status, page)
        .await?;
    Ok(Listed {
        data: found.items,
        total: found.total,
    })
}

/// One reward by id, to anyone who has the id (a random UUID). Stock that
/// was never assigned is not a reward yet: 404.
#[utoipa::path(get, path = "/api/rewards/{reward_id}", tag = "rewards",
    params(("reward_id" = String, Path, format = Uuid)),
    responses((status = 200, body = Envelope<Reward>), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn reward_by_id(State(s): State<RewardsState>, path: PathParams) -> ApiResult<Reward> {
    let id = uuid(&path, "reward_id")?;
    s.store
        .reward(&id.to_string())
        .await?
        .filter(|r| r.status != RewardStatus::Unassigned)
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("Reward {id} not found")))
}
