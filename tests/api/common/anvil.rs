//! A real local Ethereum node for the sender's tests: anvil (npm
//! `@foundry-rs/anvil`, installed by scripts/test.sh into .tools/anvil) on
//! 127.0.0.1 with chain id 80002, and the bundled collection contract
//! (contracts/RewardsCollection.json) deployed on it.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

use super::{free_port, wait_for_port};

pub const CHAIN_ID: u64 = 80002;
/// anvil's first funded dev account (unlocked): deploys and owns the collection.
pub const DEPLOYER: &str = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";

pub struct Anvil {
    pub url: String,
    pid: u32,
    http: reqwest::Client,
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.pid.to_string()).status();
    }
}

fn binary() -> PathBuf {
    if let Ok(path) = std::env::var("ANVIL") {
        return PathBuf::from(path);
    }
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".tools/anvil/node_modules/.bin/anvil");
    assert!(
        path.exists(),
        "{} is missing: run scripts/test.sh once, it installs anvil",
        path.display()
    );
    path
}

/// Pads a word (an address or a number) to 32 bytes of hex.
pub fn word(value: &str) -> String {
    let hex = if let Some(hex) = value.strip_prefix("0x") {
        hex.to_string()
    } else {
        format!("{:x}", value.parse::<u128>().unwrap())
    };
    format!("{hex:0>64}")
}

fn selector(signature: &str) -> String {
    static ARTIFACT: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    let artifact = ARTIFACT.get_or_init(|| {
        serde_json::from_str(include_str!("../../../contracts/RewardsCollection.json")).unwrap()
    });
    artifact["methodIdentifiers"][signature]
        .as_str()
        .unwrap_or_else(|| panic!("no method {signature}"))
        .to_string()
}

pub fn hex_number(value: &Value) -> u128 {
    u128::from_str_radix(value.as_str().unwrap().trim_start_matches("0x"), 16).unwrap()
}

impl Anvil {
    /// A fresh node; it stops when dropped, or when the test process ends.
    pub fn start() -> Self {
        let port = free_port();
        // anvil dies with this process even if it never drops the handle.
        let watcher = r#""$0" --host 127.0.0.1 --port "$1" --chain-id "$2" --silent >/dev/null 2>&1 & child=$!
echo "$child"
while kill -0 "$3" 2>/dev/null && kill -0 "$child" 2>/dev/null; do sleep 1; done
kill "$child" 2>/dev/null"#;
        #[allow(clippy::zombie_processes)]
        let mut sh = Command::new("sh")
            .args(["-c", watcher])
            .arg(binary())
            .arg(port.to_string())
            .arg(CHAIN_ID.to_string())
            .arg(std::process::id().to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start anvil");
        let mut line = String::new();
        BufReader::new(sh.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let pid = line.trim().parse().expect("anvil's pid");
        wait_for_port(port, Duration::from_secs(30), "anvil");
        Self {
            url: format!("http://127.0.0.1:{port}"),
            pid,
            http: reqwest::Client::new(),
        }
    }

    pub async fn rpc(&self, method: &str, params: Value) -> Value {
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let bytes = self
            .http
            .post(&self.url)
            .header("content-type", "application/json")
            .body(request.to_string())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let answer: Value = serde_json::from_slice(&bytes).unwrap();
        assert!(answer.get("error").is_none(), "{method}: {answer}");
        answer["result"].clone()
    }

    /// Sends a transaction from the deployer and waits for it to be mined.
    pub async fn transact(&self, to: Option<&str>, data: &str) -> Value {
        let mut tx = json!({"from": DEPLOYER, "data": data, "gas": "0x1c9c380"});
        if let Some(to) = to {
            tx["to"] = json!(to);
        }
        let hash = self.rpc("eth_sendTransaction", json!([tx])).await;
        for _ in 0..200 {
            let receipt = self.rpc("eth_getTransactionReceipt", json!([hash])).await;
            if !receipt.is_null() {
                assert_eq!(receipt["status"], "0x1", "{receipt}");
                return receipt;
            }
            self.mine(1).await;
        }
        panic!("transaction {hash} not mined");
    }

    pub async fn call(&self, to: &str, data: &str) -> Value {
        self.rpc("eth_call", json!([{"to": to, "data": data}, "latest"]))
            .await
    }

    pub async fn mine(&self, blocks: u64) {
        self.rpc("anvil_mine", json!([format!("0x{blocks:x}")]))
            .await;
    }

    pub async fn automine(&self, on: bool) {
        self.rpc("evm_setAutomine", json!([on])).await;
    }

    /// Sets the base fee of the next block (wei) and mines it.
    pub async fn base_fee(&self, wei: u128) {
        self.rpc(
            "anvil_setNextBlockBaseFeePerGas",
            json!([format!("0x{wei:x}")]),
        )
        .await;
        self.mine(1).await;
    }

    pub async fn fund(&self, address: &str) {
        self.rpc("anvil_setBalance", json!([address, "0x56bc75e2d63100000"]))
            .await;
    }

    /// Transactions `address` sent that were mined.
    pub async fn nonce(&self, address: &str) -> u64 {
        hex_number(
            &self
                .rpc("eth_getTransactionCount", json!([address, "latest"]))
                .await,
        ) as u64
    }

    /// Waits (up to 30 s) until `address` has sent `nonce` mined
    /// transactions: with automine, anvil mines each as it arrives, but in
    /// its own time (later on a loaded machine).
    pub async fn until_nonce(&self, address: &str, nonce: u64) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        while self.nonce(address).await < nonce {
            assert!(
                std::time::Instant::now() < deadline,
                "{address} has not sent {nonce} transactions"
            );
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// Deploys the bundled collection; its address.
    pub async fn deploy_collection(&self) -> String {
        let artifact: Value =
            serde_json::from_str(include_str!("../../../contracts/RewardsCollection.json"))
                .unwrap();
        let receipt = self
            .transact(None, artifact["bytecode"].as_str().unwrap())
            .await;
        receipt["contractAddress"].as_str().unwrap().to_lowercase()
    }

    /// Adds an item with this max supply; items are numbered from 0.
    pub async fn add_item(&self, collection: &str, max_supply: u64) {
        let data = format!(
            "0x{}{}",
            selector("addItem(uint256)"),
            word(&max_supply.to_string())
        );
        self.transact(Some(collection), &data).await;
    }

    pub async fn set_minter(&self, collection: &str, minter: &str) {
        let data = format!(
            "0x{}{}{}",
            selector("setMinter(address,bool)"),
            word(minter),
            word("1")
        );
        self.transact(Some(collection), &data).await;
    }

    /// Tokens of the collection `owner` holds.
    pub async fn balance_of(&self, collection: &str, owner: &str) -> u128 {
        let data = format!("0x{}{}", selector("balanceOf(address)"), word(owner));
        hex_number(&self.call(collection, &data).await)
    }

    /// (max supply, total supply) of an item, from the v2 `items(uint256)` getter.
    pub async fn item_supply(&self, collection: &str, item: u64) -> (u128, u128) {
        let data = format!(
            "0x{}{}",
            selector("items(uint256)"),
            word(&item.to_string())
        );
        let answer = self.call(collection, &data).await;
        let hex = answer.as_str().unwrap().trim_start_matches("0x");
        let at = |i: usize| u128::from_str_radix(&hex[i * 64..(i + 1) * 64][32..], 16).unwrap();
        (at(1), at(2))
    }
}
