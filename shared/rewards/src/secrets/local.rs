//! AES-256-GCM under a key derived from the local server secret: a fresh
//! random nonce per seal (stored in front of the ciphertext), the campaign id
//! as associated data.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use async_trait::async_trait;
use zeroize::Zeroizing;

use super::server::{ServerSecret, WALLET_LABEL};
use super::{CipherError, WalletCipher, WalletKey};

const NONCE_BYTES: usize = 12;
/// A format byte, so that a later scheme can tell its own bytes apart.
const VERSION: u8 = 1;

pub struct LocalCipher {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for LocalCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalCipher")
    }
}

impl LocalCipher {
    pub fn new(secret: &ServerSecret) -> Self {
        let key = secret.derive(WALLET_LABEL);
        Self {
            cipher: Aes256Gcm::new_from_slice(key.as_ref()).expect("a 32-byte key"),
        }
    }
}

#[async_trait]
impl WalletCipher for LocalCipher {
    async fn seal(&self, campaign_id: &str, key: &WalletKey) -> Result<Vec<u8>, CipherError> {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let sealed = self
            .cipher
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: key.bytes(),
                    aad: campaign_id.as_bytes(),
                },
            )
            .map_err(|_| CipherError::Corrupt("AES-GCM refused to encrypt".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    async fn open(&self, campaign_id: &str, sealed: &[u8]) -> Result<WalletKey, CipherError> {
        let (version, rest) = sealed
            .split_first()
            .ok_or_else(|| CipherError::Corrupt("empty".into()))?;
        if *version != VERSION || rest.len() < NONCE_BYTES {
            return Err(CipherError::Corrupt(
                "not a sealed wallet of this format".into(),
            ));
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_BYTES);
        let plain = Zeroizing::new(
            self.cipher
                .decrypt(
                    Nonce::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: campaign_id.as_bytes(),
                    },
                )
                .map_err(|_| CipherError::Corrupt("wrong key or campaign".into()))?,
        );
        let bytes: [u8; 32] = plain
            .as_slice()
            .try_into()
            .map_err(|_| CipherError::Corrupt("not 32 bytes".into()))?;
        Ok(WalletKey::new(Zeroizing::new(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn seals_with_a_fresh_nonce_and_opens_only_for_its_campaign() {
        let secret = ServerSecret::from_hex(&"11".repeat(32)).unwrap();
        let cipher = LocalCipher::new(&secret);
        let key = WalletKey::new(Zeroizing::new([7u8; 32]));
        let a = cipher.seal("campaign-a", &key).await.unwrap();
        let b = cipher.seal("campaign-a", &key).await.unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(32).any(|w| w == [7u8; 32]));
        assert_eq!(
            cipher.open("campaign-a", &a).await.unwrap().bytes(),
            &[7u8; 32]
        );
        assert!(cipher.open("campaign-b", &a).await.is_err());
        let other = LocalCipher::new(&ServerSecret::from_hex(&"22".repeat(32)).unwrap());
        assert!(other.open("campaign-a", &a).await.is_err());
        assert_eq!(format!("{key:?}"), "WalletKey(<hidden>)");
    }
}
