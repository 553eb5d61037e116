//! Queue messages to sender runs: the same handling for the SQS-triggered
//! function and for the local server's in-process queue.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::sender::{Progress, SendError, Sender};
use crate::domain::time::Timestamp;
use crate::queue::{RewardMessage, RewardQueue};

/// How soon a campaign whose wallet another run holds is tried again.
const BUSY_RETRY: Duration = Duration::from_secs(2);

/// Runs the sender once for each campaign of `messages`; returns the
/// indexes of the messages to deliver again (their run failed in a way a
/// later delivery may not). A chain that cannot be reached fails nothing:
/// a re-check message is booked instead, so an RPC outage never sends
/// messages to the dead-letter queue.
pub async fn handle(
    sender: &Sender,
    queue: &dyn RewardQueue,
    messages: &[RewardMessage],
) -> Vec<usize> {
    let mut by_campaign: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, message) in messages.iter().enumerate() {
        by_campaign
            .entry(&message.campaign_id)
            .or_default()
            .push(index);
    }
    let mut failed = Vec::new();
    for (campaign, indexes) in by_campaign {
        // A booked re-check among them carries its chain on.
        let chain = indexes.iter().filter_map(|&i| messages[i].due).max();
        let recheck = match sender.run(campaign).await {
            Ok(Progress::Done) => None,
            Ok(Progress::Later(after)) => Some(after),
            // The holder may have read its rewards before these arrived.
            Ok(Progress::Busy) => Some(BUSY_RETRY),
            Ok(Progress::NoRpc(chain_id)) => {
                tracing::warn!(%campaign, chain_id, "no RPC_URL_{chain_id}: the campaign's rewards stay assigned");
                None
            }
            Err(SendError::Chain(err)) => {
                tracing::warn!(%campaign, error = %err, "chain unreachable: trying again later");
                Some(sender.config().recheck)
            }
            Err(SendError::Wallet(err)) => {
                tracing::error!(%campaign, error = %err, "campaign wallet unavailable: trying again later");
                Some(sender.config().recheck)
            }
            Err(err) => {
                tracing::error!(%campaign, error = %err, "sender run failed: its messages come back");
                failed.extend(indexes);
                continue;
            }
        };
        if let Some(after) = recheck
            && let Err(err) = book(sender, queue, campaign, after, chain).await
        {
            tracing::error!(%campaign, error = %err, "re-check not queued: its messages come back");
            failed.extend(indexes);
        }
    }
    failed
}

/// Books and queues a re-check of the campaign after `after`. Each campaign
/// has one chain of re-checks at most: a new one starts only when none is
/// booked for later, and a chain goes on only while its booking is the one
/// stored (`chain`: the time the handled re-check was booked for).
async fn book(
    sender: &Sender,
    queue: &dyn RewardQueue,
    campaign: &str,
    after: Duration,
    chain: Option<i64>,
) -> Result<(), String> {
    let now = sender.now_ms();
    let at = now + after.as_millis() as i64;
    let booked = sender
        .store()
        .book_recheck(
            campaign,
            Timestamp(now),
            Timestamp(at),
            chain.map(Timestamp),
        )
        .await
        .map_err(|e| e.to_string())?;
    if !booked {
        return Ok(());
    }
    queue
        .send_after(&RewardMessage::booked(campaign, at), after)
        .await
        .map(drop)
        .map_err(|e| e.to_string())
}

/// Messages that arrive together within this window go out together.
pub const BATCH_WINDOW: Duration = Duration::from_secs(1);

/// The local server's sender: reads the in-process queue for ever. At start
/// it re-checks every campaign with work (a message lost with the previous
/// process is not lost work: the rewards are in the store), and says once
/// which chains have no RPC.
pub async fn run_local(sender: Arc<Sender>, queue: Arc<dyn RewardQueue>) {
    announce(&sender, queue.as_ref()).await;
    loop {
        let first = match queue.receive(10, Duration::from_secs(5)).await {
            Ok(first) if first.is_empty() => continue,
            Ok(first) => first,
            Err(err) => {
                tracing::warn!(error = %err, "reward queue: receive failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        tokio::time::sleep(BATCH_WINDOW).await;
        let mut received = first;
        while received.len() < 100 {
            match queue.receive(10, Duration::ZERO).await {
                Ok(more) if !more.is_empty() => received.extend(more),
                _ => break,
            }
        }
        let deliveries: Vec<_> = received.into_iter().filter_map(Result::ok).collect();
        let messages: Vec<RewardMessage> = deliveries.iter().map(|d| d.message.clone()).collect();
        let failed = handle(&sender, queue.as_ref(), &messages).await;
        for (index, delivery) in deliveries.iter().enumerate() {
            if !failed.contains(&index)
                && let Err(err) = queue.delete(&delivery.receipt).await
            {
                tracing::warn!(error = %err, "reward queue: delete failed");
            }
        }
    }
}

async fn announce(sender: &Sender, queue: &dyn RewardQueue) {
    let campaigns = match sender.store().campaigns_with_work().await {
        Ok(campaigns) => campaigns,
        Err(err) => {
            tracing::error!(error = %err, "sender: campaigns with work not read");
            return;
        }
    };
    let mut silent = std::collections::BTreeSet::new();
    for campaign_id in campaigns {
        let chain_id = match sender.store().campaign(&campaign_id).await {
            Ok(Some(campaign)) => campaign.chain_id,
            _ => continue,
        };
        if sender.chains().get(chain_id).is_none() {
            silent.insert(chain_id);
            continue;
        }
        if let Err(err) = queue.send(&RewardMessage::recheck(&campaign_id)).await {
            tracing::warn!(campaign = %campaign_id, error = %err, "re-check not queued");
        }
    }
    for chain_id in silent {
        tracing::warn!(
            chain_id,
            "rewards of chain {chain_id} stay assigned: set RPC_URL_{chain_id} to send them"
        );
    }
    if sender.chains().ids().is_empty() {
        tracing::info!("no RPC_URL_<chain_id> set: assigned rewards are not sent");
    }
}
