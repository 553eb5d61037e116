//! The tile index a map function draws from: built from the store on first
//! use and again only when the data version changes or a current publication
//! expires; never a store scan per request.

use std::sync::Arc;
use std::time::Instant;

use tokio::sync::Mutex;

use super::MapStore;
use crate::domain::map::TileIndex;
use platform::store::{StoreError, StoreResult};

#[derive(Default)]
pub struct TileIndexCache {
    /// The index and when its version was last confirmed.
    current: std::sync::RwLock<Option<(Arc<TileIndex>, Instant)>>,
    /// One rebuild at a time; the others wait for it.
    rebuilding: Mutex<()>,
}

impl TileIndexCache {
    fn cached(&self) -> Option<(Arc<TileIndex>, Instant)> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Marks `index` as confirmed now, unless another request has replaced
    /// it meanwhile (an older index must never come back over a newer one).
    fn confirm(&self, index: &Arc<TileIndex>) {
        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((cached, checked)) = current.as_mut()
            && Arc::ptr_eq(cached, index)
        {
            *checked = Instant::now();
        }
    }

    fn keep(&self, index: Arc<TileIndex>) {
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some((index, Instant::now()));
    }

    /// The index for the data as of `now_ms`.
    pub async fn get(&self, store: &dyn MapStore, now_ms: i64) -> StoreResult<Arc<TileIndex>> {
        if let Some((index, checked)) = self.cached()
            && checked.elapsed() < store.version_check_interval()
            && now_ms <= index.sale_valid_until()
        {
            return Ok(index);
        }
        let version = store.data_version().await?;
        if let Some((index, _)) = self.cached()
            && index.is_current(&version, now_ms)
        {
            self.confirm(&index);
            return Ok(index);
        }
        let _only_one = self.rebuilding.lock().await;
        // Asked again under the lock: a request that waited must not build
        // for a version older than the one built while it waited.
        let version = store.data_version().await?;
        if let Some((index, _)) = self.cached()
            && index.is_current(&version, now_ms)
        {
            return Ok(index);
        }
        let started = Instant::now();
        // Read after the version: the data is at least that new, and a newer
        // version is seen (and rebuilt for) at the next check.
        let facts = store.city_tiles().await?;
        // About 100 ms of CPU: off the async workers, like the renderer.
        let index = tokio::task::spawn_blocking(move || TileIndex::build(&facts, version, now_ms))
            .await
            .map(Arc::new)
            .map_err(|e| StoreError::Corrupt(format!("building the tile index failed: {e}")))?;
        tracing::info!(
            data_version = index.data_version(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "map tile index built"
        );
        self.keep(index.clone());
        Ok(index)
    }
}
