//! The city map: every parcel and estate of an area as JSON, and the map as a
//! PNG (tile index, renderer in `domain::map`, PNG cache, HTTP caching).

pub mod cache;
mod png;
mod routes;
mod store;
mod tiles;

use std::sync::Arc;

pub use routes::{MapAssets, MapData};
pub use store::MapStore;
pub use tiles::TileIndexCache;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::clock::Clock;
use cache::PngCache;

#[derive(Clone)]
pub struct MapState {
    pub store: Arc<dyn MapStore>,
    pub clock: Arc<dyn Clock>,
    pub tiles: Arc<TileIndexCache>,
    pub png_cache: Arc<dyn PngCache>,
}

pub fn router(state: MapState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::map))
        .routes(routes!(png::map_png))
        .routes(routes!(png::parcel_map_png))
        .routes(routes!(png::estate_map_png))
        .with_state(state)
}
