//! Campaign wallets sealed by AWS KMS, the campaign id as encryption context:
//! the API functions' role may only `kms:Encrypt`, the sender's alone may
//! `kms:Decrypt`, so a compromised API function cannot read a wallet.

use async_trait::async_trait;
use aws_sdk_kms::Client;
use aws_sdk_kms::error::DisplayErrorContext;
use aws_sdk_kms::primitives::Blob;
use zeroize::Zeroizing;

use super::{CipherError, WalletCipher, WalletKey};

const CONTEXT_NAME: &str = "campaign_id";

#[derive(Debug, Clone)]
pub struct KmsCipher {
    client: Client,
    key_id: String,
}

impl KmsCipher {
    pub fn new(client: Client, key_id: impl Into<String>) -> Self {
        Self {
            client,
            key_id: key_id.into(),
        }
    }
}

#[async_trait]
impl WalletCipher for KmsCipher {
    async fn seal(&self, campaign_id: &str, key: &WalletKey) -> Result<Vec<u8>, CipherError> {
        let out = self
            .client
            .encrypt()
            .key_id(&self.key_id)
            .plaintext(Blob::new(key.bytes().to_vec()))
            .encryption_context(CONTEXT_NAME, campaign_id)
            .send()
            .await
            .map_err(|e| CipherError::Unavailable(DisplayErrorContext(e).to_string()))?;
        out.ciphertext_blob
            .map(Blob::into_inner)
            .ok_or_else(|| CipherError::Unavailable("KMS answered no ciphertext".into()))
    }

    async fn open(&self, campaign_id: &str, sealed: &[u8]) -> Result<WalletKey, CipherError> {
        let out = self
            .client
            .decrypt()
            .key_id(&self.key_id)
            .ciphertext_blob(Blob::new(sealed.to_vec()))
            .encryption_context(CONTEXT_NAME, campaign_id)
            .send()
            .await
            .map_err(|e| CipherError::Corrupt(DisplayErrorContext(e).to_string()))?;
        let plain = Zeroizing::new(out.plaintext.map(Blob::into_inner).unwrap_or_default());
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CipherError::Corrupt("not 32 bytes".into()))?;
        Ok(WalletKey::new(Zeroizing::new(bytes)))
    }
}
