//! DynamoDB answering each route family's port. The rules (which publication
//! shows, filters, sort orders, pages) are the domain's, as on the embedded
//! store; this file only fetches.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use futures::{StreamExt, TryStreamExt, stream};

use super::items;
use super::{DynamoLand, keys};
use crate::bids::BidStore;
use crate::districts::DistrictStore;
use crate::domain::bid::{Bid, BidStatus};
use crate::domain::coords::{Area, Coord};
use crate::domain::district::{self, Contribution, ContributionRow, District};
use crate::domain::listing::{ListingQuery, Page};
use crate::domain::map::CityTiles;
use crate::domain::mortgage::{Mortgage, MortgageStatus};
use crate::domain::parcel::{Asset, Estate, Parcel, estate_id_order};
use crate::domain::publication::{self, AssetType, Publication, StatusFilter};
use crate::domain::status::AnyOf;
use crate::estates::EstateStore;
use crate::map::MapStore;
use crate::mortgages::MortgageStore;
use crate::parcels::ParcelStore;
use crate::publications::PublicationStore;
use platform::dynamo::{Item, Query};
use platform::store::{StoreError, StoreResult};

fn parcel_with_current(item: &Item, now_ms: i64) -> StoreResult<Parcel> {
    let (parcel, pubs): (Parcel, Vec<Publication>) = items::asset(item)?;
    Ok(Parcel {
        publication: publication::current(&pubs, now_ms).cloned(),
        ..parcel
    })
}

fn estate_with_current(item: &Item, now_ms: i64) -> StoreResult<Estate> {
    let (estate, pubs): (Estate, Vec<Publication>) = items::asset(item)?;
    Ok(Estate {
        publication: publication::current(&pubs, now_ms).cloned(),
        ..estate
    })
}

/// Column queries of one box in flight at once.
const COLUMNS_IN_FLIGHT: usize = 16;

impl DynamoLand {
    async fn parcels_at(&self, coords: impl IntoIterator<Item = Coord>) -> StoreResult<Vec<Item>> {
        self.table
            .batch_get(coords.into_iter().map(keys::parcel).collect())
            .await
    }

    async fn estates_by_id(&self, ids: impl IntoIterator<Item = String>) -> StoreResult<Vec<Item>> {
        self.table
            .batch_get(ids.into_iter().map(|id| keys::estate(&id)).collect())
            .await
    }

    /// The sort keys of an address's links with this prefix.
    async fn links(&self, address: &str, prefix: &str) -> StoreResult<Vec<String>> {
        let found = self
            .table
            .query(Query::prefixed(keys::address(address), prefix))
            .await?;
        Ok(found
            .iter()
            .filter_map(|item| {
                item.get(keys::SK)?
                    .as_s()
                    .ok()?
                    .strip_prefix(prefix)
                    .map(str::to_string)
            })
            .collect())
    }

    async fn area(&self, area: Area) -> StoreResult<Vec<Item>> {
        let columns = (area.min_x..=area.max_x).map(|x| {
            let query = Query::between(
                keys::parcel_column(x),
                keys::parcel_row(area.min_y),
                keys::parcel_row(area.max_y),
            );
            self.table.query(query.newest_first())
        });
        // At most COLUMNS_IN_FLIGHT queries at once (a tall box has up to 301
        // columns); `buffered` keeps the columns in x order.
        let columns: Vec<Vec<Item>> = stream::iter(columns)
            .buffered(COLUMNS_IN_FLIGHT)
            .try_collect()
            .await?;
        Ok(columns.into_iter().flatten().collect())
    }
}

impl DynamoLand {
    /// The tile facts the import stored for `version`; read from the parcels
    /// themselves (a Query per column) for data imported before they existed.
    pub(super) async fn city_tiles_of(&self, version: &str) -> StoreResult<CityTiles> {
        let chunks = self
            .table
            .query(Query::partition(keys::tiles(version)))
            .await?;
        if !chunks.is_empty() {
            return CityTiles::from_bytes(&items::tiles_blob(&chunks)?)
                .map_err(|e| StoreError::Corrupt(e.to_string()));
        }
        tracing::warn!(
            version,
            "no stored map tiles for this version; reading every parcel"
        );
        let mut tiles = CityTiles::default();
        for item in self.area(Area::CITY).await? {
            let (parcel, pubs): (Parcel, Vec<Publication>) = items::asset(&item)?;
            tiles.set(&parcel, pubs.iter());
        }
        Ok(tiles)
    }
}

