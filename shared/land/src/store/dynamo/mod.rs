//! The DynamoDB adapter of every LAND port: one table, no secondary index,
//! no Scan on any request path (see docs/dynamodb.md).

mod import;
mod items;
pub mod keys;
mod ports;
mod setup;

use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes};

pub use import::ImportProgress;
pub use setup::create_table;

use super::{StoreError, StoreResult};

pub type Item = HashMap<String, AttributeValue>;

/// At most this many keys per BatchGetItem (the service's limit).
const BATCH_GET: usize = 100;
/// Retries of unprocessed keys or items before giving up.
const MAX_RETRIES: u32 = 8;

#[derive(Clone, Debug)]
pub struct DynamoLand {
    client: Client,
    table: String,
}

pub(crate) fn unavailable<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(DisplayErrorContext(err).to_string())
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn key(pk: String, sk: String) -> Item {
    HashMap::from([(keys::PK.to_string(), s(pk)), (keys::SK.to_string(), s(sk))])
}

/// Exponential backoff for throttled or unprocessed work: 50 ms, 100 ms, ...
pub(crate) async fn backoff(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(50 << attempt.min(6))).await;
}

impl DynamoLand {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    async fn get(&self, (pk, sk): (String, String)) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.item)
    }

    /// Every item of a Query, following pages.
    async fn query(&self, query: Query<'_>) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression(query.condition)
                .scan_index_forward(query.forward)
                .consistent_read(true)
                .set_exclusive_start_key(start);
            for (name, value) in &query.values {
                request = request.expression_attribute_values(*name, value.clone());
            }
            let out = request.send().await.map_err(unavailable)?;
            items.extend(out.items.unwrap_or_default());
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// Fetches many items by key, in the order of `keys` (missing ones skipped).
    async fn batch_get(&self, wanted: Vec<(String, String)>) -> StoreResult<Vec<Item>> {
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        for chunk in wanted.chunks(BATCH_GET) {
            let mut pending: Vec<Item> =
                chunk.iter().cloned().map(|(pk, sk)| key(pk, sk)).collect();
            pending.dedup();
            let mut attempt = 0;
            while !pending.is_empty() {
                let request = KeysAndAttributes::builder()
                    .consistent_read(true)
                    .set_keys(Some(std::mem::take(&mut pending)))
                    .build()
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let out = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(unavailable)?;
                for item in out
                    .responses
                    .and_then(|mut r| r.remove(&self.table))
                    .unwrap_or_default()
                {
                    if let (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) =
                        (item.get(keys::PK), item.get(keys::SK))
                    {
                        found.insert((pk.clone(), sk.clone()), item);
                    }
                }
                pending = out
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
                if !pending.is_empty() {
                    attempt += 1;
                    if attempt > MAX_RETRIES {
                        return Err(StoreError::Unavailable(
                            "BatchGetItem kept returning unprocessed keys".into(),
                        ));
                    }
                    backoff(attempt).await;
                }
            }
        }
        Ok(wanted
            .into_iter()
            .filter_map(|k| found.remove(&k))
            .collect())
    }
}

/// A Query on the table (it has no secondary index: every access pattern
/// is a partition of its own, read with strong consistency).
pub(crate) struct Query<'a> {
    condition: &'a str,
    forward: bool,
    values: Vec<(&'a str, AttributeValue)>,
}

impl<'a> Query<'a> {
    fn new(condition: &'a str, values: Vec<(&'a str, AttributeValue)>) -> Self {
        Self {
            condition,
            forward: true,
            values,
        }
    }

    /// `pk = :pk`.
    pub fn partition(pk: impl Into<String>) -> Self {
        Self::new("pk = :pk", vec![(":pk", s(pk))])
    }

    /// `pk = :pk AND begins_with(sk, :prefix)`.
    pub fn prefixed(pk: impl Into<String>, prefix: &str) -> Self {
        Self::new(
            "pk = :pk AND begins_with(sk, :prefix)",
            vec![(":pk", s(pk)), (":prefix", s(prefix))],
        )
    }

    /// `pk = :pk AND sk BETWEEN :low AND :high`.
    pub fn between(pk: impl Into<String>, low: String, high: String) -> Self {
        Self::new(
            "pk = :pk AND sk BETWEEN :low AND :high",
            vec![(":pk", s(pk)), (":low", s(low)), (":high", s(high))],
        )
    }

    /// `pk = :pk AND sk >= :low`.
    pub fn from(pk: impl Into<String>, low: String) -> Self {
        Self::new(
            "pk = :pk AND sk >= :low",
            vec![(":pk", s(pk)), (":low", s(low))],
        )
    }

    /// `pk = :pk AND sk < :high`.
    pub fn before(pk: impl Into<String>, high: String) -> Self {
        Self::new(
            "pk = :pk AND sk < :high",
            vec![(":pk", s(pk)), (":high", s(high))],
        )
    }

    pub fn newest_first(mut self) -> Self {
        self.forward = false;
        self
    }
}
