//! Configuration, read once from the environment, and the adapters it
//! selects. Deployed (`REWARDS_TABLE` set): DynamoDB, the campaign-key HMAC
//! key from Secrets Manager (`REWARDS_SECRET_ID`) and wallets sealed by KMS
//! (`REWARDS_WALLET_KEY_ID`); a function missing any of them stops at init.
//! Locally: SQLite and a secret file under the data folder (or
//! `REWARDS_SECRET`), or any of the AWS parts that are configured.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use platform::clock::Clock;
use platform::http::Cors;
use platform::store::StoreError;

use crate::catalyst::{Catalysts, DAO_CATALYSTS};
use crate::http::RewardsState;
use crate::outbox::Outbox;
use crate::queue::{EmbeddedQueue, NoQueue, RewardQueue, SqsQueue};
use crate::secrets::{KeySecrets, KmsCipher, LocalCipher, ServerSecret, WalletCipher};
use crate::send::chain::Chains;
use crate::send::{SendStore, Sender, SenderConfig};
use crate::store::dynamo::DynamoRewards;
use crate::store::sqlite::SqliteRewards;

#[derive(Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// `REWARDS_TABLE`: the DynamoDB table.
    pub table: Option<String>,
    /// `REWARDS_SECRET`: the local server secret as 64 hex digits (instead
    /// of the file).
    pub secret_hex: Option<String>,
    /// `REWARDS_SECRET_ID`: the Secrets Manager secret the campaign-key HMAC
    /// key comes from.
    pub secret_id: Option<String>,
    /// `REWARDS_WALLET_KEY_ID`: the KMS key that seals campaign wallets.
    pub wallet_key_id: Option<String>,
    /// `REWARDS_CORS_ORIGINS`: extra origins CORS allows (comma-separated).
    pub cors_origins: Option<String>,
    /// `REWARD_QUEUE_URL`: the SQS reward queue. Unset locally: the
    /// in-process queue.
    pub queue_url: Option<String>,
    /// `REWARDS_CATALYSTS`: the allowed catalyst origins (comma-separated);
    /// unset: the DAO's production catalysts.
    pub catalysts: Option<String>,
}

/// Without the server secret.
impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("table", &self.table)
            .field("secret_hex", &self.secret_hex.as_ref().map(|_| "<hidden>"))
            .field("secret_id", &self.secret_id)
            .field("wallet_key_id", &self.wallet_key_id)
            .field("cors_origins", &self.cors_origins)
            .field("queue_url", &self.queue_url)
            .field("catalysts", &self.catalysts)
            .finish()
    }
}

