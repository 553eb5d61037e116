//! The single-table layout: every key and index value is built here, so the
//! layout in docs/dynamodb.md has one source.

use crate::domain::coords::{Coord, MIN};
use crate::domain::publication::{AssetType, PublicationStatus};

pub use platform::dynamo::{PK, SK};
/// The record itself, as a map in the API's shape.
pub const RECORD: &str = "rec";
/// An asset's publications, newest first.
pub const PUBLICATIONS: &str = "pubs";

/// Parcels are partitioned by column so a box is one Query per column.
pub fn parcel_column(x: i32) -> String {
    format!("PARCEL#X#{x}")
}

/// Zero-padded so that text order is numeric order.
pub fn parcel_row(y: i32) -> String {
    format!("Y#{:03}", y - MIN)
}

pub fn parcel(at: Coord) -> (String, String) {
    (parcel_column(at.x), parcel_row(at.y))
}

pub fn estate(id: &str) -> (String, String) {
    (format!("ESTATE#{id}"), "ESTATE".to_string())
}

pub fn asset(asset_type: AssetType, id: &str) -> Option<(String, String)> {
    match asset_type {
        AssetType::Parcel => id.parse().ok().map(parcel),
        AssetType::Estate => Some(estate(id)),
    }
}

pub fn address(address: &str) -> String {
    format!("ADDR#{address}")
}

pub const PARCEL_LINK: &str = "PARCEL#";
pub const ESTATE_LINK: &str = "ESTATE#";
pub const BID_LINK: &str = "BID#";
pub const CONTRIBUTION: &str = "CONTRIB#";

pub fn publication(tx_hash: &str) -> (String, String) {
    (format!("PUB#{tx_hash}"), "PUB".to_string())
}

/// A listing entry's sort key: expiry (ms, 13 digits, so text order is time
/// order) then tx hash; `open` and `expired` are ranges of it.
pub fn listing_entry(expires_at: i64, tx_hash: &str) -> String {
    format!("{}#{tx_hash}", expiry_bound(expires_at))
}

/// The sort-key prefix that compares like `expires_at` does.
pub fn expiry_bound(ms: i64) -> String {
    format!("{:013}", ms.clamp(0, 9_999_999_999_999))
}

/// The listing partition of publications of one asset type and stored status.
pub fn listing(asset_type: AssetType, status: PublicationStatus) -> String {
    let asset = match asset_type {
        AssetType::Parcel => "parcel",
        AssetType::Estate => "estate",
    };
    let status = match status {
        PublicationStatus::Open => "open",
        PublicationStatus::Sold => "sold",
        PublicationStatus::Cancelled => "cancelled",
        PublicationStatus::FingerprintChanged => "fingerprintChanged",
    };
    format!("LIST#{asset}#{status}")
}

pub fn bid(id: &str) -> (String, String) {
    (format!("BID#{id}"), "BID".to_string())
}

pub fn bids_on(asset_type: AssetType, asset_id: &str) -> String {
    format!("BIDASSET#{}#{asset_id}", asset_kind(asset_type))
}

fn asset_kind(asset_type: AssetType) -> &'static str {
    match asset_type {
        AssetType::Parcel => "parcel",
        AssetType::Estate => "estate",
    }
}

/// Newest-first sort keys: block time (ms, 13 digits) then id.
pub fn timeline(time_ms: &str, id: &str) -> String {
    format!("{:0>13}#{id}", time_ms)
}

pub fn mortgage(parcel_id: &str, created_ms: &str, tx_hash: &str) -> (String, String) {
    (mortgages_on(parcel_id), timeline(created_ms, tx_hash))
}

pub fn mortgages_on(parcel_id: &str) -> String {
    format!("MORTGAGES#{parcel_id}")
}

pub fn borrower(address: &str) -> String {
    format!("BORROWER#{address}")
}

pub const DISTRICTS: &str = "DISTRICT";

pub fn meta() -> (String, String) {
    ("META".to_string(), "VERSION".to_string())
}

/// What the imports starting from a data version wrote (see `import.rs`).
pub fn changes(version: &str) -> (String, String) {
    (format!("CHANGES#{version}"), "CHANGES".to_string())
}

/// The map's tile facts of one data version, in chunks.
pub fn tiles(version: &str) -> String {
    format!("TILES#{version}")
}

/// Zero-padded so that text order is chunk order.
pub fn tiles_chunk(number: usize) -> String {
    format!("{number:04}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_sort_as_numbers() {
        let mut rows: Vec<String> = [-150, -2, -10, 0, 9, 150]
            .into_iter()
            .map(parcel_row)
            .collect();
        rows.sort();
        assert_eq!(rows, ["Y#000", "Y#140", "Y#148", "Y#150", "Y#159", "Y#300"]);
        assert_eq!(timeline("1548876122000", "0xab"), "1548876122000#0xab");
        assert_eq!(timeline("999", "a"), "0000000000999#a");
    }
}
