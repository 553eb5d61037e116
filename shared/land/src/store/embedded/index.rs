//! In-memory indexes over a `LandDataset`, answering every family's queries
//! without a scan where an index fits.

use std::collections::HashMap;

use crate::domain::bid::Bid;
use crate::domain::coords::{Coord, MAX, MIN, PARCEL_COUNT};
use crate::domain::district::{ContributionRow, District};
use crate::domain::listing::ListingIndex;
use crate::domain::mortgage::Mortgage;
use crate::domain::parcel::{Estate, Parcel, estate_id_order};
use crate::domain::publication::{self, AssetType, Publication};
use crate::store::LandDataset;

type AssetKey = (AssetType, String);

pub struct LandIndex {
    /// Parcels by `Coord::index`.
    pub parcels: Vec<Option<Parcel>>,
    /// Estates in numeric id order.
    pub estates: Vec<Estate>,
    pub estate_by_id: HashMap<String, usize>,
    pub publications: HashMap<String, Publication>,
    /// Every publication of an asset, newest first.
    pub publications_by_asset: HashMap<AssetKey, Vec<Publication>>,
    pub bids: Vec<Bid>,
    pub bid_by_id: HashMap<String, usize>,
    pub bids_by_asset: HashMap<AssetKey, Vec<usize>>,
    pub bids_by_address: HashMap<String, Vec<usize>>,
    pub mortgages: Vec<Mortgage>,
    pub mortgages_by_borrower: HashMap<String, Vec<usize>>,
    pub mortgages_by_parcel: HashMap<String, Vec<usize>>,
    pub parcels_by_address: HashMap<String, Vec<usize>>,
    pub estates_by_address: HashMap<String, Vec<usize>>,
    pub districts: Vec<District>,
    pub contributions: Vec<ContributionRow>,
    /// Parcels with publications, ties broken by (x, y).
    pub parcel_listing: ListingIndex,
    /// Estates that are not dissolved with publications, ties broken by numeric id.
    pub estate_listing: ListingIndex,
}

fn push_unique<K: std::hash::Hash + Eq>(map: &mut HashMap<K, Vec<usize>>, key: K, i: usize) {
    let list = map.entry(key).or_default();
    if list.last() != Some(&i) {
        list.push(i);
    }
}

impl LandIndex {
    /// `now_ms` only splits the listings' `open` rows into live and expired
    /// (see `ListingIndex`): any time gives the same answers.
    pub fn build(data: &LandDataset, now_ms: i64) -> Self {
        let mut parcels = vec![None; PARCEL_COUNT];
        let mut parcels_by_address = HashMap::new();
        for parcel in &data.parcels {
            let Ok(at) = Coord::new(parcel.x.into(), parcel.y.into()) else {
                continue;
            };
            let i = at.index();
            for addr in [&parcel.owner, &parcel.operator, &parcel.update_operator]
                .into_iter()
                .flatten()
            {
                push_unique(&mut parcels_by_address, addr.clone(), i);
            }
            parcels[i] = Some(parcel.clone());
        }
        for list in parcels_by_address.values_mut() {
            list.sort_unstable();
            list.dedup();
        }

        let mut estates = data.estates.clone();
        estates.sort_by(|a, b| estate_id_order(&a.id, &b.id));
        let estate_by_id = estates
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let mut estates_by_address = HashMap::new();
        for (i, estate) in estates.iter().enumerate() {
            for addr in [
                Some(&estate.owner),
                estate.operator.as_ref(),
                estate.update_operator.as_ref(),
            ]
            .into_iter()
            .flatten()
            {
                push_unique(&mut estates_by_address, addr.clone(), i);
            }
        }

        let mut publications_by_asset: HashMap<AssetKey, Vec<Publication>> = HashMap::new();
        for p in &data.publications {
            publications_by_asset
                .entry((p.asset_type, p.asset_id.clone()))
                .or_default()
                .push(p.clone());
        }
        for list in publications_by_asset.values_mut() {
            list.sort_by(Publication::newest_first);
        }
        let publications = data
            .publications
            .iter()
            .map(|p| (p.tx_hash.clone(), p.clone()))
            .collect();

        let mut bids = data.bids.clone();
        bids.sort_by(Bid::newest_first);
        let bid_by_id = bids
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        let mut bids_by_asset = HashMap::new();
        let mut bids_by_address = HashMap::new();
        for (i, bid) in bids.iter().enumerate() {
            push_unique(
                &mut bids_by_asset,
                (bid.asset_type, bid.asset_id.clone()),
                i,
            );
            push_unique(&mut bids_by_address, bid.bidder.clone(), i);
            push_unique(&mut bids_by_address, bid.seller.clone(), i);
        }

        let mut mortgages = data.mortgages.clone();
        mortgages.sort_by(Mortgage::newest_first);
        let mut mortgages_by_borrower = HashMap::new();
        let mut mortgages_by_parcel = HashMap::new();
        for (i, m) in mortgages.iter().enumerate() {
            push_unique(&mut mortgages_by_borrower, m.borrower.clone(), i);
            if m.asset_type == AssetType::Parcel {
                push_unique(&mut mortgages_by_parcel, m.asset_id.clone(), i);
            }
        }

        // Each parcel with the publications of its own id (as it shows them
        // itself), x then y: the listing's tie-break order.
        let parcel_listing = ListingIndex::build(
            (MIN..=MAX)
                .flat_map(|x| (MIN..=MAX).map(move |y| Coord { x, y }))
                .filter_map(|at| {
                    let parcel = parcels[at.index()].as_ref()?;
                    let key = (AssetType::Parcel, parcel.id.clone());
                    Some((parcel.id.clone(), publications_by_asset.get(&key)?.clone()))
                }),
            now_ms,
        );
        let estate_listing = ListingIndex::build(
            estates.iter().filter(|e| !e.is_dissolved()).map(|e| {
                let key = (AssetType::Estate, e.id.clone());
                (
                    e.id.clone(),
                    publications_by_asset.get(&key).cloned().unwrap_or_default(),
                )
            }),
            now_ms,
        );

        Self {
            parcel_listing,
            estate_listing,
            parcels,
            estates,
            estate_by_id,
            publications,
            publications_by_asset,
            bids,
            bid_by_id,
            bids_by_asset,
            bids_by_address,
            mortgages,
            mortgages_by_borrower,
            mortgages_by_parcel,
            parcels_by_address,
            estates_by_address,
            districts: data.districts.clone(),
            contributions: data.contributions.clone(),
        }
    }

    pub fn publications_of(&self, asset_type: AssetType, asset_id: &str) -> &[Publication] {
        self.publications_by_asset
            .get(&(asset_type, asset_id.to_string()))
            .map_or(&[], Vec::as_slice)
    }

    /// The parcel at `at` with its current publication.
    pub fn parcel(&self, at: Coord, now_ms: i64) -> Option<Parcel> {
        let mut parcel = self.parcels[at.index()].clone()?;
        parcel.publication =
            publication::current(self.publications_of(AssetType::Parcel, &parcel.id), now_ms)
                .cloned();
        Some(parcel)
    }

    pub fn estate(&self, id: &str, now_ms: i64) -> Option<Estate> {
        let mut estate = self.estates.get(*self.estate_by_id.get(id)?)?.clone();
        estate.publication =
            publication::current(self.publications_of(AssetType::Estate, &estate.id), now_ms)
                .cloned();
        Some(estate)
    }
}
