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

use crate::domain::map::ViewError;
use crate::http::ApiError;
use cache::PngCache;
use platform::clock::Clock;

#[derive(Clone)]
pub struct MapState {
    pub store: Arc<dyn MapStore>,
    pub clock: Arc<dyn Clock>,
    pub tiles: Arc<TileIndexCache>,
    pub png_cache: Arc<dyn PngCache>,
}

impl MapState {
    /// A fresh tile index, built on first use.
    pub fn new(
        store: Arc<dyn MapStore>,
        clock: Arc<dyn Clock>,
        png_cache: Arc<dyn PngCache>,
    ) -> Self {
        Self {
            store,
            clock,
            tiles: Arc::default(),
            png_cache,
        }
    }
}

/// A map view out of range or over the parcel limit: the message names it.
impl From<ViewError> for ApiError {
    fn from(err: ViewError) -> Self {
        ApiError::invalid(err.to_string())
    }
}

pub fn router(state: MapState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::map))
        .routes(routes!(png::map_png))
        .routes(routes!(png::parcel_map_png))
        .routes(routes!(png::estate_map_png))
        .with_state(state)
}
