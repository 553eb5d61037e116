//! Assigning a reward: `POST /api/rewards` and the deprecated
//! `POST /api/campaigns/{campaign_id}/rewards`. The checks run in the order
//! of `rewards-behaviour.md` ("Assigning"); the first failure answers 400
//! with its code and its fixed text.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use platform::http::{ApiError, Data, Envelope, ErrorBody, JsonBody, PathParams};
use platform::signed_fetch::{AuthError, MaybeSigned};

use crate::domain::claim::{
    ClaimBody, ClaimError, beneficiary, check_campaign, check_key, stock_filter,
};
use crate::domain::reward::Reward;
use crate::http::{RewardsState, invalid, uuid};
use crate::store::{ClaimRequest, Claimed};

/// A refused claim as the scenes read it.
fn refused(err: ClaimError) -> ApiError {
    ApiError::BadRequest {
        code: err.code(),
        message: err.to_string(),
    }
}

/// Assigns one reward of the key's campaign to the beneficiary: 201 with
/// `[reward]`, 201 with `[]` when no stock is left, 200 with the rewards
/// already held when the key's `assign_limit` is reached. Signing is
/// optional unless the key has `requires_authentication`; a signed request
/// may leave `beneficiary` out. The `campaign_id` query that scenes send is
/// accepted and ignored.
#[utoipa::path(post, path = "/api/rewards", tag = "rewards", request_body = ClaimBody,
    security((), ("signed_fetch" = [])),
    responses(
        (status = 201, description = "Assigned (`[reward]`), or no stock left (`[]`)", body = Envelope<Vec<Reward>>),
        (status = 200, description = "The key's limit is reached: the rewards already held", body = Envelope<Vec<Reward>>),
        (status = 400, description = "`bad_request` or one of the assignment codes", body = ErrorBody),
        (status = 503, body = ErrorBody)))]
pub async fn assign(
    State(s): State<RewardsState>,
    MaybeSigned(signed): MaybeSigned,
    JsonBody(body): JsonBody<ClaimBody>,
) -> Result<Response, ApiError> {
    run_checks_and_claim(&s, signed, body, None).await
}

/// The same, for a key of the campaign in the path (deprecated: use
/// `POST /api/rewards`). A key of another campaign is `campaign_key_invalid`.
#[utoipa::path(post, path = "/api/campaigns/{campaign_id}/rewards", tag = "rewards",
    request_body = ClaimBody, params(("campaign_id" = String, Path, format = Uuid)),
    security((), ("signed_fetch" = [])),
    responses(
        (status = 201, description = "Assigned (`[reward]`), or no stock left (`[]`)", body = Envelope<Vec<Reward>>),
        (status = 200, description = "The key's limit is reached: the rewards already held", body = Envelope<Vec<Reward>>),
        (status = 400, description = "`bad_request` or one of the assignment codes", body = ErrorBody),
        (status = 503, body = ErrorBody)))]
#[deprecated = "use POST /api/rewards"]
pub async fn assign_in_campaign(
    State(s): State<RewardsState>,
    path: PathParams,
    MaybeSigned(signed): MaybeSigned,
    JsonBody(body): JsonBody<ClaimBody>,
) -> Result<Response, ApiError> {
    let campaign = uuid(&path, "campaign_id")?;
    run_checks_and_claim(&s, signed, body, Some(campaign)).await
}

async fn run_checks_and_claim(
    s: &RewardsState,
    signed: Result<platform::signed_fetch::Signer, AuthError>,
    body: ClaimBody,
    path_campaign: Option<uuid::Uuid>,
) -> Result<Response, ApiError> {
    let now = s.now();
    // 1. The body's shape.
    let claim = body.checked().map_err(invalid)?;
    // 2. The key's secret.
    let (key_id, campaign_id) = s
        .keys
        .open(&claim.secret)
        .filter(|(_, campaign)| path_campaign.is_none_or(|p| p == *campaign))
        .ok_or(ClaimError::KeyInvalid)
        .map_err(refused)?;
    let (campaign_id, key_id) = (campaign_id.to_string(), key_id.to_string());
    // The signer and the beneficiary are judged in their turn (steps 5 and
    // 6); known now, the beneficiary's count is read with the key.
    let signer = match signed {
        Ok(signer) => Some(signer.address),
        Err(AuthError::Required(_)) => None,
        Err(reason) => {
            tracing::debug!(code = reason.code(), %reason, "claim signature not accepted: counted as unsigned");
            None
        }
    };
    let user = beneficiary(claim.beneficiary.as_ref(), signer.as_deref());
    let context = s
        .store
        .claim_context(&campaign_id, &key_id, user.as_deref().ok())
        .await?;
    let (key, campaign) = (context.key, context.campaign);
    let key = key.ok_or(ClaimError::KeyInvalid).map_err(refused)?;
    // 3. The key's state, 4. the campaign's.
    check_key(&key, now).map_err(refused)?;
    let campaign = campaign
        .ok_or(ClaimError::CampaignInvalid)
        .map_err(refused)?;
    check_campaign(&campaign, now).map_err(refused)?;
    // 5. The signature.
    if key.requires_authentication && signer.is_none() {
        return Err(refused(ClaimError::SignRequired));
    }
    // 6. The beneficiary.
    let user = user.map_err(refused)?;
    // 7. The captcha, consumed by this check, right or wrong.
    if key.requires_captcha {
        let (Some(id), Some(value)) = (&claim.captcha_id, &claim.captcha_value) else {
            return Err(refused(ClaimError::CaptchaRequired));
        };
        let id = id
            .as_str()
            .and_then(|id| uuid::Uuid::parse_str(id).ok())
            .ok_or(ClaimError::CaptchaInvalid)
            .map_err(refused)?;
        let captcha = s.store.take_captcha(&id.to_string()).await?;
        if !captcha.is_some_and(|c| c.passes(value, now)) {
            return Err(refused(ClaimError::CaptchaInvalid));
        }
    }
    // 8. The catalyst, and the position on it.
    if key.requires_catalyst {
        s.catalysts
            .check(
                claim.catalyst.as_ref(),
                &user,
                key.requires_position.as_deref(),
            )
            .await
            .map_err(refused)?;
    }
    // 9. What the key may take.
    let filter = stock_filter(&key, claim.requested).map_err(refused)?;
    // 10. The key's limit per beneficiary.
    if let Some(limit) = key.assign_limit
        && context.held >= limit
    {
        let held = s.store.held(&campaign_id, &key_id, &user).await?;
        return Ok(Data(held).into_response());
    }
    // 11. The claim, 12. or no stock.
    let request = ClaimRequest {
        campaign_id,
        key_id,
        user,
        filter,
        limit: key.assign_limit,
        now,
    };
    let answer = match s.store.claim(&request).await? {
        Claimed::Assigned(reward) => {
            s.outbox.deliver(&reward).await;
            tracing::info!(reward = %reward.id, campaign = %reward.campaign_id, key = %request.key_id, "reward assigned");
            (StatusCode::CREATED, Data(vec![*reward])).into_response()
        }
        Claimed::NoStock => (StatusCode::CREATED, Data(Vec::<Reward>::new())).into_response(),
        Claimed::AtLimit => {
            let held = s
                .store
                .held(&request.campaign_id, &request.key_id, &request.user)
                .await?;
            Data(held).into_response()
        }
    };
    s.outbox.sweep_now_and_then(now).await;
    Ok(answer)
}
