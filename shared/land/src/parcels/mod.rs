//! Parcels: listings, single parcels by coordinates or token id, token id
//! encoding, and the parcels of an address.

mod routes;
mod store;

use std::sync::Arc;

pub use routes::ParcelList;
pub use store::ParcelStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use platform::clock::Clock;

#[derive(Clone)]
pub struct ParcelsState {
    pub store: Arc<dyn ParcelStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: ParcelsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::list_parcels))
        .routes(routes!(routes::parcel_by_coords))
        .routes(routes!(routes::parcel_by_token_id))
        .routes(routes!(routes::encoded_id))
        .routes(routes!(routes::parcels_of_address))
        .with_state(state)
}
