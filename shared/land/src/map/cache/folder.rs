//! The cache as files under one folder (the embedded default).

use std::path::PathBuf;

use async_trait::async_trait;
use bytes::Bytes;

use super::{CacheError, PngCache, PngKey};

pub struct FolderCache {
    root: PathBuf,
}

impl FolderCache {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
}

#[async_trait]
impl PngCache for FolderCache {
    async fn get(&self, key: &PngKey) -> Result<Option<Bytes>, CacheError> {
        match tokio::fs::read(self.root.join(key.object())).await {
            Ok(png) => Ok(Some(Bytes::from(png))),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(CacheError::new("read", err)),
        }
    }

    /// Written to a temporary file and renamed, so a reader never sees half a PNG.
    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError> {
        let path = self.root.join(key.object());
        let dir = path.parent().expect("keys have a folder");
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| CacheError::new("write", e))?;
        let temp = path.with_extension(format!("{}.tmp", std::process::id()));
        tokio::fs::write(&temp, png)
            .await
            .map_err(|e| CacheError::new("write", e))?;
        tokio::fs::rename(&temp, &path)
            .await
            .map_err(|e| CacheError::new("write", e))
    }
}
