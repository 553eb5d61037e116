//! EIP-191 `personal_sign` on secp256k1, what wallets (and ethers) do: the
//! message is prefixed, hashed with Keccak-256, signed recoverably; the
//! address is the last 20 bytes of the Keccak-256 of the public key.

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};
use sha3::{Digest, Keccak256};

/// A private key that signs. Its `Debug` shows the address only; the key is
/// wiped from memory when dropped (k256 zeroizes its scalars).
pub struct Wallet {
    key: SigningKey,
}

impl std::fmt::Debug for Wallet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Wallet")
            .field("address", &self.address())
            .finish_non_exhaustive()
    }
}

impl Wallet {
    /// From a private key in hex (`0x` optional).
    pub fn from_hex(private_key: &str) -> Result<Self, String> {
        let raw = private_key.trim();
        let bytes = hex::decode(raw.strip_prefix("0x").unwrap_or(raw))
            .map_err(|_| "the private key is not hex".to_string())?;
        SigningKey::from_slice(&bytes)
            .map(|key| Self { key })
            .map_err(|_| "the private key is not a secp256k1 key (32 bytes)".to_string())
    }

    /// A fresh random key.
    pub fn random() -> Self {
        loop {
            let bytes: [u8; 32] = rand::random();
            if let Ok(key) = SigningKey::from_slice(&bytes) {
                return Self { key };
            }
        }
    }

    /// From the 32 bytes of a private key.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        SigningKey::from_slice(bytes)
            .map(|key| Self { key })
            .map_err(|_| "not a secp256k1 private key (32 bytes)".to_string())
    }

    /// The private key's 32 bytes, wiped when dropped: for encrypting it at
    /// rest, nothing else.
    pub fn secret_bytes(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.key.to_bytes().into())
    }

    /// The checksum-free, lowercase `0x` address.
    pub fn address(&self) -> String {
        address_of(self.key.verifying_key())
    }

    /// `personal_sign(message)`: 65 bytes `r || s || v` (v = 27 or 28) in hex.
    pub fn personal_sign(&self, message: &str) -> String {
        let (signature, recovery) = self
            .key
            .sign_prehash_recoverable(&message_hash(message))
            .expect("a 32-byte prehash always signs");
        let mut bytes = signature.to_bytes().to_vec();
        bytes.push(27 + recovery.to_byte());
        format!("0x{}", hex::encode(bytes))
    }
}

/// The lowercase `0x` address of a public key.
pub fn address_of(key: &VerifyingKey) -> String {
    let point = key.to_encoded_point(false);
    let hash = Keccak256::digest(&point.as_bytes()[1..]);
    format!("0x{}", hex::encode(&hash[12..]))
}

fn message_hash(message: &str) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(format!("\x19Ethereum Signed Message:\n{}", message.len()));
    hasher.update(message);
    hasher.finalize().into()
}

/// The address that `personal_sign`ed `message` into `signature`.
pub fn recover(message: &str, signature: &str) -> Result<String, String> {
    let raw = signature.strip_prefix("0x").unwrap_or(signature);
    let bytes = hex::decode(raw).map_err(|_| "the signature is not hex".to_string())?;
    let [body @ .., v] = bytes.as_slice() else {
        return Err("the signature is empty".into());
    };
    if body.len() != 64 {
        return Err("the signature is not 65 bytes".into());
    }
    let recovery = match v {
        0 | 27 => 0,
        1 | 28 => 1,
        _ => return Err("the signature's recovery byte is not 27 or 28".into()),
    };
    let signature =
        Signature::from_slice(body).map_err(|_| "the signature is not on the curve".to_string())?;
    let recovery = RecoveryId::from_byte(recovery).expect("0 or 1");
    VerifyingKey::recover_from_prehash(&message_hash(message), &signature, recovery)
        .map(|key| address_of(&key))
        .map_err(|_| "no key recovers from the signature".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first Hardhat/anvil account, whose address everyone knows.
    const KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

    #[test]
    fn address_and_signature_round_trip() {
        let wallet = Wallet::from_hex(KEY).unwrap();
        assert_eq!(
            wallet.address(),
            "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266"
        );
        let signature = wallet.personal_sign("hello");
        assert_eq!(recover("hello", &signature).unwrap(), wallet.address());
        assert_ne!(recover("hellO", &signature).unwrap(), wallet.address());
        assert!(
            !format!("{wallet:?}").contains("ac0974"),
            "Debug hides the key"
        );
    }

    #[test]
    fn the_ethers_documentation_vector() {
        // ethers v5 docs, "Wallet": the wallet of the mnemonic "announce room
        // limb ..." signs "Hello World".
        let wallet =
            Wallet::from_hex("0x1da6847600b0ee25e9ad9a52abbd786dd2502fa4005dd5af9310b7cc7a3b25db")
                .unwrap();
        assert_eq!(
            wallet.address(),
            "0x71cb05ee1b1f506ff321da3dac38f25c0c9ce6e1"
        );
        let signature = "0x14280e5885a19f60e536de50097e96e3738c7acae4e9e62d67272d794b8127d31c03d9cd59781d4ee31fb4e1b893bd9b020ec67dfa65cfb51e2bdadbb1de26d91c";
        assert_eq!(wallet.personal_sign("Hello World"), signature);
        assert_eq!(recover("Hello World", signature).unwrap(), wallet.address());
    }

    #[test]
    fn malformed_signatures_are_refused() {
        for bad in [
            "",
            "0x",
            "0xzz",
            &format!("0x{}", "11".repeat(64)),
            &format!("0x{}1f", "11".repeat(64)),
        ] {
            assert!(recover("hello", bad).is_err(), "{bad}");
        }
    }
}
