//! Campaign keys ("dispensers"): what a key may assign, and what it asks of
//! the person claiming. The secret that names a key is in `secrets::keys`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::time::Timestamp;
use super::{Invalid, address, item_value, patch, period};

/// A key as stored. Answers carry it with its secret (`KeyView`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CampaignKey {
    pub id: String,
    pub campaign_id: String,
    pub name: Option<String>,
    /// Most rewards this key gives one beneficiary; null: no limit.
    pub assign_limit: Option<u64>,
    pub assign_group: Option<String>,
    pub assign_target: Option<String>,
    pub assign_value: Option<String>,
    pub requires_captcha: bool,
    pub requires_authentication: bool,
    pub requires_catalyst: bool,
    /// "x,y" parcels the beneficiary must stand on; null: anywhere.
    pub requires_position: Option<Vec<String>>,
    pub enabled: bool,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Timestamp>,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Timestamp>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// How much a key may choose what it assigns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// No restriction and no limit: may assign anything, any number of times.
    Master,
    /// A limit only: may assign anything, a limited number of times.
    Super,
    /// Restricted to a group and/or a target (and value).
    Restricted,
}

impl CampaignKey {
    pub fn kind(&self) -> KeyKind {
        let restricted = self.assign_group.is_some() || self.assign_target.is_some();
        match (restricted, self.assign_limit) {
            (true, _) => KeyKind::Restricted,
            (false, None) => KeyKind::Master,
            (false, Some(_)) => KeyKind::Super,
        }
    }

    /// The master key every campaign is created with.
    pub fn master(id: String, campaign_id: String, now: Timestamp) -> Self {
        Self {
            id,
            campaign_id,
            name: Some("master".into()),
            assign_limit: None,
            assign_group: None,
            assign_target: None,
            assign_value: None,
            requires_captcha: false,
            requires_authentication: false,
            requires_catalyst: false,
            requires_position: None,
            enabled: true,
            active_since: None,
            active_until: None,
            created_at: now,
            updated_at: now,
        }
    }
}

/// The body of `POST /api/campaigns/{id}/keys` (`{}` makes a master key).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct NewKey {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub assign_limit: Option<u64>,
    #[serde(default)]
    pub assign_group: Option<String>,
    #[serde(default)]
    pub assign_target: Option<String>,
    #[serde(default)]
    pub assign_value: Option<String>,
    #[serde(default)]
    pub requires_captcha: Option<bool>,
    /// The reference's examples spell it `requires_authetication`: both are read.
    #[serde(default, alias = "requires_authetication")]
    pub requires_authentication: Option<bool>,
    #[serde(default)]
    pub requires_catalyst: Option<bool>,
    #[serde(default)]
    pub requires_position: Option<Vec<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Timestamp>,
    #[serde(default)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Timestamp>,
}

/// The body of `PATCH .../keys/{key_id}`: every create field and `enabled`;
/// absent fields stay, `null` clears.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct KeyPatch {
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub name: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<u64>)]
    pub assign_limit: Option<Option<u64>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub assign_group: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub assign_target: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>)]
    pub assign_value: Option<Option<String>>,
    #[serde(default)]
    pub requires_captcha: Option<bool>,
    #[serde(default, alias = "requires_authetication")]
    pub requires_authentication: Option<bool>,
    #[serde(default)]
    pub requires_catalyst: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<Vec<String>>)]
    pub requires_position: Option<Option<Vec<String>>>,
    #[serde(default)]
    pub enabled: Option<bool>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_since: Option<Option<Timestamp>>,
    #[serde(default, deserialize_with = "patch::nullable")]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub active_until: Option<Option<Timestamp>>,
}

/// Positions a key may list: enough for any scene, bounded for storage.
pub const MAX_POSITIONS: usize = 1_000;

/// "x,y" strings of integer coordinates, each once; returned normalized.
pub fn positions(raw: Vec<String>) -> Result<Vec<String>, Invalid> {
    if raw.len() > MAX_POSITIONS {
        return Err(Invalid::new(
            "requires_position",
            format!("at most {MAX_POSITIONS} positions, got {}", raw.len()),
        ));
    }
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    for text in raw {
        let parsed = text.split_once(',').and_then(|(x, y)| {
            Some((x.trim().parse::<i32>().ok()?, y.trim().parse::<i32>().ok()?))
        });
        let Some((x, y)) = parsed else {
            return Err(Invalid::new(
                "requires_position",
                format!("\"{text}\" is not a position: expected \"x,y\" with integers"),
            ));
        };
        let position = format!("{x},{y}");
        if out.contains(&position) {
            return Err(Invalid::new(
                "requires_position",
                format!("\"{position}\" is listed twice: positions must be unique"),
            ));
        }
        out.push(position);
    }
    Ok(out)
}

fn optional_name(raw: Option<String>) -> Result<Option<String>, Invalid> {
    match raw.map(|n| n.trim().to_string()) {
        Some(n) if n.chars().count() > super::MAX_TEXT_CHARS => {
            Err(Invalid::new("name", "must be at most 200 characters"))
        }
        Some(n) if n.is_empty() => Ok(None),
        other => Ok(other),
    }
}

