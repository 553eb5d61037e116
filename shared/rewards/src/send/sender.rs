//! One run of the sender over one campaign: settle what is in flight, then
//! mint what is assigned. Exactly once (see `docs/sender.md`):
//! - a campaign wallet is driven by one run at a time (a lease in the store),
//!   so its nonces never collide;
//! - a transaction and its signed bytes are stored, and its rewards given to
//!   it, before it is broadcast: a run that dies after a broadcast leaves the
//!   same bytes for the next run, which finds them mined or sends them again;
//! - a stuck transaction is replaced with the same nonce (one of the two can
//!   be mined, never both), and the one mined settles the rewards.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use platform::clock::Clock;
use platform::store::StoreError;

use super::chain::{Chain, ChainError, Chains, Mint, MintTx, Receipt};
use super::store::{Attempt, Outgoing, RewardMove, SendStore};
use crate::domain::campaign::Campaign;
use crate::domain::reward::{CollectionTransaction, Reward, RewardStatus};
use crate::domain::time::Timestamp;
use crate::secrets::{CipherError, WalletCipher, WalletKey};

/// The sender's settings, from `REWARDS_*` variables.
#[derive(Debug, Clone, PartialEq)]
pub struct SenderConfig {
    /// Most rewards in one transaction (`REWARDS_BATCH_SIZE`).
    pub batch_size: usize,
    /// Blocks after which a mined transaction is confirmed (`REWARDS_CONFIRMATIONS`).
    pub confirmations: u64,
    /// Blocks a broadcast may wait before it is replaced with a higher fee
    /// (`REWARDS_REPLACE_AFTER_BLOCKS`).
    pub replace_after_blocks: u64,
    /// How soon what is in flight or deferred is looked at again
    /// (`REWARDS_RECHECK_SECONDS`, default 5, at most 30: the behaviour page
    /// asks for at least every 30 s).
    pub recheck: Duration,
    /// Failed attempts (a simulation or a mined transaction that reverts)
    /// after which a reward is rejected.
    pub max_failures: u32,
    /// How long a run may hold a campaign wallet: longer than a run takes
    /// (a run starts no transaction after half of it) and than the
    /// function's 60 s timeout, short enough that a killed run blocks its
    /// campaign only briefly.
    pub lease: Duration,
}

impl Default for SenderConfig {
    fn default() -> Self {
        Self {
            batch_size: 50,
            confirmations: 12,
            replace_after_blocks: 20,
            recheck: Duration::from_secs(5),
            max_failures: 3,
            lease: Duration::from_secs(90),
        }
    }
}

impl SenderConfig {
    /// Most rewards one transaction may carry (a block's gas bounds it).
    pub const MAX_BATCH_SIZE: usize = 500;

    pub fn from_env() -> Result<Self, String> {
        let mut config = Self::default();
        let number = |name: &str, min: u64, max: u64| -> Result<Option<u64>, String> {
            let Ok(text) = std::env::var(name) else {
                return Ok(None);
            };
            match text.trim().parse::<u64>() {
                Ok(n) if (min..=max).contains(&n) => Ok(Some(n)),
                _ => Err(format!(
                    "{name} must be a whole number from {min} to {max}, got \"{text}\""
                )),
            }
        };
        if let Some(n) = number("REWARDS_BATCH_SIZE", 1, Self::MAX_BATCH_SIZE as u64)? {
            config.batch_size = n as usize;
        }
        if let Some(n) = number("REWARDS_CONFIRMATIONS", 1, 1_000)? {
            config.confirmations = n;
        }
        if let Some(n) = number("REWARDS_REPLACE_AFTER_BLOCKS", 1, 10_000)? {
            config.replace_after_blocks = n;
        }
        if let Some(n) = number("REWARDS_RECHECK_SECONDS", 1, 30)? {
            config.recheck = Duration::from_secs(n);
        }
        Ok(config)
    }
}

/// What a run left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Nothing in flight, nothing waiting.
    Done,
    /// Look again after this long (transactions to confirm, rewards deferred).
    Later(Duration),
    /// Another run holds the campaign wallet.
    Busy,
    /// No RPC for the campaign's chain: its rewards stay assigned.
    NoRpc(u64),
}

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Chain(#[from] ChainError),
    #[error(transparent)]
    Wallet(#[from] CipherError),
    /// A failure injected by a test, as if the process died there.
    #[error("crashed on purpose after a broadcast")]
    Crashed,
}

pub struct Sender {
    store: Arc<dyn SendStore>,
    chains: Chains,
    cipher: Arc<dyn WalletCipher>,
    clock: Arc<dyn Clock>,
    config: SenderConfig,
    /// Who holds a lease: unique per sender.
    holder: String,
    crash_after_broadcast: AtomicBool,
}

impl std::fmt::Debug for Sender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sender")
            .field("chains", &self.chains)
            .field("config", &self.config)
            .field("holder", &self.holder)
            .finish_non_exhaustive()
    }
}

