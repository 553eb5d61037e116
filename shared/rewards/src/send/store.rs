//! What the sender keeps: its collection transactions (with the signed bytes
//! of every broadcast), the rewards' moves, a lease per campaign wallet, and
//! the failures counted per reward. Both Rewards stores implement it.

use async_trait::async_trait;
use platform::store::StoreResult;
use serde::{Deserialize, Serialize};

use super::chain::Mint;
use crate::domain::reward::{CollectionTransaction, Reward, RewardStatus};
use crate::domain::time::Timestamp;
use crate::store::RewardsStore;

/// One signed version of a transaction: the first, or a replacement with
/// the same nonce and a higher fee. Stored before it is broadcast.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    pub hash: String,
    /// The signed bytes, `0x` + hex.
    pub raw: String,
    /// Wei per gas, decimal.
    pub gas_price: String,
    /// The latest block when it was broadcast; null until it was.
    pub sent_at_block: Option<u64>,
}

impl std::fmt::Debug for Attempt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attempt")
            .field("hash", &self.hash)
            .field("gas_price", &self.gas_price)
            .field("sent_at_block", &self.sent_at_block)
            .finish_non_exhaustive()
    }
}

impl Attempt {
    pub fn gas_price(&self) -> u128 {
        self.gas_price.parse().unwrap_or_default()
    }

    pub fn raw_bytes(&self) -> Vec<u8> {
        hex::decode(self.raw.trim_start_matches("0x")).unwrap_or_default()
    }
}

/// A collection transaction as the sender keeps it: the row the API lists,
/// and what the sender needs to finish it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outgoing {
    #[serde(flatten)]
    pub row: CollectionTransaction,
    pub reward_ids: Vec<String>,
    /// What it mints, in the order of `reward_ids`.
    pub mints: Vec<Mint>,
    /// Oldest first; the last one is the one broadcast last.
    pub attempts: Vec<Attempt>,
    pub gas_limit: u64,
    /// The block that mined it.
    pub block_number: Option<u64>,
    /// The block at which the node first said its nonce was used while no
    /// attempt of it had a receipt.
    #[serde(default)]
    pub nonce_taken_at: Option<u64>,
}

/// An assigned reward waiting for a transaction, and how often it failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub reward: Reward,
    pub failures: u32,
}

impl Outgoing {
    pub fn latest(&self) -> Option<&Attempt> {
        self.attempts.last()
    }
}

/// What happens to the rewards of a transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RewardMove {
    pub status: RewardStatus,
    pub transaction_hash: Option<String>,
    pub block_number: Option<u64>,
    pub now: Timestamp,
}

#[async_trait]
pub trait SendStore: RewardsStore {
    /// Takes the campaign wallet's lease for `holder` until `until`: only if
    /// no one holds it, it ran out (`until` <= `now`), or `holder` holds it.
    async fn lease(
        &self,
        campaign_id: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool>;
    /// Gives the lease back (only if `holder` holds it).
    async fn release(&self, campaign_id: &str, holder: &str) -> StoreResult<()>;

    /// Transactions of the campaign not finished yet (`assigned`, `sending`,
    /// `success`), oldest first.
    async fn open_transactions(&self, campaign_id: &str) -> StoreResult<Vec<Outgoing>>;
    /// Assigned rewards of the campaign in no transaction, oldest first.
    async fn pending(&self, campaign_id: &str, limit: usize) -> StoreResult<Vec<Pending>>;
    /// Stores a transaction (built, not broadcast) and gives it its
    /// rewards, all or nothing: false (nothing given) when one of them is
    /// neither free and assigned nor the transaction's already. Called again
    /// for a transaction a run left unbroadcast.
    async fn reserve(&self, tx: &Outgoing) -> StoreResult<bool>;
    /// Stores the transaction, and (with a move) moves its rewards.
    async fn save(&self, tx: &Outgoing, rewards: Option<&RewardMove>) -> StoreResult<()>;
    /// Takes these rewards out of the transaction: assigned and free again.
    async fn unreserve(
        &self,
        tx: &Outgoing,
        reward_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<()>;
    /// Rejects assigned rewards (free, or of a transaction) with the reason.
    async fn reject(&self, reward_ids: &[String], reason: &str, now: Timestamp) -> StoreResult<()>;
    /// Counts one more failed attempt for each reward; returns the counts.
    async fn note_failures(&self, reward_ids: &[String]) -> StoreResult<Vec<u32>>;
    /// Books a re-check of the campaign at `at`: true when booked (send its
    /// message). Without `after`, only if none is booked for a time after
    /// `now`; with `after` (the time the re-check being handled was booked
    /// for), only if that is still the one booked, so that of two chains of
    /// re-checks one ends.
    async fn book_recheck(
        &self,
        campaign_id: &str,
        now: Timestamp,
        at: Timestamp,
        after: Option<Timestamp>,
    ) -> StoreResult<bool>;
    /// Campaigns with pending rewards or open transactions.
    async fn campaigns_with_work(&self) -> StoreResult<Vec<String>>;
}
