//! Bids: by id, by address, on a parcel or an estate, and the assets bid on.

mod routes;
mod store;

use std::sync::Arc;

pub use store::BidStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use platform::clock::Clock;

#[derive(Clone)]
pub struct BidsState {
    pub store: Arc<dyn BidStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: BidsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::bid_by_id))
        .routes(routes!(routes::bids_of_address))
        .routes(routes!(routes::bids_on_parcel))
        .routes(routes!(routes::bids_on_estate))
        .routes(routes!(routes::bid_assets))
        .with_state(state)
}
