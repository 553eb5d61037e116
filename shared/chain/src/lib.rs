//! The Rewards chain port over Ethereum JSON-RPC, with ethers: a provider per
//! chain (`RPC_URL_<chain_id>`) and a local signer for the campaign wallet.
//! Only the reward sender and the local server link this crate.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use ethers_core::abi::{Token, encode};
use ethers_core::types::transaction::eip2718::TypedTransaction;
use ethers_core::types::{Address, BlockId, BlockNumber, Bytes, H256, TransactionRequest, U256};
use ethers_core::utils::keccak256;
use ethers_providers::{Http, Middleware, Provider, ProviderError, RpcError};
use ethers_signers::{LocalWallet, Signer};
use rewards::secrets::WalletKey;
use rewards::send::chain::{Chain, ChainError, Chains, Mint, MintTx, Receipt, SignedTx};

/// How long one JSON-RPC call may take.
const RPC_TIMEOUT: Duration = Duration::from_secs(10);

/// The first four bytes of keccak256("issueTokens(address[],uint256[])").
fn issue_tokens_selector() -> [u8; 4] {
    let hash = keccak256(b"issueTokens(address[],uint256[])");
    [hash[0], hash[1], hash[2], hash[3]]
}

/// The call data of `issueTokens(beneficiaries, itemIds)`.
pub fn issue_tokens_data(mints: &[Mint]) -> Result<Vec<u8>, ChainError> {
    let mut beneficiaries = Vec::with_capacity(mints.len());
    let mut items = Vec::with_capacity(mints.len());
    for mint in mints {
        beneficiaries.push(Token::Address(address(&mint.beneficiary)?));
        items.push(Token::Uint(U256::from_dec_str(&mint.item).map_err(
            |e| ChainError::Invalid(format!("item id {}: {e}", mint.item)),
        )?));
    }
    let mut data = issue_tokens_selector().to_vec();
    data.extend(encode(&[Token::Array(beneficiaries), Token::Array(items)]));
    Ok(data)
}

fn address(text: &str) -> Result<Address, ChainError> {
    Address::from_str(text).map_err(|e| ChainError::Invalid(format!("address {text}: {e}")))
}

/// Whether an error response is a revert (code 3, or "execution reverted",
/// or revert data): a node's other errors (rate limits, a missing header)
/// say nothing about the call.
fn is_revert(response: &ethers_providers::JsonRpcError) -> bool {
    response.code == 3
        || response.message.to_ascii_lowercase().contains("revert")
        || response.data.as_ref().and_then(revert_reason).is_some()
}

/// The text of an error response, with the revert reason when a node put
/// it only in `data`, ABI-encoded.
fn response_text(response: &ethers_providers::JsonRpcError) -> String {
    let message = response.message.clone();
    match response.data.as_ref().and_then(revert_reason) {
        Some(reason) if !message.contains(&reason) => format!("{message}: {reason}"),
        _ => message,
    }
}

/// `Error(string)` revert data (0x08c379a0 + an ABI string) as text.
fn revert_reason(data: &serde_json::Value) -> Option<String> {
    let bytes = hex::decode(data.as_str()?.trim_start_matches("0x")).ok()?;
    let body = bytes.strip_prefix(&[0x08, 0xc3, 0x79, 0xa0][..])?;
    let tokens = ethers_core::abi::decode(&[ethers_core::abi::ParamType::String], body).ok()?;
    tokens.into_iter().next()?.into_string()
}

/// The port over one node.
pub struct EthChain {
    provider: Provider<Http>,
    /// The node's URL as configured: it may hold an API key.
    url: String,
    /// What logs and errors show instead: scheme and host.
    shown: String,
}

impl EthChain {
    pub fn new(rpc_url: &str) -> Result<Self, ChainError> {
        let url = url::Url::parse(rpc_url)
            .map_err(|e| ChainError::Invalid(format!("an RPC URL does not parse: {e}")))?;
        let shown = format!("{}://{}", url.scheme(), url.host_str().unwrap_or("?"));
        let client = reqwest_011::Client::builder()
            .timeout(RPC_TIMEOUT)
            .build()
            .map_err(|e| ChainError::Invalid(format!("HTTP client: {e}")))?;
        Ok(Self {
            provider: Provider::new(Http::new_with_client(url, client)),
            url: rpc_url.to_string(),
            shown,
        })
    }

    /// An error response is `Refused`; anything else (no answer, a timeout)
    /// is `Unavailable`, its text without the node's full URL.
    fn judged(&self, err: ProviderError) -> ChainError {
        match err.as_error_response() {
            Some(response) => ChainError::Refused(response_text(response)),
            None => {
                let text = err.to_string();
                let text = text.replace(self.url.trim_end_matches('/'), &self.shown);
                ChainError::Unavailable(format!("{} ({})", text, self.shown))
            }
        }
    }
}

/// A node for every `RPC_URL_<chain_id>` of the environment (a variable that
/// is not a URL is reported and left out).
pub fn chains_from_env() -> Chains {
    let mut chains: Vec<(u64, Arc<dyn Chain>)> = Vec::new();
    for (name, value) in std::env::vars() {
        let Some(id) = name.strip_prefix("RPC_URL_") else {
            continue;
        };
        // An empty value (a template parameter left empty) means no node.
        if value.trim().is_empty() {
            continue;
        }
        let Ok(id) = id.parse::<u64>() else {
            tracing::warn!(variable = %name, "not a chain id: ignored");
            continue;
        };
        match EthChain::new(value.trim()) {
            Ok(chain) => chains.push((id, Arc::new(chain))),
            Err(err) => tracing::error!(variable = %name, error = %err, "ignored"),
        }
    }
    Chains::new(chains)
}

