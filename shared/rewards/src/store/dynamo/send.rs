//! The sender's side of the DynamoDB store.
//!
//! - A campaign's sender item (`CAMPAIGN#<id>` / `#SENDER`) holds the wallet
//!   lease (`holder`, `until`), the booked re-check (`recheck_at`) and the
//!   sort keys of the transactions in flight (`open`, a string set): a run
//!   reads what it must settle with one GetItem and one BatchGetItem, never
//!   the campaign's history.
//! - An assigned reward not yet in a transaction sits in the `by_stock`
//!   index under `SEND#<campaign>` (the claim puts it there), sorted by
//!   assignment: `pending` is one Query of the index and one BatchGetItem.
//! - A transaction item (`TX#<created>#<id>`) is written before its rewards
//!   are given to it, and those only before its broadcast; each reward moves
//!   with a condition on the transaction it belongs to.

use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use futures::{StreamExt, TryStreamExt, stream};
use platform::dynamo::{Item, PK, SK, s, unavailable, written};
use platform::store::StoreResult;

use super::claims::send_key;
use super::{BY_STOCK, DynamoRewards, campaign_pk, corrupt, from_av, sortable, to_av};
use crate::domain::reward::RewardStatus;
use crate::domain::time::Timestamp;
use crate::send::{Outgoing, Pending, RewardMove, SendStore};
use crate::store::RewardsStore;

const SENDER_SK: &str = "#SENDER";
/// Reward updates of one transaction in flight at once.
const UPDATES_IN_FLIGHT: usize = 16;

fn tx_sk(out: &Outgoing) -> String {
    format!("TX#{}#{}", sortable(out.row.created_at), out.row.id)
}

fn number(value: i64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

impl DynamoRewards {
    fn sender_update(
        &self,
        campaign_id: &str,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client()
            .update_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(campaign_id)))
            .key(SK, s(SENDER_SK))
    }

    fn reward_update(
        &self,
        campaign_id: &str,
        id: &str,
    ) -> aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder {
        self.client()
            .update_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(campaign_id)))
            .key(SK, s(format!("REWARD#{id}")))
    }

    /// Runs `update` for each id, a few at a time; the ids whose condition
    /// held.
    async fn each_reward<F, Fut>(&self, ids: &[String], update: F) -> StoreResult<Vec<String>>
    where
        F: Fn(String) -> Fut,
        Fut: std::future::Future<Output = StoreResult<Option<String>>>,
    {
        let done: Vec<Option<String>> = stream::iter(ids.iter().cloned())
            .map(update)
            .buffer_unordered(UPDATES_IN_FLIGHT)
            .try_collect()
            .await?;
        Ok(done.into_iter().flatten().collect())
    }

    async fn put_transaction(&self, out: &Outgoing) -> StoreResult<()> {
        let mut item: Item = Item::new();
        item.insert(PK.into(), s(campaign_pk(&out.row.campaign_id)));
        item.insert(SK.into(), s(tx_sk(out)));
        item.insert("body".into(), to_av(out)?);
        self.client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(item))
            .send()
            .await
            .map_err(unavailable)?;
        let finished = !matches!(
            out.row.status,
            RewardStatus::Assigned | RewardStatus::Sending | RewardStatus::Success
        );
        let set = AttributeValue::Ss(vec![tx_sk(out)]);
        let update = if finished {
            self.sender_update(&out.row.campaign_id)
                .update_expression("DELETE #open :tx")
        } else {
            self.sender_update(&out.row.campaign_id)
                .update_expression("ADD #open :tx")
        };
        update
            .expression_attribute_names("#open", "open")
            .expression_attribute_values(":tx", set)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}

