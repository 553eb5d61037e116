//! The cache as files under one folder (the embedded default).

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

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

    /// Written to a temporary file of its own and renamed, so a reader never
    /// sees half a PNG, also when two requests render the same picture.
    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError> {
        let path = self.root.join(key.object());
        let dir = path.parent().expect("keys have a folder");
        tokio::fs::create_dir_all(dir)
            .await
            .map_err(|e| CacheError::new("write", e))?;
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let write = WRITES.fetch_add(1, Ordering::Relaxed);
        let temp = path.with_extension(format!("{}-{write}.tmp", std::process::id()));
        let written = match tokio::fs::write(&temp, png).await {
            Ok(()) => tokio::fs::rename(&temp, &path).await,
            Err(err) => Err(err),
        };
        if written.is_err() {
            let _ = tokio::fs::remove_file(&temp).await;
        }
        written.map_err(|e| CacheError::new("write", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_writes_of_one_key_leave_one_whole_picture() {
        let root = std::env::temp_dir().join(format!("folder-cache-{}", std::process::id()));
        let cache = std::sync::Arc::new(FolderCache::new(&root));
        let key = PngKey::from_object("map/r1/v/same.png");
        // Different sizes: a mix of two writes could not equal any of them.
        let payloads: Vec<Bytes> = (1..=32u8)
            .map(|n| Bytes::from(vec![n; 64 * 1024 * usize::from(n)]))
            .collect();
        let writes: Vec<_> = payloads
            .iter()
            .cloned()
            .map(|png| {
                let (cache, key) = (cache.clone(), key.clone());
                tokio::spawn(async move { cache.put(&key, &png).await })
            })
            .collect();
        for write in writes {
            write.await.unwrap().expect("every write succeeds");
        }
        let stored = cache.get(&key).await.unwrap().unwrap();
        assert!(payloads.contains(&stored), "{} bytes", stored.len());
        let leftovers = std::fs::read_dir(root.join("map/r1/v")).unwrap().count();
        assert_eq!(leftovers, 1, "no temporary file left behind");
        std::fs::remove_dir_all(root).unwrap();
    }
}
