//! The reward sender against a real node (anvil) and the bundled collection:
//! exactly one mint per reward whatever the deliveries, crashes, outages,
//! gas prices, exhausted items, missing minter rights and stuck
//! transactions; nonces of one wallet never shared by two senders.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use platform::clock::FixedClock;
use platform::signed_fetch::Wallet;
use rewards::queue::{EmbeddedQueue, RewardMessage, RewardQueue};
use rewards::secrets::{LocalCipher, ServerSecret};
use rewards::send::chain::{Chain, Chains};
use rewards::send::{Progress, SendStore, Sender, SenderConfig, worker};
use serde_json::{Value, json};

use super::{add_supply, address, call, claim, new_campaign, new_key, rewards_of, router_of};
use crate::common::anvil::{Anvil, CHAIN_ID};
use crate::common::{NOW, TEST_SECRET, rewards_state_with_queue, rewards_store};

/// A campaign on a fresh node: its wallet funded (and a minter of the
/// collection when asked), items with these max supplies, a master key.
pub struct Setup {
    pub anvil: Arc<Anvil>,
    pub app: Router,
    pub state: rewards::RewardsState,
    pub store: Arc<dyn SendStore>,
    pub owner: Wallet,
    pub campaign: String,
    pub wallet: String,
    pub collection: String,
    pub secret: String,
}

pub fn config() -> SenderConfig {
    SenderConfig {
        confirmations: 2,
        replace_after_blocks: 2,
        recheck: Duration::from_millis(200),
        ..SenderConfig::default()
    }
}

impl Setup {
    pub async fn new(max_supplies: &[u64], minter: bool) -> Self {
        let queue = Arc::new(EmbeddedQueue::new(Duration::from_secs(30)));
        Self::with_queue(max_supplies, minter, queue).await
    }

    /// Claims' messages go to `queue`.
    pub async fn with_queue(
        max_supplies: &[u64],
        minter: bool,
        queue: Arc<dyn RewardQueue>,
    ) -> Self {
        let anvil = Arc::new(Anvil::start());
        let collection = anvil.deploy_collection().await;
        for supply in max_supplies {
            anvil.add_item(&collection, *supply).await;
        }
        let state = rewards_state_with_queue(Arc::new(FixedClock(NOW)), queue).await;
        let app = router_of(state.clone());
        let mut setup = Self {
            anvil,
            app,
            state,
            store: rewards_store().await,
            owner: Wallet::random(),
            campaign: String::new(),
            wallet: String::new(),
            collection,
            secret: String::new(),
        };
        setup.open_campaign(minter).await;
        setup
    }

    /// Another campaign (owner, wallet, key) on the same node, collection
    /// and queue; its wallet a minter.
    pub async fn another_campaign(&self) -> Self {
        let mut other = Self {
            anvil: self.anvil.clone(),
            app: self.app.clone(),
            state: self.state.clone(),
            store: self.store.clone(),
            owner: Wallet::random(),
            campaign: String::new(),
            wallet: String::new(),
            collection: self.collection.clone(),
            secret: String::new(),
        };
        other.open_campaign(true).await;
        other
    }

    async fn open_campaign(&mut self, minter: bool) {
        let (app, owner) = (&self.app, &self.owner);
        self.campaign = new_campaign(app, owner).await;
        self.wallet = call(
            app,
            owner,
            "GET",
            &format!("/api/campaigns/{}", self.campaign),
            None,
        )
        .await
        .data()["address"]
            .as_str()
            .unwrap()
            .to_string();
        self.anvil.fund(&self.wallet).await;
        if minter {
            self.anvil.set_minter(&self.collection, &self.wallet).await;
        }
        self.secret = new_key(app, owner, &self.campaign, json!({"name": "door"}))
            .await
            .1;
    }

    pub fn chains(&self) -> Chains {
        let chain: Arc<dyn Chain> = Arc::new(chain::EthChain::new(&self.anvil.url).unwrap());
        Chains::new([(CHAIN_ID, chain)])
    }

