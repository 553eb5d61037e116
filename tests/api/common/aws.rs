//! The AWS emulator the tests talk to: moto's server mode on 127.0.0.1.
//! `scripts/test.sh` starts one, creates the table and seeds it once, and
//! passes `LAND_TEST_AWS_ENDPOINT` / `LAND_TEST_TABLE`. Without them a test
//! binary starts its own moto (installed by `scripts/test.sh` into
//! `.tools/moto`, started through `scripts/moto_server.py`), which stops when
//! the test process ends.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

use aws_config::{Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use land::store::dynamo::{DynamoLand, create_table};

use super::{dataset, free_port, wait_for_port};

/// Starts moto on a free port; a watcher ends it when this process ends.
fn start_moto() -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".tools/moto/bin/python");
    let launcher = root.join("scripts/moto_server.py");
    assert!(
        python.exists(),
        "{} is missing: run scripts/test.sh once, it installs moto",
        python.display()
    );
    let port = free_port();
    let watcher = r#""$0" "$1" -H 127.0.0.1 -p "$2" >/dev/null 2>&1 & child=$!
while kill -0 "$3" 2>/dev/null; do sleep 1; done
kill "$child""#;
    // Not waited on by design: the watcher outlives this handle and ends
    // moto once the test process is gone.
    #[allow(clippy::zombie_processes)]
    Command::new("sh")
        .args(["-c", watcher])
        .arg(&python)
        .arg(&launcher)
        .arg(port.to_string())
        .arg(std::process::id().to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start moto_server");
    wait_for_port(port, Duration::from_secs(60), "moto");
    format!("http://127.0.0.1:{port}")
}

/// The emulator's endpoint: the script's, or one started for this process.
pub fn endpoint() -> String {
    static ENDPOINT: OnceLock<String> = OnceLock::new();
    ENDPOINT
        .get_or_init(|| {
            std::env::var("LAND_TEST_AWS_ENDPOINT")
                .ok()
                .filter(|e| !e.is_empty())
                .unwrap_or_else(start_moto)
        })
        .clone()
}

pub async fn sdk_config() -> SdkConfig {
    platform::aws::loader()
        .endpoint_url(endpoint())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "tests"))
        .load()
        .await
}

fn table() -> String {
    std::env::var("LAND_TEST_TABLE").unwrap_or_else(|_| "land-test".to_string())
}

/// Makes sure the table holds the default city (seeding it once, on a
/// thread of its own so no connection outlives its runtime).
fn ensure_seeded() {
    static SEEDED: OnceLock<()> = OnceLock::new();
    SEEDED.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
                create_table(&client, &table()).await.unwrap();
                let land = DynamoLand::new(client, table());
                if land.stored_version().await.unwrap().as_deref()
                    != Some(dataset().clone().canonical().fingerprint().as_str())
                {
                    land.import(dataset().records().collect(), &|_, _| {})
                        .await
                        .unwrap();
                }
            });
        })
        .join()
        .expect("seeding the DynamoDB table");
    });
}

/// A client on the seeded LAND table.
pub async fn seeded_land() -> DynamoLand {
    ensure_seeded();
    DynamoLand::new(aws_sdk_dynamodb::Client::new(&sdk_config().await), table())
}

fn rewards_table_name() -> String {
    std::env::var("LAND_TEST_REWARDS_TABLE").unwrap_or_else(|_| "rewards-test".to_string())
}

/// A client on the Rewards table (created once per process).
pub async fn rewards_table() -> rewards::store::dynamo::DynamoRewards {
    static CREATED: OnceLock<()> = OnceLock::new();
    CREATED.get_or_init(|| {
        std::thread::spawn(|| {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            runtime.block_on(async {
                let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
                rewards::store::dynamo::create_table(&client, &rewards_table_name())
                    .await
                    .unwrap();
            });
        })
        .join()
        .expect("creating the Rewards table");
    });
    rewards::store::dynamo::DynamoRewards::new(
        aws_sdk_dynamodb::Client::new(&sdk_config().await),
        &rewards_table_name(),
    )
}

/// A Rewards table of its own for a test whose server sweeps the outbox:
/// a sweep sends every entry of its table to its own queue, so on the
/// shared table another test's sweep could take this test's messages.
pub async fn own_rewards_table(test: &str) -> String {
    let name = format!("{}-{test}-{}", rewards_table_name(), std::process::id());
    let client = aws_sdk_dynamodb::Client::new(&sdk_config().await);
    rewards::store::dynamo::create_table(&client, &name)
        .await
        .unwrap();
    name
}

/// Deletes one item of the Rewards table behind the store's back (to make
/// states the API never makes, such as a key whose campaign is gone).
pub async fn delete_rewards_item(pk: &str, sk: &str) {
    aws_sdk_dynamodb::Client::new(&sdk_config().await)
        .delete_item()
        .table_name(rewards_table_name())
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S(pk.into()))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S(sk.into()))
        .send()
        .await
        .unwrap();
}
