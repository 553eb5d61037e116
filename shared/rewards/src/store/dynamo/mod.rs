//! The Rewards store on DynamoDB: one table (not LAND's), keyed `pk`/`sk`,
//! with three sparse indexes. Every invariant is a condition of the write
//! that could break it; no request path scans. Layout and access patterns:
//! `docs/dynamodb.md`, "Rewards table".
//!
//! | item | pk | sk | indexes |
//! |---|---|---|---|
//! | campaign | `CAMPAIGN#<id>` | `#CAMPAIGN` | - |
//! | role | `CAMPAIGN#<id>` | `USER#<address>` | by_user: `USER#<address>` / `ROLE#<campaign>` |
//! | key | `CAMPAIGN#<id>` | `KEY#<key id>` | - |
//! | reward | `CAMPAIGN#<id>` | `REWARD#<reward id>` | by_id; by_stock in stock (`STOCK#`) and while it waits for the sender (`SEND#`); once assigned by_user, by_key, and by_outbox until queued |
//! | claims of a key by a user | `CAMPAIGN#<id>` | `HELD#<key id>#<address>` | - |
//! | captcha | `CAPTCHA#<id>` | `#CAPTCHA` | - (TTL) |
//! | transaction | `CAMPAIGN#<id>` | `TX#<created>#<id>` | - |
//! | sender (lease, re-check, open transactions) | `CAMPAIGN#<id>` | `#SENDER` | - |

mod claims;
mod send;
mod setup;