    pub fn sender(&self, config: SenderConfig) -> Sender {
        self.sender_on(self.chains(), config)
    }

    pub fn sender_on(&self, chains: Chains, config: SenderConfig) -> Sender {
        let secret = ServerSecret::from_hex(TEST_SECRET).unwrap();
        Sender::new(
            self.store.clone(),
            chains,
            Arc::new(LocalCipher::new(&secret)),
            // Real time: leases and booked re-checks run out.
            Arc::new(platform::clock::SystemClock),
            config,
        )
    }

    pub async fn supply(&self, item: u64, quantity: u32) {
        add_supply(
            &self.app,
            &self.owner,
            &self.campaign,
            json!({"target": self.collection, "value": item.to_string(), "token": "Hat", "quantity": quantity}),
        )
        .await;
    }

    /// One claim for a fresh beneficiary each; (reward id, beneficiary).
    pub async fn claims(&self, n: usize) -> Vec<(String, String)> {
        let mut out = Vec::with_capacity(n);
        for _ in 0..n {
            let beneficiary = address();
            let answer = claim(
                &self.app,
                json!({"campaign_key": self.secret, "beneficiary": beneficiary}),
            )
            .await;
            let reward = rewards_of(&answer, 201).pop().expect("stock for the claim");
            out.push((reward["id"].as_str().unwrap().to_string(), beneficiary));
        }
        out
    }

    pub async fn reward(&self, id: &str) -> rewards::domain::reward::Reward {
        self.store.reward(id).await.unwrap().unwrap()
    }

    pub async fn statuses(&self, ids: &[(String, String)]) -> Vec<String> {
        let mut out = Vec::new();
        for (id, _) in ids {
            out.push(self.reward(id).await.status.as_str().to_string());
        }
        out
    }

    /// Runs the sender until the campaign is done, mining a block between
    /// runs; panics after `runs`.
    pub async fn drive(&self, sender: &Sender, runs: usize) {
        for _ in 0..runs {
            match sender.run(&self.campaign).await.unwrap() {
                Progress::Done => return,
                Progress::Later(_) | Progress::Busy => self.anvil.mine(1).await,
                Progress::NoRpc(id) => panic!("no RPC for {id}"),
            }
        }
        panic!("the sender was not done after {runs} runs");
    }

    pub async fn transactions(&self) -> Vec<Value> {
        call(
            &self.app,
            &self.owner,
            "GET",
            &format!("/api/campaigns/{}/transactions", self.campaign),
            None,
        )
        .await
        .data()
        .as_array()
        .unwrap()
        .clone()
    }
}

fn message(setup: &Setup, reward: &str) -> RewardMessage {
    RewardMessage::reward(&setup.campaign, reward)
}

#[tokio::test]
async fn a_message_delivered_three_times_mints_once_then_confirms() {
    let setup = Setup::new(&[100], true).await;
    setup.supply(0, 5).await;
    let claimed = setup.claims(5).await;
    let sender = setup.sender(config());
    let queue = EmbeddedQueue::new(Duration::from_secs(30));
    let again = vec![message(&setup, &claimed[0].0); 3];
    assert!(worker::handle(&sender, &queue, &again).await.is_empty());
    // Mined as it arrived (automine); the copies delivered again find it so.
    setup.anvil.until_nonce(&setup.wallet, 1).await;
    assert!(worker::handle(&sender, &queue, &again).await.is_empty());

    assert_eq!(
        setup.anvil.nonce(&setup.wallet).await,
        1,
        "one transaction for the five"
    );
    for (id, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
        let reward = setup.reward(id).await;
        assert_eq!(reward.status.as_str(), "success");
        assert!(reward.block_number.is_some());
    }
    assert_eq!(
        setup.anvil.item_supply(&setup.collection, 0).await,
        (100, 5)
    );

    setup.anvil.mine(2).await;
    setup.drive(&sender, 3).await;
    assert_eq!(setup.statuses(&claimed).await, vec!["confirmed"; 5]);
    let rows = setup.transactions().await;
    assert_eq!(rows.len(), 1);
    let row = &rows[0];
    assert_eq!(row["status"], "confirmed");
    assert_eq!(row["nonce"], 0);
    assert_eq!(row["chain_id"], CHAIN_ID);
    assert_eq!(row["campaign_address"], setup.wallet);
    assert_eq!(row["collection"], setup.collection);
    assert_eq!(row["error"], false);
    assert!(
        row.get("attempts").is_none(),
        "signed bytes stay inside: {row}"
    );
    let hash = row["transaction_hash"].as_str().unwrap();
    assert_eq!(
        setup
            .reward(&claimed[0].0)
            .await
            .transaction_hash
            .as_deref(),
        Some(hash)
    );
    // Nothing is sent twice later either.
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 1);
}

