//! Claims, the outbox and captchas on DynamoDB. A claim never reads then
//! writes blindly: it finds candidate stock rows through the sparse
//! `by_stock` index, then one `TransactWriteItems` takes a row only if it is
//! still unassigned, and bumps the (key, user) counter only while it is
//! under the key's limit; the row itself carries its outbox entry (the
//! sparse `by_outbox` index), so the message cannot be lost between the
//! claim and the queue. See `docs/claims.md`.

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem, Update};
use futures::{StreamExt, TryStreamExt, stream};
use platform::dynamo::{Item, PK, SK, condition_failed, s, unavailable};
use platform::store::{StoreError, StoreResult};
use rand::Rng;

use super::{
    BY_KEY, BY_OUTBOX, BY_STOCK, BY_USER, DynamoRewards, built, campaign_pk, cancelled, sortable,
    to_av,
};
use crate::domain::captcha::Captcha;
use crate::domain::reward::{Reward, RewardStatus};
use crate::domain::time::Timestamp;
use crate::store::{CLAIM_ATTEMPTS, ClaimContext, ClaimRequest, Claimed};

/// Outbox entries spread over this many index partitions, so that claims
/// never all write one partition of the index.
pub const OUTBOX_SHARDS: u32 = 8;
/// Candidates a claim reads first: the row it takes and a few behind it.
const FIRST_CANDIDATES: i32 = 10;
/// Candidates a claim that lost a race reads: enough that concurrent claims
/// pick different rows.
const CANDIDATES: i32 = 50;
/// Rows one page of a filtered stock query reads (DynamoDB's `Limit`
/// counts rows before the filter).
const FILTERED_PAGE: i32 = 500;
/// Attempts of a claim under contention (each re-reads its candidates).
const DYNAMO_CLAIM_ATTEMPTS: usize = CLAIM_ATTEMPTS * 3;

/// `priority` as a string that sorts as the number does (i64 shifted to u64).
pub fn sortable_priority(priority: i64) -> String {
    format!(
        "{:020}",
        (i128::from(priority) - i128::from(i64::MIN)) as u64
    )
}

pub fn stock_key(reward: &Reward) -> (String, String) {
    (
        format!("STOCK#{}", reward.campaign_id),
        format!(
            "{}#{}#{}",
            sortable_priority(reward.priority),
            sortable(reward.created_at),
            reward.id
        ),
    )
}

/// Where an assigned reward waits in `by_stock` for the sender: its
/// campaign's `SEND#` partition, in order of assignment.
pub fn send_key(campaign_id: &str, assigned_at: Timestamp, id: &str) -> (String, String) {
    (
        format!("SEND#{campaign_id}"),
        format!("{}#{id}", sortable(assigned_at)),
    )
}

fn outbox_key(id: &str, at: Timestamp) -> (String, String) {
    let shard = id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)))
        % OUTBOX_SHARDS;
    (format!("OUTBOX#{shard}"), format!("{}#{id}", sortable(at)))
}

fn held_key(campaign_id: &str, key_id: &str, user: &str) -> (String, String) {
    (campaign_pk(campaign_id), format!("HELD#{key_id}#{user}"))
}

