//! The `campaigns` route family: campaigns, their keys, users (roles),
//! supply and transactions. Every route is a signed request; the caller's
//! role on the campaign decides (rewards-behaviour.md, Roles).

mod keys;
mod routes;
mod supply;
mod users;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::RewardsState;

pub fn router(state: RewardsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::list_campaigns, routes::create_campaign))
        .routes(routes!(routes::get_campaign, routes::update_campaign))
        .routes(routes!(routes::transactions))
        .routes(routes!(keys::keys_by_secret))
        .routes(routes!(keys::list_keys, keys::create_key))
        .routes(routes!(keys::get_key, keys::update_key, keys::delete_key))
        .routes(routes!(keys::rewards_of_key))
        .routes(routes!(users::list_users, users::add_user))
        .routes(routes!(
            users::get_user,
            users::change_role,
            users::remove_user
        ))
        .routes(routes!(
            supply::get_supply,
            supply::add_supply,
            supply::remove_supply
        ))
        .with_state(state)
}
