//! Assigning a reward: the claim body, the errors a dispenser scene reads
//! (fixed texts: scenes search them for words), and the rules that need no
//! store. The order of the checks is in `rewards::assign`.

use serde::Deserialize;
use utoipa::ToSchema;

use super::campaign::Campaign;
use super::key::{CampaignKey, KeyKind};
use super::time::Timestamp;
use super::{Invalid, address, group, item_value};

/// The body of `POST /api/rewards`. `beneficiary` and `catalyst` are read
/// as any JSON: step 1 never refuses them (scenes send `""`, or a catalyst
/// the key does not need); steps 6 and 8 judge them.
#[derive(Clone, Deserialize, ToSchema)]
pub struct ClaimBody {
    /// The secret of a campaign key.
    pub campaign_key: String,
    /// The address that gets the reward; a signed request may leave it out
    /// (the signer is the beneficiary). `null` is not left out.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub beneficiary: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub captcha_id: Option<serde_json::Value>,
    /// 6 characters, any letter case.
    #[serde(default)]
    pub captcha_value: Option<String>,
    /// The origin of the catalyst the beneficiary is connected to (keys
    /// with `requires_catalyst`).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub catalyst: Option<serde_json::Value>,
    /// Master and super keys only.
    #[serde(default)]
    pub assign_target: Option<String>,
    /// Master and super keys only, with `assign_target`.
    #[serde(default)]
    pub assign_value: Option<String>,
    /// Master and super keys only. The reference's example spells it
    /// `group`: both are read.
    #[serde(default, alias = "group")]
    pub assign_group: Option<String>,
}

/// A field that is present, `null` included (absent is `None`).
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<serde_json::Value>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(Some)
}

/// Without the key's secret and the captcha's answer.
impl std::fmt::Debug for ClaimBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClaimBody")
            .field("beneficiary", &self.beneficiary)
            .field("captcha_id", &self.captcha_id)
            .field("catalyst", &self.catalyst)
            .field("assign_target", &self.assign_target)
            .field("assign_value", &self.assign_value)
            .field("assign_group", &self.assign_group)
            .finish_non_exhaustive()
    }
}

/// Without the key's secret and the captcha's answer.
impl std::fmt::Debug for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Claim")
            .field("beneficiary", &self.beneficiary)
            .field("captcha_id", &self.captcha_id)
            .field("catalyst", &self.catalyst)
            .field("requested", &self.requested)
            .finish_non_exhaustive()
    }
}

/// Which stock rows a claim may take; `None` matches any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StockFilter {
    pub group: Option<String>,
    pub target: Option<String>,
    pub value: Option<String>,
}

impl StockFilter {
    pub fn matches(&self, group: Option<&str>, target: &str, value: &str) -> bool {
        self.group.as_deref().is_none_or(|g| group == Some(g))
            && self.target.as_deref().is_none_or(|t| t == target)
            && self.value.as_deref().is_none_or(|v| v == value)
    }

    /// A key's own restriction.
    pub fn of_key(key: &CampaignKey) -> Self {
        Self {
            group: key.assign_group.clone(),
            target: key.assign_target.clone(),
            value: key.assign_value.clone(),
        }
    }
}

/// The body after step 1: its `assign_*` fields checked.
#[derive(Clone)]
pub struct Claim {
    pub secret: String,
    pub beneficiary: Option<serde_json::Value>,
    /// Null counts as left out.
    pub captcha_id: Option<serde_json::Value>,
    pub captcha_value: Option<String>,
    pub catalyst: Option<serde_json::Value>,
    /// The `assign_*` fields, when any was given.
    pub requested: Option<StockFilter>,
}

/// The length of a captcha's answer.
pub const CAPTCHA_LENGTH: usize = 6;

impl ClaimBody {
    /// Step 1: the shape of the body.
    pub fn checked(self) -> Result<Claim, Invalid> {
        if self.campaign_key.trim().is_empty() {
            return Err(Invalid::new("campaign_key", "must not be empty"));
        }
        if let Some(value) = &self.captcha_value
            && value.chars().count() != CAPTCHA_LENGTH
        {
            return Err(Invalid::new(
                "captcha_value",
                format!("must be {CAPTCHA_LENGTH} characters"),
            ));
        }
        let target = self
            .assign_target
            .as_deref()
            .map(|t| address("assign_target", t))
            .transpose()?;
        let value = match (&target, self.assign_value.as_deref()) {
            (None, Some(_)) => {
                return Err(Invalid::new(
                    "assign_value",
                    "needs assign_target (the collection of the item)",
                ));
            }
            (_, value) => value.map(|v| item_value("assign_value", v)).transpose()?,
        };
        let group = group("assign_group", self.assign_group)?;
        let requested = (target.is_some() || group.is_some()).then_some(StockFilter {
            group,
            target,
            value,
        });
        Ok(Claim {
            secret: self.campaign_key,
            beneficiary: self.beneficiary,
            captcha_id: self.captcha_id.filter(|id| !id.is_null()),
            captcha_value: self.captcha_value,
            catalyst: self.catalyst,
            requested,
        })
    }
}

