//! The counter Lambda instances share: one item per (policy, caller,
//! window) in a table of its own (`RATE_LIMIT_TABLE`), counted with one
//! conditional `UpdateItem` per request and policy, gone by TTL after its
//! window.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_dynamodb::types::{AttributeValue, BillingMode, KeyType, ReturnValue};

use super::counter::{RateCounter, Window};
use crate::dynamo::{
    PK, condition_failed, enable_ttl, key_element, string_attribute, table_exists, unavailable,
    wait_until_active,
};
use crate::store::{StoreError, StoreResult};

/// The count attribute.
const COUNT: &str = "n";
/// The TTL attribute: the window's end, in seconds since the epoch.
pub const TTL_ATTRIBUTE: &str = "expires_at";

#[derive(Debug, Clone)]
pub struct DynamoCounter {
    client: Client,
    table: String,
}

impl DynamoCounter {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

#[async_trait::async_trait]
impl RateCounter for DynamoCounter {
    async fn take(&self, window: &Window, _now: i64) -> StoreResult<Option<u32>> {
        // ADD creates the item at 1; the condition refuses the request that
        // would pass the quota, so a window never counts more than it admits.
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(PK, AttributeValue::S(window.key.clone()))
            .update_expression("ADD #n :one SET #ttl = if_not_exists(#ttl, :ends)")
            .condition_expression("attribute_not_exists(#n) OR #n < :quota")
            .expression_attribute_names("#n", COUNT)
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_values(":one", AttributeValue::N("1".into()))
            .expression_attribute_values(":ends", AttributeValue::N(window.ends.to_string()))
            .expression_attribute_values(":quota", AttributeValue::N(window.quota.to_string()))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match result {
            Ok(output) => {
                let count = output
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get(COUNT))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse::<u32>().ok())
                    .ok_or_else(|| StoreError::Corrupt("a rate-limit item has no count".into()))?;
                Ok(Some(count))
            }
            Err(err) if condition_failed(&err) => Ok(None),
            // One caller's key written past what a partition takes: that
            // caller is the one to slow down.
            Err(err) if error_code(&err) == Some("ProvisionedThroughputExceededException") => {
                Ok(None)
            }
            Err(err) => Err(unavailable(err)),
        }
    }
}

fn error_code<E, R>(err: &SdkError<E, R>) -> Option<&str>
where
    E: ProvideErrorMetadata,
{
    err.as_service_error().and_then(|e| e.code())
}

/// Creates the rate-limit table if it does not exist (key `pk`, on-demand,
/// TTL on `expires_at`). Returns whether it was created. `template.yaml`
/// declares the same table.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<bool> {
    if table_exists(client, table).await {
        wait_until_active(client, table).await?;
        return Ok(false);
    }
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(PK)?)
        .key_schema(key_element(PK, KeyType::Hash)?)
        .send()
        .await;
    match created {
        Ok(_) => {}
        // Another process created it meanwhile.
        Err(err) if error_code(&err) == Some("ResourceInUseException") => {
            wait_until_active(client, table).await?;
            return Ok(false);
        }
        Err(err) => return Err(unavailable(err)),
    }
    wait_until_active(client, table).await?;
    enable_ttl(client, table, TTL_ATTRIBUTE).await?;
    Ok(true)
}
