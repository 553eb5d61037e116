//! Creates the Rewards table with its indexes and TTL: the code operators run
//! (`cargo run -- setup`) and the tests use. `template.yaml` declares the
//! same table for deployments.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    BillingMode, GlobalSecondaryIndex, KeyType, Projection, ProjectionType,
};
use platform::dynamo::{
    PK, SK, enable_ttl, key_element, string_attribute, table_exists, unavailable, wait_until_active,
};
use platform::store::{StoreError, StoreResult};

use super::{BY_ID, BY_KEY, BY_OUTBOX, BY_STOCK, BY_USER, STOCK_ATTRIBUTES, TTL_ATTRIBUTE};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn index((name, pk, sk): (&str, &str, &str)) -> StoreResult<GlobalSecondaryIndex> {
    // The stock index holds what a claim filters and orders by, nothing
    // more: a claim reads 10 to 100 of its items.
    let projection = if name == BY_STOCK.0 {
        Projection::builder()
            .projection_type(ProjectionType::Include)
            .set_non_key_attributes(Some(STOCK_ATTRIBUTES.map(String::from).to_vec()))
            .build()
    } else {
        Projection::builder()
            .projection_type(ProjectionType::All)
            .build()
    };
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key_element(pk, KeyType::Hash)?)
        .key_schema(key_element(sk, KeyType::Range)?)
        .projection(projection)
        .build()
        .map_err(corrupt)
}

/// Creates the table if it does not exist, waits until it is active and
/// turns TTL on. Returns whether it was created.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<bool> {
    if table_exists(client, table).await {
        wait_until_active(client, table).await?;
        return Ok(false);
    }
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(string_attribute(PK)?)
        .attribute_definitions(string_attribute(SK)?)
        .key_schema(key_element(PK, KeyType::Hash)?)
        .key_schema(key_element(SK, KeyType::Range)?);
    for gsi in [BY_USER, BY_KEY, BY_ID, BY_STOCK, BY_OUTBOX] {
        request = request
            .attribute_definitions(string_attribute(gsi.1)?)
            .attribute_definitions(string_attribute(gsi.2)?)
            .global_secondary_indexes(index(gsi)?);
    }
    request.send().await.map_err(unavailable)?;
    wait_until_active(client, table).await?;
    enable_ttl(client, table, TTL_ATTRIBUTE).await?;
    Ok(true)
}