#[async_trait]
impl ParcelStore for DynamoLand {
    async fn parcel(&self, at: Coord, now_ms: i64) -> StoreResult<Option<Parcel>> {
        self.table
            .get(keys::parcel(at))
            .await?
            .map(|item| parcel_with_current(&item, now_ms))
            .transpose()
    }

    async fn parcels_in(&self, area: Area, now_ms: i64) -> StoreResult<Vec<Parcel>> {
        self.area(area)
            .await?
            .iter()
            .map(|item| parcel_with_current(item, now_ms))
            .collect()
    }

    async fn list_parcels(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Parcel>> {
        let listing = self.listing(AssetType::Parcel, now_ms).await?;
        let page = listing.index.page(query, now_ms);
        let found = self
            .parcels_at(page.items.iter().filter_map(|(id, _)| id.parse().ok()))
            .await?;
        let mut parcels: HashMap<String, Parcel> = HashMap::new();
        for item in &found {
            let parcel: Parcel = items::record(item)?;
            parcels.insert(parcel.id.clone(), parcel);
        }
        let items = page
            .items
            .into_iter()
            .filter_map(|(id, publication)| {
                parcels.remove(id).map(|p| Parcel {
                    publication: Some(publication.clone()),
                    ..p
                })
            })
            .collect();
        Ok(Page {
            items,
            total: page.total,
        })
    }

    async fn parcels_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Parcel>> {
        let mut coords: Vec<Coord> = self
            .links(address, keys::PARCEL_LINK)
            .await?
            .iter()
            .filter_map(|id| id.parse().ok())
            .collect();
        coords.sort_by_key(|c| c.index());
        let mut parcels = Vec::new();
        for item in self.parcels_at(coords).await? {
            let (parcel, pubs): (Parcel, Vec<Publication>) = items::asset(&item)?;
            if let Some(publication) =
                publication::shown_for(&pubs, status, now_ms).map(Option::<&Publication>::cloned)
            {
                parcels.push(Parcel {
                    publication,
                    ..parcel
                });
            }
        }
        Ok(parcels)
    }
}

#[async_trait]
impl EstateStore for DynamoLand {
    async fn estate(&self, id: &str, now_ms: i64) -> StoreResult<Option<Estate>> {
        self.table
            .get(keys::estate(id))
            .await?
            .map(|item| estate_with_current(&item, now_ms))
            .transpose()
    }

    async fn list_estates(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Estate>> {
        let listing = self.listing(AssetType::Estate, now_ms).await?;
        let page = listing.index.page(query, now_ms);
        let found = self
            .estates_by_id(page.items.iter().map(|(id, _)| id.to_string()))
            .await?;
        let mut estates: HashMap<String, Estate> = HashMap::new();
        for item in &found {
            let estate: Estate = items::record(item)?;
            estates.insert(estate.id.clone(), estate);
        }
        let items = page
            .items
            .into_iter()
            .filter_map(|(id, publication)| {
                estates.remove(id).map(|e| Estate {
                    publication: Some(publication.clone()),
                    ..e
                })
            })
            .collect();
        Ok(Page {
            items,
            total: page.total,
        })
    }

    async fn estates_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Estate>> {
        let mut ids = self.links(address, keys::ESTATE_LINK).await?;
        ids.sort_by(|a, b| estate_id_order(a, b));
        let mut estates = Vec::new();
        for item in self.estates_by_id(ids).await? {
            let (estate, pubs): (Estate, Vec<Publication>) = items::asset(&item)?;
            if estate.is_dissolved() {
                continue;
            }
            if let Some(publication) =
                publication::shown_for(&pubs, status, now_ms).map(Option::<&Publication>::cloned)
            {
                estates.push(Estate {
                    publication,
                    ..estate
                });
            }
        }
        Ok(estates)
    }
}

fn sorted_bids(found: Vec<Item>) -> StoreResult<Vec<Bid>> {
    let mut bids: Vec<Bid> = found
        .iter()
        .map(items::record)
        .collect::<StoreResult<_>>()?;
    bids.sort_by(Bid::newest_first);
    Ok(bids)
}

#[async_trait]
impl BidStore for DynamoLand {
    async fn bid(&self, id: &str) -> StoreResult<Option<Bid>> {
        self.table
            .get(keys::bid(id))
            .await?
            .map(|item| items::record(&item))
            .transpose()
    }

