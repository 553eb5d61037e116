//! Mortgages requested on parcels.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::num;
use super::publication::AssetType;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MortgageStatus {
    Pending,
    Cancelled,
    Ongoing,
    Paid,
    Defaulted,
    Claimed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Mortgage {
    pub tx_hash: String,
    pub tx_status: String,
    pub block_number: u64,
    pub status: MortgageStatus,
    pub asset_id: String,
    pub asset_type: AssetType,
    pub borrower: String,
    pub lender: Option<String>,
    pub loan_id: u64,
    pub mortgage_id: u64,
    #[serde(serialize_with = "num::compact")]
    pub amount: f64,
    pub is_due_at: String,
    pub expires_at: String,
    pub block_time_created_at: String,
    pub block_time_updated_at: String,
    pub created_at: String,
    pub updated_at: String,
    #[serde(serialize_with = "num::compact")]
    pub outstanding_amount: f64,
    pub payable_at: String,
    pub interest_rate: u64,
    pub punitory_interest_rate: u64,
    #[serde(serialize_with = "num::compact")]
    pub paid: f64,
    pub started_at: Option<String>,
}

impl Mortgage {
    /// Newest first by block time, then by transaction hash.
    pub fn newest_first(a: &Mortgage, b: &Mortgage) -> std::cmp::Ordering {
        let time = |m: &Mortgage| m.block_time_created_at.parse::<i64>().unwrap_or_default();
        time(b)
            .cmp(&time(a))
            .then_with(|| a.tx_hash.cmp(&b.tx_hash))
    }
}
