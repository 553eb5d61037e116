//! The `rewards` route family: a beneficiary's rewards (signed) and one
//! reward by id (public: the random id is the permission). Step 6 adds
//! assignment here.

mod routes;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::RewardsState;

pub fn router(state: RewardsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::my_rewards))
        .routes(routes!(routes::reward_by_id))
        .with_state(state)
}
