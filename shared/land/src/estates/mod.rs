//! Estates: listings, single estates and the estates of an address.

mod routes;
mod store;

use std::sync::Arc;

pub use routes::EstateList;
pub use store::EstateStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use platform::clock::Clock;

#[derive(Clone)]
pub struct EstatesState {
    pub store: Arc<dyn EstateStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: EstatesState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::list_estates))
        .routes(routes!(routes::estate_by_id))
        .routes(routes!(routes::estates_of_address))
        .with_state(state)
}
