//! Listings from memory: each asset type's `ListingIndex` is built once per
//! data version from the listing partitions and kept by the function, so a
//! listing request reads the data version (one GetItem) and its page's
//! assets (one BatchGetItem), whatever the market holds. See
//! docs/dynamodb.md, "Listing cost".

use std::collections::HashMap;
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{DynamoLand, items, keys};
use crate::domain::coords::{Coord, MAX, MIN};
use crate::domain::listing::ListingIndex;
use crate::domain::publication::{AssetType, Publication, PublicationStatus};
use platform::dynamo::Query;
use platform::store::StoreResult;

const STORED_STATUSES: [PublicationStatus; 4] = [
    PublicationStatus::Open,
    PublicationStatus::Sold,
    PublicationStatus::Cancelled,
    PublicationStatus::FingerprintChanged,
];

/// One listing index for one data version.
pub(super) struct Cached {
    pub version: String,
    pub index: ListingIndex,
}

/// After a failed read of the listing, requests are served the previous
/// version's for this long before one tries again.
const RETRY_AFTER: Duration = Duration::from_secs(1);

/// The listings a function keeps, one slot per asset type.
#[derive(Default)]
pub(super) struct ListingCache {
    parcels: Slot,
    estates: Slot,
}

#[derive(Default)]
struct Slot {
    current: RwLock<Option<Arc<Cached>>>,
    /// Held by the one request reading the listing; when the last read
    /// failed.
    reading: Mutex<Option<Instant>>,
}

impl Slot {
    fn current(&self) -> Option<Arc<Cached>> {
        self.current
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    fn of_version(&self, version: &str) -> Option<Arc<Cached>> {
        self.current().filter(|c| c.version == version)
    }
}

impl ListingCache {
    /// The cache of `table` in this process: a function builds its store
    /// once, but the tests and the local commands build one per request,
    /// and each would otherwise read the listings again.
    pub(super) fn of_table(table: &str) -> Arc<Self> {
        static TABLES: OnceLock<std::sync::Mutex<HashMap<String, Arc<ListingCache>>>> =
            OnceLock::new();
        let mut tables = TABLES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        tables.entry(table.to_string()).or_default().clone()
    }
}

impl std::fmt::Debug for ListingCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ListingCache")
    }
}

impl DynamoLand {
    /// The listing of `asset_type` as of the stored data version. A hit
    /// takes no lock; a miss is read by one request while the others wait
    /// for it.
    pub(super) async fn listing(
        &self,
        asset_type: AssetType,
        now_ms: i64,
    ) -> StoreResult<Arc<Cached>> {
        let slot = match asset_type {
            AssetType::Parcel => &self.listings.parcels,
            AssetType::Estate => &self.listings.estates,
        };
        let version = self.stored_version().await?.unwrap_or_default();
        if let Some(hit) = slot.of_version(&version) {
            return Ok(hit);
        }
        let mut failed_at = slot.reading.lock().await;
        // Read again: while this request waited, another may have read a
        // newer version, which an older one must not replace.
        let version = self.stored_version().await?.unwrap_or_default();
        if let Some(hit) = slot.of_version(&version) {
            return Ok(hit);
        }
        if let (Some(failed), Some(previous)) = (*failed_at, slot.current())
            && failed.elapsed() < RETRY_AFTER
        {
            return Ok(previous);
        }
        let started = Instant::now();
        match self.read_listing(asset_type, now_ms).await {
            Ok(index) => {
                tracing::info!(
                    ?asset_type,
                    version,
                    assets = index.assets(),
                    took_ms = started.elapsed().as_millis() as u64,
                    "listing read for a new data version"
                );
                let fresh = Arc::new(Cached { version, index });
                *slot.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
                *failed_at = None;
                Ok(fresh)
            }
            Err(error) => {
                *failed_at = Some(Instant::now());
                match slot.current() {
                    Some(previous) => {
                        tracing::warn!(
                            ?asset_type,
                            version,
                            listed_version = previous.version,
                            %error,
                            "reading the listing of a new data version failed; \
                             serving the previous version's for now"
                        );
                        Ok(previous)
                    }
                    None => Err(error),
                }
            }
        }
    }

    /// Every listed publication of the asset type (one Query per stored
    /// status, at once), grouped by asset in the listing's tie-break order.
    async fn read_listing(&self, asset_type: AssetType, now_ms: i64) -> StoreResult<ListingIndex> {
        let partitions = futures::future::try_join_all(STORED_STATUSES.map(|status| {
            self.table
                .query(Query::partition(keys::listing(asset_type, status)))
        }))
        .await?;
        let mut by_asset: HashMap<String, Vec<Publication>> = HashMap::new();
        for item in partitions.iter().flatten() {
            let publication: Publication = items::record(item)?;
            by_asset
                .entry(publication.asset_id.clone())
                .or_default()
                .push(publication);
        }
        let mut assets: Vec<(String, Vec<Publication>)> = by_asset.into_iter().collect();
        match asset_type {
            AssetType::Parcel => assets.sort_unstable_by_key(|(id, _)| parcel_order(id)),
            AssetType::Estate => assets
                .sort_unstable_by(|(a, _), (b, _)| crate::domain::parcel::estate_id_order(a, b)),
        }
        Ok(ListingIndex::build(assets, now_ms))
    }
}

/// Parcels tie by (x, y); an id that is no coordinate (never written by the
/// import) goes last.
fn parcel_order(id: &str) -> (i32, i32) {
    id.parse::<Coord>()
        .map(|c| (c.x, c.y))
        .unwrap_or((MAX + 1, MIN))
}
