//! What the parcels family needs from storage.

use async_trait::async_trait;

use crate::domain::coords::{Area, Coord};
use crate::domain::listing::{ListingQuery, Page};
use crate::domain::parcel::Parcel;
use crate::domain::publication::StatusFilter;
use crate::domain::status::AnyOf;
use platform::store::StoreResult;

/// Every parcel read carries its publication: the current one for single
/// reads, the one matching the filter for listings.
#[async_trait]
pub trait ParcelStore: Send + Sync {
    async fn parcel(&self, at: Coord, now_ms: i64) -> StoreResult<Option<Parcel>>;
    /// Every parcel of the area, x ascending then y descending.
    async fn parcels_in(&self, area: Area, now_ms: i64) -> StoreResult<Vec<Parcel>>;
    async fn list_parcels(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Parcel>>;
    /// Parcels the address owns or operates, optionally only those with a
    /// publication in `status`.
    async fn parcels_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Parcel>>;
}
