//! The chain port: what the sender needs from an Ethereum node. The adapter
//! (JSON-RPC through ethers) lives in the `chain` crate, which only the
//! sender function and the local server link.

use std::collections::HashMap;
use std::sync::Arc;

use async_trait::async_trait;

use crate::secrets::WalletKey;

/// One token to issue: item `item` (decimal) of the collection to `beneficiary`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mint {
    pub beneficiary: String,
    pub item: String,
}

/// An `issueTokens` transaction to sign (legacy fee: one gas price).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MintTx {
    pub chain_id: u64,
    pub from: String,
    pub collection: String,
    pub mints: Vec<Mint>,
    pub nonce: u64,
    pub gas_limit: u64,
    /// Wei per gas.
    pub gas_price: u128,
}

/// Signed bytes, ready to broadcast, and their hash (`0x` + 64 hex).
#[derive(Clone, PartialEq, Eq)]
pub struct SignedTx {
    pub hash: String,
    pub raw: Vec<u8>,
}

impl std::fmt::Debug for SignedTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedTx")
            .field("hash", &self.hash)
            .field("raw_bytes", &self.raw.len())
            .finish()
    }
}

/// A mined transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Receipt {
    pub block: u64,
    /// False when it reverted.
    pub success: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The node could not be reached or answered nonsense: try again later.
    #[error("chain unavailable: {0}")]
    Unavailable(String),
    /// The node answered with an error (a refused broadcast, a revert).
    #[error("refused by the node: {0}")]
    Refused(String),
    /// Our own input is wrong (a malformed address): a bug, not a retry.
    #[error("{0}")]
    Invalid(String),
}

#[async_trait]
pub trait Chain: Send + Sync {
    async fn block_number(&self) -> Result<u64, ChainError>;
    /// The gas price the node suggests now, in wei.
    async fn gas_price(&self) -> Result<u128, ChainError>;
    /// Transactions of `address` mined so far (the next nonce, not counting
    /// the pending ones).
    async fn mined_nonce(&self, address: &str) -> Result<u64, ChainError>;
    /// The gas `issueTokens(mints)` from `from` needs now, or why it reverts
    /// (`Ok(Err(reason))`).
    async fn simulate(
        &self,
        from: &str,
        collection: &str,
        mints: &[Mint],
    ) -> Result<Result<u64, String>, ChainError>;
    fn sign(&self, key: &WalletKey, tx: &MintTx) -> Result<SignedTx, ChainError>;
    /// Sends signed bytes. `Refused` names why the node would not take them
    /// ("already known" is not an error: the same bytes are in its pool).
    async fn broadcast(&self, raw: &[u8]) -> Result<(), ChainError>;
    async fn receipt(&self, hash: &str) -> Result<Option<Receipt>, ChainError>;
}

/// A node per chain id (`RPC_URL_<chain_id>`).
#[derive(Clone, Default)]
pub struct Chains(HashMap<u64, Arc<dyn Chain>>);

impl Chains {
    pub fn new(chains: impl IntoIterator<Item = (u64, Arc<dyn Chain>)>) -> Self {
        Self(chains.into_iter().collect())
    }

    pub fn get(&self, chain_id: u64) -> Option<&Arc<dyn Chain>> {
        self.0.get(&chain_id)
    }

    pub fn ids(&self) -> Vec<u64> {
        let mut ids: Vec<u64> = self.0.keys().copied().collect();
        ids.sort_unstable();
        ids
    }
}

impl std::fmt::Debug for Chains {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Chains").field(&self.ids()).finish()
    }
}