#[tokio::test]
async fn a_crash_after_the_broadcast_sends_the_same_bytes_again() {
    let setup = Setup::new(&[100], true).await;
    setup.supply(0, 3).await;
    let claimed = setup.claims(3).await;
    // A lease that runs out at once: the next process need not wait for it.
    let short = SenderConfig {
        lease: Duration::ZERO,
        ..config()
    };
    let sender = setup.sender(short.clone());
    sender.crash_after_next_broadcast();
    assert!(matches!(
        sender.run(&setup.campaign).await,
        Err(rewards::send::SendError::Crashed)
    ));
    // The broadcast happened, nothing said so: the rows still say "built".
    let built = setup
        .store
        .open_transactions(&setup.campaign)
        .await
        .unwrap();
    assert_eq!(built.len(), 1);
    assert_eq!(built[0].row.status.as_str(), "assigned");
    let hash = built[0].attempts[0].hash.clone();
    assert_eq!(setup.statuses(&claimed).await, vec!["assigned"; 3]);

    // A new sender, as a new process would be.
    let restarted = setup.sender(short);
    setup.drive(&restarted, 6).await;
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 1, "one transaction");
    for (id, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
        assert_eq!(
            setup.reward(id).await.transaction_hash.as_deref(),
            Some(hash.as_str())
        );
    }
    assert_eq!(setup.statuses(&claimed).await, vec!["confirmed"; 3]);
}

#[tokio::test]
async fn an_unreachable_node_loses_nothing() {
    let setup = Setup::new(&[100], true).await;
    setup.supply(0, 2).await;
    let claimed = setup.claims(2).await;
    let nowhere = format!("http://127.0.0.1:{}", crate::common::free_port());
    let down: Arc<dyn Chain> = Arc::new(chain::EthChain::new(&nowhere).unwrap());
    let sender = setup.sender_on(Chains::new([(CHAIN_ID, down)]), config());
    let queue = EmbeddedQueue::new(Duration::from_secs(30));
    let failed = worker::handle(&sender, &queue, &[message(&setup, &claimed[0].0)]).await;
    assert!(
        failed.is_empty(),
        "an outage sends nothing to the dead-letter queue"
    );
    assert_eq!(setup.statuses(&claimed).await, vec!["assigned"; 2]);
    // A re-check was queued for when the node is back.
    let recheck = queue.receive(10, Duration::from_secs(2)).await.unwrap();
    assert_eq!(recheck.len(), 1);
    let message = &recheck[0].as_ref().unwrap().message;
    assert_eq!(message.campaign_id, setup.campaign);
    assert_eq!(message.reward_id, None, "a re-check");
    assert!(message.due.is_some(), "booked");

    setup.drive(&setup.sender(config()), 6).await;
    for (_, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
    }
}

