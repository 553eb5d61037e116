//! Assembles the route families: all of them for the local server; a Lambda
//! function calls its own family's `router` directly and hands it to
//! [`lambda_router`].

use std::sync::Arc;

use axum::Router;
use platform::clock::Clock;
use platform::http::{self, ErrorBody};
use platform::store::StoreResult;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;

use crate::bids::{self, BidStore, BidsState};
use crate::districts::{self, DistrictStore, DistrictsState};
use crate::estates::{self, EstateStore, EstatesState};
use crate::map::cache::{MemoryCache, PngCache};
use crate::map::{self, MapState, MapStore};
use crate::mortgages::{self, MortgageStore, MortgagesState};
use crate::parcels::{self, ParcelStore, ParcelsState};
use crate::publications::{self, PublicationStore, PublicationsState};
use crate::translations;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "LAND API",
        version = "1.0.0",
        description = "Parcels, estates, marketplace publications, bids, mortgages, districts, translations and the map of Genesis City. \
Every answer is `{\"ok\": true, \"data\": ...}`; every error is `{\"ok\": false, \"code\": ..., \"error\": ...}` with a real status code.",
        license(name = "Apache-2.0")
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "parcels"), (name = "estates"), (name = "bids"), (name = "mortgages"),
        (name = "publications"), (name = "districts"), (name = "map"), (name = "translations")
    )
)]
struct LandDoc;

/// A store that serves every LAND family (both adapters do). The local
/// server holds one as `Arc<dyn LandStore>` and upcasts it to each family's
/// port.
pub trait LandStore:
    ParcelStore + EstateStore + BidStore + MortgageStore + PublicationStore + DistrictStore + MapStore
{
}

impl LandStore for crate::store::embedded::EmbeddedLand {}
impl LandStore for crate::store::dynamo::DynamoLand {}

/// One family's routes as a Lambda function serves them: the shared layers,
/// without the OpenAPI description.
pub fn lambda_router(family: OpenApiRouter) -> Router {
    http::finish(http::with_cors(
        family.split_for_parts().0,
        http::open_cors(),
    ))
}

/// What the local server runs on: the store and the cache of map pictures.
#[derive(Clone)]
pub struct LandBackend {
    pub store: Arc<dyn LandStore>,
    pub png_cache: Arc<dyn PngCache>,
}

impl LandBackend {
    /// On `store`, with map pictures cached in memory.
    pub fn new(store: Arc<dyn LandStore>) -> Self {
        Self {
            store,
            png_cache: Arc::new(MemoryCache::new(crate::config::PNG_MEMORY_BYTES)),
        }
    }

    pub fn with_png_cache(self, png_cache: Arc<dyn PngCache>) -> Self {
        Self { png_cache, ..self }
    }

    /// Every family in one router, with the OpenAPI description of all, with
    /// LAND's CORS policy and without the shared layers (`http::finish`),
    /// which the server adds once around both APIs.
    pub fn api(&self, clock: Arc<dyn Clock>) -> (Router, OpenApiDoc) {
        let store = &self.store;
        let (router, doc) = OpenApiRouter::with_openapi(LandDoc::openapi())
            .merge(parcels::router(ParcelsState {
                store: store.clone(),
                clock: clock.clone(),
            }))
            .merge(estates::router(EstatesState {
                store: store.clone(),
                clock: clock.clone(),
            }))
            .merge(bids::router(BidsState {
                store: store.clone(),
                clock: clock.clone(),
            }))
            .merge(mortgages::router(MortgagesState {
                store: store.clone(),
                clock: clock.clone(),
            }))
            .merge(publications::router(PublicationsState {
                store: store.clone(),
                clock: clock.clone(),
            }))
            .merge(districts::router(DistrictsState {
                store: store.clone(),
            }))
            .merge(map::router(MapState::new(
                store.clone(),
                clock,
                self.png_cache.clone(),
            )))
            .merge(translations::router())
            .split_for_parts();
        (http::with_cors(router, http::open_cors()), doc)
    }

    /// The version of the data, which caches key on.
    pub async fn data_version(&self) -> StoreResult<String> {
        self.store.data_version().await
    }
}