    async fn bids_of(&self, address: &str, status: &AnyOf<BidStatus>) -> StoreResult<Vec<Bid>> {
        let found = self
            .table
            .query(Query::prefixed(keys::address(address), keys::BID_LINK))
            .await?;
        Ok(sorted_bids(found)?
            .into_iter()
            .filter(|b| status.allows(b.status))
            .collect())
    }

    async fn bids_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<BidStatus>,
        bidder: Option<&str>,
    ) -> StoreResult<Option<Vec<Bid>>> {
        let bids = self
            .table
            .query(Query::partition(keys::bids_on(asset_type, asset_id)));
        let (found, exists) = match asset_type {
            // Every parcel of the city exists: its coordinates were checked.
            AssetType::Parcel => (bids.await?, true),
            AssetType::Estate => {
                let (found, estate) =
                    futures::try_join!(bids, self.table.get(keys::estate(asset_id)))?;
                (found, estate.is_some())
            }
        };
        if !exists {
            return Ok(None);
        }
        Ok(Some(
            sorted_bids(found)?
                .into_iter()
                .filter(|b| status.allows(b.status))
                .filter(|b| bidder.is_none_or(|a| b.bidder == a))
                .collect(),
        ))
    }

    async fn bid_assets(
        &self,
        address: &str,
        status: &AnyOf<BidStatus>,
        now_ms: i64,
    ) -> StoreResult<Vec<Asset>> {
        let mut seen = HashSet::new();
        let wanted: Vec<(AssetType, String)> = self
            .bids_of(address, status)
            .await?
            .into_iter()
            .map(|b| (b.asset_type, b.asset_id))
            .filter(|key| seen.insert(key.clone()))
            .collect();
        let keys: Vec<(String, String)> = wanted
            .iter()
            .filter_map(|(t, id)| keys::asset(*t, id))
            .collect();
        let mut by_key: HashMap<(String, String), Item> = HashMap::new();
        for item in self.table.batch_get(keys).await? {
            if let (Some(pk), Some(sk)) = (
                item.get(keys::PK).and_then(|v| v.as_s().ok()),
                item.get(keys::SK).and_then(|v| v.as_s().ok()),
            ) {
                by_key.insert((pk.clone(), sk.clone()), item);
            }
        }
        wanted
            .iter()
            .filter_map(|(t, id)| Some((*t, by_key.get(&keys::asset(*t, id)?)?)))
            .map(|(t, item)| match t {
                AssetType::Parcel => parcel_with_current(item, now_ms).map(Asset::Parcel),
                AssetType::Estate => estate_with_current(item, now_ms).map(Asset::Estate),
            })
            .collect()
    }
}

fn sorted_mortgages(
    found: Vec<Item>,
    status: &AnyOf<MortgageStatus>,
) -> StoreResult<Vec<Mortgage>> {
    let mut mortgages: Vec<Mortgage> = found
        .iter()
        .map(items::record)
        .collect::<StoreResult<_>>()?;
    mortgages.retain(|m| status.allows(m.status));
    mortgages.sort_by(Mortgage::newest_first);
    Ok(mortgages)
}

#[async_trait]
impl MortgageStore for DynamoLand {
    async fn mortgages_of(
        &self,
        borrower: &str,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>> {
        sorted_mortgages(
            self.table
                .query(Query::partition(keys::borrower(borrower)))
                .await?,
            status,
        )
    }

    async fn mortgages_on(
        &self,
        parcel: Coord,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>> {
        sorted_mortgages(
            self.table
                .query(Query::partition(keys::mortgages_on(&parcel.id())))
                .await?,
            status,
        )
    }

    async fn mortgaged_parcels(&self, borrower: &str, now_ms: i64) -> StoreResult<Vec<Parcel>> {
        let mut seen = HashSet::new();
        let coords: Vec<Coord> = self
            .mortgages_of(borrower, &AnyOf::default())
            .await?
            .into_iter()
            .filter(|m| m.status != MortgageStatus::Cancelled && m.asset_type == AssetType::Parcel)
            .filter(|m| seen.insert(m.asset_id.clone()))
            .filter_map(|m| m.asset_id.parse().ok())
            .collect();
        let mut parcels = Vec::new();
        for item in self.parcels_at(coords).await? {
            let parcel = parcel_with_current(&item, now_ms)?;
            if parcel.publication.is_some() {
                parcels.push(parcel);
            }
        }
        Ok(parcels)
    }
}

#[async_trait]
impl PublicationStore for DynamoLand {
    async fn publication(&self, tx_hash: &str) -> StoreResult<Option<Publication>> {
        self.table
            .get(keys::publication(tx_hash))
            .await?
            .map(|item| items::record(&item))
            .transpose()
    }

    async fn publications_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Publication>> {
        let Some(key) = keys::asset(asset_type, asset_id) else {
            return Ok(Vec::new());
        };
        let Some(item) = self.table.get(key).await? else {
            return Ok(Vec::new());
        };
        let pubs: Vec<Publication> = if item.contains_key(keys::PUBLICATIONS) {
            items::read(&item, keys::PUBLICATIONS)?
        } else {
            Vec::new()
        };
        Ok(pubs
            .into_iter()
            .filter(|p| status.matches(p, now_ms))
            .collect())
    }
}

#[async_trait]
impl DistrictStore for DynamoLand {
    async fn districts(&self) -> StoreResult<Vec<District>> {
        self.table
            .query(Query::partition(keys::DISTRICTS))
            .await?
            .iter()
            .map(items::record)
            .collect()
    }

    async fn district(&self, id: &str) -> StoreResult<Option<District>> {
        self.table
            .get((keys::DISTRICTS.to_string(), id.to_string()))
            .await?
            .map(|item| items::record(&item))
            .transpose()
    }

    async fn contributions_of(&self, address: &str) -> StoreResult<Vec<Contribution>> {
        let rows: Vec<ContributionRow> = self
            .table
            .query(Query::prefixed(keys::address(address), keys::CONTRIBUTION))
            .await?
            .iter()
            .map(items::record)
            .collect::<StoreResult<_>>()?;
        Ok(district::sum_per_district(address, rows.iter()))
    }
}

#[async_trait]
impl MapStore for DynamoLand {
    async fn assets_in(&self, area: Area, now_ms: i64) -> StoreResult<(Vec<Parcel>, Vec<Estate>)> {
        let parcels = self.parcels_in(area, now_ms).await?;
        let mut ids: Vec<String> = parcels.iter().filter_map(|p| p.estate_id.clone()).collect();
        ids.sort_by(|a, b| estate_id_order(a, b));
        ids.dedup();
        let estates = self
            .estates_by_id(ids)
            .await?
            .iter()
            .map(|item| estate_with_current(item, now_ms))
            .collect::<StoreResult<_>>()?;
        Ok((parcels, estates))
    }

    async fn city_tiles(&self) -> StoreResult<CityTiles> {
        let version = self.stored_version().await?.unwrap_or_default();
        self.city_tiles_of(&version).await
    }

    async fn data_version(&self) -> StoreResult<String> {
        Ok(self.stored_version().await?.unwrap_or_default())
    }

    /// One GetItem per check: a warm function asks at most this often.
    fn version_check_interval(&self) -> Duration {
        Duration::from_secs(5)
    }
}
