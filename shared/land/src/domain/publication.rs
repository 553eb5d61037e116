//! Marketplace publications (a parcel or an estate put on sale) and the rules
//! that pick which one an asset shows.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::num;
use super::status::AnyOf;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum AssetType {
    Parcel,
    Estate,
}

/// The status a publication row carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum PublicationStatus {
    Open,
    Sold,
    Cancelled,
    FingerprintChanged,
}

/// The `status` query filter: `expired` is an open row past its expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub enum StatusFilter {
    Open,
    Sold,
    Cancelled,
    Expired,
    FingerprintChanged,
}

impl StatusFilter {
    pub fn matches(self, publication: &Publication, now_ms: i64) -> bool {
        let live = publication.expires_at >= now_ms;
        match self {
            Self::Open => publication.status == PublicationStatus::Open && live,
            Self::Expired => publication.status == PublicationStatus::Open && !live,
            Self::Sold => publication.status == PublicationStatus::Sold,
            Self::Cancelled => publication.status == PublicationStatus::Cancelled,
            Self::FingerprintChanged => publication.status == PublicationStatus::FingerprintChanged,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Publication {
    pub tx_hash: String,
    pub tx_status: String,
    pub owner: String,
    #[serde(serialize_with = "num::compact")]
    pub price: f64,
    pub status: PublicationStatus,
    pub buyer: Option<String>,
    pub contract_id: String,
    pub block_number: u64,
    /// Milliseconds since the epoch.
    pub expires_at: i64,
    pub block_time_created_at: i64,
    pub block_time_updated_at: Option<i64>,
    pub asset_type: AssetType,
    pub asset_id: String,
    pub marketplace_address: String,
}

impl Publication {
    /// Newest first: by creation time, then by transaction hash for stability.
    pub fn newest_first(a: &Publication, b: &Publication) -> std::cmp::Ordering {
        b.block_time_created_at
            .cmp(&a.block_time_created_at)
            .then_with(|| a.tx_hash.cmp(&b.tx_hash))
    }
}

/// The publication a single asset shows: its latest one that has not expired,
/// whatever its status. `publications` must be newest first.
pub fn current(publications: &[Publication], now_ms: i64) -> Option<&Publication> {
    publications.iter().find(|p| p.expires_at >= now_ms)
}

impl AnyOf<StatusFilter> {
    /// Whether the publication is in any of the statuses (an empty filter
    /// lets every publication through).
    pub fn matches(&self, publication: &Publication, now_ms: i64) -> bool {
        self.is_empty() || self.iter().any(|s| s.matches(publication, now_ms))
    }
}

/// The publication an asset shows in a listing filtered by `status`: its latest
/// one in any of those statuses. `publications` must be newest first.
pub fn latest_matching<'a>(
    publications: &'a [Publication],
    status: &AnyOf<StatusFilter>,
    now_ms: i64,
) -> Option<&'a Publication> {
    publications.iter().find(|p| status.matches(p, now_ms))
}

/// The publication an asset shows in a per-address list: with a `status`
/// filter, its latest one in those statuses (`None`: the asset is left out);
/// without, its current one. `publications` must be newest first.
pub fn shown_for<'a>(
    publications: &'a [Publication],
    status: &AnyOf<StatusFilter>,
    now_ms: i64,
) -> Option<Option<&'a Publication>> {
    if status.is_empty() {
        Some(current(publications, now_ms))
    } else {
        latest_matching(publications, status, now_ms).map(Some)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn publication(
        status: PublicationStatus,
        created: i64,
        expires: i64,
    ) -> Publication {
        Publication {
            tx_hash: format!("0x{created:064x}"),
            tx_status: "confirmed".into(),
            owner: "0x0000000000000000000000000000000000000001".into(),
            price: 1000.0,
            status,
            buyer: None,
            contract_id: "0x01".into(),
            block_number: 1,
            expires_at: expires,
            block_time_created_at: created,
            block_time_updated_at: None,
            asset_type: AssetType::Parcel,
            asset_id: "0,0".into(),
            marketplace_address: "0x02".into(),
        }
    }

    #[test]
    fn open_means_not_expired() {
        let p = publication(PublicationStatus::Open, 10, 100);
        assert!(StatusFilter::Open.matches(&p, 100));
        assert!(!StatusFilter::Open.matches(&p, 101));
        assert!(StatusFilter::Expired.matches(&p, 101));
        assert!(!StatusFilter::Sold.matches(&p, 0));
    }

    #[test]
    fn current_skips_expired_rows() {
        let rows = vec![
            publication(PublicationStatus::Open, 30, 40),
            publication(PublicationStatus::Sold, 20, 500),
            publication(PublicationStatus::Cancelled, 10, 600),
        ];
        assert_eq!(current(&rows, 50).unwrap().block_time_created_at, 20);
        assert_eq!(current(&rows, 35).unwrap().block_time_created_at, 30);
        assert!(current(&rows, 700).is_none());
        let cancelled = latest_matching(&rows, &StatusFilter::Cancelled.into(), 0).unwrap();
        assert_eq!(cancelled.block_time_created_at, 10);
        let sold_or_cancelled = AnyOf::new([StatusFilter::Cancelled, StatusFilter::Sold]);
        let latest = latest_matching(&rows, &sold_or_cancelled, 0).unwrap();
        assert_eq!(latest.block_time_created_at, 20);
        let expired = latest_matching(&rows, &StatusFilter::Expired.into(), 50).unwrap();
        assert_eq!(expired.block_time_created_at, 30);
        assert!(shown_for(&rows, &StatusFilter::Open.into(), 50).is_none());
        let none = shown_for(&rows, &AnyOf::default(), 50).unwrap().unwrap();
        assert_eq!(none.block_time_created_at, 20);
    }

    #[test]
    fn status_names_match_the_reference() {
        let json = serde_json::to_string(&PublicationStatus::FingerprintChanged).unwrap();
        assert_eq!(json, "\"fingerprintChanged\"");
        let f: StatusFilter = serde_json::from_str("\"expired\"").unwrap();
        assert_eq!(f, StatusFilter::Expired);
    }
}