#[tokio::test]
async fn an_exhausted_item_is_rejected_and_the_rest_of_its_batch_delivered() {
    let setup = Setup::new(&[100, 2], true).await;
    setup.supply(0, 3).await;
    let first = setup.claims(3).await;
    setup.supply(1, 4).await;
    let scarce = setup.claims(4).await;
    let sender = setup.sender(config());
    setup.drive(&sender, 12).await;

    for (_, beneficiary) in &first {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
    }
    let mut minted = 0;
    for (id, beneficiary) in &scarce {
        let reward = setup.reward(id).await;
        match reward.status.as_str() {
            "confirmed" => {
                minted += 1;
                assert_eq!(
                    setup.anvil.balance_of(&setup.collection, beneficiary).await,
                    1
                );
            }
            "rejected" => {
                assert_eq!(
                    setup.anvil.balance_of(&setup.collection, beneficiary).await,
                    0
                );
                let why = reward.error_message.unwrap();
                assert!(why.contains("ITEM_EXHAUSTED"), "{why}");
            }
            other => panic!("{other}"),
        }
    }
    assert_eq!(minted, 2, "the item's supply, no more");
    assert_eq!(setup.anvil.item_supply(&setup.collection, 1).await, (2, 2));
    // One transaction carried the five that could be minted.
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 1);
}

#[tokio::test]
async fn a_wallet_that_is_not_a_minter_gets_its_rewards_rejected() {
    let setup = Setup::new(&[100], false).await;
    setup.supply(0, 2).await;
    let claimed = setup.claims(2).await;
    let sender = setup.sender(config());
    setup.drive(&sender, 10).await;
    for (id, _) in &claimed {
        let reward = setup.reward(id).await;
        assert_eq!(reward.status.as_str(), "rejected");
        let why = reward.error_message.unwrap();
        assert!(why.contains("CALLER_CAN_NOT_MINT"), "{why}");
    }
    assert_eq!(
        setup.anvil.nonce(&setup.wallet).await,
        0,
        "nothing was sent"
    );
}

#[tokio::test]
async fn a_gas_price_over_max_gas_defers_until_it_drops() {
    let setup = Setup::new(&[100], true).await;
    call(
        &setup.app,
        &setup.owner,
        "PATCH",
        &format!("/api/campaigns/{}", setup.campaign),
        Some(json!({"max_gas": 20})),
    )
    .await
    .data();
    setup.supply(0, 2).await;
    let claimed = setup.claims(2).await;
    setup.anvil.base_fee(60_000_000_000).await;
    let sender = setup.sender(config());
    for _ in 0..3 {
        assert!(matches!(
            sender.run(&setup.campaign).await.unwrap(),
            Progress::Later(_)
        ));
    }
    assert_eq!(
        setup.statuses(&claimed).await,
        vec!["assigned"; 2],
        "deferred, not failed"
    );
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 0);

    setup.anvil.base_fee(1_000_000_000).await;
    setup.drive(&sender, 6).await;
    assert_eq!(setup.statuses(&claimed).await, vec!["confirmed"; 2]);
    // What it paid per gas stayed under the cap.
    let hash = setup.reward(&claimed[0].0).await.transaction_hash.unwrap();
    let sent = setup
        .anvil
        .rpc("eth_getTransactionByHash", json!([hash]))
        .await;
    assert!(
        crate::common::anvil::hex_number(&sent["gasPrice"]) <= 20_000_000_000,
        "{sent}"
    );
}

