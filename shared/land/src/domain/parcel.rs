//! Parcels and estates as the API returns them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::coords::Coord;
use super::num;
use super::proximity::Tags;
use super::publication::Publication;

/// Free-form metadata an owner sets on a parcel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ParcelData {
    pub version: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipns: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Parcel {
    /// "x,y"
    pub id: String,
    pub x: i32,
    pub y: i32,
    #[serde(serialize_with = "num::compact_opt")]
    #[schema(value_type = Option<f64>)]
    pub auction_price: Option<f64>,
    pub district_id: Option<String>,
    pub owner: Option<String>,
    pub data: ParcelData,
    pub auction_owner: Option<String>,
    #[serde(default)]
    pub tags: Tags,
    /// Milliseconds since the epoch, as a string.
    pub last_transferred_at: Option<String>,
    pub estate_id: Option<String>,
    pub update_operator: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    pub auction_timestamp: Option<String>,
    pub in_estate: bool,
    /// Addresses the owner approved for all of its assets (ERC-721
    /// `setApprovalForAll`); empty when there are none.
    #[serde(default)]
    pub approvals_for_all: Vec<String>,
    /// Addresses the owner let update the content of all of its assets
    /// (`setUpdateManager`); empty when there are none.
    #[serde(default)]
    pub update_managers: Vec<String>,
    /// The asset's current publication; filled in when the parcel is read.
    #[serde(default)]
    pub publication: Option<Publication>,
}

impl Parcel {
    /// A parcel nobody owns, outside any district or estate.
    pub fn unowned(at: Coord) -> Self {
        Self {
            id: at.id(),
            x: at.x,
            y: at.y,
            auction_price: None,
            district_id: None,
            owner: None,
            data: ParcelData::default(),
            auction_owner: None,
            tags: Tags::default(),
            last_transferred_at: None,
            estate_id: None,
            update_operator: None,
            operator: None,
            auction_timestamp: None,
            in_estate: false,
            approvals_for_all: Vec::new(),
            update_managers: Vec::new(),
            publication: None,
        }
    }

    pub fn coord(&self) -> Coord {
        Coord {
            x: self.x,
            y: self.y,
        }
    }

    /// Owner, operator or update operator: the addresses a parcel "belongs to".
    pub fn belongs_to(&self, address: &str) -> bool {
        [&self.owner, &self.operator, &self.update_operator]
            .into_iter()
            .any(|a| a.as_deref() == Some(address))
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
pub struct XY {
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EstateData {
    #[serde(default)]
    pub ipns: String,
    #[serde(default)]
    pub name: String,
    pub parcels: Vec<XY>,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Estate {
    pub id: String,
    pub owner: String,
    pub data: EstateData,
    pub last_transferred_at: Option<String>,
    pub tx_hash: String,
    pub token_id: String,
    pub update_operator: Option<String>,
    #[serde(default)]
    pub operator: Option<String>,
    /// Addresses the owner approved for all of its assets (ERC-721
    /// `setApprovalForAll`); empty when there are none.
    #[serde(default)]
    pub approvals_for_all: Vec<String>,
    /// Addresses the owner let update the content of all of its assets
    /// (`setUpdateManager`); empty when there are none.
    #[serde(default)]
    pub update_managers: Vec<String>,
    #[serde(default)]
    pub publication: Option<Publication>,
}

impl Estate {
    pub fn belongs_to(&self, address: &str) -> bool {
        self.owner == address
            || self.operator.as_deref() == Some(address)
            || self.update_operator.as_deref() == Some(address)
    }

    /// Dissolved estates hold no parcels and are never listed.
    pub fn is_dissolved(&self) -> bool {
        self.data.parcels.is_empty()
    }
}

/// Orders estate ids numerically ("9" before "10"), falling back to text.
pub fn estate_id_order(a: &str, b: &str) -> std::cmp::Ordering {
    (a.len(), a).cmp(&(b.len(), b))
}

/// A parcel or an estate, as `/bids/{address}/assets` returns them.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Asset {
    Estate(Estate),
    Parcel(Parcel),
}
