//! Assembles the route families: all of them for the local server; a Lambda
//! function calls its own family's `router` directly and hands it to
//! [`lambda_router`].

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use platform::clock::Clock;
use platform::http::{self, ErrorBody};
use platform::rate_limit::{Policy, RateLimiter, RoutePolicy};
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

/// Map pictures: an uncached one costs milliseconds of CPU (up to 25 ms at
/// 2048 x 2048). A marketplace page shows a few dozen parcel thumbnails.
pub const RENDER: Policy = Policy::new("render", 120, 60);

/// The LAND routes with a rate-limit policy of their own (on top of `anon`
/// or `signed`): the map pictures.
pub fn rate_limited_routes() -> Vec<RoutePolicy> {
    [
        "/v1/map.png",
        "/v1/parcels/{x}/{y}/map.png",
        "/v1/estates/{id}/map.png",
    ]
    .into_iter()
    .map(|path| RoutePolicy::new(Method::GET, path, RENDER))
    .collect()
}

/// A LAND function's rate limiter, from the environment (see
/// [`RateLimiter::for_lambda`]).
pub async fn lambda_limiter(clock: Arc<dyn Clock>) -> Result<Option<RateLimiter>, String> {
    RateLimiter::for_lambda(rate_limited_routes(), clock).await
}

/// One family's routes as a Lambda function serves them: the rate limits
/// and the shared layers, without the OpenAPI description.
pub fn lambda_router(family: OpenApiRouter, limiter: Option<&RateLimiter>) -> Router {
    http::finish(http::with_cors(
        family.split_for_parts().0,
        http::open_cors(),
        limiter,
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
    /// the rate limits and LAND's CORS policy, without the shared layers
    /// (`http::finish`), which the server adds once around both APIs.
    pub fn api(
        &self,
        clock: Arc<dyn Clock>,
        limiter: Option<&RateLimiter>,
    ) -> (Router, OpenApiDoc) {
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
        (http::with_cors(router, http::open_cors(), limiter), doc)
    }

    /// The version of the data, which caches key on.
    pub async fn data_version(&self) -> StoreResult<String> {
        self.store.data_version().await
    }
}
