//! Bids on parcels and estates.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::num;
use super::publication::AssetType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum BidStatus {
    Open,
    Cancelled,
    Sold,
}

/// A bid. The five bookkeeping fields are dropped when the API sanitizes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Bid {
    pub id: String,
    pub token_address: String,
    pub token_id: String,
    pub bidder: String,
    pub seller: String,
    #[serde(serialize_with = "num::compact")]
    pub price: f64,
    /// Milliseconds since the epoch, as a string.
    pub expires_at: String,
    pub fingerprint: String,
    pub status: BidStatus,
    pub asset_id: String,
    pub asset_type: AssetType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_time_created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block_time_updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

impl Bid {
    /// The bid without its bookkeeping fields (`sanitize=true`).
    pub fn sanitized(mut self) -> Self {
        self.block_number = None;
        self.block_time_created_at = None;
        self.block_time_updated_at = None;
        self.created_at = None;
        self.updated_at = None;
        self
    }

    pub fn involves(&self, address: &str) -> bool {
        self.bidder == address || self.seller == address
    }

    /// Newest first by block time (ms strings compare as numbers), then by id.
    pub fn newest_first(a: &Bid, b: &Bid) -> std::cmp::Ordering {
        let time = |bid: &Bid| {
            bid.block_time_created_at
                .as_deref()
                .and_then(|t| t.parse::<i64>().ok())
                .unwrap_or_default()
        };
        time(b).cmp(&time(a)).then_with(|| a.id.cmp(&b.id))
    }
}
