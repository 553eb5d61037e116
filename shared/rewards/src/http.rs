//! What the Rewards route families share at the HTTP edge: their state, the
//! role check, id parsing, and the mapping of domain and store failures to
//! `ApiError`.

use std::sync::Arc;

use axum::extract::FromRef;
use platform::clock::Clock;
use platform::http::{ApiError, PathParams};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::catalyst::Catalysts;
use crate::domain::Invalid;
use crate::domain::campaign::Campaign;
use crate::domain::key::CampaignKey;
use crate::domain::role::{Action, Role};
use crate::domain::time::Timestamp;
use crate::outbox::Outbox;
use crate::queue::RewardQueue;
use crate::secrets::{CipherError, KeySecrets, WalletCipher};
use crate::store::{RewardsStore, WriteError};

/// Everything a Rewards handler needs.
#[derive(Clone)]
pub struct RewardsState {
    pub store: Arc<dyn RewardsStore>,
    pub clock: Arc<dyn Clock>,
    pub keys: Arc<KeySecrets>,
    pub cipher: Arc<dyn WalletCipher>,
    /// Claims' messages on their way to the reward queue.
    pub outbox: Arc<Outbox>,
    pub catalysts: Arc<Catalysts>,
    /// Makes captcha answers (random; tests inject a known one).
    pub captcha_answer: fn() -> String,
}

impl FromRef<RewardsState> for Arc<dyn Clock> {
    fn from_ref(state: &RewardsState) -> Self {
        state.clock.clone()
    }
}

impl RewardsState {
    /// On a private in-memory database with a random server secret: for
    /// tests and for printing the OpenAPI description.
    pub fn in_memory(clock: Arc<dyn Clock>) -> Result<Self, platform::store::StoreError> {
        let secret = crate::secrets::ServerSecret::from_material(&rand::random::<[u8; 32]>())
            .map_err(platform::store::StoreError::NotConfigured)?;
        let store: Arc<dyn RewardsStore> =
            Arc::new(crate::store::sqlite::SqliteRewards::in_memory()?);
        Ok(Self::new(
            store,
            clock,
            KeySecrets::new(&secret),
            Arc::new(crate::secrets::LocalCipher::new(&secret)),
            Arc::new(crate::queue::EmbeddedQueue::new(
                std::time::Duration::from_secs(60),
            )),
            Catalysts::new(crate::catalyst::DAO_CATALYSTS),
        ))
    }

    pub fn new(
        store: Arc<dyn RewardsStore>,
        clock: Arc<dyn Clock>,
        keys: KeySecrets,
        cipher: Arc<dyn WalletCipher>,
        queue: Arc<dyn RewardQueue>,
        catalysts: Catalysts,
    ) -> Self {
        Self {
            outbox: Arc::new(Outbox::new(store.clone(), queue)),
            store,
            clock,
            keys: Arc::new(keys),
            cipher,
            catalysts: Arc::new(catalysts),
            captcha_answer: crate::domain::captcha::random_answer,
        }
    }

    pub fn now(&self) -> Timestamp {
        Timestamp(self.clock.now_ms())
    }

    /// The campaign and the caller's role on it, when the role may do
    /// `action`: no role is 404 (nothing leaks), a role that may not is 403.
    pub async fn access(
        &self,
        campaign_id: &Uuid,
        caller: &str,
        action: Action,
    ) -> Result<(Campaign, Role), ApiError> {
        let id = campaign_id.to_string();
        let (campaign, role) =
            futures::try_join!(self.store.campaign(&id), self.store.role(&id, caller))?;
        match (campaign, role) {
            (Some(campaign), Some(role)) if role.may(action) => Ok((campaign, role)),
            (Some(_), Some(role)) => Err(ApiError::Forbidden(format!(
                "Your role on this campaign ({}) may not {}",
                role.as_str(),
                action.describe()
            ))),
            _ => Err(campaign_not_found(&id)),
        }
    }

    /// A key as answered: with its secret.
    pub fn view(&self, key: CampaignKey) -> Result<KeyView, ApiError> {
        let secret = match (Uuid::parse_str(&key.id), Uuid::parse_str(&key.campaign_id)) {
            (Ok(key_id), Ok(campaign_id)) => self.keys.issue(key_id, campaign_id),
            _ => return Err(ApiError::Internal(format!("key {} has no uuid", key.id))),
        };
        Ok(KeyView {
            key,
            campaign_key: secret,
        })
    }
}

pub fn campaign_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("Campaign {id} not found"))
}

/// A campaign key with the secret that uses it.
#[derive(Clone, Serialize, ToSchema)]
pub struct KeyView {
    #[serde(flatten)]
    pub key: CampaignKey,
    /// The secret a dispenser sends to assign rewards with this key.
    pub campaign_key: String,
}

/// Without the secret.
impl std::fmt::Debug for KeyView {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyView")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// A path parameter that must be a UUID.
pub fn uuid(path: &PathParams, name: &str) -> Result<Uuid, ApiError> {
    let raw = path.text(name)?;
    Uuid::parse_str(raw).map_err(|_| {
        ApiError::invalid(format!(
            "Invalid path parameter \"{name}\": \"{raw}\" is not a UUID"
        ))
    })
}

/// A path parameter that must be an address; answered lowercase.
pub fn address(path: &PathParams, name: &str) -> Result<String, ApiError> {
    let raw = path.text(name)?;
    platform::address::normalize(raw)
        .map_err(|e| ApiError::invalid(format!("Invalid path parameter \"{name}\": {e}")))
}

pub fn invalid(err: Invalid) -> ApiError {
    ApiError::bad_request(err.to_string())
}

/// Reads of a PATCH before it gives up on an object that keeps changing
/// between its read and its conditional write.
pub const UPDATE_ATTEMPTS: usize = 3;

/// A store write's refusal: missing -> 404 with `missing`'s message, a
/// conflict (or an object that kept changing under the write) -> 409.
pub fn write_error(err: WriteError, missing: impl FnOnce() -> ApiError) -> ApiError {
    match err {
        WriteError::Missing => missing(),
        WriteError::Stale => ApiError::Conflict {
            code: "changed_concurrently",
            message: "It kept changing during this update: read it again and retry".into(),
        },
        WriteError::Conflict(conflict) => ApiError::Conflict {
            code: conflict.code(),
            message: conflict.to_string(),
        },
        WriteError::Store(err) => err.into(),
    }
}

pub fn cipher_error(err: CipherError) -> ApiError {
    match err {
        CipherError::Unavailable(detail) => ApiError::Store(
            platform::store::StoreError::Unavailable(format!("wallet cipher: {detail}")),
        ),
        other => ApiError::Internal(format!("wallet cipher: {other}")),
    }
}

/// `limit` and `offset` of a list, checked: `limit` 1 to `max`.
pub fn page(
    limit: Option<i64>,
    offset: Option<i64>,
    default: u64,
    max: u64,
) -> Result<crate::store::Page, ApiError> {
    let limit = platform::http::non_negative("limit", limit)?.unwrap_or(default);
    if limit == 0 || limit > max {
        return Err(ApiError::invalid(format!(
            "Invalid query parameter \"limit\": must be 1 to {max}, got {limit}"
        )));
    }
    let offset = platform::http::non_negative("offset", offset)?.unwrap_or(0);
    Ok(crate::store::Page { limit, offset })
}