#[tokio::test]
async fn a_stuck_transaction_is_replaced_and_mints_once() {
    let setup = Setup::new(&[100], true).await;
    setup.supply(0, 2).await;
    let claimed = setup.claims(2).await;
    let sender = setup.sender(config());
    setup.anvil.automine(false).await;
    assert!(matches!(
        sender.run(&setup.campaign).await.unwrap(),
        Progress::Later(_)
    ));
    let first = setup
        .store
        .open_transactions(&setup.campaign)
        .await
        .unwrap();
    let first_hash = first[0].attempts[0].hash.clone();
    // Fees rise above what it offers: blocks go by without it.
    let offered = first[0].attempts[0].gas_price();
    setup.anvil.base_fee(offered * 3).await;
    setup.anvil.mine(2).await;
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 0, "still stuck");
    assert!(matches!(
        sender.run(&setup.campaign).await.unwrap(),
        Progress::Later(_)
    ));
    let replaced = setup
        .store
        .open_transactions(&setup.campaign)
        .await
        .unwrap();
    assert_eq!(replaced.len(), 1, "a replacement, not a second transaction");
    let attempts = &replaced[0].attempts;
    assert_eq!(attempts.len(), 2);
    assert!(
        attempts[1].gas_price() >= offered + offered / 10,
        "at least 10% more"
    );
    setup.anvil.automine(true).await;
    setup.drive(&sender, 8).await;

    assert_eq!(
        setup.anvil.nonce(&setup.wallet).await,
        1,
        "one nonce, one mint"
    );
    let settled = setup.reward(&claimed[0].0).await;
    assert_ne!(
        settled.transaction_hash.as_deref(),
        Some(first_hash.as_str())
    );
    assert_eq!(
        settled.transaction_hash.as_deref(),
        Some(attempts[1].hash.as_str())
    );
    for (_, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
    }
    assert_eq!(setup.transactions().await[0]["retries"], 1);
}

#[tokio::test]
async fn two_senders_at_once_never_share_a_nonce() {
    let setup = Arc::new(Setup::new(&[1_000], true).await);
    setup.supply(0, 120).await;
    let a = Arc::new(setup.sender(config()));
    let b = Arc::new(setup.sender(config()));
    let mut claimed = Vec::new();
    let mut busy = 0;
    for _ in 0..6 {
        claimed.extend(setup.claims(20).await);
        let (x, y) = tokio::join!(a.run(&setup.campaign), b.run(&setup.campaign));
        for progress in [x.unwrap(), y.unwrap()] {
            busy += usize::from(progress == Progress::Busy);
        }
    }
    setup.drive(&a, 10).await;
    assert!(busy > 0, "the two runs met at least once");
    let mut nonces = HashSet::new();
    let rows = setup.transactions().await;
    for row in &rows {
        assert!(
            nonces.insert(row["nonce"].as_u64().unwrap()),
            "nonce used twice: {rows:?}"
        );
    }
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, rows.len() as u64);
    for (id, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
        assert_eq!(setup.reward(id).await.status.as_str(), "confirmed");
    }
    assert_eq!(setup.anvil.item_supply(&setup.collection, 0).await.1, 120);
}

/// Mines a block every 100 ms until dropped (confirmations need blocks).
struct Miner(tokio::task::JoinHandle<()>);

impl Miner {
    fn start(anvil: Arc<Anvil>) -> Self {
        Self(tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                anvil.mine(1).await;
            }
        }))
    }
}

