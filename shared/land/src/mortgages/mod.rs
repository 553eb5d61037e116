//! Mortgages: by borrower, on a parcel, and the parcels a borrower mortgaged.

mod routes;
mod store;

use std::sync::Arc;

pub use store::MortgageStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use platform::clock::Clock;

#[derive(Clone)]
pub struct MortgagesState {
    pub store: Arc<dyn MortgageStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: MortgagesState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::mortgaged_parcels))
        .routes(routes!(routes::mortgages_of_address))
        .routes(routes!(routes::mortgages_on_parcel))
        .with_state(state)
}
