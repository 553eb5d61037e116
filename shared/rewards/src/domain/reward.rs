//! Rewards: stock rows of a campaign (supply) that become assigned to a
//! beneficiary and are then minted; and the transactions that mint them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Timestamp;
use super::{Invalid, address, item_value};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum RewardStatus {
    /// Stock: not given to anyone yet.
    Unassigned,
    /// Given to a beneficiary, not yet broadcast.
    Assigned,
    /// Broadcast, waiting to be mined.
    Sending,
    /// Mined.
    Success,
    /// Mined and buried under enough blocks.
    Confirmed,
    /// Cannot be minted; see `error_message`.
    Rejected,
}

impl RewardStatus {
    pub const ALL: [Self; 6] = [
        Self::Unassigned,
        Self::Assigned,
        Self::Sending,
        Self::Success,
        Self::Confirmed,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unassigned => "unassigned",
            Self::Assigned => "assigned",
            Self::Sending => "sending",
            Self::Success => "success",
            Self::Confirmed => "confirmed",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim().to_ascii_lowercase();
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How a reward is delivered; the only one there is.
pub const AIRDROP_TYPE: &str = "CollectionV2IssueToken";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reward {
    pub id: String,
    pub campaign_id: String,
    /// The id of the key that assigned it.
    pub campaign_key: Option<String>,
    /// The beneficiary, lowercase; null while in stock.
    pub user: Option<String>,
    pub status: RewardStatus,
    pub chain_id: u64,
    pub airdrop_type: String,
    /// The collection contract.
    pub target: String,
    /// The item id in the collection.
    pub value: String,
    pub group: Option<String>,
    /// Lowest first.
    pub priority: i64,
    /// Human-readable name.
    pub token: String,
    pub image: Option<String>,
    pub transaction_id: Option<String>,
    pub transaction_hash: Option<String>,
    pub block_number: Option<u64>,
    /// Why it was rejected; null otherwise.
    pub error_message: Option<String>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub assigned_at: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// Most stock rows one `POST .../supply` adds.
pub const MAX_SUPPLY_PER_CALL: u32 = 10_000;

/// The body of `POST /api/campaigns/{id}/supply`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewSupply {
    /// The collection contract.
    pub target: String,
    /// The item id.
    pub value: String,
    /// A human-readable name.
    pub token: String,
    #[serde(default)]
    pub image: Option<String>,
    #[serde(default)]
    pub group: Option<String>,
    /// Lower goes first; default 0.
    #[serde(default)]
    pub priority: Option<i64>,
    /// 1 to 10,000 rows.
    pub quantity: u32,
}

/// What a stock row of a supply call holds, before its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stock {
    pub target: String,
    pub value: String,
    pub token: String,
    pub image: Option<String>,
    pub group: Option<String>,
    pub priority: i64,
    pub quantity: u32,
}

impl NewSupply {
    pub fn checked(self) -> Result<Stock, Invalid> {
        if !(1..=MAX_SUPPLY_PER_CALL).contains(&self.quantity) {
            return Err(Invalid::new(
                "quantity",
                format!("must be 1 to {MAX_SUPPLY_PER_CALL}, got {}", self.quantity),
            ));
        }
        let token = self.token.trim().to_string();
        if token.is_empty() || token.chars().count() > super::MAX_TEXT_CHARS {
            return Err(Invalid::new("token", "must be 1 to 200 characters"));
        }
        let image = match self.image.filter(|i| !i.trim().is_empty()) {
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => {
                return Err(Invalid::new(
                    "image",
                    format!("\"{url}\" is not an http(s) URL"),
                ));
            }
            Some(url) if url.len() > 2_000 => {
                return Err(Invalid::new("image", "must be at most 2,000 characters"));
            }
            other => other,
        };
        Ok(Stock {
            target: address("target", &self.target)?,
            value: item_value("value", &self.value)?,
            token,
            image,
            group: super::group("group", self.group)?,
            priority: self.priority.unwrap_or(0),
            quantity: self.quantity,
        })
    }
}

impl Stock {
    /// The stock rows, ids from `next_id`.
    pub fn rows(
        &self,
        campaign_id: &str,
        chain_id: u64,
        now: Timestamp,
        mut next_id: impl FnMut() -> String,
    ) -> Vec<Reward> {
        (0..self.quantity)
            .map(|_| Reward {
                id: next_id(),
                campaign_id: campaign_id.to_string(),
                campaign_key: None,
                user: None,
                status: RewardStatus::Unassigned,
                chain_id,
                airdrop_type: AIRDROP_TYPE.to_string(),
                target: self.target.clone(),
                value: self.value.clone(),
                group: self.group.clone(),
                priority: self.priority,
                token: self.token.clone(),
                image: self.image.clone(),
                transaction_id: None,
                transaction_hash: None,
                block_number: None,
                error_message: None,
                assigned_at: None,
                created_at: now,
                updated_at: now,
            })
            .collect()
    }
}

/// The body of `DELETE /api/campaigns/{id}/supply`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct SupplyRemoval {
    pub target: String,
    pub value: String,
    /// Only rows of this group; absent or null: rows without a group.
    #[serde(default)]
    pub group: Option<String>,
    /// At most this many rows; absent: every unassigned row that matches.
    #[serde(default)]
    pub quantity: Option<u32>,
}

