//! Campaign-key secrets: `base64(key uuid ++ campaign uuid) "." base64(HMAC-
//! SHA256(server key, those 32 bytes))`. Derived, so a role allowed to see a
//! key sees its secret again; verified without a lookup, in constant time;
//! revoked by disabling or deleting the key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;
use zeroize::Zeroizing;

use super::server::{KEY_HMAC_LABEL, ServerSecret};

pub struct KeySecrets {
    key: Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for KeySecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeySecrets(<hidden>)")
    }
}

/// A secret longer than this is not one of ours: refused before decoding.
const MAX_SECRET_CHARS: usize = 128;

impl KeySecrets {
    pub fn new(secret: &ServerSecret) -> Self {
        Self {
            key: secret.derive(KEY_HMAC_LABEL),
        }
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(self.key.as_ref()).expect("HMAC takes any key")
    }

    /// The secret of a key.
    pub fn issue(&self, key_id: Uuid, campaign_id: Uuid) -> String {
        let ids = ids(key_id, campaign_id);
        let mut mac = self.mac();
        mac.update(&ids);
        format!(
            "{}.{}",
            STANDARD.encode(ids),
            STANDARD.encode(mac.finalize().into_bytes())
        )
    }

    /// The (key id, campaign id) a genuine secret names; `None` for anything
    /// else. Lenient on the transport: a `+` turned into a space by a query
    /// string that was not encoded is read back as `+`.
    pub fn open(&self, secret: &str) -> Option<(Uuid, Uuid)> {
        if secret.len() > MAX_SECRET_CHARS {
            return None;
        }
        // A space at either end is a `+` that lost its encoding (a secret
        // may start with one), or a stray blank pasted with it: try both.
        let blanks = |c: char| c.is_whitespace() && c != ' ';
        let plus_kept = secret.trim_matches(blanks).replace(' ', "+");
        self.open_exact(&plus_kept)
            .or_else(|| self.open_exact(&secret.trim().replace(' ', "+")))
    }

    fn open_exact(&self, secret: &str) -> Option<(Uuid, Uuid)> {
        let (ids_part, mac_part) = secret.split_once('.')?;
        let ids = STANDARD.decode(ids_part).ok()?;
        let tag = STANDARD.decode(mac_part).ok()?;
        if ids.len() != 32 {
            return None;
        }
        let mut mac = self.mac();
        mac.update(&ids);
        mac.verify_slice(&tag).ok()?;
        let key_id = Uuid::from_slice(&ids[..16]).ok()?;
        let campaign_id = Uuid::from_slice(&ids[16..]).ok()?;
        Some((key_id, campaign_id))
    }
}

fn ids(key_id: Uuid, campaign_id: Uuid) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(key_id.as_bytes());
    out[16..].copy_from_slice(campaign_id.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_opens_only_as_issued() {
        let keys = KeySecrets::new(&ServerSecret::from_hex(&"33".repeat(32)).unwrap());
        let (key, campaign) = (Uuid::new_v4(), Uuid::new_v4());
        let secret = keys.issue(key, campaign);
        assert_eq!(keys.open(&secret), Some((key, campaign)));
        assert_eq!(keys.open(&secret.replace('+', " ")), Some((key, campaign)));
        assert_eq!(keys.open(&format!(" {secret}\n")), Some((key, campaign)));

        // One in 64 secrets starts with a `+`: unencoded, a leading space.
        let leading_plus = (0..5_000)
            .map(|_| (Uuid::new_v4(), Uuid::new_v4()))
            .map(|(k, c)| (keys.issue(k, c), (k, c)))
            .find(|(secret, _)| secret.starts_with('+'))
            .expect("a secret starting with +");
        let unencoded = leading_plus.0.replace('+', " ");
        assert_eq!(keys.open(&unencoded), Some(leading_plus.1));

        // Another campaign's ids with this MAC, a flipped MAC, another server.
        let (_, mac) = secret.split_once('.').unwrap();
        let swapped = format!("{}.{mac}", STANDARD.encode(ids(key, Uuid::new_v4())));
        assert_eq!(keys.open(&swapped), None);
        let mut tag = STANDARD.decode(mac).unwrap();
        tag[0] ^= 1;
        let (ids_part, _) = secret.split_once('.').unwrap();
        assert_eq!(
            keys.open(&format!("{ids_part}.{}", STANDARD.encode(tag))),
            None
        );
        let other = KeySecrets::new(&ServerSecret::from_hex(&"44".repeat(32)).unwrap());
        assert_eq!(other.open(&secret), None);
        for junk in ["", ".", "abc", "a.b.c", &"x".repeat(500)] {
            assert_eq!(keys.open(junk), None, "{junk}");
        }
    }
}
