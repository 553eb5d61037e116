//! Roles on a campaign and what each may do (rewards-behaviour.md, Roles).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Everything, users included.
    Owner,
    /// Sees users; adds, changes and removes supply and keys; changes settings.
    Collaborator,
    /// Sees users, supply and keys.
    Developer,
    /// Sees users and supply.
    Viewer,
}

/// What a request does on a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    SeeCampaign,
    ChangeCampaign,
    SeeUsers,
    ChangeUsers,
    SeeSupply,
    ChangeSupply,
    SeeKeys,
    ChangeKeys,
    SeeRewards,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Collaborator => "collaborator",
            Self::Developer => "developer",
            Self::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Owner,
            Self::Collaborator,
            Self::Developer,
            Self::Viewer,
        ]
        .into_iter()
        .find(|role| role.as_str() == text)
    }

    /// The roles table of the behaviour page.
    pub fn may(self, action: Action) -> bool {
        use Action::*;
        match self {
            Self::Owner => true,
            Self::Collaborator => !matches!(action, ChangeUsers),
            Self::Developer => matches!(
                action,
                SeeCampaign | SeeUsers | SeeSupply | SeeKeys | SeeRewards
            ),
            Self::Viewer => matches!(action, SeeCampaign | SeeUsers | SeeSupply | SeeRewards),
        }
    }
}

impl Action {
    /// For the 403 message: "Your role (viewer) may not <this>".
    pub fn describe(self) -> &'static str {
        match self {
            Self::SeeCampaign => "see this campaign",
            Self::ChangeCampaign => "change this campaign's settings",
            Self::SeeUsers => "see this campaign's users",
            Self::ChangeUsers => "add, change or remove this campaign's users",
            Self::SeeSupply => "see this campaign's supply",
            Self::ChangeSupply => "add or remove this campaign's supply",
            Self::SeeKeys => "see this campaign's keys",
            Self::ChangeKeys => "add, change or remove this campaign's keys",
            Self::SeeRewards => "see this campaign's rewards",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Action::*;
    use super::*;

    #[test]
    fn the_table_of_the_behaviour_page() {
        let all = [
            SeeCampaign,
            ChangeCampaign,
            SeeUsers,
            ChangeUsers,
            SeeSupply,
            ChangeSupply,
            SeeKeys,
            ChangeKeys,
            SeeRewards,
        ];
        let allowed =
            |role: Role| -> Vec<Action> { all.into_iter().filter(|a| role.may(*a)).collect() };
        assert_eq!(allowed(Role::Owner), all.to_vec());
        assert_eq!(
            allowed(Role::Collaborator),
            vec![
                SeeCampaign,
                ChangeCampaign,
                SeeUsers,
                SeeSupply,
                ChangeSupply,
                SeeKeys,
                ChangeKeys,
                SeeRewards
            ]
        );
        assert_eq!(
            allowed(Role::Developer),
            vec![SeeCampaign, SeeUsers, SeeSupply, SeeKeys, SeeRewards]
        );
        assert_eq!(
            allowed(Role::Viewer),
            vec![SeeCampaign, SeeUsers, SeeSupply, SeeRewards]
        );
        assert_eq!(Role::parse("owner"), Some(Role::Owner));
        assert_eq!(Role::parse("Owner"), None);
    }
}
