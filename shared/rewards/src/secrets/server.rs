//! The local server secret: 32 random bytes in a file created on first run
//! with mode 0600, or `REWARDS_SECRET` (64 hex digits). Keys for each use are
//! derived from it with HKDF-SHA256, one label each.

use std::io::Write;
use std::path::Path;

use hkdf::Hkdf;
use sha2::Sha256;
use zeroize::Zeroizing;

pub const WALLET_LABEL: &[u8] = b"rewards wallet encryption v1";
pub const KEY_HMAC_LABEL: &[u8] = b"rewards campaign key hmac v1";

pub struct ServerSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServerSecret(<hidden>)")
    }
}

impl ServerSecret {
    /// Any secret material (a Secrets Manager string, a file's bytes).
    pub fn from_material(bytes: &[u8]) -> Result<Self, String> {
        if bytes.len() < 32 {
            return Err(format!(
                "a server secret needs at least 32 bytes of material, got {}",
                bytes.len()
            ));
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// `REWARDS_SECRET`: 64 hex digits.
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes = Zeroizing::new(
            hex::decode(text.trim())
                .map_err(|_| "REWARDS_SECRET must be 64 hexadecimal digits".to_string())?,
        );
        if bytes.len() != 32 {
            return Err("REWARDS_SECRET must be 64 hexadecimal digits (32 bytes)".into());
        }
        Self::from_material(&bytes)
    }

    /// The secret in `path`, made (32 random bytes, mode 0600) when missing.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let bytes = Zeroizing::new(bytes);
                Self::from_material(&bytes).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir)?;
                }
                let bytes = Zeroizing::new(rand::random::<[u8; 32]>().to_vec());
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
                match options.open(path) {
                    Ok(mut file) => {
                        file.write_all(&bytes)?;
                        file.sync_all()?;
                        Ok(Self(bytes))
                    }
                    // Another process made it first: use theirs.
                    Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                        Self::load_or_create(path)
                    }
                    Err(err) => Err(err),
                }
            }
            Err(err) => Err(err),
        }
    }

    /// A 32-byte key for one use.
    pub fn derive(&self, label: &[u8]) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        Hkdf::<Sha256>::new(None, &self.0)
            .expand(label, out.as_mut())
            .expect("32 bytes is a valid HKDF-SHA256 length");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_made_once_private_and_each_label_gets_its_own_key() {
        let dir = std::env::temp_dir().join(format!("rewards-secret-{}", std::process::id()));
        let path = dir.join("nested/secret");
        let first = ServerSecret::load_or_create(&path).unwrap();
        let again = ServerSecret::load_or_create(&path).unwrap();
        assert_eq!(first.derive(WALLET_LABEL), again.derive(WALLET_LABEL));
        assert_ne!(first.derive(WALLET_LABEL), first.derive(KEY_HMAC_LABEL));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(!format!("{first:?}").contains(&hex::encode(&first.0[..4])));
        std::fs::remove_dir_all(dir).unwrap();
        assert!(ServerSecret::from_hex("00").is_err());
        assert!(ServerSecret::from_hex(&"ab".repeat(32)).is_ok());
    }
}
