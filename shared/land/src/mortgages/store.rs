//! What the mortgages family needs from storage.

use async_trait::async_trait;

use crate::domain::coords::Coord;
use crate::domain::mortgage::{Mortgage, MortgageStatus};
use crate::domain::parcel::Parcel;
use crate::domain::status::AnyOf;
use platform::store::StoreResult;

#[async_trait]
pub trait MortgageStore: Send + Sync {
    /// Mortgages the address requested, newest first.
    async fn mortgages_of(
        &self,
        borrower: &str,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>>;
    async fn mortgages_on(
        &self,
        parcel: Coord,
        status: &AnyOf<MortgageStatus>,
    ) -> StoreResult<Vec<Mortgage>>;
    /// Parcels with a mortgage of the borrower that is not cancelled and that
    /// have a publication.
    async fn mortgaged_parcels(&self, borrower: &str, now_ms: i64) -> StoreResult<Vec<Parcel>>;
}
