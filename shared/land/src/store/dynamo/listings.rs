//! Listings from memory: each asset type's `ListingIndex` is built once per
//! data version from the listing partitions and kept by the function, so a
//! listing request reads the data version (one GetItem) and its page's
//! assets (one BatchGetItem), whatever the market holds. After an import, a
//! function holding the version it started from reads only the assets it
//! wrote (the change item of that version names them).
//! See docs/dynamodb.md, "Listing cost".

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::{DynamoLand, items, keys};
use crate::domain::coords::{Coord, MAX, MIN};
use crate::domain::listing::ListingIndex;
use crate::domain::parcel::{Estate, Parcel, estate_id_order};
use crate::domain::publication::{AssetType, Publication, PublicationStatus};
use platform::dynamo::Query;
use platform::store::{StoreError, StoreResult};

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
/// ... doubling after each failure up to this.
const RETRY_AT_MOST: Duration = Duration::from_secs(60);

/// The last failed read of a listing: until `retry_at`, requests get the
/// previous version's listing, or this error when there is none.
struct Failure {
    /// The version that could not be read: a newer one is tried at once.
    version: String,
    retry_at: Instant,
    wait: Duration,
    error: String,
}

/// The listings a function keeps, one slot per asset type.
#[derive(Default)]
pub(super) struct ListingCache {
    parcels: Slot,
    estates: Slot,
}

#[derive(Default)]
struct Slot {
    current: RwLock<Option<Arc<Cached>>>,
    /// Held by the one request reading the listing; the last failure.
    reading: Mutex<Option<Failure>>,
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
        let mut failure = slot.reading.lock().await;
        // Read again: while this request waited, another may have read a
        // newer version, which an older one must not replace.
        let (version, from) = self.stored_meta().await?.unwrap_or_default();
        if let Some(hit) = slot.of_version(&version) {
            return Ok(hit);
        }
        if let Some(failed) = failure
            .as_ref()
            .filter(|f| f.version == version && Instant::now() < f.retry_at)
        {
            return match slot.current() {
                Some(previous) => Ok(previous),
                None => Err(StoreError::Unavailable(format!(
                    "the listing could not be read ({}); retrying shortly",
                    failed.error
                ))),
            };
        }
        let started = Instant::now();
        let units = self.read_units();
        // The imports since the version held, when the stored version's
        // import started from it; else (or if that read fails) everything.
        let changed = match slot.current() {
            Some(held) if from.as_deref() == Some(held.version.as_str()) => {
                match self.refreshed(asset_type, &held, now_ms).await {
                    Ok(found) => found,
                    Err(error) => {
                        tracing::warn!(?asset_type, version, %error,
                            "reading the changed assets failed; reading every listing entry");
                        None
                    }
                }
            }
            _ => None,
        };
        let read = match changed {
            Some(index) => Ok((index, "the assets the imports changed")),
            None => self
                .read_listing(asset_type, now_ms)
                .await
                .map(|index| (index, "every listing entry")),
        };
        match read {
            Ok((index, what)) => {
                tracing::info!(
                    ?asset_type,
                    version,
                    assets = index.assets(),
                    read = what,
                    read_units = self.read_units() - units,
                    took_ms = started.elapsed().as_millis() as u64,
                    "listing read for a new data version"
                );
                let fresh = Arc::new(Cached { version, index });
                *slot.current.write().unwrap_or_else(|e| e.into_inner()) = Some(fresh.clone());
                *failure = None;
                Ok(fresh)
            }
            Err(error) => {
                let wait = failure
                    .as_ref()
                    .map_or(RETRY_AFTER, |f| (f.wait * 2).min(RETRY_AT_MOST));
                *failure = Some(Failure {
                    version: version.clone(),
                    retry_at: Instant::now() + wait,
                    wait,
                    error: error.to_string(),
                });
                match slot.current() {
                    Some(previous) => {
                        tracing::warn!(
                            ?asset_type,
                            version,
                            listed_version = previous.version,
                            %error,
                            retry_in_s = wait.as_secs(),
                            "reading the listing of a new data version failed; \
                             serving the previous version's for now"
                        );
                        Ok(previous)
                    }
                    None => {
                        tracing::warn!(?asset_type, version, %error, retry_in_s = wait.as_secs(),
                            "reading the listing failed");
                        Err(error)
                    }
                }
            }
        }
    }

    /// `held` with the assets that imports from its version wrote read
    /// again from their items (which hold every publication of the asset,
    /// as its listing entries do); `None` when the imports' change item is
    /// missing or says `all`.
    async fn refreshed(
        &self,
        asset_type: AssetType,
        held: &Cached,
        now_ms: i64,
    ) -> StoreResult<Option<ListingIndex>> {
        let Some(item) = self.table.get(keys::changes(&held.version)).await? else {
            return Ok(None);
        };
        let Some(changed) = items::changed_ids(&item, asset_type) else {
            return Ok(None);
        };
        let changed: BTreeSet<String> = changed.into_iter().collect();
        let old = &held.index;
        let wanted = changed
            .iter()
            .filter_map(|id| keys::asset(asset_type, id))
            .collect();
        let mut assets: Vec<(String, Vec<Publication>)> = old
            .assets_with_publications()
            .filter(|(id, _)| !changed.contains(id))
            .collect();
        for item in self.table.batch_get(wanted).await? {
            match asset_type {
                AssetType::Parcel => {
                    let (parcel, pubs): (Parcel, Vec<Publication>) = items::asset(&item)?;
                    assets.push((parcel.id, pubs));
                }
                AssetType::Estate => {
                    let (estate, pubs): (Estate, Vec<Publication>) = items::asset(&item)?;
                    if !estate.is_dissolved() {
                        assets.push((estate.id, pubs));
                    }
                }
            }
        }
        sort_assets(asset_type, &mut assets);
        Ok(Some(ListingIndex::build(assets, now_ms)))
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
        sort_assets(asset_type, &mut assets);
        Ok(ListingIndex::build(assets, now_ms))
    }
}

/// The listing's tie-break order of assets.
fn sort_assets(asset_type: AssetType, assets: &mut [(String, Vec<Publication>)]) {
    match asset_type {
        AssetType::Parcel => assets.sort_unstable_by_key(|(id, _)| parcel_order(id)),
        AssetType::Estate => assets.sort_unstable_by(|(a, _), (b, _)| estate_id_order(a, b)),
    }
}

/// Parcels tie by (x, y); an id that is no coordinate (never written by the
/// import) goes last.
fn parcel_order(id: &str) -> (i32, i32) {
    id.parse::<Coord>()
        .map(|c| (c.x, c.y))
        .unwrap_or((MAX + 1, MIN))
}
