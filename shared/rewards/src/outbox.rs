//! From the outbox to the reward queue. A claim writes its reward's outbox
//! entry in the claim's own transaction; `deliver` then sends the message
//! and drops the entry. If the process dies in between, the entry stays,
//! and `sweep` sends it later (at the local server's start and every few
//! seconds; in Lambda every minute from the sender's schedule, and on later
//! claims). A message may go out twice (the sender is idempotent), never
//! zero times. See `docs/claims.md`.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use platform::clock::Clock;
use platform::store::StoreResult;

use crate::domain::reward::Reward;
use crate::domain::time::Timestamp;
use crate::queue::{RewardMessage, RewardQueue};
use crate::store::RewardsStore;

/// Entries younger than this are left to the claim that wrote them.
pub const GRACE_MS: i64 = 10_000;
/// Entries one round of a sweep sends at most; a sweep goes on while it
/// finds more, up to `SWEEP_ROUNDS` rounds (the local server's sweeper), or
/// one round of `CLAIM_SWEEP` entries when a claim sweeps.
const SWEEP_BATCH: usize = 100;
const SWEEP_ROUNDS: usize = 50;
const CLAIM_SWEEP: usize = 10;
/// Rounds of a scheduled sweep: up to 1,000 entries a minute; what is left
/// goes out the next minute.
const SCHEDULED_ROUNDS: usize = 10;
/// A scheduled sweep starts a round only while this much of its invocation
/// is left: a round is 100 sends and 100 updates, seconds on a slow day, and
/// a round cut by the timeout only sends its messages again.
const ROUND_TIME: Duration = Duration::from_secs(15);
/// How often claims sweep (per process).
const SWEEP_EVERY_MS: i64 = 60_000;

pub struct Outbox {
    store: Arc<dyn RewardsStore>,
    queue: Arc<dyn RewardQueue>,
    last_sweep: AtomicI64,
}

impl Outbox {
    pub fn new(store: Arc<dyn RewardsStore>, queue: Arc<dyn RewardQueue>) -> Self {
        Self {
            store,
            queue,
            last_sweep: AtomicI64::new(i64::MIN),
        }
    }

    pub fn queue(&self) -> &Arc<dyn RewardQueue> {
        &self.queue
    }

    /// Sends a fresh claim's message and drops its entry. A failure is
    /// logged, not answered: the claim is done, and the sweep sends it.
    pub async fn deliver(&self, reward: &Reward) {
        if let Err(reason) = self.send(std::slice::from_ref(reward)).await {
            tracing::warn!(reward = %reward.id, %reason, "reward message not sent yet: the outbox sweep will send it");
        }
    }

    async fn send(&self, rewards: &[Reward]) -> Result<(), String> {
        let mut sent = Vec::with_capacity(rewards.len());
        for reward in rewards {
            let message = RewardMessage::reward(&reward.campaign_id, &reward.id);
            match self.queue.send(&message).await {
                Ok(_) => sent.push((reward.campaign_id.clone(), reward.id.clone())),
                Err(err) => {
                    if !sent.is_empty() {
                        self.store
                            .mark_sent(&sent)
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    return Err(err.to_string());
                }
            }
        }
        self.store.mark_sent(&sent).await.map_err(|e| e.to_string())
    }

    /// Sends every entry written before `before`; returns how many.
    pub async fn sweep(&self, before: Timestamp) -> StoreResult<usize> {
        self.sweep_some(before, SWEEP_ROUNDS, SWEEP_BATCH, None)
            .await
    }

    async fn sweep_some(
        &self,
        before: Timestamp,
        rounds: usize,
        batch: usize,
        deadline: Option<Instant>,
    ) -> StoreResult<usize> {
        let mut total = 0;
        for _ in 0..rounds {
            if deadline.is_some_and(|deadline| Instant::now() + ROUND_TIME > deadline) {
                tracing::info!(
                    "outbox sweep stopped before the invocation's deadline: the next one goes on"
                );
                break;
            }
            let unsent = self.store.unsent(before, batch).await?;
            if unsent.is_empty() {
                break;
            }
            let found = unsent.len();
            if let Err(reason) = self.send(&unsent).await {
                tracing::warn!(%reason, "outbox sweep stopped: the queue refused a message");
                break;
            }
            total += found;
            if found < batch {
                break;
            }
        }
        if total > 0 {
            tracing::info!(
                sent = total,
                "outbox sweep sent messages a claim had left behind"
            );
        }
        Ok(total)
    }

    /// The deployed sweeper, run every minute by the sender function's
    /// schedule: entries older than the grace, at most `SCHEDULED_ROUNDS`
    /// rounds and none started within `ROUND_TIME` of `deadline` (the
    /// invocation's), so nothing waits for a claim that may never come.
    pub async fn sweep_scheduled(&self, now: Timestamp, deadline: Instant) -> StoreResult<usize> {
        self.sweep_some(
            Timestamp(now.ms() - GRACE_MS),
            SCHEDULED_ROUNDS,
            SWEEP_BATCH,
            Some(deadline),
        )
        .await
    }

    /// Sends a few left-over entries when the last sweep of this process is
    /// a minute old: claims call it, so a rewards function that serves claims
    /// sweeps too, and a claim never waits for more than `CLAIM_SWEEP` sends.
    pub async fn sweep_now_and_then(&self, now: Timestamp) {
        let last = self.last_sweep.load(Ordering::Relaxed);
        if now.ms().saturating_sub(last) < SWEEP_EVERY_MS
            || self
                .last_sweep
                .compare_exchange(last, now.ms(), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        if let Err(err) = self
            .sweep_some(Timestamp(now.ms() - GRACE_MS), 1, CLAIM_SWEEP, None)
            .await
        {
            tracing::warn!(error = %err, "outbox sweep failed");
        }
    }

    /// The local server's sweeper: now, then every `every`.
    pub fn spawn_sweeper(self: Arc<Self>, clock: Arc<dyn Clock>, every: Duration) {
        tokio::spawn(async move {
            // At start every entry is left over from before: no grace.
            let mut before = Timestamp(clock.now_ms() + 1);
            loop {
                if let Err(err) = self.sweep(before).await {
                    tracing::warn!(error = %err, "outbox sweep failed");
                }
                tokio::time::sleep(every).await;
                // Later sweeps leave fresh claims to deliver their own.
                before = Timestamp(clock.now_ms() - GRACE_MS);
            }
        });
    }
}