/// The wei a fee per gas of `gwei` is.
fn gwei_to_wei(gwei: f64) -> u128 {
    (gwei * 1e9).floor().max(0.0) as u128
}

/// The fee cap of a campaign: `max_gas` gwei, none when it has none.
fn fee_cap(campaign: &Campaign) -> u128 {
    campaign.max_gas.map_or(u128::MAX, gwei_to_wei)
}

fn is_nonce_too_low(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    message.contains("nonce too low") || message.contains("nonce has already been used")
}

impl Sender {
    pub fn new(
        store: Arc<dyn SendStore>,
        chains: Chains,
        cipher: Arc<dyn WalletCipher>,
        clock: Arc<dyn Clock>,
        config: SenderConfig,
    ) -> Self {
        Self {
            store,
            chains,
            cipher,
            clock,
            config,
            holder: uuid::Uuid::new_v4().to_string(),
            crash_after_broadcast: AtomicBool::new(false),
        }
    }

    pub fn config(&self) -> &SenderConfig {
        &self.config
    }

    pub fn chains(&self) -> &Chains {
        &self.chains
    }

    pub fn store(&self) -> &Arc<dyn SendStore> {
        &self.store
    }

    /// Tests: the next broadcast is followed by [`SendError::Crashed`]
    /// before anything about it is written, as if the process died there.
    pub fn crash_after_next_broadcast(&self) {
        self.crash_after_broadcast.store(true, Ordering::SeqCst);
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    fn now(&self) -> Timestamp {
        Timestamp(self.clock.now_ms())
    }

    /// One run over the campaign, under its wallet's lease.
    pub async fn run(&self, campaign_id: &str) -> Result<Progress, SendError> {
        let now = self.now();
        let until = Timestamp(now.ms() + self.config.lease.as_millis() as i64);
        if !self
            .store
            .lease(campaign_id, &self.holder, now, until)
            .await?
        {
            return Ok(Progress::Busy);
        }
        let result = self.run_leased(campaign_id).await;
        if !matches!(result, Err(SendError::Crashed))
            && let Err(err) = self.store.release(campaign_id, &self.holder).await
        {
            tracing::warn!(campaign = %campaign_id, error = %err, "lease not released: it runs out by itself");
        }
        result
    }

    async fn run_leased(&self, campaign_id: &str) -> Result<Progress, SendError> {
        let Some(campaign) = self.store.campaign(campaign_id).await? else {
            return Ok(Progress::Done);
        };
        let Some(chain) = self.chains.get(campaign.chain_id) else {
            return Ok(Progress::NoRpc(campaign.chain_id));
        };
        let chain = chain.clone();
        let started = std::time::Instant::now();
        let block = chain.block_number().await?;
        let mut later = false;
        for tx in self.store.open_transactions(campaign_id).await? {
            later |= self.settle(chain.as_ref(), &campaign, tx, block).await?;
        }
        // The next nonce: after what the chain mined and after every
        // transaction still in flight once settled.
        let in_flight_nonce = self
            .store
            .open_transactions(campaign_id)
            .await?
            .iter()
            .filter(|tx| {
                matches!(
                    tx.row.status,
                    RewardStatus::Assigned | RewardStatus::Sending
                )
            })
            .filter_map(|tx| tx.row.nonce)
            .max()
            .map(|n| n + 1);
        let budget = started + self.config.lease / 2;
        later |= self
            .send_pending(chain.as_ref(), &campaign, block, in_flight_nonce, budget)
            .await?;
        Ok(if later {
            Progress::Later(self.config.recheck)
        } else {
            Progress::Done
        })
    }

    /// Moves an open transaction on; true while it still needs looking at.
    async fn settle(
        &self,
        chain: &dyn Chain,
        campaign: &Campaign,
        mut tx: Outgoing,
        block: u64,
    ) -> Result<bool, SendError> {
        match tx.row.status {
            RewardStatus::Success => {
                let mined = tx.block_number.unwrap_or(block);
                if block + 1 >= mined + self.config.confirmations {
                    self.settle_as(&mut tx, RewardStatus::Confirmed).await?;
                    return Ok(false);
                }
                Ok(true)
            }
            RewardStatus::Assigned | RewardStatus::Sending => {
                if let Some((hash, receipt)) = self.mined(chain, &tx).await? {
                    return self.on_mined(campaign, tx, hash, receipt, block).await;
                }
                let Some(latest) = tx.latest().cloned() else {
                    return Ok(false);
                };
                match latest.sent_at_block {
                    // Built, perhaps broadcast by a run that died before it
                    // said so: its rewards are checked to be its own (a run
                    // may have died while giving them), then the same bytes go.
                    None if tx.row.status == RewardStatus::Assigned => {
                        if self.store.reserve(&tx).await? {
                            self.broadcast(chain, &mut tx, block).await?;
                        } else {
                            // Cannot happen under the lease. It may have been
                            // broadcast already: neither send it nor free its
                            // rewards; the row says why.
                            tracing::error!(transaction = %tx.row.id, nonce = ?tx.row.nonce,
                                "a built transaction's rewards belong to another: left for an operator");
                            tx.row.error = true;
                            tx.row.error_message =
                                Some("its rewards belong to another transaction: not sent".into());
                            tx.row.updated_at = self.now();
                            self.store.save(&tx, None).await?;
                        }
                    }
                    None => self.broadcast(chain, &mut tx, block).await?,
                    Some(sent) if block >= sent + self.config.replace_after_blocks => {
                        self.replace(chain, campaign, &mut tx, block).await?
                    }
                    // A node may drop what it holds: the same bytes again.
                    Some(_) => match chain.broadcast(&latest.raw_bytes()).await {
                        Err(ChainError::Refused(message)) if is_nonce_too_low(&message) => {
                            self.nonce_taken(chain, &mut tx, block).await?
                        }
                        _ => {}
                    },
                }
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The attempt of `tx` that was mined, if one was.
    async fn mined(
        &self,
        chain: &dyn Chain,
        tx: &Outgoing,
    ) -> Result<Option<(String, Receipt)>, SendError> {
        for attempt in tx.attempts.iter().rev() {
            if let Some(receipt) = chain.receipt(&attempt.hash).await? {
                return Ok(Some((attempt.hash.clone(), receipt)));
            }
        }
        Ok(None)
    }

    async fn on_mined(
        &self,
        campaign: &Campaign,
        mut tx: Outgoing,
        hash: String,
        receipt: Receipt,
        block: u64,
    ) -> Result<bool, SendError> {
        tx.row.transaction_hash = Some(hash);
        tx.block_number = Some(receipt.block);
        if receipt.success {
            let status = if block + 1 >= receipt.block + self.config.confirmations {
                RewardStatus::Confirmed
            } else {
                RewardStatus::Success
            };
            tracing::info!(campaign = %campaign.id, transaction = %tx.row.id,
                hash = tx.row.transaction_hash.as_deref().unwrap_or_default(),
                block = receipt.block, rewards = tx.reward_ids.len(), "mined");
            self.settle_as(&mut tx, status).await?;
            return Ok(status != RewardStatus::Confirmed);
        }
        // Reverted on chain although its simulation passed (the state
        // changed in between): the batch is split. Its rewards are counted
        // and go back to wait, and a reward that failed once goes out alone,
        // so only those that cannot be minted end rejected. The rewards move
        // first: a run that dies here leaves the transaction open to settle.
        tracing::warn!(campaign = %campaign.id, transaction = %tx.row.id, block = receipt.block, "reverted on chain");
        self.count_failures(
            &tx.reward_ids,
            "its transaction reverted on chain",
            Some(&tx),
        )
        .await?;
        let now = self.now();
        tx.row.status = RewardStatus::Rejected;
        tx.row.error = true;
        tx.row.error_message = Some(format!("reverted on chain in block {}", receipt.block));
        tx.row.updated_at = now;
        self.store.save(&tx, None).await?;
        Ok(true)
    }

    /// Failed attempts for these rewards: those at the bound are rejected
    /// with `reason`, the others wait for the next run (taken out of `tx`).
    async fn count_failures(
        &self,
        ids: &[String],
        reason: &str,
        tx: Option<&Outgoing>,
    ) -> Result<(), SendError> {
        if ids.is_empty() {
            return Ok(());
        }
        let counts = self.store.note_failures(ids).await?;
        let now = self.now();
        let (done, again): (Vec<_>, Vec<_>) = ids
            .iter()
            .cloned()
            .zip(counts)
            .partition(|(_, n)| *n >= self.config.max_failures);
        let done: Vec<String> = done.into_iter().map(|(id, _)| id).collect();
        let again: Vec<String> = again.into_iter().map(|(id, _)| id).collect();
        if let Some(tx) = tx
            && !again.is_empty()
        {
            self.store.unreserve(tx, &again, now).await?;
        }
        if !done.is_empty() {
            tracing::warn!(rewards = done.len(), %reason, "rewards rejected");
            self.store.reject(&done, reason, now).await?;
        }
        Ok(())
    }

    async fn settle_as(&self, tx: &mut Outgoing, status: RewardStatus) -> Result<(), SendError> {
        let now = self.now();
        tx.row.status = status;
        tx.row.updated_at = now;
        let change = RewardMove {
            status,
            transaction_hash: tx.row.transaction_hash.clone(),
            block_number: tx.block_number,
            now,
        };
        self.store.save(tx, Some(&change)).await?;
        Ok(())
    }

    /// Broadcasts the latest attempt; the transaction and its rewards are
    /// `sending` once the node took it.
    async fn broadcast(
        &self,
        chain: &dyn Chain,
        tx: &mut Outgoing,
        block: u64,
    ) -> Result<(), SendError> {
        let Some(attempt) = tx.attempts.last().cloned() else {
            return Ok(());
        };
        match chain.broadcast(&attempt.raw_bytes()).await {
            Ok(()) => {}
            Err(ChainError::Refused(message)) if is_nonce_too_low(&message) => {
                return self.nonce_taken(chain, tx, block).await;
            }
            Err(ChainError::Refused(message)) => {
                // Not in the node's pool (no funds, a fee too low): kept, and
                // tried again at the next run; the row says why.
                tracing::warn!(transaction = %tx.row.id, nonce = ?tx.row.nonce, reason = %message, "broadcast refused");
                tx.row.retries += 1;
                tx.row.error_message = Some(message);
                tx.row.updated_at = self.now();
                self.store.save(tx, None).await?;
                return Ok(());
            }
            Err(other) => return Err(other.into()),
        }
        if self.crash_after_broadcast.swap(false, Ordering::SeqCst) {
            return Err(SendError::Crashed);
        }
        if let Some(last) = tx.attempts.last_mut() {
            last.sent_at_block = Some(block);
        }
        let now = self.now();
        tx.row.status = RewardStatus::Sending;
        tx.row.transaction_hash = Some(attempt.hash.clone());
        tx.row.error_message = None;
        tx.row.updated_at = now;
        let change = RewardMove {
            status: RewardStatus::Sending,
            transaction_hash: Some(attempt.hash),
            block_number: None,
            now,
        };
        self.store.save(tx, Some(&change)).await?;
        Ok(())
    }

    /// The node says the nonce is used. Ours, if one of our attempts was
    /// mined (settled at the next run). Otherwise another transaction of the
    /// wallet took it, or a receipt is late (a node behind, a reorg): only
    /// when the wallet's mined count is past the nonce and no attempt of ours
    /// has a receipt for `REWARDS_CONFIRMATIONS` blocks is it dropped, and
    /// its rewards wait for a new transaction.
    async fn nonce_taken(
        &self,
        chain: &dyn Chain,
        tx: &mut Outgoing,
        block: u64,
    ) -> Result<(), SendError> {
        if self.mined(chain, tx).await?.is_some() {
            return Ok(());
        }
        let nonce = tx.row.nonce.unwrap_or_default();
        if chain.mined_nonce(&tx.row.campaign_address).await? <= nonce {
            return Ok(());
        }
        match tx.nonce_taken_at {
            Some(seen) if block >= seen + self.config.confirmations => {
                let why = format!("nonce {nonce} was used by another transaction of the wallet");
                self.abandon(tx, &why).await
            }
            Some(_) => Ok(()),
            None => {
                tx.nonce_taken_at = Some(block);
                tx.row.updated_at = self.now();
                self.store.save(tx, None).await?;
                Ok(())
            }
        }
    }

    /// Drops a transaction none of whose attempts can be mined any more:
    /// its rewards wait for another one.
    async fn abandon(&self, tx: &mut Outgoing, why: &str) -> Result<(), SendError> {
        let now = self.now();
        tracing::warn!(transaction = %tx.row.id, nonce = ?tx.row.nonce, %why, "transaction dropped");
        // The rewards first: a run that dies here leaves the transaction
        // open, and the next one drops it again.
        let ids = tx.reward_ids.clone();
        self.store.unreserve(tx, &ids, now).await?;
        tx.row.status = RewardStatus::Rejected;
        tx.row.error = true;
        tx.row.error_message = Some(format!("dropped: {why}"));
        tx.row.updated_at = now;
        self.store.save(tx, None).await?;
        Ok(())
    }

    /// A broadcast that waited too long: the same nonce with a higher fee,
    /// stored before it is broadcast.
    async fn replace(
        &self,
        chain: &dyn Chain,
        campaign: &Campaign,
        tx: &mut Outgoing,
        block: u64,
    ) -> Result<(), SendError> {
        let Some(latest) = tx.latest().cloned() else {
            return Ok(());
        };
        let old = latest.gas_price();
        // Nodes take a replacement only with a fee at least 10% higher.
        let least = old + old / 10 + 1;
        let wanted = (old + old / 8 + 1).max(chain.gas_price().await?);
        let cap = fee_cap(campaign);
        let price = if wanted <= cap {
            wanted
        } else if least <= cap {
            cap
        } else {
            tracing::warn!(transaction = %tx.row.id, nonce = ?tx.row.nonce, "stuck, and max_gas leaves no room for a replacement: waiting");
            return Ok(());
        };
        let key = self.wallet(campaign).await?;
        let signed = chain.sign(
            &key,
            &MintTx {
                chain_id: campaign.chain_id,
                from: campaign.address.clone(),
                collection: tx.row.collection.clone(),
                mints: tx.mints.clone(),
                nonce: tx.row.nonce.unwrap_or_default(),
                gas_limit: tx.gas_limit,
                gas_price: price,
            },
        )?;
        tracing::info!(transaction = %tx.row.id, nonce = ?tx.row.nonce, old_price = old, new_price = price, "replacing a stuck transaction");
        // Older attempts are only looked up by hash from now on: their bytes
        // go, so the row stays small however often fees rise.
        for older in &mut tx.attempts {
            older.raw.clear();
        }
        tx.attempts.push(Attempt {
            hash: signed.hash,
            raw: format!("0x{}", hex::encode(&signed.raw)),
            gas_price: price.to_string(),
            sent_at_block: None,
        });
        tx.row.retries += 1;
        tx.row.updated_at = self.now();
        self.store.save(tx, None).await?;
        self.broadcast(chain, tx, block).await
    }

    async fn wallet(&self, campaign: &Campaign) -> Result<WalletKey, SendError> {
        let sealed = self
            .store
            .sealed_wallet(&campaign.id)
            .await?
            .ok_or_else(|| {
                StoreError::Corrupt(format!("campaign {} has no wallet", campaign.id))
            })?;
        Ok(self.cipher.open(&campaign.id, &sealed).await?)
    }

    /// Mints the campaign's assigned rewards; true while some wait.
    async fn send_pending(
        &self,
        chain: &dyn Chain,
        campaign: &Campaign,
        block: u64,
        in_flight_nonce: Option<u64>,
        budget: std::time::Instant,
    ) -> Result<bool, SendError> {
        const PAGE: usize = 1_000;
        let pending = self.store.pending(&campaign.id, PAGE).await?;
        if pending.is_empty() {
            return Ok(false);
        }
        let price = chain.gas_price().await?;
        if price > fee_cap(campaign) {
            tracing::info!(campaign = %campaign.id, rewards = pending.len(), gas_price = price,
                max_gas_gwei = ?campaign.max_gas, "gas price above max_gas: rewards deferred");
            return Ok(true);
        }
        let key = self.wallet(campaign).await?;
        let mut nonce = chain
            .mined_nonce(&campaign.address)
            .await?
            .max(in_flight_nonce.unwrap_or(0));
        // Per collection: rewards that failed before (in a batch that
        // reverted on chain) go alone, the others in batches.
        let mut batches: BTreeMap<&str, Vec<Vec<&Reward>>> = BTreeMap::new();
        let mut together: BTreeMap<&str, Vec<&Reward>> = BTreeMap::new();
        for waiting in &pending {
            let reward = &waiting.reward;
            if waiting.failures > 0 {
                batches
                    .entry(&reward.target)
                    .or_default()
                    .push(vec![reward]);
            } else {
                together.entry(&reward.target).or_default().push(reward);
            }
        }
        for (collection, rewards) in together {
            let list = batches.entry(collection).or_default();
            list.extend(rewards.chunks(self.config.batch_size).map(<[_]>::to_vec));
        }
        let mut later = pending.len() == PAGE;
        let mut tried = 0;
        for (collection, list) in batches {
            for batch in &list {
                if tried > 0 && std::time::Instant::now() > budget {
                    // The run must end well within its lease: the rest next time.
                    return Ok(true);
                }
                tried += 1;
                let (accepted, refused, gas) =
                    narrow(chain, &campaign.address, collection, batch).await?;
                for (reward, reason) in refused {
                    later = true;
                    self.count_failures(std::slice::from_ref(&reward.id), &reason, None)
                        .await?;
                }
                if accepted.is_empty() {
                    continue;
                }
                let mints: Vec<Mint> = accepted.iter().map(|r| mint_of(r)).collect();
                let gas_limit = gas + gas / 5 + 20_000;
                let signed = chain.sign(
                    &key,
                    &MintTx {
                        chain_id: campaign.chain_id,
                        from: campaign.address.clone(),
                        collection: collection.to_string(),
                        mints: mints.clone(),
                        nonce,
                        gas_limit,
                        gas_price: price,
                    },
                )?;
                let now = self.now();
                let mut tx = Outgoing {
                    row: CollectionTransaction {
                        id: uuid::Uuid::new_v4().to_string(),
                        campaign_id: campaign.id.clone(),
                        chain_id: campaign.chain_id,
                        campaign_address: campaign.address.clone(),
                        collection: collection.to_string(),
                        status: RewardStatus::Assigned,
                        transaction_hash: Some(signed.hash.clone()),
                        nonce: Some(nonce),
                        retries: 0,
                        error: false,
                        error_message: None,
                        created_at: now,
                        updated_at: now,
                    },
                    reward_ids: accepted.iter().map(|r| r.id.clone()).collect(),
                    mints,
                    attempts: vec![Attempt {
                        hash: signed.hash,
                        raw: format!("0x{}", hex::encode(&signed.raw)),
                        gas_price: price.to_string(),
                        sent_at_block: None,
                    }],
                    gas_limit,
                    block_number: None,
                    nonce_taken_at: None,
                };
                if !self.store.reserve(&tx).await? {
                    // Another run took some of these rewards: its nonce stays free.
                    later = true;
                    continue;
                }
                nonce += 1;
                later = true;
                tracing::info!(campaign = %campaign.id, transaction = %tx.row.id, nonce = ?tx.row.nonce,
                    rewards = tx.reward_ids.len(), "sending");
                self.broadcast(chain, &mut tx, block).await?;
            }
        }
        Ok(later)
    }
}

fn mint_of(reward: &Reward) -> Mint {
    Mint {
        beneficiary: reward.user.clone().unwrap_or_default(),
        item: reward.value.clone(),
    }
}

/// Splits `batch` into what can be minted together now (and the gas it
/// needs) and what cannot (with the node's reason): the whole batch is
/// simulated, and a part that reverts is halved until each reward that
/// cannot be minted stands alone. Every kept part is simulated together
/// with what was kept before it, so the kept set mints as a whole.
async fn narrow<'a>(
    chain: &dyn Chain,
    from: &str,
    collection: &str,
    batch: &[&'a Reward],
) -> Result<(Vec<&'a Reward>, Vec<(&'a Reward, String)>, u64), ChainError> {
    let mut accepted: Vec<&Reward> = Vec::new();
    let mut refused = Vec::new();
    let mut gas = 0;
    let mut parts: Vec<&[&Reward]> = vec![batch];
    while let Some(part) = parts.pop() {
        let trial: Vec<Mint> = accepted
            .iter()
            .chain(part.iter())
            .map(|r| mint_of(r))
            .collect();
        let outcome = match chain.simulate(from, collection, &trial).await {
            // A mint that does not even encode is that reward's own fault.
            Err(ChainError::Invalid(reason)) => Err(reason),
            other => other?,
        };
        match outcome {
            Ok(needed) => {
                accepted.extend_from_slice(part);
                gas = needed;
            }
            Err(reason) if part.len() == 1 => refused.push((part[0], reason)),
            Err(_) => {
                let (left, right) = part.split_at(part.len() / 2);
                parts.push(right);
                parts.push(left);
            }
        }
    }
    Ok((accepted, refused, gas))
}
