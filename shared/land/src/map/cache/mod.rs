//! The PNG cache: the port, its key, and its adapters (a folder for the
//! embedded default, S3 on AWS, and an in-process front that keeps recent
//! images of a warm function in memory).

mod folder;
mod memory;
mod s3;

use async_trait::async_trait;
use bytes::Bytes;
use sha2::{Digest, Sha256};

pub use folder::FolderCache;
pub use memory::{MemoryCache, Tiered};
pub use s3::{S3Cache, create_bucket};

use crate::domain::map::{MapView, TileIndex};

/// Bumped whenever the renderer's output changes, so no old picture is served.
const RENDERER: &str = "r2";

#[derive(Debug, thiserror::Error)]
#[error("PNG cache {operation} failed: {reason}")]
pub struct CacheError {
    pub operation: &'static str,
    pub reason: String,
}

impl CacheError {
    pub fn new(operation: &'static str, reason: impl ToString) -> Self {
        Self {
            operation,
            reason: reason.to_string(),
        }
    }
}

/// Where rendered PNGs are kept between requests.
#[async_trait]
pub trait PngCache: Send + Sync {
    async fn get(&self, key: &PngKey) -> Result<Option<Bytes>, CacheError>;
    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError>;
}

/// A picture's identity: the renderer, the data version, the sale state when
/// it shows sales, and the normalised view. A data change makes a new key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PngKey {
    object: String,
}

impl PngKey {
    pub fn new(index: &TileIndex, view: &MapView) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(view.canonical());
        if view.publications {
            // The sale state changes when a publication expires, not only
            // when the data is written.
            hasher.update(format!("&sale_until={}", index.sale_valid_until()));
        }
        let version: String = index
            .data_version()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(64)
            .collect();
        let digest = hex(&hasher.finalize()[..20]);
        Self {
            object: format!("map/{RENDERER}/{version}/{digest}.png"),
        }
    }

    #[cfg(test)]
    pub(crate) fn from_object(object: &str) -> Self {
        Self {
            object: object.to_string(),
        }
    }

    /// The object name (relative path) of the picture.
    pub fn object(&self) -> &str {
        &self.object
    }

    /// A strong ETag: equal keys render equal bytes.
    pub fn etag(&self) -> String {
        format!("\"{}\"", hex(&Sha256::digest(&self.object)[..16]))
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lowercase_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        let etag = PngKey::from_object("map/r1/v/x.png").etag();
        assert_eq!(etag.len(), 34);
        assert!(etag.starts_with('"') && etag.ends_with('"'));
    }
}