/// The rules a key must keep as a whole, after a create or a patch.
fn checked(mut key: CampaignKey) -> Result<CampaignKey, Invalid> {
    key.assign_group = super::group("assign_group", key.assign_group)?;
    key.assign_target = key
        .assign_target
        .map(|t| address("assign_target", &t))
        .transpose()?;
    key.assign_value = key
        .assign_value
        .map(|v| item_value("assign_value", &v))
        .transpose()?;
    if key.assign_value.is_some() && key.assign_target.is_none() {
        return Err(Invalid::new(
            "assign_value",
            "needs assign_target: a value is an item of one collection",
        ));
    }
    key.requires_position = key.requires_position.map(positions).transpose()?;
    period(key.active_since, key.active_until)?;
    Ok(key)
}

impl NewKey {
    pub fn into_key(
        self,
        id: String,
        campaign_id: String,
        now: Timestamp,
    ) -> Result<CampaignKey, Invalid> {
        checked(CampaignKey {
            id,
            campaign_id,
            name: optional_name(self.name)?,
            assign_limit: self.assign_limit,
            assign_group: self.assign_group,
            assign_target: self.assign_target,
            assign_value: self.assign_value,
            requires_captcha: self.requires_captcha.unwrap_or(false),
            requires_authentication: self.requires_authentication.unwrap_or(false),
            requires_catalyst: self.requires_catalyst.unwrap_or(false),
            requires_position: self.requires_position,
            enabled: self.enabled.unwrap_or(true),
            active_since: self.active_since,
            active_until: self.active_until,
            created_at: now,
            updated_at: now,
        })
    }
}

impl KeyPatch {
    pub fn apply(self, mut key: CampaignKey, now: Timestamp) -> Result<CampaignKey, Invalid> {
        if let Some(name) = self.name {
            key.name = optional_name(name)?;
        }
        if let Some(limit) = self.assign_limit {
            key.assign_limit = limit;
        }
        if let Some(group) = self.assign_group {
            key.assign_group = group;
        }
        if let Some(target) = self.assign_target {
            key.assign_target = target;
        }
        if let Some(value) = self.assign_value {
            key.assign_value = value;
        }
        if let Some(flag) = self.requires_captcha {
            key.requires_captcha = flag;
        }
        if let Some(flag) = self.requires_authentication {
            key.requires_authentication = flag;
        }
        if let Some(flag) = self.requires_catalyst {
            key.requires_catalyst = flag;
        }
        if let Some(positions) = self.requires_position {
            key.requires_position = positions;
        }
        if let Some(flag) = self.enabled {
            key.enabled = flag;
        }
        if let Some(since) = self.active_since {
            key.active_since = since;
        }
        if let Some(until) = self.active_until {
            key.active_until = until;
        }
        key.updated_at = now;
        checked(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(body: &str) -> Result<CampaignKey, Invalid> {
        serde_json::from_str::<NewKey>(body)
            .unwrap()
            .into_key("k".into(), "c".into(), Timestamp(0))
    }

    #[test]
    fn kinds_follow_the_assign_fields() {
        assert_eq!(new("{}").unwrap().kind(), KeyKind::Master);
        assert_eq!(
            new(r#"{"assign_limit": 1}"#).unwrap().kind(),
            KeyKind::Super
        );
        assert_eq!(
            new(r#"{"assign_limit": 1, "assign_group": "box_1"}"#)
                .unwrap()
                .kind(),
            KeyKind::Restricted
        );
        let k = new(r#"{"assign_target": "0x7434A847C5E1FF250DB456C55F99D1612E93D6A3", "assign_value": "007"}"#)
            .unwrap();
        assert_eq!(k.kind(), KeyKind::Restricted);
        assert_eq!(
            k.assign_target.as_deref(),
            Some("0x7434a847c5e1ff250db456c55f99d1612e93d6a3")
        );
        assert_eq!(k.assign_value.as_deref(), Some("7"));
    }

    #[test]
    fn the_references_misspelling_is_read() {
        assert!(
            new(r#"{"requires_authetication": true}"#)
                .unwrap()
                .requires_authentication
        );
    }

    #[test]
    fn broken_rules_name_their_field() {
        let field = |body: &str| new(body).unwrap_err().field;
        assert_eq!(field(r#"{"assign_value": "1"}"#), "assign_value");
        assert_eq!(field(r#"{"assign_target": "0x12"}"#), "assign_target");
        assert_eq!(field(r#"{"assign_group": ""}"#), "assign_group");
        assert_eq!(
            field(r#"{"requires_position": ["0,0", "0, 0"]}"#),
            "requires_position"
        );
        assert_eq!(
            field(r#"{"requires_position": ["0,a"]}"#),
            "requires_position"
        );
        assert_eq!(
            field(r#"{"requires_position": ["1.5,0"]}"#),
            "requires_position"
        );
    }

    #[test]
    fn a_patch_is_checked_as_a_whole() {
        let key = new(r#"{"assign_target": "0x7434a847c5e1ff250db456c55f99d1612e93d6a3", "assign_value": "1"}"#)
            .unwrap();
        let clear_target: KeyPatch = serde_json::from_str(r#"{"assign_target": null}"#).unwrap();
        assert_eq!(
            clear_target
                .apply(key.clone(), Timestamp(1))
                .unwrap_err()
                .field,
            "assign_value"
        );
        let both: KeyPatch = serde_json::from_str(
            r#"{"assign_target": null, "assign_value": null, "enabled": false}"#,
        )
        .unwrap();
        let patched = both.apply(key, Timestamp(1)).unwrap();
        assert_eq!(patched.kind(), KeyKind::Master);
        assert!(!patched.enabled);
    }
}
