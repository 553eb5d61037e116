//! Generic DynamoDB helpers for single-table designs keyed by `pk`/`sk`:
//! strongly consistent gets, paged queries, batch gets that retry
//! unprocessed keys with backoff, and a small query builder. No family's
//! item layout lives here.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, KeySchemaElement, KeyType, KeysAndAttributes,
    ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use futures::{StreamExt, stream};

use crate::store::{StoreError, StoreResult};

mod read_units;

use read_units::{ReadMeter, item_size};

pub type Item = HashMap<String, AttributeValue>;

/// The partition key attribute.
pub const PK: &str = "pk";
/// The sort key attribute.
pub const SK: &str = "sk";
/// At most this many keys per BatchGetItem (the service's limit).
pub const BATCH_GET: usize = 100;
/// Retries of unprocessed keys or items before giving up.
pub const MAX_RETRIES: u32 = 8;
/// BatchGetItem calls of one `batch_get` in flight at once.
const BATCHES_IN_FLIGHT: usize = 4;

/// Any SDK failure as a 503-mapped store error, with the service's detail.
pub fn unavailable<E, R>(err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    StoreError::Unavailable(DisplayErrorContext(err).to_string())
}

/// A string attribute of a key schema.
pub fn string_attribute(name: &str) -> StoreResult<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// One element of a key schema.
pub fn key_element(name: &str, kind: KeyType) -> StoreResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Whether the table exists (any answer of DescribeTable).
pub async fn table_exists(client: &Client, table: &str) -> bool {
    client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok()
}

/// Waits (up to a minute) until a table just created is active.
pub async fn wait_until_active(client: &Client, table: &str) -> StoreResult<()> {
    for _ in 0..120 {
        let status = client
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(unavailable)?
            .table
            .and_then(|t| t.table_status);
        if status == Some(TableStatus::Active) {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(StoreError::Unavailable(format!(
        "table {table} did not become active"
    )))
}

/// Turns TTL on for `attribute` (seconds since the epoch) of a table.
pub async fn enable_ttl(client: &Client, table: &str, attribute: &str) -> StoreResult<()> {
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(attribute)
                .enabled(true)
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        )
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}

/// Whether a write was refused by its condition (any operation's error).
pub fn condition_failed<E, R>(err: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// Whether a conditional write happened: `false` when its condition
/// refused it, an error for any other failure.
pub fn written<T, E, R>(result: Result<T, SdkError<E, R>>) -> StoreResult<bool>
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(err) if condition_failed(&err) => Ok(false),
        Err(err) => Err(unavailable(err)),
    }
}

/// A string attribute.
pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// The key of one item.
pub fn key(pk: String, sk: String) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

/// Exponential backoff for throttled or unprocessed work: 50 ms, 100 ms, ...
pub async fn backoff(attempt: u32) {
    tokio::time::sleep(Duration::from_millis(50 << attempt.min(6))).await;
}

/// One table and the client that reads it.
#[derive(Clone, Debug)]
pub struct Table {
    client: Client,
    name: String,
    read: ReadMeter,
}

impl Table {
    pub fn new(client: Client, name: impl Into<String>) -> Self {
        Self {
            client,
            name: name.into(),
            read: ReadMeter::default(),
        }
    }

