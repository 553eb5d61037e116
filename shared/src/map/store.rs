//! What the map family needs from storage.

use async_trait::async_trait;

use crate::domain::coords::Area;
use crate::domain::parcel::{Estate, Parcel};
use crate::store::StoreResult;

#[async_trait]
pub trait MapStore: Send + Sync {
    /// The parcels of the area (x ascending, y descending) and the estates
    /// owning any of them.
    async fn assets_in(&self, area: Area, now_ms: i64) -> StoreResult<(Vec<Parcel>, Vec<Estate>)>;
}