impl SupplyRemoval {
    pub fn checked(self) -> Result<Self, Invalid> {
        if self.quantity == Some(0) {
            return Err(Invalid::new("quantity", "must be 1 or more (absent: all)"));
        }
        Ok(Self {
            target: address("target", &self.target)?,
            value: item_value("value", &self.value)?,
            group: super::group("group", self.group)?,
            quantity: self.quantity,
        })
    }

    pub fn matches(&self, reward: &Reward) -> bool {
        reward.target == self.target && reward.value == self.value && reward.group == self.group
    }
}

/// One line of `GET .../supply`: rows of one (target, value, group) by status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SupplyCount {
    pub target: String,
    pub value: String,
    pub group: Option<String>,
    pub unassigned: u64,
    pub assigned: u64,
    pub sending: u64,
    pub success: u64,
    pub confirmed: u64,
    pub rejected: u64,
}

impl SupplyCount {
    /// Lines from counts of (target, value, group, status), sorted by
    /// target, value, group.
    pub fn tally<'a>(
        counts: impl IntoIterator<Item = (&'a str, &'a str, Option<&'a str>, RewardStatus, u64)>,
    ) -> Vec<Self> {
        let mut lines: std::collections::BTreeMap<(String, String, Option<String>), Self> =
            Default::default();
        for (target, value, group, status, n) in counts {
            let line = lines
                .entry((target.into(), value.into(), group.map(Into::into)))
                .or_insert_with(|| Self {
                    target: target.into(),
                    value: value.into(),
                    group: group.map(Into::into),
                    ..Self::default()
                });
            *match status {
                RewardStatus::Unassigned => &mut line.unassigned,
                RewardStatus::Assigned => &mut line.assigned,
                RewardStatus::Sending => &mut line.sending,
                RewardStatus::Success => &mut line.success,
                RewardStatus::Confirmed => &mut line.confirmed,
                RewardStatus::Rejected => &mut line.rejected,
            } += n;
        }
        lines.into_values().collect()
    }
}

/// A transaction that mints rewards of one collection (written by the
/// sender, Step 7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CollectionTransaction {
    pub id: String,
    pub campaign_id: String,
    pub chain_id: u64,
    pub campaign_address: String,
    pub collection: String,
    pub status: RewardStatus,
    pub transaction_hash: Option<String>,
    pub nonce: Option<u64>,
    pub retries: u32,
    pub error: bool,
    pub error_message: Option<String>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn supply_rules_name_their_field() {
        let field = |body: &str| {
            serde_json::from_str::<NewSupply>(body)
                .unwrap()
                .checked()
                .unwrap_err()
                .field
        };
        let ok = r#"{"target": "0x7434a847c5e1ff250db456c55f99d1612e93d6a3", "value": "0", "token": "Hat", "quantity": 2}"#;
        assert!(
            serde_json::from_str::<NewSupply>(ok)
                .unwrap()
                .checked()
                .is_ok()
        );
        assert_eq!(
            field(&ok.replace(r#""quantity": 2"#, r#""quantity": 0"#)),
            "quantity"
        );
        assert_eq!(
            field(&ok.replace(r#""quantity": 2"#, r#""quantity": 10001"#)),
            "quantity"
        );
        assert_eq!(field(&ok.replace("0x7434", "0x74")), "target");
        assert_eq!(
            field(&ok.replace(r#""value": "0""#, r#""value": "-1""#)),
            "value"
        );
        assert_eq!(field(&ok.replace(r#""Hat""#, r#""  ""#)), "token");
        // 2^256: one more than a contract takes; 2^256 - 1 is fine.
        let too_big =
            "115792089237316195423570985008687907853269984665640564039457584007913129639936";
        assert_eq!(
            field(&ok.replace(r#""value": "0""#, &format!(r#""value": "{too_big}""#))),
            "value"
        );
        let largest = ok.replace(
            r#""value": "0""#,
            r#""value": "115792089237316195423570985008687907853269984665640564039457584007913129639935""#,
        );
        assert!(
            serde_json::from_str::<NewSupply>(&largest)
                .unwrap()
                .checked()
                .is_ok()
        );
    }

    #[test]
    fn tally_counts_each_status_of_each_line() {
        let rows = [
            ("0xa", "1", None, RewardStatus::Unassigned, 1),
            ("0xa", "1", None, RewardStatus::Unassigned, 1),
            ("0xa", "1", None, RewardStatus::Assigned, 1),
            ("0xa", "1", Some("box"), RewardStatus::Rejected, 1),
        ];
        let lines = SupplyCount::tally(rows);
        assert_eq!(lines.len(), 2);
        assert_eq!(
            (
                lines[0].unassigned,
                lines[0].assigned,
                lines[0].group.clone()
            ),
            (2, 1, None)
        );
        assert_eq!(
            (lines[1].rejected, lines[1].group.as_deref()),
            (1, Some("box"))
        );
    }
}
