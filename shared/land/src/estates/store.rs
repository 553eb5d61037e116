//! What the estates family needs from storage.

use async_trait::async_trait;

use crate::domain::listing::{ListingQuery, Page};
use crate::domain::parcel::Estate;
use crate::domain::publication::StatusFilter;
use crate::domain::status::AnyOf;
use platform::store::StoreResult;

#[async_trait]
pub trait EstateStore: Send + Sync {
    async fn estate(&self, id: &str, now_ms: i64) -> StoreResult<Option<Estate>>;
    /// Listed estates never include dissolved ones.
    async fn list_estates(&self, query: &ListingQuery, now_ms: i64) -> StoreResult<Page<Estate>>;
    async fn estates_of(
        &self,
        address: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Estate>>;
}
