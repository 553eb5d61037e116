//! Writing records into the table: merged with what is there (an asset keeps
//! the publications it had), written in batches of 25 with several batches in
//! flight, unprocessed items retried with backoff.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_dynamodb::types::{AttributeValue, DeleteRequest, PutRequest, WriteRequest};
use futures::{TryStreamExt, stream};

use super::items;
use super::{DynamoLand, keys};
use crate::domain::map::CityTiles;
use crate::domain::parcel::{Estate, Parcel};
use crate::domain::publication::{AssetType, Publication};
use platform::dynamo::{Item, MAX_RETRIES, Query, backoff, key, unavailable};
use platform::store::{StoreError, StoreResult};

use crate::store::{LandDataset, Record};

/// Items per BatchWriteItem (the service's limit).
const BATCH_WRITE: usize = 25;
/// Batches in flight at once.
const IN_FLIGHT: usize = 8;

/// Called with (items written, items to write) as the import goes.
pub type ImportProgress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub records: usize,
    pub items_written: usize,
    pub version: String,
}

type AssetKey = (AssetType, String);

fn addresses_of_parcel(p: &Parcel) -> BTreeSet<String> {
    [&p.owner, &p.operator, &p.update_operator]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

fn addresses_of_estate(e: &Estate) -> BTreeSet<String> {
    [
        Some(&e.owner),
        e.operator.as_ref(),
        e.update_operator.as_ref(),
    ]
    .into_iter()
    .flatten()
    .cloned()
    .collect()
}

impl DynamoLand {
    /// The data version stored with the data (`None` on an empty table).
    pub async fn stored_version(&self) -> StoreResult<Option<String>> {
        Ok(self.stored_meta().await?.map(|(version, _)| version))
    }

    /// The data version, and the version the import that wrote it started
    /// from (`None` for the first import).
    pub(super) async fn stored_meta(&self) -> StoreResult<Option<(String, Option<String>)>> {
        let Some(item) = self.table.get(keys::meta()).await? else {
            return Ok(None);
        };
        let text = |name: &str| item.get(name).and_then(|v| v.as_s().ok()).cloned();
        Ok(text(items::META_VERSION).map(|version| (version, text(items::META_PREVIOUS))))
    }

    /// Notes, before any data is written, which parcels and estates an
    /// import from `previous` writes: in one item per starting version, to
    /// which every import from it adds (a failed or overlapping one too), so
    /// a function holding that version's listing reads what changed.
    async fn note_changes(
        &self,
        previous: &str,
        parcels: &BTreeMap<AssetKey, Parcel>,
        estates: &BTreeMap<AssetKey, Estate>,
    ) -> StoreResult<()> {
        let (pk, sk) = keys::changes(previous);
        let mut update = self
            .table
            .client()
            .update_item()
            .table_name(self.table.name())
            .key(keys::PK, AttributeValue::S(pk))
            .key(keys::SK, AttributeValue::S(sk))
            .expression_attribute_names("#noted", "noted");
        let mut expression = "SET #noted = :true".to_string();
        if parcels.len() + estates.len() > items::MAX_LISTED_CHANGES {
            expression.push_str(", #all = :true");
            update = update.expression_attribute_names("#all", items::CHANGES_ALL);
        } else {
            let mut adds = Vec::new();
            let ids = |keys: &mut dyn Iterator<Item = &AssetKey>| -> Vec<String> {
                keys.map(|(_, id)| id.clone()).collect()
            };
            for (name, ids) in [
                (items::CHANGES_PARCELS, ids(&mut parcels.keys())),
                (items::CHANGES_ESTATES, ids(&mut estates.keys())),
            ] {
                // A string set is never empty.
                if !ids.is_empty() {
                    adds.push(format!("#{name} :{name}"));
                    update = update
                        .expression_attribute_names(format!("#{name}"), name)
                        .expression_attribute_values(format!(":{name}"), AttributeValue::Ss(ids));
                }
            }
            if !adds.is_empty() {
                expression.push_str(&format!(" ADD {}", adds.join(", ")));
            }
        }
        update
            .update_expression(expression)
            .expression_attribute_values(":true", AttributeValue::Bool(true))
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    /// Upserts records (same keys and meaning as the embedded store's import).
    pub async fn import(
        &self,
        records: Vec<Record>,
        progress: ImportProgress<'_>,
    ) -> StoreResult<ImportReport> {
        let count = records.len();
        let mut incoming = LandDataset::default();
        incoming.upsert(records);
        let meta = self.stored_meta().await?;
        let before_previous = meta.as_ref().and_then(|(_, p)| p.clone());
        let previous = meta.map(|(version, _)| version);

        let mut parcels: BTreeMap<AssetKey, Parcel> = incoming
            .parcels
            .iter()
            .map(|p| ((AssetType::Parcel, p.id.clone()), p.clone()))
            .collect();
        let mut estates: BTreeMap<AssetKey, Estate> = incoming
            .estates
            .iter()
            .map(|e| ((AssetType::Estate, e.id.clone()), e.clone()))
            .collect();
        let mut publications: BTreeMap<AssetKey, BTreeMap<String, Publication>> = BTreeMap::new();
        for p in &incoming.publications {
            publications
                .entry((p.asset_type, p.asset_id.clone()))
                .or_default()
                .insert(p.tx_hash.clone(), p.clone());
        }

        // What the table holds for the touched assets, unless it is empty.
        // Keys the table may hold that the merged data no longer needs.
        let mut old_links: Vec<(String, String)> = Vec::new();
        let mut old_listings: BTreeSet<(String, String)> = BTreeSet::new();
        if previous.is_some() {
            let touched: BTreeSet<AssetKey> = parcels
                .keys()
                .chain(estates.keys())
                .chain(publications.keys())
                .cloned()
                .collect();
            let wanted = touched
                .iter()
                .filter_map(|(t, id)| keys::asset(*t, id))
                .collect();
            for item in self.table.batch_get(wanted).await? {
                let old_pubs = merge_existing(
                    &item,
                    &mut parcels,
                    &mut estates,
                    &mut publications,
                    &mut old_links,
                )?;
                old_listings.extend(old_pubs.iter().map(items::listing_key));
            }
        }

        let mut writes: Vec<WriteRequest> = Vec::new();
        let put = |item: Item| -> StoreResult<WriteRequest> {
            Ok(WriteRequest::builder()
                .put_request(
                    PutRequest::builder()
                        .set_item(Some(item))
                        .build()
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                )
                .build())
        };
        let mut new_links: BTreeSet<(String, String)> = BTreeSet::new();
        let mut listed: BTreeSet<AssetKey> = BTreeSet::new();
        for (key, parcel) in &parcels {
            let pubs = sorted(publications.get(key));
            writes.push(put(items::parcel(parcel, &pubs)?)?);
            listed.insert(key.clone());
            for address in addresses_of_parcel(parcel) {
                new_links.insert((address, format!("{}{}", keys::PARCEL_LINK, parcel.id)));
            }
        }
        for (key, estate) in &estates {
            let pubs = sorted(publications.get(key));
            writes.push(put(items::estate(estate, &pubs)?)?);
            if !estate.is_dissolved() {
                listed.insert(key.clone());
            }
            for address in addresses_of_estate(estate) {
                new_links.insert((address, format!("{}{}", keys::ESTATE_LINK, estate.id)));
            }
        }
        let mut new_listings: BTreeSet<(String, String)> = BTreeSet::new();
        for (key, pubs) in &publications {
            for p in pubs.values() {
                writes.push(put(items::publication(p)?)?);
                if listed.contains(key) {
                    new_listings.insert(items::listing_key(p));
                    writes.push(put(items::listing_entry(p)?)?);
                }
            }
        }
        for (pk, sk) in old_listings.difference(&new_listings) {
            writes.push(delete(key(pk.clone(), sk.clone()))?);
        }
        for (address, sk) in &new_links {
            writes.push(put(items::address_link(address, sk.clone()))?);
        }
        for (address, sk) in old_links {
            if !new_links.contains(&(address.clone(), sk.clone())) {
                writes.push(delete(items::address_link(&address, sk))?);
            }
        }
        for bid in &incoming.bids {
            for item in items::bid(bid)? {
                writes.push(put(item)?);
            }
        }
        for m in &incoming.mortgages {
            for item in items::mortgage(m)? {
                writes.push(put(item)?);
            }
        }
        for d in &incoming.districts {
            writes.push(put(items::district(d)?)?);
        }
        for c in &incoming.contributions {
            writes.push(put(items::contribution(c)?)?);
        }

        let version = match &previous {
            None => incoming.fingerprint(),
            Some(old) => {
                use std::hash::{Hash, Hasher};
                let mut hasher = std::collections::hash_map::DefaultHasher::new();
                (old, incoming.fingerprint()).hash(&mut hasher);
                format!("{:016x}", hasher.finish())
            }
        };
        // The map's tile facts of the new version: the previous ones with the
        // touched parcels replaced (merged publications included).
        let mut tiles = match &previous {
            Some(old) => self.city_tiles_of(old).await?,
            None => CityTiles::default(),
        };
        for (key, parcel) in &parcels {
            tiles.set(parcel, sorted(publications.get(key)).iter());
        }
        for item in items::tiles(&version, &tiles.to_bytes()) {
            writes.push(put(item)?);
        }

        // What changes, for functions holding the previous version's listing.
        if let Some(old) = &previous {
            self.note_changes(old, &parcels, &estates).await?;
        }

        let written = self.write_all(writes, progress).await?;
        // The version goes last: readers never see it before the data.
        self.write_all(
            vec![put(items::meta(&version, previous.as_deref()))?],
            &|_, _| {},
        )
        .await?;
        if let Some(old) = previous.filter(|old| *old != version) {
            let stale = self
                .table
                .query(Query::partition(keys::tiles(&old)))
                .await?;
            let deletes = stale
                .into_iter()
                .filter_map(|item| {
                    Some(key(
                        item.get(keys::PK)?.as_s().ok()?.clone(),
                        item.get(keys::SK)?.as_s().ok()?.clone(),
                    ))
                })
                .map(delete)
                .collect::<StoreResult<Vec<_>>>()?;
            self.write_all(deletes, &|_, _| {}).await?;
            // The changes from the version before the previous one: a
            // function holding it reads the whole listing anyway.
            if let Some(older) = before_previous.filter(|older| *older != version) {
                let (pk, sk) = keys::changes(&older);
                self.write_all(vec![delete(key(pk, sk))?], &|_, _| {})
                    .await?;
            }
        }
        Ok(ImportReport {
            records: count,
            items_written: written,
            version,
        })
    }

    async fn write_all(
        &self,
        writes: Vec<WriteRequest>,
        progress: ImportProgress<'_>,
    ) -> StoreResult<usize> {
        let total = writes.len() as u64;
        let done = std::sync::atomic::AtomicU64::new(0);
        let batches: Vec<Vec<WriteRequest>> = writes
            .chunks(BATCH_WRITE)
            .map(<[WriteRequest]>::to_vec)
            .collect();
        stream::iter(batches.into_iter().map(Ok::<_, StoreError>))
            .map_ok(|batch| async {
                let size = batch.len() as u64;
                self.write_batch(batch).await?;
                let now = done.fetch_add(size, std::sync::atomic::Ordering::Relaxed) + size;
                progress(now, total);
                Ok::<_, StoreError>(())
            })
            .try_buffer_unordered(IN_FLIGHT)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(total as usize)
    }

    async fn write_batch(&self, mut batch: Vec<WriteRequest>) -> StoreResult<()> {
        let mut attempt = 0;
        while !batch.is_empty() {
            let out = self
                .table
                .client()
                .batch_write_item()
                .request_items(self.table.name(), std::mem::take(&mut batch))
                .send()
                .await
                .map_err(unavailable)?;
            batch = out
                .unprocessed_items
                .and_then(|mut u| u.remove(self.table.name()))
                .unwrap_or_default();
            if !batch.is_empty() {
                attempt += 1;
                if attempt > MAX_RETRIES {
                    return Err(StoreError::Unavailable(format!(
                        "{} items stayed unprocessed",
                        batch.len()
                    )));
                }
                tracing::warn!(
                    unprocessed = batch.len(),
                    attempt,
                    "BatchWriteItem: retrying unprocessed items"
                );
                backoff(attempt).await;
            }
        }
        Ok(())
    }
}

fn delete(key: Item) -> StoreResult<WriteRequest> {
    let request = DeleteRequest::builder()
        .set_key(Some(key))
        .build()
        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
    Ok(WriteRequest::builder().delete_request(request).build())
}

fn sorted(pubs: Option<&BTreeMap<String, Publication>>) -> Vec<Publication> {
    let mut list: Vec<Publication> = pubs
        .map(|m| m.values().cloned().collect())
        .unwrap_or_default();
    list.sort_by(Publication::newest_first);
    list
}

/// Folds an existing asset item into the incoming data: the incoming record
/// wins, publications are merged by tx hash, old address links are noted.
/// Returns the publications the item held.
fn merge_existing(
    item: &Item,
    parcels: &mut BTreeMap<AssetKey, Parcel>,
    estates: &mut BTreeMap<AssetKey, Estate>,
    publications: &mut BTreeMap<AssetKey, BTreeMap<String, Publication>>,
    old_links: &mut Vec<(String, String)>,
) -> StoreResult<Vec<Publication>> {
    let pk = item
        .get(keys::PK)
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    let is_estate = pk.starts_with("ESTATE#");
    let key = if is_estate {
        let (estate, pubs): (Estate, Vec<Publication>) = items::asset(item)?;
        let key = (AssetType::Estate, estate.id.clone());
        old_links.extend(
            addresses_of_estate(&estate)
                .into_iter()
                .map(|a| (a, format!("{}{}", keys::ESTATE_LINK, estate.id))),
        );
        estates.entry(key.clone()).or_insert(estate);
        (key, pubs)
    } else {
        let (parcel, pubs): (Parcel, Vec<Publication>) = items::asset(item)?;
        let key = (AssetType::Parcel, parcel.id.clone());
        old_links.extend(
            addresses_of_parcel(&parcel)
                .into_iter()
                .map(|a| (a, format!("{}{}", keys::PARCEL_LINK, parcel.id))),
        );
        parcels.entry(key.clone()).or_insert(parcel);
        (key, pubs)
    };
    let (key, pubs) = key;
    let merged = publications.entry(key).or_default();
    for p in &pubs {
        merged.entry(p.tx_hash.clone()).or_insert_with(|| p.clone());
    }
    Ok(pubs)
}