/// A refused claim: 400 with its code. The texts are fixed (see
/// `rewards-behaviour.md`, "What real clients do").
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimError {
    #[error("Campaign key is invalid")]
    KeyInvalid,
    #[error("Campaign key is disabled")]
    KeyDisabled,
    #[error("Campaign key is uninitiated: it gives rewards from {0}")]
    KeyUninitiated(Timestamp),
    #[error("Campaign key is finished: it stopped giving rewards at {0}")]
    KeyFinished(Timestamp),
    #[error("Campaign does not exist")]
    CampaignInvalid,
    #[error("Campaign is disabled")]
    CampaignDisabled,
    #[error("Campaign is uninitiated: it starts at {0}")]
    CampaignUninitiated(Timestamp),
    #[error("Campaign is finished: it ended at {0}")]
    CampaignFinished(Timestamp),
    #[error("This reward needs a signed request")]
    SignRequired,
    #[error("Beneficiary is missing, not an address, or not the signer")]
    BeneficiaryInvalid,
    #[error("This reward needs a captcha: send captcha_id and captcha_value")]
    CaptchaRequired,
    #[error("The captcha is wrong, expired or already used: ask for a new captcha")]
    CaptchaInvalid,
    #[error("Catalyst \"{given}\" not found. Expected: \"{expected}\"")]
    CatalystInvalid { given: String, expected: String },
    #[error("Catalyst \"{0}\" can't be reached")]
    CatalystUnreachable(String),
    #[error("Beneficiary is not connected to catalyst \"{0}\"")]
    NotConnected(String),
    #[error("Beneficiary is not at one of the positions of this reward")]
    NotAtPosition,
    /// Step 9: a restricted key given an `assign_*` field.
    #[error("Invalid body field \"{0}\": only master and super keys may choose what they assign")]
    NotAllowed(&'static str),
}

impl ClaimError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::KeyInvalid => "campaign_key_invalid",
            Self::KeyDisabled => "campaign_key_disabled",
            Self::KeyUninitiated(_) => "campaign_key_uninitiated",
            Self::KeyFinished(_) => "campaign_key_finished",
            Self::CampaignInvalid => "campaign_invalid",
            Self::CampaignDisabled => "campaign_disabled",
            Self::CampaignUninitiated(_) => "campaign_uninitiated",
            Self::CampaignFinished(_) => "campaign_finished",
            Self::SignRequired => "sign_required",
            Self::BeneficiaryInvalid => "beneficiary_invalid",
            Self::CaptchaRequired => "captcha_required",
            Self::CaptchaInvalid => "captcha_invalid",
            Self::CatalystInvalid { .. } => "catalyst_invalid",
            Self::CatalystUnreachable(_) => "catalyst_unreachable",
            Self::NotConnected(_) => "user_address_not_connected",
            Self::NotAtPosition => "user_address_position",
            Self::NotAllowed(_) => "bad_request",
        }
    }
}

/// Step 3: the key is on and within its dates.
pub fn check_key(key: &CampaignKey, now: Timestamp) -> Result<(), ClaimError> {
    if !key.enabled {
        return Err(ClaimError::KeyDisabled);
    }
    match (key.active_since, key.active_until) {
        (Some(since), _) if now < since => Err(ClaimError::KeyUninitiated(since)),
        (_, Some(until)) if now > until => Err(ClaimError::KeyFinished(until)),
        _ => Ok(()),
    }
}

/// Step 4: the campaign is on and within its dates.
pub fn check_campaign(campaign: &Campaign, now: Timestamp) -> Result<(), ClaimError> {
    if !campaign.enabled {
        return Err(ClaimError::CampaignDisabled);
    }
    match (campaign.active_since, campaign.active_until) {
        (Some(since), _) if now < since => Err(ClaimError::CampaignUninitiated(since)),
        (_, Some(until)) if now > until => Err(ClaimError::CampaignFinished(until)),
        _ => Ok(()),
    }
}

