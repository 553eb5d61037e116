//! The `rewards` route family: assigning a reward (`assign`), a
//! beneficiary's rewards (signed) and one reward by id (public: the random
//! id is the permission).

mod assign;
mod routes;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::RewardsState;

#[allow(deprecated)]
pub fn router(state: RewardsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::my_rewards, assign::assign))
        .routes(routes!(routes::reward_by_id))
        .routes(routes!(assign::assign_in_campaign))
        .with_state(state)
}
