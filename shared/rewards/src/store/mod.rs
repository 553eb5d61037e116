//! The Rewards store port and its two adapters: SQLite under `.data/` (the
//! embedded default) and DynamoDB.

pub mod dynamo;
pub mod sqlite;

use async_trait::async_trait;
use platform::store::{StoreError, StoreResult};

use crate::domain::campaign::Campaign;
use crate::domain::captcha::Captcha;
use crate::domain::claim::StockFilter;
use crate::domain::key::CampaignKey;
use crate::domain::reward::{
    CollectionTransaction, Reward, RewardStatus, SupplyCount, SupplyRemoval,
};
use crate::domain::role::Role;
use crate::domain::time::Timestamp;
use crate::domain::user::CampaignUser;

/// Why a write did not happen.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    /// What the write names does not exist (any more).
    #[error("not found")]
    Missing,
    /// What the write replaces changed since it was read: read it again.
    #[error("changed since it was read")]
    Stale,
    #[error(transparent)]
    Conflict(#[from] Conflict),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A write that would break an invariant: 409.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Conflict {
    #[error("A campaign keeps at least one owner: make someone else owner first")]
    LastOwner,
    #[error("This user already has a role on the campaign: change it with PATCH")]
    UserExists,
    #[error("chain_id cannot change once the campaign has rewards")]
    ChainLocked,
}

impl Conflict {
    pub fn code(self) -> &'static str {
        match self {
            Self::LastOwner => "last_owner",
            Self::UserExists => "user_exists",
            Self::ChainLocked => "chain_id_locked",
        }
    }
}

/// `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl Page {
    /// This page of an ordered list.
    pub fn of<T>(self, all: Vec<T>) -> Paged<T> {
        let total = all.len() as u64;
        let items = all
            .into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .collect();
        Paged { items, total }
    }
}

/// A page and how many rows the whole list holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub total: u64,
}

/// One claim: give `user` one stock row of the campaign that `filter`
/// matches, lowest `priority` first, then oldest, unless `user` already
/// holds `limit` rewards of the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRequest {
    pub campaign_id: String,
    pub key_id: String,
    pub user: String,
    pub filter: StockFilter,
    pub limit: Option<u64>,
    pub now: Timestamp,
}

/// What a claim's checks read (`RewardsStore::claim_context`).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimContext {
    pub key: Option<CampaignKey>,
    pub campaign: Option<Campaign>,
    /// Rewards of the key the beneficiary holds (0 when none was given).
    pub held: u64,
}

/// What a claim did.
#[derive(Debug, Clone, PartialEq)]
pub enum Claimed {
    /// This stock row is now the user's, and its message is in the outbox.
    Assigned(Box<Reward>),
    /// The user holds `limit` rewards of the key already: nothing taken.
    AtLimit,
    /// No unassigned row matches.
    NoStock,
}

/// Attempts of a claim whose row was taken by another claim between its
/// read and its conditional write, before it answers "no stock".
pub const CLAIM_ATTEMPTS: usize = 8;

#[async_trait]
pub trait RewardsStore: Send + Sync {
    /// The campaign, its sealed wallet, its first owner and its master key,
    /// all or nothing.
    async fn create_campaign(
        &self,
        campaign: &Campaign,
        sealed_wallet: &[u8],
        owner: &CampaignUser,
        master: &CampaignKey,
    ) -> StoreResult<()>;
    async fn campaign(&self, id: &str) -> StoreResult<Option<Campaign>>;
    /// The sealed wallet key (for the sender).
    async fn sealed_wallet(&self, campaign_id: &str) -> StoreResult<Option<Vec<u8>>>;
    /// Campaigns where `user` has a role, newest first.
    async fn campaigns_of(
        &self,
        user: &str,
        enabled: Option<bool>,
        page: Page,
    ) -> StoreResult<Paged<Campaign>>;
    /// Replaces `before` (as read) by `after`, only if the stored campaign
    /// is still `before` (`WriteError::Stale` otherwise), so that two PATCHes
    /// never undo each other; a new `chain_id` only while the campaign has no
    /// rewards (`Conflict::ChainLocked`).
    async fn update_campaign(&self, before: &Campaign, after: &Campaign) -> Result<(), WriteError>;

