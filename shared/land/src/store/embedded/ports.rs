//! The embedded store answering each route family's port.

use std::collections::HashSet;

use async_trait::async_trait;

use super::EmbeddedLand;
use super::index::LandIndex;
use crate::bids::BidStore;
use crate::districts::DistrictStore;
use crate::domain::bid::{Bid, BidStatus};
use crate::domain::coords::{Area, Coord};
use crate::domain::district::{self, Contribution, District};
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
use platform::store::{StoreError, StoreResult};

fn parcels_in(index: &LandIndex, area: Area, now_ms: i64) -> Vec<Parcel> {
    area.coords()
        .filter_map(|c| index.parcel(c, now_ms))
        .collect()
}

#[async_trait]
impl ParcelStore for EmbeddedLand {
    async fn parcel(&self, at: Coord, now_ms: i64) -> StoreResult<Option<Parcel>> {
        Ok(self.snapshot().index.parcel(at, now_ms))
    }

    async fn parcels_in(&self, area: Area, now_ms: i64) -> StoreResult<Vec<Parcel>> {
        Ok(parcels_in(&self.snapshot().index, area, now_ms))
    }

    async fn list_parcels(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Parcel>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let page = index.parcel_listing.page(query, now_ms);
        Ok(Page {
            total: page.total,
            items: page
                .items
                .into_iter()
                .filter_map(|(id, publication)| {
                    let at: Coord = id.parse().ok()?;
                    Some(Parcel {
                        publication: Some(publication.clone()),
                        ..index.parcels[at.index()].clone()?
                    })
                })
                .collect(),
        })
    }

    async fn parcels_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Parcel>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let found = index
            .parcels_by_address
            .get(address)
            .map_or(&[][..], Vec::as_slice);
        Ok(found
            .iter()
            .filter_map(|&i| {
                let parcel = index.parcels[i].as_ref()?;
                let shown = publication::shown_for(
                    index.publications_of(AssetType::Parcel, &parcel.id),
                    status,
                    now_ms,
                )?;
                Some(Parcel {
                    publication: shown.cloned(),
                    ..parcel.clone()
                })
            })
            .collect())
    }
}

#[async_trait]
impl EstateStore for EmbeddedLand {
    async fn estate(&self, id: &str, now_ms: i64) -> StoreResult<Option<Estate>> {
        Ok(self.snapshot().index.estate(id, now_ms))
    }

    async fn list_estates(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Estate>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let page = index.estate_listing.page(query, now_ms);
        Ok(Page {
            total: page.total,
            items: page
                .items
                .into_iter()
                .filter_map(|(id, publication)| {
                    Some(Estate {
                        publication: Some(publication.clone()),
                        ..index.estates[*index.estate_by_id.get(id)?].clone()
                    })
                })
                .collect(),
        })
    }

    async fn estates_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Estate>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let found = index
            .estates_by_address
            .get(address)
            .map_or(&[][..], Vec::as_slice);
        Ok(found
            .iter()
            .map(|&i| &index.estates[i])
            .filter(|e| !e.is_dissolved())
            .filter_map(|e| {
                let shown = publication::shown_for(
                    index.publications_of(AssetType::Estate, &e.id),
                    status,
                    now_ms,
                )?;
                Some(Estate {
                    publication: shown.cloned(),
                    ..e.clone()
                })
            })
            .collect())
    }
}

#[async_trait]
impl BidStore for EmbeddedLand {
    async fn bid(&self, id: &str) -> StoreResult<Option<Bid>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        Ok(index.bid_by_id.get(id).map(|&i| index.bids[i].clone()))
    }

    async fn bids_of(&self, address: &str, status: &AnyOf<BidStatus>) -> StoreResult<Vec<Bid>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let found = index
            .bids_by_address
            .get(address)
            .map_or(&[][..], Vec::as_slice);
        Ok(found
            .iter()
            .map(|&i| &index.bids[i])
            .filter(|b| status.allows(b.status))
            .cloned()
            .collect())
    }

    async fn bids_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<BidStatus>,
        bidder: Option<&str>,
    ) -> StoreResult<Option<Vec<Bid>>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        if asset_type == AssetType::Estate && !index.estate_by_id.contains_key(asset_id) {
            return Ok(None);
        }
        let found = index
            .bids_by_asset
            .get(&(asset_type, asset_id.to_string()))
            .map_or(&[][..], Vec::as_slice);
        Ok(found
            .iter()
            .map(|&i| &index.bids[i])
            .filter(|b| status.allows(b.status))
            .filter(|b| bidder.is_none_or(|a| b.bidder == a))
            .cloned()
            .collect::<Vec<_>>()
            .into())
    }

    async fn bid_assets(
        &self,
        address: &str,
        status: &AnyOf<BidStatus>,
        now_ms: i64,
    ) -> StoreResult<Vec<Asset>> {
        // One snapshot for the bids and their assets: a reload in between
        // must not join old bids to new assets.
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let bids = index
            .bids_by_address
            .get(address)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &index.bids[i])
            .filter(|b| status.allows(b.status));
        let mut seen = HashSet::new();
        Ok(bids
            .filter(|b| seen.insert((b.asset_type, b.asset_id.as_str())))
            .filter_map(|b| match b.asset_type {
                AssetType::Parcel => index
                    .parcel(b.asset_id.parse().ok()?, now_ms)
                    .map(Asset::Parcel),
                AssetType::Estate => index.estate(&b.asset_id, now_ms).map(Asset::Estate),
            })
            .collect())
    }
}

