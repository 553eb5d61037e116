//! What the publications family needs from storage.

use async_trait::async_trait;

use crate::domain::publication::{AssetType, Publication, StatusFilter};
use crate::domain::status::AnyOf;
use platform::store::StoreResult;

#[async_trait]
pub trait PublicationStore: Send + Sync {
    async fn publication(&self, tx_hash: &str) -> StoreResult<Option<Publication>>;
    /// Every publication of the asset, newest first.
    async fn publications_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<StatusFilter>,
        now_ms: i64,
    ) -> StoreResult<Vec<Publication>>;
}
