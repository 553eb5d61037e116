//! Creates the LAND table: the code operators run against an endpoint (the
//! emulator, an account without SAM) and the tests use. `template.yaml`
//! declares the same table for deployments.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{BillingMode, KeyType};
use platform::dynamo::{
    key_element, string_attribute, table_exists, unavailable, wait_until_active,
};
use platform::store::StoreResult;

use super::keys;

/// Creates the table if it does not exist and waits until it is active.
/// Returns whether it was created.
pub async fn create_table(client: &Client, table: &str) -> StoreResult<bool> {
    let exists = table_exists(client, table).await;
    if !exists {
        client
            .create_table()
            .table_name(table)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(string_attribute(keys::PK)?)
            .attribute_definitions(string_attribute(keys::SK)?)
            .key_schema(key_element(keys::PK, KeyType::Hash)?)
            .key_schema(key_element(keys::SK, KeyType::Range)?)
            .send()
            .await
            .map_err(unavailable)?;
    }
    wait_until_active(client, table).await?;
    Ok(!exists)
}