fn filter_mortgages<'a>(
    index: &'a LandIndex,
    found: Option<&'a Vec<usize>>,
    status: &AnyOf<MortgageStatus>,
) -> impl Iterator<Item = &'a Mortgage> {
    found
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .map(|&i| &index.mortgages[i])
        .filter(move |m| status.allows(m.status))
}

#[async_trait]
impl MortgageStore for EmbeddedLand {
    async fn mortgages_of(
        &self,
        borrower: &str,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        Ok(
            filter_mortgages(index, index.mortgages_by_borrower.get(borrower), status)
                .cloned()
                .collect(),
        )
    }

    async fn mortgages_on(
        &self,
        parcel: Coord,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        Ok(
            filter_mortgages(index, index.mortgages_by_parcel.get(&parcel.id()), status)
                .cloned()
                .collect(),
        )
    }

    async fn mortgaged_parcels(&self, borrower: &str, now_ms: i64) -> StoreResult<Vec<Parcel>> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let mut seen = HashSet::new();
        Ok(filter_mortgages(
            index,
            index.mortgages_by_borrower.get(borrower),
            &AnyOf::default(),
        )
        .filter(|m| m.status != MortgageStatus::Cancelled && m.asset_type == AssetType::Parcel)
        .filter(|m| seen.insert(m.asset_id.clone()))
        .filter_map(|m| index.parcel(m.asset_id.parse().ok()?, now_ms))
        .filter(|p| p.publication.is_some())
        .collect())
    }
}

#[async_trait]
impl PublicationStore for EmbeddedLand {
    async fn publication(&self, tx_hash: &str) -> StoreResult<Option<Publication>> {
        Ok(self.snapshot().index.publications.get(tx_hash).cloned())
    }

    async fn publications_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Publication>> {
        let snapshot = self.snapshot();
        Ok(snapshot
            .index
            .publications_of(asset_type, asset_id)
            .iter()
            .filter(|p| status.matches(p, now_ms))
            .cloned()
            .collect())
    }
}

#[async_trait]
impl DistrictStore for EmbeddedLand {
    async fn districts(&self) -> StoreResult<Vec<District>> {
        Ok(self.snapshot().index.districts.clone())
    }

    async fn district(&self, id: &str) -> StoreResult<Option<District>> {
        Ok(self
            .snapshot()
            .index
            .districts
            .iter()
            .find(|d| d.id == id)
            .cloned())
    }

    async fn contributions_of(&self, address: &str) -> StoreResult<Vec<Contribution>> {
        Ok(district::sum_per_district(
            address,
            self.snapshot().index.contributions.iter(),
        ))
    }
}

#[async_trait]
impl MapStore for EmbeddedLand {
    async fn assets_in(&self, area: Area, now_ms: i64) -> StoreResult<(Vec<Parcel>, Vec<Estate>)> {
        let snapshot = self.snapshot();
        let index = &snapshot.index;
        let parcels = parcels_in(index, area, now_ms);
        let mut estate_ids: Vec<&str> = parcels
            .iter()
            .filter_map(|p| p.estate_id.as_deref())
            .collect();
        estate_ids.sort_by(|a, b| estate_id_order(a, b));
        estate_ids.dedup();
        let estates = estate_ids
            .into_iter()
            .filter_map(|id| index.estate(id, now_ms))
            .collect();
        Ok((parcels, estates))
    }

    /// About 30 ms of CPU over the 90,601 parcels: on the blocking pool,
    /// like the index built from it and the renderer.
    async fn city_tiles(&self) -> StoreResult<CityTiles> {
        let snapshot = self.snapshot();
        tokio::task::spawn_blocking(move || {
            let index = &snapshot.index;
            let mut tiles = CityTiles::default();
            for parcel in index.parcels.iter().flatten() {
                tiles.set(
                    parcel,
                    index.publications_of(AssetType::Parcel, &parcel.id).iter(),
                );
            }
            tiles
        })
        .await
        .map_err(|e| StoreError::Corrupt(format!("reading the tile facts failed: {e}")))
    }

    async fn data_version(&self) -> StoreResult<String> {
        Ok(EmbeddedLand::data_version(self))
    }
}
