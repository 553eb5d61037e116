//! What the bids family needs from storage.

use async_trait::async_trait;

use crate::domain::bid::{Bid, BidStatus};
use crate::domain::parcel::Asset;
use crate::domain::publication::AssetType;
use crate::domain::status::AnyOf;
use platform::store::StoreResult;

#[async_trait]
pub trait BidStore: Send + Sync {
    async fn bid(&self, id: &str) -> StoreResult<Option<Bid>>;
    /// Bids where the address is bidder or seller, newest first.
    async fn bids_of(&self, address: &str, status: &AnyOf<BidStatus>) -> StoreResult<Vec<Bid>>;
    /// Bids on one asset, newest first; `None` when the asset does not exist.
    async fn bids_on(
        &self,
        asset_type: AssetType,
        asset_id: &str,
        status: &AnyOf<BidStatus>,
        bidder: Option<&str>,
    ) -> StoreResult<Option<Vec<Bid>>>;
    /// The assets of the address's bids, each once.
    async fn bid_assets(
        &self,
        address: &str,
        status: &AnyOf<BidStatus>,
        now_ms: i64,
    ) -> StoreResult<Vec<Asset>>;
}