    /// Read units consumed through this table (and its clones) so far.
    pub fn read_units(&self) -> u64 {
        self.read.total()
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// One item by key, strongly consistent.
    pub async fn get(&self, (pk, sk): (String, String)) -> StoreResult<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.name)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .map_err(unavailable)?;
        self.read
            .add(read_units::units(out.item.as_ref().map_or(0, item_size)));
        Ok(out.item)
    }

    /// Every item of a Query, following pages.
    pub async fn query(&self, query: Query<'_>) -> StoreResult<Vec<Item>> {
        let mut items = Vec::new();
        let mut start = None;
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.name)
                .key_condition_expression(query.condition)
                .scan_index_forward(query.forward)
                .set_exclusive_start_key(start);
            // Indexes answer eventually consistent reads only.
            request = match query.index {
                Some(index) => request.index_name(index),
                None => request.consistent_read(true),
            };
            for (name, value) in &query.values {
                request = request.expression_attribute_values(*name, value.clone());
            }
            for (placeholder, name) in &query.names {
                request = request.expression_attribute_names(*placeholder, *name);
            }
            let out = request.send().await.map_err(unavailable)?;
            let page = out.items.unwrap_or_default();
            let units = read_units::units(page.iter().map(item_size).sum());
            // An index read is eventually consistent: half price (rounded up).
            self.read.add(if query.index.is_some() {
                units.div_ceil(2)
            } else {
                units
            });
            items.extend(page);
            match out.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key),
                _ => return Ok(items),
            }
        }
    }

    /// Fetches many items by key, in the order of `wanted` (missing ones
    /// skipped, a key asked twice answered once): batches of 100 keys, at
    /// most BATCHES_IN_FLIGHT at once.
    pub async fn batch_get(&self, wanted: Vec<(String, String)>) -> StoreResult<Vec<Item>> {
        let batches: Vec<Vec<Item>> = distinct(&wanted)
            .chunks(BATCH_GET)
            .map(|chunk| {
                chunk
                    .iter()
                    .map(|&(pk, sk)| key(pk.clone(), sk.clone()))
                    .collect()
            })
            .collect();
        let mut found: HashMap<(String, String), Item> = HashMap::new();
        let mut answers = stream::iter(batches)
            .map(|keys| self.batch_get_all(keys))
            .buffer_unordered(BATCHES_IN_FLIGHT);
        while let Some(items) = answers.next().await {
            for item in items? {
                if let (Some(AttributeValue::S(pk)), Some(AttributeValue::S(sk))) =
                    (item.get(PK), item.get(SK))
                {
                    found.insert((pk.clone(), sk.clone()), item);
                }
            }
        }
        Ok(wanted
            .into_iter()
            .filter_map(|k| found.remove(&k))
            .collect())
    }

    /// One BatchGetItem of at most 100 keys, retrying unprocessed keys.
    async fn batch_get_all(&self, mut pending: Vec<Item>) -> StoreResult<Vec<Item>> {
        let mut items = Vec::with_capacity(pending.len());
        let mut attempt = 0;
        while !pending.is_empty() {
            let asked = pending.len();
            let request = KeysAndAttributes::builder()
                .consistent_read(true)
                .set_keys(Some(std::mem::take(&mut pending)))
                .build()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.name, request)
                .send()
                .await
                .map_err(unavailable)?;
            let found = out
                .responses
                .and_then(|mut r| r.remove(&self.name))
                .unwrap_or_default();
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.name))
                .map(|k| k.keys)
                .unwrap_or_default();
            // Each item on its own; a key asked and not found costs one.
            let not_found = asked.saturating_sub(found.len() + pending.len());
            self.read.add(
                found
                    .iter()
                    .map(|i| read_units::units(item_size(i)))
                    .sum::<u64>()
                    + not_found as u64,
            );
            items.extend(found);
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
        Ok(items)
    }
}

/// The keys of `wanted` without repeats, first occurrence first: DynamoDB
/// refuses a BatchGetItem that names one key twice.
fn distinct(wanted: &[(String, String)]) -> Vec<&(String, String)> {
    let mut seen = HashSet::with_capacity(wanted.len());
    wanted.iter().filter(|k| seen.insert(*k)).collect()
}

/// A Query on a table's primary key, or on a global secondary index.
pub struct Query<'a> {
    condition: &'a str,
    forward: bool,
    values: Vec<(&'a str, AttributeValue)>,
    index: Option<&'a str>,
    names: Vec<(&'a str, &'a str)>,
}

impl<'a> Query<'a> {
    fn new(condition: &'a str, values: Vec<(&'a str, AttributeValue)>) -> Self {
        Self {
            condition,
            forward: true,
            values,
            index: None,
            names: Vec::new(),
        }
    }

    /// `<pk_attr> = :pk AND begins_with(<sk_attr>, :prefix)` on the index
    /// `index` (eventually consistent, as every index read is).
    pub fn index_prefixed(
        index: &'a str,
        (pk_attr, sk_attr): (&'a str, &'a str),
        pk: impl Into<String>,
        prefix: &str,
    ) -> Self {
        let mut query = Self::new(
            "#ipk = :pk AND begins_with(#isk, :prefix)",
            vec![(":pk", s(pk)), (":prefix", s(prefix))],
        );
        query.index = Some(index);
        query.names = vec![("#ipk", pk_attr), ("#isk", sk_attr)];
        query
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_drops_every_repeat_not_only_adjacent_ones() {
        let k = |p: &str, s: &str| (p.to_string(), s.to_string());
        let wanted = vec![
            k("a", "1"),
            k("b", "1"),
            k("a", "1"),
            k("a", "2"),
            k("b", "1"),
        ];
        let unique: Vec<_> = distinct(&wanted).into_iter().cloned().collect();
        assert_eq!(unique, vec![k("a", "1"), k("b", "1"), k("a", "2")]);
    }
}
