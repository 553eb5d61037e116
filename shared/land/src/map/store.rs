//! What the map family needs from storage.

use std::time::Duration;

use async_trait::async_trait;

use crate::domain::coords::Area;
use crate::domain::map::CityTiles;
use crate::domain::parcel::{Estate, Parcel};
use platform::store::StoreResult;

#[async_trait]
pub trait MapStore: Send + Sync {
    /// The parcels of the area (x ascending, y descending) and the estates
    /// owning any of them.
    async fn assets_in(&self, area: Area, now_ms: i64) -> StoreResult<(Vec<Parcel>, Vec<Estate>)>;

    /// What the map needs of every parcel of the city (kind, shape,
    /// publications): the PNG tile index is built from it once per data version.
    async fn city_tiles(&self) -> StoreResult<CityTiles>;

    /// The version of the stored data; it changes with every write.
    async fn data_version(&self) -> StoreResult<String>;

    /// How long a read data version may be trusted before asking again: 0 for
    /// an in-process store, a few seconds where asking costs a round trip.
    fn version_check_interval(&self) -> Duration {
        Duration::ZERO
    }
}
