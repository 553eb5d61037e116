//! Creates the LAND table: the code operators run against an endpoint (the
//! emulator, an account without SAM) and the tests use. `template.yaml`
//! declares the same table for deployments.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType, TableStatus,
};

use platform::dynamo::unavailable;

use super::keys;
use platform::store::{StoreError, StoreResult};

fn attribute(name: &str, kind: ScalarAttributeType) -> StoreResult<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(kind)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn key(name: &str, kind: KeyType) -> StoreResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Creates the table if it does not exist and waits until it is active.
/// Returns whether it was created.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<bool> {
    let exists = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok();
    if !exists {
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute(keys::PK, ScalarAttributeType::S)?)
            .attribute_definitions(attribute(keys::SK, ScalarAttributeType::S)?)
            .key_schema(key(keys::PK, KeyType::Hash)?)
            .key_schema(key(keys::SK, KeyType::Range)?)
            .send()
            .await
            .map_err(unavailable)?;
    }
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
            return Ok(!exists);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(StoreError::Unavailable(format!(
        "table {table} did not become active"
    )))
}