/// Step 6: who gets the reward. `signer` is the signer of a validly signed
/// request. An empty string (what guests send) is not a left-out field.
pub fn beneficiary(
    given: Option<&serde_json::Value>,
    signer: Option<&str>,
) -> Result<String, ClaimError> {
    // Only a field left out names the signer; `null` and `""` are given.
    let given = match given {
        None => None,
        Some(serde_json::Value::String(text)) => {
            Some(platform::address::normalize(text).map_err(|_| ClaimError::BeneficiaryInvalid)?)
        }
        Some(_) => return Err(ClaimError::BeneficiaryInvalid),
    };
    match (given, signer) {
        (Some(given), Some(signer)) if given != signer => Err(ClaimError::BeneficiaryInvalid),
        (Some(given), _) => Ok(given),
        (None, Some(signer)) => Ok(signer.to_string()),
        (None, None) => Err(ClaimError::BeneficiaryInvalid),
    }
}

/// Step 9: what stock the claim may take. Only master and super keys may
/// choose; a restricted key given any `assign_*` field is refused.
pub fn stock_filter(
    key: &CampaignKey,
    requested: Option<StockFilter>,
) -> Result<StockFilter, ClaimError> {
    match (key.kind(), requested) {
        (_, None) => Ok(StockFilter::of_key(key)),
        (KeyKind::Master | KeyKind::Super, Some(requested)) => Ok(requested),
        (KeyKind::Restricted, Some(requested)) => {
            Err(ClaimError::NotAllowed(if requested.target.is_some() {
                "assign_target"
            } else {
                "assign_group"
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(json: &str) -> Result<Claim, Invalid> {
        serde_json::from_str::<ClaimBody>(json).unwrap().checked()
    }

    #[test]
    fn step_one_checks_the_shape_but_not_beneficiary_or_catalyst() {
        assert!(body(r#"{"campaign_key": "k", "beneficiary": "", "catalyst": 7}"#).is_ok());
        assert_eq!(
            body(r#"{"campaign_key": " "}"#).unwrap_err().field,
            "campaign_key"
        );
        assert_eq!(
            body(r#"{"campaign_key": "k", "captcha_value": "12345"}"#)
                .unwrap_err()
                .field,
            "captcha_value"
        );
        assert_eq!(
            body(r#"{"campaign_key": "k", "assign_target": "0x12"}"#)
                .unwrap_err()
                .field,
            "assign_target"
        );
        assert_eq!(
            body(r#"{"campaign_key": "k", "assign_value": "1"}"#)
                .unwrap_err()
                .field,
            "assign_value"
        );
        let grouped = body(r#"{"campaign_key": "k", "group": "box_1"}"#).unwrap();
        assert_eq!(grouped.requested.unwrap().group.as_deref(), Some("box_1"));
    }

    #[test]
    fn beneficiary_rules() {
        let signer = "0x00000000000000000000000000000000000000aa";
        let other = serde_json::json!("0x00000000000000000000000000000000000000BB");
        assert_eq!(beneficiary(None, Some(signer)).unwrap(), signer);
        assert_eq!(
            beneficiary(Some(&other), None).unwrap(),
            "0x00000000000000000000000000000000000000bb"
        );
        assert_eq!(
            beneficiary(Some(&other), Some(signer)),
            Err(ClaimError::BeneficiaryInvalid)
        );
        assert_eq!(
            beneficiary(Some(&serde_json::json!("")), Some(signer)),
            Err(ClaimError::BeneficiaryInvalid)
        );
        assert_eq!(beneficiary(None, None), Err(ClaimError::BeneficiaryInvalid));
        assert_eq!(
            beneficiary(Some(&serde_json::Value::Null), Some(signer)),
            Err(ClaimError::BeneficiaryInvalid)
        );
        let parsed: ClaimBody =
            serde_json::from_str(r#"{"campaign_key": "k", "beneficiary": null}"#).unwrap();
        assert_eq!(parsed.beneficiary, Some(serde_json::Value::Null));
        assert!(!format!("{:?}", parsed).contains("\"k\""));
    }

    #[test]
    fn filters_match_what_they_name() {
        let by_group = StockFilter {
            group: Some("box".into()),
            ..StockFilter::default()
        };
        assert!(by_group.matches(Some("box"), "0xa", "1"));
        assert!(!by_group.matches(None, "0xa", "1"));
        assert!(StockFilter::default().matches(None, "0xa", "1"));
    }
}
