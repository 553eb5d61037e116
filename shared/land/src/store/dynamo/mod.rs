//! The DynamoDB adapter of every LAND port: one table, no secondary index,
//! no Scan on any request path (see docs/dynamodb.md).

mod import;
mod items;
pub mod keys;
mod ports;
mod setup;

use aws_sdk_dynamodb::Client;
use platform::dynamo::Table;

pub use import::ImportProgress;
pub use setup::create_table;

#[derive(Clone, Debug)]
pub struct DynamoLand {
    table: Table,
}

impl DynamoLand {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            table: Table::new(client, table),
        }
    }

    pub fn client(&self) -> &Client {
        self.table.client()
    }

    pub fn table(&self) -> &str {
        self.table.name()
    }
}
