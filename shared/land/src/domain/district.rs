//! Districts of Genesis City and LAND contributed to them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct District {
    pub id: String,
    pub name: String,
    pub description: String,
    pub link: String,
    pub public: bool,
    /// A count, as a string (as the reference shows it).
    pub parcel_count: String,
    /// "x,y"
    pub center: String,
}

/// One contribution row: LAND an address pledged to a district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContributionRow {
    pub address: String,
    pub district_id: String,
    pub land_count: u64,
}

/// What the API answers: LAND per district, summed, as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Contribution {
    pub address: String,
    pub district_id: String,
    pub land_count: String,
}

/// Sums the rows of one address per district, in district id order.
pub fn sum_per_district<'a>(
    address: &str,
    rows: impl Iterator<Item = &'a ContributionRow>,
) -> Vec<Contribution> {
    let mut totals = std::collections::BTreeMap::<&str, u64>::new();
    for row in rows.filter(|r| r.address == address) {
        *totals.entry(&row.district_id).or_default() += row.land_count;
    }
    totals
        .into_iter()
        .map(|(district_id, count)| Contribution {
            address: address.to_string(),
            district_id: district_id.to_string(),
            land_count: count.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_rows_per_district() {
        let row = |d: &str, n| ContributionRow {
            address: "0xa".into(),
            district_id: d.into(),
            land_count: n,
        };
        let rows = [
            row("b", 5),
            row("a", 1),
            row("b", 10),
            ContributionRow {
                address: "0xz".into(),
                district_id: "a".into(),
                land_count: 7,
            },
        ];
        let sums = sum_per_district("0xa", rows.iter());
        assert_eq!(sums.len(), 2);
        assert_eq!(
            (sums[0].district_id.as_str(), sums[0].land_count.as_str()),
            ("a", "1")
        );
        assert_eq!(
            (sums[1].district_id.as_str(), sums[1].land_count.as_str()),
            ("b", "15")
        );
    }
}
