//! The DynamoDB adapter of every LAND port: one table, no secondary index,
//! no Scan on any request path (see docs/dynamodb.md).

mod import;
mod items;
pub mod keys;
mod listings;
mod ports;
mod setup;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use platform::dynamo::Table;

pub use import::ImportProgress;
pub use setup::create_table;

#[derive(Clone, Debug)]
pub struct DynamoLand {
    table: Table,
    /// Shared by every store of the table in this process: one read of the
    /// listings per data version.
    listings: Arc<listings::ListingCache>,
}

impl DynamoLand {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        let table = table.into();
        Self {
            listings: listings::ListingCache::of_table(&table),
            table: Table::new(client, table),
        }
    }

    pub fn client(&self) -> &Client {
        self.table.client()
    }

    pub fn table(&self) -> &str {
        self.table.name()
    }

    /// Read units this store's requests have consumed so far, counted as
    /// DynamoDB bills strongly consistent reads (see `platform::dynamo`).
    pub fn read_units(&self) -> u64 {
        self.table.read_units()
    }
}
