//! The city map: every parcel and estate of an area as JSON (PNG rendering
//! comes with Step 3).

mod routes;
mod store;

use std::sync::Arc;

pub use routes::{MapAssets, MapData};
pub use store::MapStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::clock::Clock;

#[derive(Clone)]
pub struct MapState {
    pub store: Arc<dyn MapStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: MapState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::map))
        .with_state(state)
}
