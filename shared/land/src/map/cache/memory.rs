//! Recent pictures in process memory, bounded by bytes, and a tier that puts
//! it in front of a slower cache (a warm Lambda answers repeats without S3).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;

use super::{CacheError, PngCache, PngKey};

#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Bytes>,
    /// Insertion order: the oldest is evicted first.
    order: VecDeque<String>,
    bytes: usize,
}

pub struct MemoryCache {
    max_bytes: usize,
    entries: Mutex<Entries>,
}

impl MemoryCache {
    pub fn new(max_bytes: usize) -> Self {
        Self {
            max_bytes,
            entries: Mutex::default(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get_now(&self, key: &PngKey) -> Option<Bytes> {
        self.lock().by_key.get(key.object()).cloned()
    }

    pub fn put_now(&self, key: &PngKey, png: &Bytes) {
        if png.len() > self.max_bytes {
            return;
        }
        let mut entries = self.lock();
        if entries.by_key.contains_key(key.object()) {
            return;
        }
        while entries.bytes + png.len() > self.max_bytes {
            let Some(oldest) = entries.order.pop_front() else {
                break;
            };
            if let Some(evicted) = entries.by_key.remove(&oldest) {
                entries.bytes -= evicted.len();
            }
        }
        entries.bytes += png.len();
        entries.order.push_back(key.object().to_string());
        entries.by_key.insert(key.object().to_string(), png.clone());
    }
}

#[async_trait]
impl PngCache for MemoryCache {
    async fn get(&self, key: &PngKey) -> Result<Option<Bytes>, CacheError> {
        Ok(self.get_now(key))
    }

    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError> {
        self.put_now(key, png);
        Ok(())
    }
}

/// A memory front over a shared back cache (folder or S3).
pub struct Tiered {
    pub front: MemoryCache,
    pub back: Arc<dyn PngCache>,
}

#[async_trait]
impl PngCache for Tiered {
    async fn get(&self, key: &PngKey) -> Result<Option<Bytes>, CacheError> {
        if let Some(png) = self.front.get_now(key) {
            return Ok(Some(png));
        }
        let found = self.back.get(key).await?;
        if let Some(png) = &found {
            self.front.put_now(key, png);
        }
        Ok(found)
    }

    async fn put(&self, key: &PngKey, png: &Bytes) -> Result<(), CacheError> {
        self.front.put_now(key, png);
        self.back.put(key, png).await
    }
}