use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, Put, PutRequest, TransactWriteItem, Update,
    WriteRequest,
};
use futures::{StreamExt, TryStreamExt, stream};
use platform::dynamo::{Item, PK, Query, SK, Table, backoff, condition_failed, s, unavailable};
use platform::store::{StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use setup::create_table;

use super::{ClaimContext, ClaimRequest, Claimed, Conflict, Page, Paged, RewardsStore, WriteError};
use crate::domain::campaign::Campaign;
use crate::domain::captcha::Captcha;
use crate::domain::key::CampaignKey;
use crate::domain::reward::{
    CollectionTransaction, Reward, RewardStatus, SupplyCount, SupplyRemoval,
};
use crate::domain::role::Role;
use crate::domain::time::Timestamp;
use crate::domain::user::CampaignUser;

/// (index, partition attribute, sort attribute).
pub const BY_USER: (&str, &str, &str) = ("by_user", "user_pk", "user_sk");
pub const BY_KEY: (&str, &str, &str) = ("by_key", "key_pk", "key_sk");
pub const BY_ID: (&str, &str, &str) = ("by_id", "id_pk", "id_sk");
/// Unassigned rows by campaign, in claim order (priority, then age).
pub const BY_STOCK: (&str, &str, &str) = ("by_stock", "stock_pk", "stock_sk");
/// What the stock index projects beside the keys.
pub const STOCK_ATTRIBUTES: [&str; 5] = ["status", "group", "target", "value", "priority"];
/// Assigned rewards whose queue message may not be sent yet.
pub const BY_OUTBOX: (&str, &str, &str) = ("by_outbox", "outbox_pk", "outbox_sk");
/// Items with this attribute (epoch seconds) vanish after it (captchas, Step 6).
pub const TTL_ATTRIBUTE: &str = "expires_at";

const CAMPAIGN_SK: &str = "#CAMPAIGN";
/// Deletes of one supply removal in flight at once.
const DELETES_IN_FLIGHT: usize = 16;
/// Items per BatchWriteItem (the service's limit).
const BATCH_WRITE: usize = 25;
/// Attempts of a read-then-conditional-write that lost a race.
const ATTEMPTS: u32 = 5;

fn campaign_pk(id: &str) -> String {
    format!("CAMPAIGN#{id}")
}

/// Instants in sort keys: 13 digits sort as numbers do.
fn sortable(t: Timestamp) -> String {
    format!("{:013}", t.ms().max(0))
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_av<T: Serialize>(value: &T) -> StoreResult<AttributeValue> {
    serde_dynamo::to_attribute_value(value).map_err(corrupt)
}

fn from_av<T: DeserializeOwned>(item: &Item, name: &str) -> StoreResult<T> {
    let value = item
        .get(name)
        .cloned()
        .ok_or_else(|| corrupt(format!("item without {name}")))?;
    serde_dynamo::from_attribute_value(value).map_err(corrupt)
}

fn built<T>(result: Result<T, aws_sdk_dynamodb::error::BuildError>) -> StoreResult<T> {
    result.map_err(corrupt)
}

/// The reasons of a cancelled transaction, one per action (`None`: not the
/// action that failed); `Err` for any other failure.
fn cancelled(
    err: SdkError<TransactWriteItemsError, aws_sdk_dynamodb::config::http::HttpResponse>,
) -> StoreResult<Vec<Option<String>>> {
    match err {
        SdkError::ServiceError(service) => match service.into_err() {
            TransactWriteItemsError::TransactionCanceledException(e) => Ok(e
                .cancellation_reasons
                .unwrap_or_default()
                .into_iter()
                .map(|r| r.code.filter(|c| c != "None"))
                .collect()),
            other => Err(StoreError::Unavailable(format!(
                "TransactWriteItems: {other}"
            ))),
        },
        other => Err(unavailable(other)),
    }
}

fn failed_at(reasons: &[Option<String>], index: usize) -> bool {
    reasons
        .get(index)
        .is_some_and(|r| r.as_deref() == Some("ConditionalCheckFailed"))
}

fn is_conditional(reasons: &[Option<String>]) -> bool {
    reasons
        .iter()
        .flatten()
        .any(|r| r == "ConditionalCheckFailed")
}

#[derive(Debug, Clone)]
pub struct DynamoRewards {
    table: Table,
}

impl DynamoRewards {
    pub fn new(client: Client, table: &str) -> Self {
        Self {
            table: Table::new(client, table),
        }
    }

    fn client(&self) -> &Client {
        self.table.client()
    }

    fn name(&self) -> &str {
        self.table.name()
    }

    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> StoreResult<Result<(), Vec<Option<String>>>> {
        match self
            .client()
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => Ok(Ok(())),
            Err(err) => {
                let reasons = cancelled(err)?;
                if is_conditional(&reasons) {
                    Ok(Err(reasons))
                } else {
                    Err(StoreError::Unavailable(format!(
                        "transaction cancelled: {reasons:?}"
                    )))
                }
            }
        }
    }

    fn put(&self, item: Item, condition: Option<&str>) -> StoreResult<TransactWriteItem> {
        Ok(TransactWriteItem::builder()
            .put(built(
                Put::builder()
                    .table_name(self.name())
                    .set_item(Some(item))
                    .set_condition_expression(condition.map(str::to_string))
                    .build(),
            )?)
            .build())
    }

    fn campaign_item(campaign: &Campaign, wallet: &[u8], owners: i64) -> StoreResult<Item> {
        Ok(HashMap::from([
            (PK.into(), s(campaign_pk(&campaign.id))),
            (SK.into(), s(CAMPAIGN_SK)),
            ("body".into(), to_av(campaign)?),
            ("wallet".into(), AttributeValue::B(wallet.to_vec().into())),
            ("owners".into(), AttributeValue::N(owners.to_string())),
        ]))
    }

    fn user_item(user: &CampaignUser) -> Item {
        HashMap::from([
            (PK.into(), s(campaign_pk(&user.campaign_id))),
            (SK.into(), s(format!("USER#{}", user.user))),
            (BY_USER.1.into(), s(format!("USER#{}", user.user))),
            (BY_USER.2.into(), s(format!("ROLE#{}", user.campaign_id))),
            ("campaign_id".into(), s(&user.campaign_id)),
            ("user".into(), s(&user.user)),
            ("role".into(), s(user.role.as_str())),
            (
                "created_at".into(),
                AttributeValue::N(user.created_at.ms().to_string()),
            ),
            (
                "updated_at".into(),
                AttributeValue::N(user.updated_at.ms().to_string()),
            ),
        ])
    }

    fn key_item(key: &CampaignKey) -> StoreResult<Item> {
        Ok(HashMap::from([
            (PK.into(), s(campaign_pk(&key.campaign_id))),
            (SK.into(), s(format!("KEY#{}", key.id))),
            ("body".into(), to_av(key)?),
        ]))
    }

    fn reward_item(reward: &Reward) -> StoreResult<Item> {
        let mut item: Item = serde_dynamo::to_item(reward).map_err(corrupt)?;
        item.insert(PK.into(), s(campaign_pk(&reward.campaign_id)));
        item.insert(SK.into(), s(format!("REWARD#{}", reward.id)));
        item.insert(BY_ID.1.into(), s(format!("REWARD#{}", reward.id)));
        item.insert(BY_ID.2.into(), s("REWARD"));
        if reward.status == RewardStatus::Unassigned {
            let (pk, sk) = claims::stock_key(reward);
            item.insert(BY_STOCK.1.into(), s(pk));
            item.insert(BY_STOCK.2.into(), s(sk));
        }
        if let (Some(user), Some(at)) = (&reward.user, reward.assigned_at) {
            item.insert(BY_USER.1.into(), s(format!("USER#{user}")));
            item.insert(
                BY_USER.2.into(),
                s(format!("REWARD#{}#{}", sortable(at), reward.id)),
            );
        }
        if let (Some(key), Some(at)) = (&reward.campaign_key, reward.assigned_at) {
            item.insert(BY_KEY.1.into(), s(format!("KEY#{key}")));
            item.insert(
                BY_KEY.2.into(),
                s(format!("REWARD#{}#{}", sortable(at), reward.id)),
            );
        }
        Ok(item)
    }

    fn to_user(item: &Item) -> StoreResult<CampaignUser> {
        let text = |name: &str| -> StoreResult<String> { from_av(item, name) };
        let role = text("role")?;
        Ok(CampaignUser {
            campaign_id: text("campaign_id")?,
            user: text("user")?,
            role: Role::parse(&role).ok_or_else(|| corrupt(format!("role {role}")))?,
            created_at: Timestamp(from_av(item, "created_at")?),
            updated_at: Timestamp(from_av(item, "updated_at")?),
        })
    }

    fn to_reward(item: Item) -> StoreResult<Reward> {
        serde_dynamo::from_item(item).map_err(corrupt)
    }

    /// Why a write conditioned on the campaign's chain was refused: the
    /// chain is locked, or the campaign is gone.
    async fn chain_locked_or_missing(&self, campaign_id: &str) -> WriteError {
        match self
            .table
            .get((campaign_pk(campaign_id), CAMPAIGN_SK.into()))
            .await
        {
            Ok(Some(_)) => Conflict::ChainLocked.into(),
            Ok(None) => WriteError::Missing,
            Err(err) => err.into(),
        }
    }

    fn owners_delta(&self, campaign_id: &str, delta: i64) -> StoreResult<TransactWriteItem> {
        // Losing an owner needs another one left.
        let condition = if delta < 0 {
            "attribute_exists(pk) AND owners > :one"
        } else {
            "attribute_exists(pk)"
        };
        let mut update = Update::builder()
            .table_name(self.name())
            .key(PK, s(campaign_pk(campaign_id)))
            .key(SK, s(CAMPAIGN_SK))
            .update_expression("ADD owners :delta")
            .condition_expression(condition)
            .expression_attribute_values(":delta", AttributeValue::N(delta.to_string()));
        if delta < 0 {
            update = update.expression_attribute_values(":one", AttributeValue::N("1".into()));
        }
        Ok(TransactWriteItem::builder()
            .update(built(update.build())?)
            .build())
    }

    /// Rewards of one campaign, as their items.
    async fn reward_items(&self, campaign_id: &str) -> StoreResult<Vec<Item>> {
        self.table
            .query(Query::prefixed(campaign_pk(campaign_id), "REWARD#"))
            .await
    }
}

#[async_trait]
impl RewardsStore for DynamoRewards {
    async fn create_campaign(
        &self,
        campaign: &Campaign,
        sealed_wallet: &[u8],
        owner: &CampaignUser,
        master: &CampaignKey,
    ) -> StoreResult<()> {
        let items = vec![
            self.put(
                Self::campaign_item(campaign, sealed_wallet, 1)?,
                Some("attribute_not_exists(pk)"),
            )?,
            self.put(Self::user_item(owner), None)?,
            self.put(Self::key_item(master)?, None)?,
        ];
        self.transact(items)
            .await?
            .map_err(|_| StoreError::Corrupt(format!("campaign id {} taken", campaign.id)))
    }

    async fn campaign(&self, id: &str) -> StoreResult<Option<Campaign>> {
        self.table
            .get((campaign_pk(id), CAMPAIGN_SK.into()))
            .await?
            .map(|item| from_av(&item, "body"))
            .transpose()
    }

    async fn sealed_wallet(&self, campaign_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let item = self
            .table
            .get((campaign_pk(campaign_id), CAMPAIGN_SK.into()))
            .await?;
        Ok(item
            .and_then(|mut i| i.remove("wallet"))
            .and_then(|w| w.as_b().ok().map(|b| b.clone().into_inner())))
    }

    async fn campaigns_of(
        &self,
        user: &str,
        enabled: Option<bool>,
        page: Page,
    ) -> StoreResult<Paged<Campaign>> {
        let roles = self
            .table
            .query(Query::index_prefixed(
                BY_USER.0,
                (BY_USER.1, BY_USER.2),
                format!("USER#{user}"),
                "ROLE#",
            ))
            .await?;
        let wanted = roles
            .iter()
            .map(|item| {
                from_av::<String>(item, "campaign_id")
                    .map(|id| (campaign_pk(&id), CAMPAIGN_SK.to_string()))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut campaigns = self
            .table
            .batch_get(wanted)
            .await?
            .iter()
            .map(|item| from_av::<Campaign>(item, "body"))
            .collect::<StoreResult<Vec<_>>>()?;
        campaigns.retain(|c| enabled.is_none_or(|e| c.enabled == e));
        campaigns.sort_by(|a, b| {
            b.created_at
                .cmp(&a.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(page.of(campaigns))
    }

    async fn update_campaign(&self, before: &Campaign, after: &Campaign) -> Result<(), WriteError> {
        // Compare and swap on the whole body; a new chain needs no rewards.
        let condition = if after.chain_id != before.chain_id {
            "body = :before AND attribute_not_exists(has_rewards)"
        } else {
            "body = :before"
        };
        let result = self
            .client()
            .update_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(&before.id)))
            .key(SK, s(CAMPAIGN_SK))
            .update_expression("SET body = :after")
            .condition_expression(condition)
            .expression_attribute_values(":before", to_av(before)?)
            .expression_attribute_values(":after", to_av(after)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if condition_failed(&err) => match self.campaign(&before.id).await? {
                None => Err(WriteError::Missing),
                Some(stored) if stored != *before => Err(WriteError::Stale),
                Some(_) => Err(Conflict::ChainLocked.into()),
            },
            Err(err) => Err(unavailable(err).into()),
        }
    }

    async fn role(&self, campaign_id: &str, user: &str) -> StoreResult<Option<Role>> {
        Ok(self.user(campaign_id, user).await?.map(|u| u.role))
    }

    async fn users(&self, campaign_id: &str) -> StoreResult<Vec<CampaignUser>> {
        let items = self
            .table
            .query(Query::prefixed(campaign_pk(campaign_id), "USER#"))
            .await?;
        let mut users = items
            .iter()
            .map(Self::to_user)
            .collect::<StoreResult<Vec<_>>>()?;
        users.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.user.cmp(&b.user))
        });
        Ok(users)
    }

    async fn user(&self, campaign_id: &str, user: &str) -> StoreResult<Option<CampaignUser>> {
        self.table
            .get((campaign_pk(campaign_id), format!("USER#{user}")))
            .await?
            .as_ref()
            .map(Self::to_user)
            .transpose()
    }

    async fn add_user(&self, user: &CampaignUser) -> Result<(), WriteError> {
        let guard = if user.role == Role::Owner {
            self.owners_delta(&user.campaign_id, 1)?
        } else {
            TransactWriteItem::builder()
                .condition_check(built(
                    ConditionCheck::builder()
                        .table_name(self.name())
                        .key(PK, s(campaign_pk(&user.campaign_id)))
                        .key(SK, s(CAMPAIGN_SK))
                        .condition_expression("attribute_exists(pk)")
                        .build(),
                )?)
                .build()
        };
        let items = vec![
            self.put(Self::user_item(user), Some("attribute_not_exists(pk)"))?,
            guard,
        ];
        match self.transact(items).await? {
            Ok(()) => Ok(()),
            Err(reasons) if failed_at(&reasons, 0) => Err(Conflict::UserExists.into()),
            Err(_) => Err(WriteError::Missing),
        }
    }

    async fn change_role(
        &self,
        campaign_id: &str,
        user: &str,
        role: Role,
        now: Timestamp,
    ) -> Result<CampaignUser, WriteError> {
        for attempt in 0..ATTEMPTS {
            let mut found = self
                .user(campaign_id, user)
                .await?
                .ok_or(WriteError::Missing)?;
            let before = found.role;
            found.role = role;
            found.updated_at = now;
            // Only over the role it read: a change in between is read again.
            let put = built(
                Put::builder()
                    .table_name(self.name())
                    .set_item(Some(Self::user_item(&found)))
                    .condition_expression("#role = :before")
                    .expression_attribute_names("#role", "role")
                    .expression_attribute_values(":before", s(before.as_str()))
                    .build(),
            )?;
            let mut items = vec![TransactWriteItem::builder().put(put).build()];
            match (before == Role::Owner, role == Role::Owner) {
                (true, false) => items.push(self.owners_delta(campaign_id, -1)?),
                (false, true) => items.push(self.owners_delta(campaign_id, 1)?),
                _ => {}
            }
            match self.transact(items).await? {
                Ok(()) => return Ok(found),
                Err(reasons) if failed_at(&reasons, 1) && before == Role::Owner => {
                    return Err(Conflict::LastOwner.into());
                }
                // The role changed under us: read it again.
                Err(_) => backoff(attempt).await,
            }
        }
        Err(StoreError::Unavailable("the role kept changing during the update".into()).into())
    }

    async fn remove_user(&self, campaign_id: &str, user: &str) -> Result<CampaignUser, WriteError> {
        for attempt in 0..ATTEMPTS {
            let found = self
                .user(campaign_id, user)
                .await?
                .ok_or(WriteError::Missing)?;
            let delete = built(
                Delete::builder()
                    .table_name(self.name())
                    .key(PK, s(campaign_pk(campaign_id)))
                    .key(SK, s(format!("USER#{user}")))
                    .condition_expression("#role = :before")
                    .expression_attribute_names("#role", "role")
                    .expression_attribute_values(":before", s(found.role.as_str()))
                    .build(),
            )?;
            let mut items = vec![TransactWriteItem::builder().delete(delete).build()];
            if found.role == Role::Owner {
                items.push(self.owners_delta(campaign_id, -1)?);
            }
            match self.transact(items).await? {
                Ok(()) => return Ok(found),
                Err(reasons) if failed_at(&reasons, 1) => return Err(Conflict::LastOwner.into()),
                Err(_) => backoff(attempt).await,
            }
        }
        Err(StoreError::Unavailable("the role kept changing during the removal".into()).into())
    }

    async fn keys(&self, campaign_id: &str) -> StoreResult<Vec<CampaignKey>> {
        let items = self
            .table
            .query(Query::prefixed(campaign_pk(campaign_id), "KEY#"))
            .await?;
        let mut keys = items
            .iter()
            .map(|item| from_av::<CampaignKey>(item, "body"))
            .collect::<StoreResult<Vec<_>>>()?;
        keys.sort_by(|a, b| {
            a.created_at
                .cmp(&b.created_at)
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(keys)
    }

    async fn key(&self, campaign_id: &str, key_id: &str) -> StoreResult<Option<CampaignKey>> {
        self.table
            .get((campaign_pk(campaign_id), format!("KEY#{key_id}")))
            .await?
            .map(|item| from_av(&item, "body"))
            .transpose()
    }

    async fn keys_by_id(&self, ids: &[(String, String)]) -> StoreResult<Vec<CampaignKey>> {
        let wanted = ids
            .iter()
            .map(|(campaign, key)| (campaign_pk(campaign), format!("KEY#{key}")))
            .collect();
        self.table
            .batch_get(wanted)
            .await?
            .iter()
            .map(|item| from_av(item, "body"))
            .collect()
    }

    async fn add_key(&self, key: &CampaignKey) -> StoreResult<()> {
        self.client()
            .put_item()
            .table_name(self.name())
            .set_item(Some(Self::key_item(key)?))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn update_key(
        &self,
        before: &CampaignKey,
        after: &CampaignKey,
    ) -> Result<(), WriteError> {
        let result = self
            .client()
            .update_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(&before.campaign_id)))
            .key(SK, s(format!("KEY#{}", before.id)))
            .update_expression("SET body = :after")
            .condition_expression("body = :before")
            .expression_attribute_values(":before", to_av(before)?)
            .expression_attribute_values(":after", to_av(after)?)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) if condition_failed(&err) => {
                match self.key(&before.campaign_id, &before.id).await? {
                    None => Err(WriteError::Missing),
                    Some(_) => Err(WriteError::Stale),
                }
            }
            Err(err) => Err(unavailable(err).into()),
        }
    }

    async fn remove_key(&self, campaign_id: &str, key_id: &str) -> Result<CampaignKey, WriteError> {
        let out = self
            .client()
            .delete_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(campaign_id)))
            .key(SK, s(format!("KEY#{key_id}")))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllOld)
            .send()
            .await
            .map_err(unavailable)?;
        match out.attributes {
            Some(item) if !item.is_empty() => Ok(from_av(&item, "body")?),
            _ => Err(WriteError::Missing),
        }
    }

    async fn add_supply(
        &self,
        campaign_id: &str,
        chain_id: u64,
        rows: &[Reward],
    ) -> Result<(), WriteError> {
        // First mark the campaign as having rewards, on the chain the rows
        // carry: a PATCH of chain_id after this is refused, one before it
        // makes this fail.
        let marked = self
            .client()
            .update_item()
            .table_name(self.name())
            .key(PK, s(campaign_pk(campaign_id)))
            .key(SK, s(CAMPAIGN_SK))
            .update_expression("SET has_rewards = :yes")
            .condition_expression("attribute_exists(pk) AND body.chain_id = :chain")
            .expression_attribute_values(":yes", AttributeValue::Bool(true))
            .expression_attribute_values(":chain", AttributeValue::N(chain_id.to_string()))
            .send()
            .await;
        match marked {
            Ok(_) => {}
            Err(err) if condition_failed(&err) => {
                return Err(self.chain_locked_or_missing(campaign_id).await);
            }
            Err(err) => return Err(unavailable(err).into()),
        }
        let requests = rows
            .iter()
            .map(|row| {
                Ok(WriteRequest::builder()
                    .put_request(built(
                        PutRequest::builder()
                            .set_item(Some(Self::reward_item(row)?))
                            .build(),
                    )?)
                    .build())
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let batches: Vec<Vec<WriteRequest>> =
            requests.chunks(BATCH_WRITE).map(<[_]>::to_vec).collect();
        stream::iter(batches)
            .map(|batch| self.batch_write(batch))
            .buffer_unordered(4)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(())
    }

    async fn supply(&self, campaign_id: &str) -> StoreResult<Vec<SupplyCount>> {
        let rewards = self
            .reward_items(campaign_id)
            .await?
            .into_iter()
            .map(Self::to_reward)
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(SupplyCount::tally(rewards.iter().map(|r| {
            (
                r.target.as_str(),
                r.value.as_str(),
                r.group.as_deref(),
                r.status,
                1,
            )
        })))
    }

    async fn remove_supply(&self, campaign_id: &str, removal: &SupplyRemoval) -> StoreResult<u64> {
        let mut stock: Vec<Reward> = self
            .reward_items(campaign_id)
            .await?
            .into_iter()
            .map(Self::to_reward)
            .collect::<StoreResult<Vec<_>>>()?;
        stock.retain(|r| r.status == RewardStatus::Unassigned && removal.matches(r));
        // The rows a claim would take last go first.
        stock.sort_by(|a, b| {
            b.priority
                .cmp(&a.priority)
                .then_with(|| b.created_at.cmp(&a.created_at))
                .then_with(|| a.id.cmp(&b.id))
        });
        let wanted = removal.quantity.map_or(stock.len(), |q| q as usize);
        let removed = stream::iter(stock.into_iter().take(wanted))
            .map(|reward| async move {
                // Only while still unassigned: a claim may take it meanwhile.
                let result = self
                    .client()
                    .delete_item()
                    .table_name(self.name())
                    .key(PK, s(campaign_pk(campaign_id)))
                    .key(SK, s(format!("REWARD#{}", reward.id)))
                    .condition_expression("#status = :unassigned")
                    .expression_attribute_names("#status", "status")
                    .expression_attribute_values(
                        ":unassigned",
                        s(RewardStatus::Unassigned.as_str()),
                    )
                    .send()
                    .await;
                match result {
                    Ok(_) => Ok(1u64),
                    Err(err) if condition_failed(&err) => Ok(0),
                    Err(err) => Err(unavailable(err)),
                }
            })
            .buffer_unordered(DELETES_IN_FLIGHT)
            .try_collect::<Vec<u64>>()
            .await?;
        Ok(removed.iter().sum())
    }

    async fn reward(&self, id: &str) -> StoreResult<Option<Reward>> {
        let mut items = self
            .table
            .query(Query::index_prefixed(
                BY_ID.0,
                (BY_ID.1, BY_ID.2),
                format!("REWARD#{id}"),
                "REWARD",
            ))
            .await?;
        items.pop().map(Self::to_reward).transpose()
    }

    async fn rewards_of_key(
        &self,
        campaign_id: &str,
        key_id: &str,
        page: Page,
    ) -> StoreResult<Paged<Reward>> {
        let items = self
            .table
            .query(
                Query::index_prefixed(
                    BY_KEY.0,
                    (BY_KEY.1, BY_KEY.2),
                    format!("KEY#{key_id}"),
                    "REWARD#",
                )
                .newest_first(),
            )
            .await?;
        let mut rewards = items
            .into_iter()
            .map(Self::to_reward)
            .collect::<StoreResult<Vec<_>>>()?;
        rewards.retain(|r| r.campaign_id == campaign_id);
        Ok(page.of(rewards))
    }

    async fn rewards_of_user(
        &self,
        user: &str,
        status: Option<RewardStatus>,
        page: Page,
    ) -> StoreResult<Paged<Reward>> {
        let items = self
            .table
            .query(
                Query::index_prefixed(
                    BY_USER.0,
                    (BY_USER.1, BY_USER.2),
                    format!("USER#{user}"),
                    "REWARD#",
                )
                .newest_first(),
            )
            .await?;
        let mut rewards = items
            .into_iter()
            .map(Self::to_reward)
            .collect::<StoreResult<Vec<_>>>()?;
        rewards.retain(|r| status.is_none_or(|s| r.status == s));
        Ok(page.of(rewards))
    }

    async fn held(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<Vec<Reward>> {
        self.held_rewards(campaign_id, key_id, user).await
    }

    async fn held_count(&self, campaign_id: &str, key_id: &str, user: &str) -> StoreResult<u64> {
        self.held_counter(campaign_id, key_id, user).await
    }

    /// One consistent BatchGetItem of the key, the campaign and the counter.
    async fn claim_context(
        &self,
        campaign_id: &str,
        key_id: &str,
        user: Option<&str>,
    ) -> StoreResult<ClaimContext> {
        self.claim_reads(campaign_id, key_id, user).await
    }

    async fn claim(&self, request: &ClaimRequest) -> StoreResult<Claimed> {
        self.claim_stock(request).await
    }

    async fn unsent(&self, before: Timestamp, limit: usize) -> StoreResult<Vec<Reward>> {
        self.outbox(before, limit).await
    }

    async fn mark_sent(&self, rewards: &[(String, String)]) -> StoreResult<()> {
        self.drop_outbox(rewards).await
    }

    async fn add_captcha(&self, captcha: &Captcha) -> StoreResult<()> {
        self.put_captcha(captcha).await
    }

    async fn take_captcha(&self, id: &str) -> StoreResult<Option<Captcha>> {
        self.delete_captcha(id).await
    }

    /// DynamoDB's TTL purges them.
    async fn purge_captchas(&self, _now: Timestamp) -> StoreResult<u64> {
        Ok(0)
    }

    async fn transactions(
        &self,
        campaign_id: &str,
        page: Page,
    ) -> StoreResult<Paged<CollectionTransaction>> {
        let items = self
            .table
            .query(Query::prefixed(campaign_pk(campaign_id), "TX#").newest_first())
            .await?;
        let transactions = items
            .iter()
            .map(|item| from_av(item, "body"))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(page.of(transactions))
    }
}

impl DynamoRewards {
    /// One BatchWriteItem of at most 25 puts, retrying unprocessed items.
    async fn batch_write(&self, mut pending: Vec<WriteRequest>) -> StoreResult<()> {
        let mut attempt = 0;
        while !pending.is_empty() {
            let out = self
                .client()
                .batch_write_item()
                .request_items(self.name(), std::mem::take(&mut pending))
                .send()
                .await
                .map_err(unavailable)?;
            pending = out
                .unprocessed_items
                .and_then(|mut u| u.remove(self.name()))
                .unwrap_or_default();
            if !pending.is_empty() {
                attempt += 1;
                if attempt > platform::dynamo::MAX_RETRIES {
                    return Err(StoreError::Unavailable(
                        "BatchWriteItem kept returning unprocessed items".into(),
                    ));
                }
                backoff(attempt).await;
            }
        }
        Ok(())
    }
}
