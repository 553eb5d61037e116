//! The data `cargo run` starts with: the real Genesis City layout plus a
//! generated, deterministic marketplace.

pub mod genesis;
pub mod market;

use land::store::LandDataset;

/// The seed of the default data set.
pub const DEFAULT_SEED: u64 = 2018;

/// Genesis City with a marketplace generated from `seed`.
pub fn genesis_city(seed: u64) -> LandDataset {
    genesis_city_sized(seed, 1)
}

/// Genesis City with a marketplace `market_size` times the default one
/// (benchmarks: how costs grow with the market).
pub fn genesis_city_sized(seed: u64, market_size: u32) -> LandDataset {
    let layout = genesis::layout();
    let market = market::generate(seed, &layout, market_size);
    LandDataset {
        districts: layout.districts,
        contributions: genesis::contributions(),
        parcels: market.parcels,
        estates: market.estates,
        publications: market.publications,
        bids: market.bids,
        mortgages: market.mortgages,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use land::domain::coords::PARCEL_COUNT;
    use land::domain::publication::PublicationStatus;

    #[test]
    fn the_same_seed_gives_the_same_data() {
        let a = genesis_city(7);
        let b = genesis_city(7);
        assert_eq!(a, b);
        assert_ne!(a.publications, genesis_city(8).publications);
    }

    #[test]
    fn a_larger_market_has_that_many_more_listings() {
        let open = |data: &LandDataset| {
            data.publications
                .iter()
                .filter(|p| p.status == land::domain::publication::PublicationStatus::Open)
                .count()
        };
        let default = genesis_city(DEFAULT_SEED);
        let ten = genesis_city_sized(DEFAULT_SEED, 10);
        assert_eq!(ten.parcels.len(), default.parcels.len());
        let ratio = open(&ten) as f64 / open(&default) as f64;
        assert!((7.0..=11.0).contains(&ratio), "{ratio}");
    }

    #[test]
    fn a_whole_city_with_a_living_market() {
        let data = genesis_city(DEFAULT_SEED);
        assert_eq!(data.parcels.len(), PARCEL_COUNT);
        assert_eq!(data.districts.len(), 42);
        assert!(data.estates.len() > 300, "{} estates", data.estates.len());
        assert!(
            data.estates.iter().any(|e| e.data.parcels.is_empty()),
            "some estates are dissolved"
        );
        for status in [
            PublicationStatus::Open,
            PublicationStatus::Sold,
            PublicationStatus::Cancelled,
            PublicationStatus::FingerprintChanged,
        ] {
            assert!(
                data.publications.iter().any(|p| p.status == status),
                "{status:?}"
            );
        }
        let now = 1_780_000_000_000; // 2026
        assert!(
            data.publications
                .iter()
                .any(|p| p.status == PublicationStatus::Open && p.expires_at < now)
        );
        assert!(
            data.publications
                .iter()
                .any(|p| p.status == PublicationStatus::Open && p.expires_at >= now)
        );
        assert!(data.bids.len() >= 1000);
        assert!(data.mortgages.len() >= 100);
        // Every estate parcel points back at its estate.
        for e in &data.estates {
            for xy in &e.data.parcels {
                let p = &data.parcels[land::domain::coords::Coord { x: xy.x, y: xy.y }.index()];
                assert_eq!(p.estate_id.as_deref(), Some(e.id.as_str()));
                assert_eq!(p.owner.as_deref(), Some(e.owner.as_str()));
            }
        }
    }
}