    async fn role(&self, campaign_id: &str, user: &str) -> StoreResult<Option<Role>>;
    /// Oldest first.
    async fn users(&self, campaign_id: &str) -> StoreResult<Vec<CampaignUser>>;
    async fn user(&self, campaign_id: &str, user: &str) -> StoreResult<Option<CampaignUser>>;
    /// `Conflict::UserExists` when the user has a role already.
    async fn add_user(&self, user: &CampaignUser) -> Result<(), WriteError>;
    /// `Conflict::LastOwner` when it would leave no owner.
    async fn change_role(
        &self,
        campaign_id: &str,
        user: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<CampaignUser, WriteError>;
    /// `Conflict::LastOwner` when it would leave no owner.
    async fn remove_user(&self, campaign_id: &str, user: &str) -> Result<CampaignUser, WriteError>;

    /// Oldest first.
    async fn keys(&self, campaign_id: &str) -> StoreResult<Vec<CampaignKey>>;
    async fn key(&self, campaign_id: &str, key_id: &str) -> StoreResult<Option<CampaignKey>>;
    /// Keys by (campaign id, key id); missing ones left out.
    async fn keys_by_id(&self, ids: &[(String, String)]) -> StoreResult<Vec<CampaignKey>>;
    async fn add_key(&self, key: &CampaignKey) -> StoreResult<()>;
    /// Replaces `before` (as read) by `after`, only if the stored key is
    /// still `before` (`WriteError::Stale` otherwise).
    async fn update_key(&self, before: &CampaignKey, after: &CampaignKey)
    -> Result<(), WriteError>;
    async fn remove_key(&self, campaign_id: &str, key_id: &str) -> Result<CampaignKey, WriteError>;

    /// Stock rows of one campaign (all of the same chain as the campaign).
    async fn add_supply(
        &self,
        campaign_id: &str,
        chain_id: u64,
        rows: &[Reward],
    ) -> Result<(), WriteError>;
    async fn supply(&self, campaign_id: &str) -> StoreResult<Vec<SupplyCount>>;
    /// Removes unassigned rows only; returns how many.
    async fn remove_supply(&self, campaign_id: &str, removal: &SupplyRemoval) -> StoreResult<u64>;

    async fn reward(&self, id: &str) -> StoreResult<Option<Reward>>;
    /// Rewards a key assigned, newest first.
    async fn rewards_of_key(
        &self,
        campaign_id: &str,
        key_id: &str,
        page: Page,
    ) -> StoreResult<Paged<Reward>>;
    /// Rewards of a beneficiary, newest first.
    async fn rewards_of_user(
        &self,
        user: &str,
        status: Option<RewardStatus>,
        page: Page,
    ) -> StoreResult<Paged<Reward>>;
    /// Rewards of the key held by `user`, newest first.
    async fn held(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<Vec<Reward>>;
    /// How many rewards of the key `user` holds (a counter, not a list).
    async fn held_count(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<u64>;
    /// What a claim's checks read, together: the key, its campaign, and
    /// (for a known beneficiary) how many rewards of the key it holds.
    async fn claim_context(
        &self,
        campaign_id: &str,
        key_id: &str,
        user: Option<&str>,
    ) -> StoreResult<ClaimContext> {
        let held = async {
            match user {
                Some(user) => self.held_count(campaign_id, key_id, user).await,
                None => Ok(0),
            }
        };
        let (key, campaign, held) = futures::try_join!(
            self.key(campaign_id, key_id),
            self.campaign(campaign_id),
            held
        )?;
        Ok(ClaimContext {
            key,
            campaign,
            held,
        })
    }
    /// Takes one stock row for the claim, atomically: the row goes to one
    /// user only, the key's limit per user is never exceeded, and the
    /// reward's queue message is written to the outbox in the same
    /// transaction (see `docs/claims.md`). Retries internally (bounded) when
    /// another claim takes its row first.
    async fn claim(&self, request: &ClaimRequest) -> StoreResult<Claimed>;
    /// Outbox entries written before `before`, oldest first, at most `limit`:
    /// messages that may not have reached the queue.
    async fn unsent(&self, before: Timestamp, limit: usize) -> StoreResult<Vec<Reward>>;
    /// Drops the outbox entries of these (campaign id, reward id): their
    /// messages are in the queue.
    async fn mark_sent(&self, rewards: &[(String, String)]) -> StoreResult<()>;

    async fn add_captcha(&self, captcha: &Captcha) -> StoreResult<()>;
    /// Removes the captcha and returns it, expired or not: a captcha is
    /// consumed by its first check, so of concurrent takes one gets it.
    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>>;
    /// Deletes captchas that expired before `now` (DynamoDB's TTL does it
    /// there); returns how many.
    async fn purge_captchas(&self, now: Timestamp) -> StoreResult<u64>;

    /// Newest first.
    async fn transactions(
        &self,
        campaign_id: &str,
        page: Page,
    ) -> StoreResult<Paged<CollectionTransaction>>;
}
