//! Who has a role on a campaign.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::role::Role;
use super::time::Timestamp;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CampaignUser {
    pub campaign_id: String,
    /// The wallet, lowercase.
    pub user: String,
    pub role: Role,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: Timestamp,
}

/// The body of `POST /api/campaigns/{id}/users`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct NewUser {
    /// The wallet to grant the role to.
    pub user: String,
    pub role: Role,
}

/// The body of `PATCH /api/campaigns/{id}/users/{user}`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct RoleChange {
    pub role: Role,
}
