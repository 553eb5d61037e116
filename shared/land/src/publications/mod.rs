//! Publications: the history of a parcel on the marketplace, and one
//! publication by transaction hash.

mod routes;
mod store;

use std::sync::Arc;

pub use store::PublicationStore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use platform::clock::Clock;

#[derive(Clone)]
pub struct PublicationsState {
    pub store: Arc<dyn PublicationStore>,
    pub clock: Arc<dyn Clock>,
}

pub fn router(state: PublicationsState) -> OpenApiRouter {
    OpenApiRouter::new()
        .routes(routes!(routes::publications_on_parcel))
        .routes(routes!(routes::publication_by_tx_hash))
        .with_state(state)
}