impl Drop for Miner {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Waits until every reward of the campaigns is confirmed (panics after
/// `limit`), reading the supply counts (one query a campaign).
async fn until_confirmed(setups: &[&Setup], limit: Duration) {
    let deadline = std::time::Instant::now() + limit;
    loop {
        let mut left = Vec::new();
        for setup in setups {
            for line in setup.store.supply(&setup.campaign).await.unwrap() {
                if line.unassigned + line.assigned + line.sending + line.success + line.rejected > 0
                {
                    left.push(line);
                }
            }
        }
        if left.is_empty() {
            return;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "not confirmed: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// 1,000 rewards over three campaigns through the local server's path:
/// claims queue their messages in process, the sender task mints them.
/// (On the DynamoDB emulator, which serves about 20 claims a second, 150.)
#[tokio::test]
async fn a_thousand_rewards_over_three_campaigns_are_minted_in_few_transactions() {
    let total: usize = match std::env::var("LAND_TEST_BACKEND").as_deref() {
        Ok("dynamodb") => 150,
        _ => 1_000,
    };
    let queue = Arc::new(EmbeddedQueue::new(Duration::from_secs(30)));
    let first = Setup::with_queue(&[total as u64], true, queue.clone()).await;
    let campaigns = [
        first.another_campaign().await,
        first.another_campaign().await,
    ];
    let setups: Vec<&Setup> = std::iter::once(&first).chain(campaigns.iter()).collect();
    let started = std::time::Instant::now();
    let sender = Arc::new(first.sender(config()));
    let worker = tokio::spawn(worker::run_local(sender.clone(), queue.clone()));
    let _miner = Miner::start(first.anvil.clone());
    let mut claimed = Vec::new();
    for (i, setup) in setups.iter().enumerate() {
        let n = total / 3 + usize::from(i < total % 3);
        setup.supply(0, n as u32).await;
        claimed.push(setup.claims(n).await);
    }
    until_confirmed(&setups, Duration::from_secs(300)).await;
    worker.abort();
    eprintln!(
        "{total} rewards minted and confirmed in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    for (setup, rewards) in setups.iter().zip(&claimed) {
        for (_, beneficiary) in rewards {
            assert_eq!(
                setup.anvil.balance_of(&setup.collection, beneficiary).await,
                1
            );
        }
        let sent = setup.anvil.nonce(&setup.wallet).await as usize;
        let bound = rewards.len().div_ceil(config().batch_size) + 3;
        assert!(
            sent <= bound,
            "{sent} transactions for {} rewards",
            rewards.len()
        );
        eprintln!(
            "campaign {}: {} rewards in {sent} transactions",
            setup.campaign,
            rewards.len()
        );
        assert_eq!(setup.transactions().await.len(), sent);
    }
    assert_eq!(
        first.anvil.item_supply(&first.collection, 0).await.1,
        total as u128
    );
}

/// The function's path: claims queue their messages in SQS (the emulator),
/// the Lambda handler gets them as an SQS event, as AWS delivers them.
#[tokio::test]
async fn the_lambda_handler_mints_what_sqs_delivers_and_reports_a_malformed_body() {
    let client = aws_sdk_sqs::Client::new(&crate::common::aws::sdk_config().await);
    let name = format!("rewards-{}", uuid::Uuid::new_v4());
    let url = rewards::queue::create_queue(&client, &name).await.unwrap();
    let queue = Arc::new(rewards::queue::SqsQueue::new(client.clone(), url.clone()));
    let setup = Setup::with_queue(&[100], true, queue.clone()).await;
    setup.supply(0, 3).await;
    let claimed = setup.claims(3).await;
    let sender = setup.sender(config());
    let template: Value =
        serde_json::from_str(include_str!("../../../events/reward-sender.json")).unwrap();

    let mut rounds = 0;
    loop {
        rounds += 1;
        assert!(
            rounds < 30,
            "not confirmed: {:?}",
            setup.statuses(&claimed).await
        );
        let out = client
            .receive_message()
            .queue_url(&url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap();
        let mut records = Vec::new();
        for message in out.messages.unwrap_or_default() {
            let mut record = template["Records"][0].clone();
            record["messageId"] = json!(message.message_id.unwrap());
            record["receiptHandle"] = json!(message.receipt_handle.unwrap());
            record["body"] = json!(message.body.unwrap());
            records.push(record);
        }
        if rounds == 1 {
            let mut poison = template["Records"][0].clone();
            poison["messageId"] = json!("poison");
            poison["body"] = json!("{\"not\": \"a reward\"}");
            records.push(poison);
        }
        let event: aws_lambda_events::event::sqs::SqsEvent =
            serde_json::from_value(json!({"Records": records.clone()})).unwrap();
        let response = reward_sender_function::handle(&sender, queue.as_ref(), event).await;
        let failed: Vec<String> = response
            .batch_item_failures
            .iter()
            .map(|f| f.item_identifier.clone())
            .collect();
        if rounds == 1 {
            assert_eq!(failed, ["poison"], "only the malformed body fails");
        } else {
            assert!(failed.is_empty(), "{failed:?}");
        }
        // What the function did not report is deleted by Lambda.
        for record in &records {
            if record["messageId"] != "poison" {
                client
                    .delete_message()
                    .queue_url(&url)
                    .receipt_handle(record["receiptHandle"].as_str().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
        setup.anvil.mine(1).await;
        if setup.statuses(&claimed).await == vec!["confirmed"; 3] {
            break;
        }
    }
    for (_, beneficiary) in &claimed {
        assert_eq!(
            setup.anvil.balance_of(&setup.collection, beneficiary).await,
            1
        );
    }
    assert_eq!(setup.anvil.nonce(&setup.wallet).await, 1);
}

/// An Outgoing for store-level tests: `id` over these rewards, nonce 0.
fn outgoing(setup: &Setup, id: &str, rewards: &[&str]) -> rewards::send::Outgoing {
    serde_json::from_value(json!({
        "id": id, "campaign_id": setup.campaign, "chain_id": CHAIN_ID,
        "campaign_address": setup.wallet, "collection": setup.collection,
        "status": "assigned", "transaction_hash": null, "nonce": 0, "retries": 0,
        "error": false, "error_message": null,
        "created_at": "2026-06-01T00:00:00.000Z", "updated_at": "2026-06-01T00:00:00.000Z",
        "reward_ids": rewards,
        "mints": [], "attempts": [], "gas_limit": 100000, "block_number": null
    }))
    .unwrap()
}

#[tokio::test]
async fn a_reward_goes_to_one_transaction_only() {
    let setup = Setup::new(&[100], true).await;
    setup.supply(0, 3).await;
    let claimed = setup.claims(3).await;
    let ids: Vec<&str> = claimed.iter().map(|(id, _)| id.as_str()).collect();
    let first = outgoing(&setup, &uuid::Uuid::new_v4().to_string(), &ids[..2]);
    let second = outgoing(&setup, &uuid::Uuid::new_v4().to_string(), &ids[1..]);
    assert!(setup.store.reserve(&first).await.unwrap());
    assert!(
        setup.store.reserve(&first).await.unwrap(),
        "again for its own rewards"
    );
    assert!(
        !setup.store.reserve(&second).await.unwrap(),
        "one of them is taken"
    );
    let holder = |id: &str| {
        let store = setup.store.clone();
        let id = id.to_string();
        async move { store.reward(&id).await.unwrap().unwrap().transaction_id }
    };
    assert_eq!(holder(ids[1]).await.as_deref(), Some(first.row.id.as_str()));
    assert_eq!(
        holder(ids[2]).await,
        None,
        "nothing given by the refused one"
    );
    let waiting = setup.store.pending(&setup.campaign, 10).await.unwrap();
    assert_eq!(
        waiting
            .iter()
            .map(|p| p.reward.id.as_str())
            .collect::<Vec<_>>(),
        [ids[2]]
    );
}

#[tokio::test]
async fn re_checks_never_multiply() {
    let setup = Setup::new(&[100], true).await;
    let store = &setup.store;
    let at = |ms: i64| rewards::domain::time::Timestamp(NOW + ms);
    // A new reward books one; another finds it booked for later.
    assert!(
        store
            .book_recheck(&setup.campaign, at(0), at(5_000), None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .book_recheck(&setup.campaign, at(1_000), at(6_000), None)
            .await
            .unwrap()
    );
    // The booked one goes on when it comes; a stale chain ends.
    assert!(
        store
            .book_recheck(&setup.campaign, at(5_000), at(10_000), Some(at(5_000)))
            .await
            .unwrap()
    );
    assert!(
        !store
            .book_recheck(&setup.campaign, at(5_001), at(10_001), Some(at(5_000)))
            .await
            .unwrap()
    );
    // Once its time passed without it, a new reward starts one again.
    assert!(
        store
            .book_recheck(&setup.campaign, at(11_000), at(16_000), None)
            .await
            .unwrap()
    );
    assert!(
        !store
            .book_recheck(&setup.campaign, at(16_000), at(21_000), Some(at(10_000)))
            .await
            .unwrap()
    );
}