#[async_trait]
impl Chain for EthChain {
    async fn block_number(&self) -> Result<u64, ChainError> {
        Ok(self
            .provider
            .get_block_number()
            .await
            .map_err(|e| self.judged(e))?
            .as_u64())
    }

    async fn gas_price(&self) -> Result<u128, ChainError> {
        Ok(self
            .provider
            .get_gas_price()
            .await
            .map_err(|e| self.judged(e))?
            .as_u128())
    }

    async fn mined_nonce(&self, address_text: &str) -> Result<u64, ChainError> {
        let count = self
            .provider
            .get_transaction_count(
                address(address_text)?,
                Some(BlockId::Number(BlockNumber::Latest)),
            )
            .await
            .map_err(|e| self.judged(e))?;
        Ok(count.as_u64())
    }

    async fn simulate(
        &self,
        from: &str,
        collection: &str,
        mints: &[Mint],
    ) -> Result<Result<u64, String>, ChainError> {
        let call: TypedTransaction = TransactionRequest::new()
            .from(address(from)?)
            .to(address(collection)?)
            .data(issue_tokens_data(mints)?)
            .into();
        match self.provider.estimate_gas(&call, None).await {
            Ok(gas) => Ok(Ok(gas.as_u64())),
            Err(err) => match err.as_error_response() {
                Some(response) if is_revert(response) => Ok(Err(response_text(response))),
                // A node that refuses for its own reasons says nothing of the call.
                Some(response) => Err(ChainError::Unavailable(response_text(response))),
                None => Err(self.judged(err)),
            },
        }
    }

    fn sign(&self, key: &WalletKey, tx: &MintTx) -> Result<SignedTx, ChainError> {
        let wallet = LocalWallet::from_bytes(key.bytes())
            .map_err(|_| ChainError::Invalid("the campaign wallet key is not a valid key".into()))?
            .with_chain_id(tx.chain_id);
        if wallet.address() != address(&tx.from)? {
            return Err(ChainError::Invalid(format!(
                "the campaign wallet key does not belong to {}",
                tx.from
            )));
        }
        let request: TypedTransaction = TransactionRequest::new()
            .from(wallet.address())
            .to(address(&tx.collection)?)
            .data(issue_tokens_data(&tx.mints)?)
            .nonce(tx.nonce)
            .gas(tx.gas_limit)
            .gas_price(U256::from(tx.gas_price))
            .chain_id(tx.chain_id)
            .into();
        let signature = wallet
            .sign_transaction_sync(&request)
            .map_err(|e| ChainError::Invalid(format!("signing: {e}")))?;
        let raw = request.rlp_signed(&signature).to_vec();
        let hash = format!("0x{}", hex::encode(keccak256(&raw)));
        Ok(SignedTx { hash, raw })
    }

    async fn broadcast(&self, raw: &[u8]) -> Result<(), ChainError> {
        match self
            .provider
            .send_raw_transaction(Bytes::from(raw.to_vec()))
            .await
            .map_err(|e| self.judged(e))
        {
            Ok(_) => Ok(()),
            Err(ChainError::Refused(message))
                if message.to_ascii_lowercase().contains("already known") =>
            {
                Ok(())
            }
            Err(other) => Err(other),
        }
    }

    async fn receipt(&self, hash: &str) -> Result<Option<Receipt>, ChainError> {
        let hash = H256::from_str(hash)
            .map_err(|e| ChainError::Invalid(format!("transaction hash {hash}: {e}")))?;
        let receipt = self
            .provider
            .get_transaction_receipt(hash)
            .await
            .map_err(|e| self.judged(e))?;
        Ok(receipt.and_then(|r| {
            Some(Receipt {
                block: r.block_number?.as_u64(),
                success: r.status.is_some_and(|s| s.as_u64() == 1),
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_tokens_call_data_is_abi_encoded() {
        let data = issue_tokens_data(&[Mint {
            beneficiary: "0x00000000000000000000000000000000000000b0".into(),
            item: "7".into(),
        }])
        .unwrap();
        // The selector solc gives the bundled collection (and Decentraland's
        // ERC721CollectionV2), then two offsets, then each array: its length
        // (1) and its element.
        let artifact: serde_json::Value =
            serde_json::from_str(include_str!("../../../contracts/RewardsCollection.json"))
                .unwrap();
        assert_eq!(
            hex::encode(&data[..4]),
            artifact["methodIdentifiers"]["issueTokens(address[],uint256[])"]
        );
        assert_eq!(hex::encode(&data[..4]), "7c8f76a1");
        assert_eq!(data.len(), 4 + 32 * 6);
        assert_eq!(data[4 + 32 * 3 - 1], 1, "one beneficiary");
        assert_eq!(data[4 + 32 * 4 - 1], 0xb0);
        assert_eq!(data[4 + 32 * 6 - 1], 7);
    }

    #[tokio::test]
    async fn an_unreachable_node_is_named_without_its_path() {
        // An API key often sits in the path of a provider's URL.
        let chain = EthChain::new("http://127.0.0.1:9/v3/SECRET-API-KEY").unwrap();
        let err = chain.block_number().await.unwrap_err();
        let text = err.to_string();
        assert!(matches!(err, ChainError::Unavailable(_)), "{text}");
        assert!(!text.contains("SECRET-API-KEY"), "{text}");
        assert!(text.contains("http://127.0.0.1"), "{text}");
    }

    #[test]
    fn revert_data_decodes_to_its_reason() {
        let reason =
            ethers_core::abi::encode(&[Token::String("_issueToken: ITEM_EXHAUSTED".into())]);
        let data = format!("0x08c379a0{}", hex::encode(reason));
        assert_eq!(
            revert_reason(&serde_json::Value::String(data)).as_deref(),
            Some("_issueToken: ITEM_EXHAUSTED")
        );
    }
}
