//! Creates the Rewards table with its indexes and TTL: the code operators run
//! (`cargo run -- setup`) and the tests use. `template.yaml` declares the
//! same table for deployments.

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TableStatus, TimeToLiveSpecification,
};
use platform::dynamo::{PK, SK, unavailable};
use platform::store::{StoreError, StoreResult};

use super::{BY_ID, BY_KEY, BY_USER, TTL_ATTRIBUTE};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn attribute(name: &str) -> StoreResult<AttributeDefinition> {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .map_err(corrupt)
}

fn key(name: &str, kind: KeyType) -> StoreResult<KeySchemaElement> {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .map_err(corrupt)
}

fn index((name, pk, sk): (&str, &str, &str)) -> StoreResult<GlobalSecondaryIndex> {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash)?)
        .key_schema(key(sk, KeyType::Range)?)
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .map_err(corrupt)
}

/// Creates the table if it does not exist, waits until it is active and
/// turns TTL on. Returns whether it was created.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<bool> {
    let exists = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .is_ok();
    if !exists {
        let mut request = client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(attribute(PK)?)
            .attribute_definitions(attribute(SK)?)
            .key_schema(key(PK, KeyType::Hash)?)
            .key_schema(key(SK, KeyType::Range)?);
        for gsi in [BY_USER, BY_KEY, BY_ID] {
            request = request
                .attribute_definitions(attribute(gsi.1)?)
                .attribute_definitions(attribute(gsi.2)?)
                .global_secondary_indexes(index(gsi)?);
        }
        request.send().await.map_err(unavailable)?;
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
            if !exists {
                client
                    .update_time_to_live()
                    .table_name(table)
                    .time_to_live_specification(
                        TimeToLiveSpecification::builder()
                            .attribute_name(TTL_ATTRIBUTE)
                            .enabled(true)
                            .build()
                            .map_err(corrupt)?,
                    )
                    .send()
                    .await
                    .map_err(unavailable)?;
            }
            return Ok(!exists);
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err(StoreError::Unavailable(format!(
        "table {table} did not become active"
    )))
}