#[derive(thiserror::Error)]
pub enum ConfigError {
    #[error(
        "{0} is not set: a deployed Rewards function needs REWARDS_TABLE, REWARDS_SECRET_ID and REWARDS_WALLET_KEY_ID"
    )]
    Missing(&'static str),
    #[error("{0}")]
    Secret(String),
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Printed by `main` on an init failure: the readable message.
impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl Config {
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Blank values count as unset.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        Self {
            table: set("REWARDS_TABLE"),
            secret_hex: set("REWARDS_SECRET"),
            secret_id: set("REWARDS_SECRET_ID"),
            wallet_key_id: set("REWARDS_WALLET_KEY_ID"),
            cors_origins: set("REWARDS_CORS_ORIGINS"),
            queue_url: set("REWARD_QUEUE_URL"),
            catalysts: set("REWARDS_CATALYSTS"),
        }
    }

    pub fn cors(&self) -> Cors {
        crate::app::cors(self.cors_origins.as_deref())
    }

    /// A deployed function's state: every AWS part configured, or an error.
    pub async fn lambda_state(&self, clock: Arc<dyn Clock>) -> Result<RewardsState, ConfigError> {
        let (aws, store, keys, cipher) = self.deployed().await?;
        Ok(RewardsState::new(
            store,
            clock,
            keys,
            cipher,
            self.queue(Some(&aws), false),
            self.catalysts(),
        ))
    }

    /// The reward-sender function's sender and outbox (its queue carries
    /// the sender's re-checks; the outbox is what its schedule sweeps): the
    /// deployed table and wallet key (not the campaign-key secret: the
    /// sender has no use for it), the chains of `RPC_URL_<id>`.
    pub async fn lambda_sender(
        &self,
        chains: Chains,
        clock: Arc<dyn Clock>,
    ) -> Result<(Sender, Arc<Outbox>), ConfigError> {
        let table = self
            .table
            .as_ref()
            .ok_or(ConfigError::Missing("REWARDS_TABLE"))?;
        let wallet_key = self
            .wallet_key_id
            .as_ref()
            .ok_or(ConfigError::Missing("REWARDS_WALLET_KEY_ID"))?;
        if self.queue_url.is_none() {
            return Err(ConfigError::Invalid(
                "REWARD_QUEUE_URL is not set: the sender queues its re-checks there".into(),
            ));
        }
        let config = SenderConfig::from_env().map_err(ConfigError::Invalid)?;
        let aws = platform::aws::sdk_config().await;
        let store = Arc::new(DynamoRewards::new(
            aws_sdk_dynamodb::Client::new(&aws),
            table,
        ));
        let cipher = Arc::new(KmsCipher::new(aws_sdk_kms::Client::new(&aws), wallet_key));
        let outbox = Outbox::new(store.clone(), self.queue(Some(&aws), false));
        Ok((
            Sender::new(store, chains, cipher, clock, config),
            Arc::new(outbox),
        ))
    }

    /// What a deployed function reads at init: the table, the HMAC secret,
    /// the wallet key.
    async fn deployed(
        &self,
    ) -> Result<
        (
            aws_config::SdkConfig,
            Arc<DynamoRewards>,
            KeySecrets,
            Arc<dyn WalletCipher>,
        ),
        ConfigError,
    > {
        let table = self
            .table
            .as_ref()
            .ok_or(ConfigError::Missing("REWARDS_TABLE"))?;
        let secret_id = self
            .secret_id
            .as_ref()
            .ok_or(ConfigError::Missing("REWARDS_SECRET_ID"))?;
        let wallet_key = self
            .wallet_key_id
            .as_ref()
            .ok_or(ConfigError::Missing("REWARDS_WALLET_KEY_ID"))?;
        let aws = platform::aws::sdk_config().await;
        let secret = secret_from_manager(&aws, secret_id).await?;
        let store = Arc::new(DynamoRewards::new(
            aws_sdk_dynamodb::Client::new(&aws),
            table,
        ));
        let cipher: Arc<dyn WalletCipher> =
            Arc::new(KmsCipher::new(aws_sdk_kms::Client::new(&aws), wallet_key));
        Ok((aws, store, KeySecrets::new(&secret), cipher))
    }

    fn queue(&self, aws: Option<&aws_config::SdkConfig>, local: bool) -> Arc<dyn RewardQueue> {
        match (&self.queue_url, aws) {
            (Some(url), Some(aws)) => Arc::new(SqsQueue::new(aws_sdk_sqs::Client::new(aws), url)),
            _ if local => Arc::new(EmbeddedQueue::new(std::time::Duration::from_secs(60))),
            _ => Arc::new(NoQueue),
        }
    }

    pub fn catalysts(&self) -> Catalysts {
        Catalysts::new(self.catalysts.as_deref().unwrap_or(DAO_CATALYSTS))
    }

    /// The local server's state: what is configured of AWS, the embedded
    /// parts for the rest (SQLite and the secret file in `data_dir`).
    pub async fn local(
        &self,
        data_dir: &Path,
        clock: Arc<dyn Clock>,
    ) -> Result<LocalRewards, ConfigError> {
        let aws = if self.table.is_some()
            || self.secret_id.is_some()
            || self.wallet_key_id.is_some()
            || self.queue_url.is_some()
        {
            Some(platform::aws::sdk_config().await)
        } else {
            None
        };
        let store: Arc<dyn SendStore> = match (&self.table, &aws) {
            (Some(table), Some(aws)) => Arc::new(DynamoRewards::new(
                aws_sdk_dynamodb::Client::new(aws),
                table,
            )),
            _ => Arc::new(SqliteRewards::open(&data_dir.join(DATABASE_FILE))?),
        };
        // The local secret is read (or made) once, and only when a part needs it.
        let local = std::cell::OnceCell::new();
        let local_secret = || -> Result<&ServerSecret, ConfigError> {
            if let Some(secret) = local.get() {
                return Ok(secret);
            }
            let secret = match &self.secret_hex {
                Some(hex) => ServerSecret::from_hex(hex).map_err(ConfigError::Secret)?,
                None => ServerSecret::load_or_create(&data_dir.join(SECRET_FILE))
                    .map_err(|e| ConfigError::Secret(format!("the server secret: {e}")))?,
            };
            Ok(local.get_or_init(|| secret))
        };
        let keys = match (&self.secret_id, &aws) {
            (Some(id), Some(aws)) => KeySecrets::new(&secret_from_manager(aws, id).await?),
            _ => KeySecrets::new(local_secret()?),
        };
        let cipher: Arc<dyn WalletCipher> = match (&self.wallet_key_id, &aws) {
            (Some(key), Some(aws)) => Arc::new(KmsCipher::new(aws_sdk_kms::Client::new(aws), key)),
            _ => Arc::new(LocalCipher::new(local_secret()?)),
        };
        let state = RewardsState::new(
            store.clone(),
            clock,
            keys,
            cipher,
            self.queue(aws.as_ref(), true),
            self.catalysts(),
        );
        Ok(LocalRewards {
            state,
            send_store: store,
        })
    }
}

/// The local server's Rewards: the API's state, and the same store as the
/// sender sees it.
pub struct LocalRewards {
    pub state: RewardsState,
    pub send_store: Arc<dyn SendStore>,
}

/// The embedded database, in the data folder.
pub const DATABASE_FILE: &str = "rewards.sqlite3";
/// The local server secret, in the data folder (mode 0600).
pub const SECRET_FILE: &str = "rewards-secret";

/// The default data folder of the local server.
pub fn default_data_dir() -> PathBuf {
    PathBuf::from(".data")
}

async fn secret_from_manager(
    aws: &aws_config::SdkConfig,
    secret_id: &str,
) -> Result<ServerSecret, ConfigError> {
    let out = aws_sdk_secretsmanager::Client::new(aws)
        .get_secret_value()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(|e| {
            ConfigError::Secret(format!(
                "reading the secret {secret_id}: {}",
                aws_sdk_secretsmanager::error::DisplayErrorContext(e)
            ))
        })?;
    let material = out
        .secret_string
        .ok_or_else(|| ConfigError::Secret(format!("the secret {secret_id} holds no string")))?;
    ServerSecret::from_material(material.as_bytes())
        .map_err(|e| ConfigError::Secret(format!("the secret {secret_id}: {e}")))
}
