//! The server's secrets and what they protect: campaign wallets (encrypted
//! at rest through [`WalletCipher`]) and campaign-key secrets (HMAC,
//! [`KeySecrets`]).
//!
//! Locally both come from one server secret (a 0600 file under `.data/` or
//! `REWARDS_SECRET`), each through HKDF with its own label. In AWS the HMAC
//! key is a Secrets Manager secret read at init and wallets are sealed by KMS,
//! where the API functions may only encrypt.

mod keys;
mod kms;
mod local;
mod server;

use async_trait::async_trait;
use zeroize::Zeroizing;

pub use keys::KeySecrets;
pub use kms::KmsCipher;
pub use local::LocalCipher;
pub use server::ServerSecret;

/// A campaign wallet's private key in memory: wiped on drop, never printed.
pub struct WalletKey(Zeroizing<[u8; 32]>);

impl WalletKey {
    pub fn new(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for WalletKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WalletKey(<hidden>)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CipherError {
    /// The key service refused or could not be reached.
    #[error("wallet cipher unavailable: {0}")]
    Unavailable(String),
    /// The sealed bytes do not open with this key and campaign.
    #[error("a sealed wallet does not open: {0}")]
    Corrupt(String),
    #[error("{0}")]
    NotConfigured(String),
}

/// Seals campaign wallet keys at rest, bound to their campaign (a sealed key
/// moved to another campaign does not open).
#[async_trait]
pub trait WalletCipher: Send + Sync {
    async fn seal(&self, campaign_id: &str, key: &WalletKey) -> Result<Vec<u8>, CipherError>;
    /// Only the sender needs this (Step 7); in AWS only its role may.
    async fn open(&self, campaign_id: &str, sealed: &[u8]) -> Result<WalletKey, CipherError>;
}
