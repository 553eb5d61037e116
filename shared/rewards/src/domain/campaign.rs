//! Campaigns: who gives which rewards, when, on which chain, from which wallet.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::patch;
use super::time::Timestamp;
use super::{Invalid, chain_id, period};

/// A campaign as stored and answered. Its wallet's key is stored apart,
/// encrypted, and never part of this type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Campaign {
    pub id: String,
    /// The campaign wallet: make it a minter of the collection and fund it.
    pub address: String,
    pub name: String,
    /// The chain the rewards are minted on.
    pub chain_id: u64,
    pub enabled: bool,
    /// The most the sender pays per gas, in gwei; null: no cap.
    pub max_gas: Option<f64>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// The body of `POST /api/campaigns`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewCampaign {
    /// At least 3 characters.
    pub name: String,
    /// 137, 80001, 1, 3, 80002 or 11155111.
    pub chain_id: u64,
    /// Default true.
    #[serde(default)]
    pub enabled: Option<bool>,
    /// Gwei; default 200; null for no cap.
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<f64>)]
    pub max_gas: Option<Option<f64>>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Timestamp>,
}

/// The body of `PATCH /api/campaigns/{id}`: absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct CampaignPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub chain_id: Option<u64>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<f64>)]
    pub max_gas: Option<Option<f64>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Option<Timestamp>>,
}

pub const DEFAULT_MAX_GAS: f64 = 200.0;

fn name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    if name.chars().count() < 3 {
        return Err(Invalid::new("name", "must be at least 3 characters"));
    }
    if name.chars().count() > super::MAX_TEXT_CHARS {
        return Err(Invalid::new("name", "must be at most 200 characters"));
    }
    Ok(name.to_string())
}

fn max_gas(value: Option<f64>) -> Result<Option<f64>, Invalid> {
    match value {
        Some(gwei) if !gwei.is_finite() || gwei <= 0.0 => Err(Invalid::new(
            "max_gas",
            format!("{gwei} is not a price: expected gwei above 0, or null for no cap"),
        )),
        other => Ok(other),
    }
}

impl NewCampaign {
    /// The campaign this body creates, with its id and wallet address.
    pub fn into_campaign(
        self,
        id: String,
        address: String,
        now: Timestamp,
    ) -> Result<Campaign, Invalid> {
        period(self.active_since, self.active_until)?;
        Ok(Campaign {
            id,
            address,
            name: name(&self.name)?,
            chain_id: chain_id(self.chain_id)?,
            enabled: self.enabled.unwrap_or(true),
            max_gas: max_gas(self.max_gas.unwrap_or(Some(DEFAULT_MAX_GAS)))?,
            active_since: self.active_since,
            active_until: self.active_until,
            created_at: now,
            updated_at: now,
        })
    }
}

impl CampaignPatch {
    /// The campaign with this patch applied, checked as a whole.
    pub fn apply(self, mut campaign: Campaign, now: Timestamp) -> Result<Campaign, Invalid> {
        if let Some(raw) = self.name {
            campaign.name = name(&raw)?;
        }
        if let Some(id) = self.chain_id {
            campaign.chain_id = chain_id(id)?;
        }
        if let Some(enabled) = self.enabled {
            campaign.enabled = enabled;
        }
        if let Some(gas) = self.max_gas {
            campaign.max_gas = max_gas(gas)?;
        }
        if let Some(since) = self.active_since {
            campaign.active_since = since;
        }
        if let Some(until) = self.active_until {
            campaign.active_until = until;
        }
        period(campaign.active_since, campaign.active_until)?;
        campaign.updated_at = now;
        Ok(campaign)
    }
}

/// The `status` filter of the campaign list: `enabled`, `disabled` or the
/// reference's `Disable`, in any letter case.
pub fn status_filter(raw: &str) -> Result<bool, String> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "enabled" | "enable" => Ok(true),
        "disabled" | "disable" => Ok(false),
        _ => Err(format!(
            "\"{raw}\" is not a status: expected Enabled or Disabled"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(body: &str) -> Result<Campaign, Invalid> {
        serde_json::from_str::<NewCampaign>(body)
            .unwrap()
            .into_campaign("id".into(), "0x00".into(), Timestamp(0))
    }

    #[test]
    fn defaults_and_rules_of_a_new_campaign() {
        let c = new(r#"{"name": "Summer", "chain_id": 80002}"#).unwrap();
        assert!(c.enabled);
        assert_eq!(c.max_gas, Some(200.0));
        let c = new(r#"{"name": "Summer", "chain_id": 137, "max_gas": null}"#).unwrap();
        assert_eq!(c.max_gas, None);
        assert_eq!(
            new(r#"{"name": " ab ", "chain_id": 137}"#)
                .unwrap_err()
                .field,
            "name"
        );
        assert_eq!(
            new(r#"{"name": "abc", "chain_id": 5}"#).unwrap_err().field,
            "chain_id"
        );
        assert_eq!(
            new(r#"{"name": "abc", "chain_id": 1, "max_gas": 0}"#)
                .unwrap_err()
                .field,
            "max_gas"
        );
        let late = r#"{"name": "abc", "chain_id": 1, "active_since": "2030-01-01T00:00:00Z",
            "active_until": "2020-01-01T00:00:00Z"}"#;
        assert_eq!(new(late).unwrap_err().field, "active_until");
    }

    #[test]
    fn a_patch_changes_what_it_names_and_clears_what_is_null() {
        let c = new(r#"{"name": "Summer", "chain_id": 1, "active_since": "2030-01-01T00:00:00Z"}"#)
            .unwrap();
        let patch: CampaignPatch =
            serde_json::from_str(r#"{"enabled": false, "active_since": null}"#).unwrap();
        let patched = patch.apply(c.clone(), Timestamp(5)).unwrap();
        assert!(!patched.enabled);
        assert_eq!(patched.active_since, None);
        assert_eq!(patched.name, c.name);
        assert_eq!(patched.updated_at, Timestamp(5));
    }

    #[test]
    fn status_filter_takes_the_references_spelling() {
        assert_eq!(status_filter("Disable"), Ok(false));
        assert_eq!(status_filter("ENABLED"), Ok(true));
        assert!(status_filter("on").is_err());
    }
}