fn counter(item: &Item) -> u64 {
    item.get("n")
        .and_then(|n| n.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn captcha_key(id: &str) -> (String, String) {
    (format!("CAPTCHA#{id}"), "#CAPTCHA".into())
}

impl DynamoRewards {
    /// Up to `wanted` unassigned rows the filter matches, in claim order.
    async fn candidates(&self, request: &ClaimRequest, wanted: i32) -> StoreResult<Vec<Item>> {
        let filter = &request.filter;
        let mut conditions = Vec::new();
        let mut values: HashMap<String, AttributeValue> =
            HashMap::from([(":pk".into(), s(format!("STOCK#{}", request.campaign_id)))]);
        let mut names = HashMap::from([
            ("#spk".to_string(), BY_STOCK.1.to_string()),
            ("#sk".to_string(), SK.to_string()),
            ("#priority".to_string(), "priority".to_string()),
        ]);
        for (name, value) in [
            ("group", &filter.group),
            ("target", &filter.target),
            ("value", &filter.value),
        ] {
            if let Some(value) = value {
                conditions.push(format!("#{name} = :{name}"));
                names.insert(format!("#{name}"), name.to_string());
                values.insert(format!(":{name}"), s(value));
            }
        }
        // A filter skips the rows of other groups or items: read those in
        // larger pages. The campaign's own stock bounds the pages read.
        let page = if conditions.is_empty() {
            wanted
        } else {
            FILTERED_PAGE.max(wanted)
        };
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client()
                .query()
                .table_name(self.name())
                .index_name(BY_STOCK.0)
                .key_condition_expression("#spk = :pk")
                // What the claim needs of a candidate: its row and its priority.
                .projection_expression("#sk, #priority")
                .set_filter_expression((!conditions.is_empty()).then(|| conditions.join(" AND ")))
                .set_expression_attribute_names(Some(names.clone()))
                .set_expression_attribute_values(Some(values.clone()))
                .limit(page)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(unavailable)?;
            found.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() && found.len() < wanted as usize => {
                    start = Some(key);
                }
                _ => break,
            }
        }
        found.truncate(wanted as usize);
        Ok(found)
    }

    pub(super) async fn claim_stock(&self, request: &ClaimRequest) -> StoreResult<Claimed> {
        let (held_pk, held_sk) = held_key(&request.campaign_id, &request.key_id, &request.user);
        for attempt in 0..DYNAMO_CLAIM_ATTEMPTS {
            let wanted = if attempt == 0 {
                FIRST_CANDIDATES
            } else {
                CANDIDATES
            };
            let candidates = self.candidates(request, wanted).await?;
            if candidates.is_empty() {
                return Ok(Claimed::NoStock);
            }
            // The first attempt takes the first row. One that lost a race
            // picks at random among more and more of the rows in claim order
            // (2, 4, 8, ... of them), so that concurrent claims stop
            // colliding on one row even when every row has its own priority.
            let pick = if attempt == 0 {
                0
            } else {
                let spread = (2usize << attempt.min(6)).min(candidates.len());
                rand::rng().random_range(0..spread)
            };
            let candidate = &candidates[pick];
            let Some(id) = candidate
                .get(SK)
                .and_then(|v| v.as_s().ok())
                .and_then(|sk| sk.strip_prefix("REWARD#"))
                .map(str::to_string)
            else {
                return Err(StoreError::Corrupt(
                    "a stock row without its sort key".into(),
                ));
            };
            let at = sortable(request.now);
            let (outbox_pk, outbox_sk) = outbox_key(&id, request.now);
            // Out of the stock, into the sender's list of what to mint.
            let (send_pk, send_sk) = send_key(&request.campaign_id, request.now, &id);
            // The index holds a few attributes only (INCLUDE projection):
            // the row is updated in place, then read back whole.
            let take = TransactWriteItem::builder()
                .update(built(
                    Update::builder()
                        .table_name(self.name())
                        .key(PK, s(campaign_pk(&request.campaign_id)))
                        .key(SK, s(format!("REWARD#{id}")))
                        .update_expression(
                            "SET #status = :assigned, #user = :user, campaign_key = :key, \
                             assigned_at = :at, updated_at = :at, #upk = :upk, #usk = :rsk, \
                             #kpk = :kpk, #ksk = :rsk, #opk = :opk, #osk = :osk, \
                             #spk = :sendpk, #ssk = :sendsk",
                        )
                        .condition_expression("#status = :unassigned")
                        .expression_attribute_names("#status", "status")
                        .expression_attribute_names("#user", "user")
                        .expression_attribute_names("#upk", BY_USER.1)
                        .expression_attribute_names("#usk", BY_USER.2)
                        .expression_attribute_names("#kpk", BY_KEY.1)
                        .expression_attribute_names("#ksk", BY_KEY.2)
                        .expression_attribute_names("#opk", BY_OUTBOX.1)
                        .expression_attribute_names("#osk", BY_OUTBOX.2)
                        .expression_attribute_names("#spk", BY_STOCK.1)
                        .expression_attribute_names("#ssk", BY_STOCK.2)
                        .expression_attribute_values(
                            ":assigned",
                            s(RewardStatus::Assigned.as_str()),
                        )
                        .expression_attribute_values(
                            ":unassigned",
                            s(RewardStatus::Unassigned.as_str()),
                        )
                        .expression_attribute_values(":user", s(&request.user))
                        .expression_attribute_values(":key", s(&request.key_id))
                        .expression_attribute_values(":at", to_av(&request.now)?)
                        .expression_attribute_values(":upk", s(format!("USER#{}", request.user)))
                        .expression_attribute_values(":kpk", s(format!("KEY#{}", request.key_id)))
                        .expression_attribute_values(":rsk", s(format!("REWARD#{at}#{id}")))
                        .expression_attribute_values(":sendpk", s(send_pk))
                        .expression_attribute_values(":sendsk", s(send_sk))
                        .expression_attribute_values(":opk", s(outbox_pk))
                        .expression_attribute_values(":osk", s(outbox_sk))
                        .build(),
                )?)
                .build();
            let mut count = Update::builder()
                .table_name(self.name())
                .key(PK, s(&held_pk))
                .key(SK, s(&held_sk))
                .update_expression("ADD #n :one")
                .expression_attribute_names("#n", "n")
                .expression_attribute_values(":one", AttributeValue::N("1".into()));
            if let Some(limit) = request.limit {
                // Under a limit the counter also lists what it counts (at
                // most `limit` ids): the limit answer reads those rows.
                count = count
                    .update_expression("ADD #n :one, #ids :id")
                    .expression_attribute_names("#ids", "ids")
                    .expression_attribute_values(":id", AttributeValue::Ss(vec![id.clone()]))
                    .condition_expression("attribute_not_exists(#n) OR #n < :limit")
                    .expression_attribute_values(":limit", AttributeValue::N(limit.to_string()));
            }
            let count = TransactWriteItem::builder()
                .update(built(count.build())?)
                .build();
            match self
                .client()
                .transact_write_items()
                .transact_items(take)
                .transact_items(count)
                .send()
                .await
            {
                Ok(_) => return self.read_back(&request.campaign_id, &id).await,
                Err(err) => {
                    let reasons = cancelled(err)?;
                    if reasons
                        .get(1)
                        .is_some_and(|r| r.as_deref() == Some("ConditionalCheckFailed"))
                    {
                        return Ok(Claimed::AtLimit);
                    }
                    // The row was taken (ConditionalCheckFailed) or another
                    // transaction held it (TransactionConflict): again.
                    let pause = rand::rng().random_range(0..(5u64 << attempt.min(4)));
                    tokio::time::sleep(std::time::Duration::from_millis(pause)).await;
                }
            }
        }
        Err(StoreError::Unavailable(format!(
            "claim gave up after {DYNAMO_CLAIM_ATTEMPTS} attempts under contention"
        )))
    }

    /// The row a claim just took, read whole. The claim is committed: a
    /// read that fails is retried rather than answered as a failure (a
    /// client retrying a 5xx could take a second reward).
    async fn read_back(&self, campaign_id: &str, id: &str) -> StoreResult<Claimed> {
        let key = (campaign_pk(campaign_id), format!("REWARD#{id}"));
        let mut attempt = 0;
        loop {
            match self.table.get(key.clone()).await {
                Ok(Some(item)) => return Ok(Claimed::Assigned(Box::new(Self::to_reward(item)?))),
                Ok(None) => {
                    return Err(StoreError::Corrupt(format!(
                        "reward {id} vanished after its claim"
                    )));
                }
                Err(err) if attempt >= platform::dynamo::MAX_RETRIES => return Err(err),
                Err(err) => {
                    tracing::warn!(reward = %id, error = %err, "reading a claimed reward back failed: retrying");
                    attempt += 1;
                    platform::dynamo::backoff(attempt).await;
                }
            }
        }
    }

    pub(super) async fn claim_reads(
        &self,
        campaign_id: &str,
        key_id: &str,
        user: Option<&str>,
    ) -> StoreResult<ClaimContext> {
        let key_sk = format!("KEY#{key_id}");
        let held_sk = user.map(|user| held_key(campaign_id, key_id, user).1);
        let mut wanted = vec![
            (campaign_pk(campaign_id), key_sk.clone()),
            (campaign_pk(campaign_id), super::CAMPAIGN_SK.to_string()),
        ];
        wanted.extend(
            held_sk
                .iter()
                .map(|sk| (campaign_pk(campaign_id), sk.clone())),
        );
        let mut context = ClaimContext {
            key: None,
            campaign: None,
            held: 0,
        };
        for item in self.table.batch_get(wanted).await? {
            let sk = item
                .get(SK)
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            if sk == key_sk {
                context.key = Some(super::from_av(&item, "body")?);
            } else if sk == super::CAMPAIGN_SK {
                context.campaign = Some(super::from_av(&item, "body")?);
            } else if Some(&sk) == held_sk.as_ref() {
                context.held = counter(&item);
            }
        }
        Ok(context)
    }

    /// The (key, user) claim counter, read consistently.
    pub(super) async fn held_counter(
        &self,
        campaign_id: &str,
        key_id: &str,
        user: &str,
    ) -> StoreResult<u64> {
        let item = self.table.get(held_key(campaign_id, key_id, user)).await?;
        Ok(item.as_ref().map_or(0, counter))
    }

    /// What the (key, user) counter lists, read consistently; when it lists
    /// fewer than it counts (claims made before the key had a limit), the
    /// beneficiary's rewards through `by_user`.
    pub(super) async fn held_rewards(
        &self,
        campaign_id: &str,
        key_id: &str,
        user: &str,
    ) -> StoreResult<Vec<Reward>> {
        let counter_item = self.table.get(held_key(campaign_id, key_id, user)).await?;
        let ids: Vec<String> = counter_item
            .as_ref()
            .and_then(|item| item.get("ids"))
            .and_then(|ids| ids.as_ss().ok())
            .cloned()
            .unwrap_or_default();
        let counted = counter_item.as_ref().map_or(0, counter);
        let mut rewards = if ids.len() as u64 >= counted {
            let wanted = ids
                .iter()
                .map(|id| (campaign_pk(campaign_id), format!("REWARD#{id}")))
                .collect();
            self.table
                .batch_get(wanted)
                .await?
                .into_iter()
                .map(Self::to_reward)
                .collect::<StoreResult<Vec<_>>>()?
        } else {
            let items = self
                .table
                .query(platform::dynamo::Query::index_prefixed(
                    BY_USER.0,
                    (BY_USER.1, BY_USER.2),
                    format!("USER#{user}"),
                    "REWARD#",
                ))
                .await?;
            items
                .into_iter()
                .map(Self::to_reward)
                .collect::<StoreResult<Vec<_>>>()?
        };
        rewards
            .retain(|r| r.campaign_id == campaign_id && r.campaign_key.as_deref() == Some(key_id));
        // Newest first, as the embedded store answers.
        rewards.sort_by(|a, b| {
            b.assigned_at
                .cmp(&a.assigned_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(rewards)
    }

    pub(super) async fn outbox(&self, before: Timestamp, limit: usize) -> StoreResult<Vec<Reward>> {
        let shards = stream::iter(0..OUTBOX_SHARDS)
            .map(|shard| async move {
                let out = self
                    .client()
                    .query()
                    .table_name(self.name())
                    .index_name(BY_OUTBOX.0)
                    .key_condition_expression("#opk = :pk AND #osk < :before")
                    .expression_attribute_names("#opk", BY_OUTBOX.1)
                    .expression_attribute_names("#osk", BY_OUTBOX.2)
                    .expression_attribute_values(":pk", s(format!("OUTBOX#{shard}")))
                    .expression_attribute_values(":before", s(sortable(before)))
                    .limit(i32::try_from(limit).unwrap_or(i32::MAX).max(1))
                    .send()
                    .await
                    .map_err(unavailable)?;
                // An item that does not read as a reward is logged and left:
                // it must not hold back every other message of the sweep.
                Ok::<_, StoreError>(
                    out.items
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|item| {
                            let at = item
                                .get(BY_OUTBOX.2)
                                .and_then(|v| v.as_s().ok())
                                .cloned()
                                .unwrap_or_default();
                            let sk = item.get(SK).and_then(|v| v.as_s().ok()).cloned();
                            match Self::to_reward(item) {
                                Ok(reward) => Some((at, reward)),
                                Err(err) => {
                                    tracing::error!(sk = ?sk, error = %err, "an outbox entry is not a reward: left in the outbox");
                                    None
                                }
                            }
                        })
                        .collect::<Vec<_>>(),
                )
            })
            .buffer_unordered(OUTBOX_SHARDS as usize)
            .try_collect::<Vec<_>>()
            .await?;
        let mut all: Vec<(String, Reward)> = shards.into_iter().flatten().collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(all.into_iter().take(limit).map(|(_, r)| r).collect())
    }

    pub(super) async fn drop_outbox(&self, rewards: &[(String, String)]) -> StoreResult<()> {
        stream::iter(rewards.to_vec())
            .map(|(campaign_id, id)| async move {
                let result = self
                    .client()
                    .update_item()
                    .table_name(self.name())
                    .key(PK, s(campaign_pk(&campaign_id)))
                    .key(SK, s(format!("REWARD#{id}")))
                    .update_expression("REMOVE #opk, #osk")
                    .condition_expression("attribute_exists(pk)")
                    .expression_attribute_names("#opk", BY_OUTBOX.1)
                    .expression_attribute_names("#osk", BY_OUTBOX.2)
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(()),
                    Err(err) if condition_failed(&err) => Ok(()),
                    Err(err) => Err(unavailable(err)),
                }
            })
            .buffer_unordered(8)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    pub(super) async fn put_captcha(&self, captcha: &Captcha) -> StoreResult<()> {
        let (pk, sk) = captcha_key(&captcha.id);
        self.client()
            .put_item()
            .table_name(self.name())
            .item(PK, s(pk))
            .item(SK, s(sk))
            .item("answer", s(&captcha.answer))
            .item(
                "expires_ms",
                AttributeValue::N(captcha.expires_at.ms().to_string()),
            )
            // TTL (seconds) purges it a little after it expires.
            .item(
                super::TTL_ATTRIBUTE,
                AttributeValue::N((captcha.expires_at.ms() / 1000 + 1).to_string()),
            )
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    pub(super) async fn delete_captcha(&self, id: &str) -> StoreResult<Option<Captcha>> {
        let (pk, sk) = captcha_key(id);
        let out = self
            .client()
            .delete_item()
            .table_name(self.name())
            .key(PK, s(pk))
            .key(SK, s(sk))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e: SdkError<_, _>| unavailable(e))?;
        let Some(old) = out.attributes.filter(|a| !a.is_empty()) else {
            return Ok(None);
        };
        let answer = old.get("answer").and_then(|v| v.as_s().ok()).cloned();
        let expires = old
            .get("expires_ms")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok());
        match (answer, expires) {
            (Some(answer), Some(expires)) => Ok(Some(Captcha {
                id: id.to_string(),
                answer,
                expires_at: Timestamp(expires),
            })),
            _ => Err(StoreError::Corrupt(format!(
                "captcha {id} without its answer"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priorities_sort_as_numbers() {
        let mut values = [i64::MIN, -5, -1, 0, 1, 7, 100, i64::MAX];
        let mut texts: Vec<String> = values.iter().map(|p| sortable_priority(*p)).collect();
        texts.sort();
        values.sort();
        assert_eq!(
            texts,
            values
                .iter()
                .map(|p| sortable_priority(*p))
                .collect::<Vec<_>>()
        );
        assert!(sortable_priority(-1) < sortable_priority(0));
    }
}
