//! Districts of Genesis City and the contributions made to them.

mod routes;
mod store;

use std::sync::Arc;

pub use store::DistrictStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Clone)]
pub struct DistrictsState {
    pub store: Arc<dyn DistrictStore>,
}

pub fn router(state: DistrictsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::districts))
        .routes(routes!(routes::district_by_id))
        .routes(routes!(routes::contributions_of_address))
        .with_state(state)
}