#[async_trait]
impl SendStore for DynamoRewards {
    async fn lease(
        &self,
        campaign_id: &str,
        holder: &str,
        now: Timestamp,
        until: Timestamp,
    ) -> StoreResult<bool> {
        let result = self
            .sender_update(campaign_id)
            .update_expression("SET holder = :holder, #until = :until")
            .condition_expression(
                "attribute_not_exists(#until) OR #until <= :now OR holder = :holder",
            )
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":holder", s(holder))
            .expression_attribute_values(":until", number(until.ms()))
            .expression_attribute_values(":now", number(now.ms()))
            .send()
            .await;
        written(result)
    }

    async fn release(&self, campaign_id: &str, holder: &str) -> StoreResult<()> {
        let result = self
            .sender_update(campaign_id)
            .update_expression("SET #until = :zero")
            .condition_expression("holder = :holder")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":holder", s(holder))
            .expression_attribute_values(":zero", number(0))
            .send()
            .await;
        written(result).map(drop)
    }

    async fn open_transactions(&self, campaign_id: &str) -> StoreResult<Vec<Outgoing>> {
        let Some(sender) = self
            .table
            .get((campaign_pk(campaign_id), SENDER_SK.into()))
            .await?
        else {
            return Ok(Vec::new());
        };
        let mut keys: Vec<String> = match sender.get("open") {
            Some(AttributeValue::Ss(keys)) => keys.clone(),
            _ => Vec::new(),
        };
        // Sort keys start with the creation time: oldest first.
        keys.sort();
        let pk = campaign_pk(campaign_id);
        let items = self
            .table
            .batch_get(keys.into_iter().map(|sk| (pk.clone(), sk)).collect())
            .await?;
        let mut open = Vec::with_capacity(items.len());
        for item in &items {
            let out: Outgoing = from_av(item, "body")?;
            if matches!(
                out.row.status,
                RewardStatus::Assigned | RewardStatus::Sending | RewardStatus::Success
            ) {
                open.push(out);
            }
        }
        Ok(open)
    }

    async fn pending(&self, campaign_id: &str, limit: usize) -> StoreResult<Vec<Pending>> {
        let (pk, _) = send_key(campaign_id, Timestamp(0), "");
        let out = self
            .client()
            .query()
            .table_name(self.name())
            .index_name(BY_STOCK.0)
            .key_condition_expression("#spk = :pk")
            .expression_attribute_names("#spk", BY_STOCK.1)
            .expression_attribute_values(":pk", s(pk))
            .limit(i32::try_from(limit).unwrap_or(i32::MAX).max(1))
            .send()
            .await
            .map_err(unavailable)?;
        let keys: Vec<(String, String)> = out
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(|item| match (item.get(PK), item.get(SK)) {
                (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) => {
                    Some((pk.clone(), sk.clone()))
                }
                _ => None,
            })
            .collect();
        // The index may lag: the rows themselves decide.
        let items = self.table.batch_get(keys).await?;
        let mut pending = Vec::with_capacity(items.len());
        for item in items {
            let failures = item
                .get("send_failures")
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            let reward = Self::to_reward(item)?;
            if reward.status == RewardStatus::Assigned && reward.transaction_id.is_none() {
                pending.push(Pending { reward, failures });
            }
        }
        Ok(pending)
    }

    async fn reserve(&self, out: &Outgoing) -> StoreResult<bool> {
        // The transaction first: a run that dies while giving it its rewards
        // leaves it open, and the next run gives them again or drops it.
        self.put_transaction(out).await?;
        let campaign_id = out.row.campaign_id.clone();
        let taken = self
            .each_reward(&out.reward_ids, |id| {
                let campaign_id = campaign_id.clone();
                async move {
                    let result = self
                        .reward_update(&campaign_id, &id)
                        .update_expression("SET transaction_id = :tx REMOVE #spk, #ssk")
                        .condition_expression(
                            "#status = :assigned AND (attribute_not_exists(transaction_id) \
                             OR attribute_type(transaction_id, :null) OR transaction_id = :tx)",
                        )
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_names("#spk", BY_STOCK.1)
                        .expression_attribute_names("#ssk", BY_STOCK.2)
                        .expression_attribute_values(":tx", s(&out.row.id))
                        .expression_attribute_values(
                            ":assigned",
                            s(RewardStatus::Assigned.as_str()),
                        )
                        .expression_attribute_values(":null", s("NULL"))
                        .send()
                        .await;
                    Ok(written(result)?.then_some(id))
                }
            })
            .await?;
        if taken.len() == out.reward_ids.len() {
            return Ok(true);
        }
        // Give back what was taken: the rewards are free again, the
        // transaction waits for the sender to drop it.
        self.unreserve(out, &taken, out.row.updated_at).await?;
        Ok(false)
    }

    async fn save(&self, out: &Outgoing, rewards: Option<&RewardMove>) -> StoreResult<()> {
        // The rewards move first: a run that dies part-way leaves the
        // transaction as it was (open), and the next run moves them again.
        let Some(change) = rewards else {
            return self.put_transaction(out).await;
        };
        let campaign_id = out.row.campaign_id.clone();
        let hash = match &change.transaction_hash {
            Some(hash) => s(hash),
            None => AttributeValue::Null(true),
        };
        let block = match change.block_number {
            Some(block) => number(i64::try_from(block).map_err(corrupt)?),
            None => AttributeValue::Null(true),
        };
        let at = to_av(&change.now)?;
        self.each_reward(&out.reward_ids, |id| {
            let (campaign_id, hash, block, at) =
                (campaign_id.clone(), hash.clone(), block.clone(), at.clone());
            async move {
                let result = self
                    .reward_update(&campaign_id, &id)
                    .update_expression(
                        "SET #status = :status, transaction_hash = :hash, block_number = :block, updated_at = :at",
                    )
                    .condition_expression("transaction_id = :tx AND #status <> :rejected")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(":status", s(change.status.as_str()))
                    .expression_attribute_values(":rejected", s(RewardStatus::Rejected.as_str()))
                    .expression_attribute_values(":tx", s(&out.row.id))
                    .expression_attribute_values(":hash", hash)
                    .expression_attribute_values(":block", block)
                    .expression_attribute_values(":at", at)
                    .send()
                    .await;
                Ok(written(result)?.then_some(id))
            }
        })
        .await?;
        self.put_transaction(out).await
    }

    async fn unreserve(
        &self,
        out: &Outgoing,
        reward_ids: &[String],
        now: Timestamp,
    ) -> StoreResult<()> {
        let campaign_id = out.row.campaign_id.clone();
        let at = to_av(&now)?;
        self.each_reward(reward_ids, |id| {
            let (campaign_id, at) = (campaign_id.clone(), at.clone());
            async move {
                let (spk, ssk) = send_key(&campaign_id, now, &id);
                let result = self
                    .reward_update(&campaign_id, &id)
                    .update_expression(
                        "SET #status = :assigned, transaction_id = :none, transaction_hash = :none, \
                         block_number = :none, updated_at = :at, #spk = :spk, #ssk = :ssk",
                    )
                    .condition_expression("transaction_id = :tx AND #status <> :rejected")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_names("#spk", BY_STOCK.1)
                    .expression_attribute_names("#ssk", BY_STOCK.2)
                    .expression_attribute_values(":assigned", s(RewardStatus::Assigned.as_str()))
                    .expression_attribute_values(":rejected", s(RewardStatus::Rejected.as_str()))
                    .expression_attribute_values(":none", AttributeValue::Null(true))
                    .expression_attribute_values(":tx", s(&out.row.id))
                    .expression_attribute_values(":at", at)
                    .expression_attribute_values(":spk", s(spk))
                    .expression_attribute_values(":ssk", s(ssk))
                    .send()
                    .await;
                Ok(written(result)?.then_some(id))
            }
        })
        .await?;
        Ok(())
    }

    async fn reject(&self, reward_ids: &[String], reason: &str, now: Timestamp) -> StoreResult<()> {
        // The rewards may be of any campaign: found by id first.
        let at = to_av(&now)?;
        self.each_reward(reward_ids, |id| {
            let at = at.clone();
            async move {
                let Some(reward) = self.reward(&id).await? else {
                    return Ok(None);
                };
                let result = self
                    .reward_update(&reward.campaign_id, &id)
                    .update_expression(
                        "SET #status = :rejected, error_message = :why, updated_at = :at REMOVE #spk, #ssk",
                    )
                    .condition_expression("#status IN (:assigned, :sending)")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_names("#spk", BY_STOCK.1)
                    .expression_attribute_names("#ssk", BY_STOCK.2)
                    .expression_attribute_values(":rejected", s(RewardStatus::Rejected.as_str()))
                    .expression_attribute_values(":assigned", s(RewardStatus::Assigned.as_str()))
                    .expression_attribute_values(":sending", s(RewardStatus::Sending.as_str()))
                    .expression_attribute_values(":why", s(reason))
                    .expression_attribute_values(":at", at)
                    .send()
                    .await;
                Ok(written(result)?.then_some(id))
            }
        })
        .await?;
        Ok(())
    }

    async fn note_failures(&self, reward_ids: &[String]) -> StoreResult<Vec<u32>> {
        let mut counts = Vec::with_capacity(reward_ids.len());
        for id in reward_ids {
            let Some(reward) = self.reward(id).await? else {
                counts.push(u32::MAX);
                continue;
            };
            let out = self
                .reward_update(&reward.campaign_id, id)
                .update_expression("ADD send_failures :one")
                .expression_attribute_values(":one", number(1))
                .return_values(ReturnValue::UpdatedNew)
                .send()
                .await
                .map_err(unavailable)?;
            let n = out
                .attributes
                .as_ref()
                .and_then(|a| a.get("send_failures"))
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok())
                .ok_or_else(|| corrupt("send_failures without a count"))?;
            counts.push(n);
        }
        Ok(counts)
    }

    async fn book_recheck(
        &self,
        campaign_id: &str,
        now: Timestamp,
        at: Timestamp,
        after: Option<Timestamp>,
    ) -> StoreResult<bool> {
        let update = self
            .sender_update(campaign_id)
            .update_expression("SET recheck_at = :at")
            .expression_attribute_values(":at", number(at.ms()));
        let result = match after {
            None => update
                .condition_expression("attribute_not_exists(recheck_at) OR recheck_at <= :now")
                .expression_attribute_values(":now", number(now.ms())),
            Some(after) => update
                .condition_expression("recheck_at = :after")
                .expression_attribute_values(":after", number(after.ms())),
        }
        .send()
        .await;
        written(result)
    }

    async fn campaigns_with_work(&self) -> StoreResult<Vec<String>> {
        // A Scan: only the local server calls this, once at its start.
        let mut campaigns = std::collections::BTreeSet::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .scan()
                .table_name(self.name())
                .filter_expression(
                    "begins_with(#spk, :send) OR (sk = :sender AND attribute_exists(#open))",
                )
                .projection_expression("pk")
                .expression_attribute_names("#spk", BY_STOCK.1)
                .expression_attribute_names("#open", "open")
                .expression_attribute_values(":send", s("SEND#"))
                .expression_attribute_values(":sender", s(SENDER_SK))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            for item in out.items.unwrap_or_default() {
                if let Some(AttributeValue::S(pk)) = item.get(PK)
                    && let Some(id) = pk.strip_prefix("CAMPAIGN#")
                {
                    campaigns.insert(id.to_string());
                }
            }
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => break,
            }
        }
        Ok(campaigns.into_iter().collect())
    }
}
