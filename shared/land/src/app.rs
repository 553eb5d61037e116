//! Assembles the route families: all of them for the local server, one of
//! them for each Lambda function.

use std::sync::Arc;

use axum::Router;
use utoipa::OpenApi;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa_axum::router::OpenApiRouter;

use crate::bids::{self, BidStore, BidsState};
use crate::districts::{self, DistrictStore, DistrictsState};
use crate::domain::clock::Clock;
use crate::estates::{self, EstateStore, EstatesState};
use crate::http::{self, ErrorBody};
use crate::map::cache::{MemoryCache, PngCache};
use crate::map::{self, MapState, MapStore};
use crate::mortgages::{self, MortgageStore, MortgagesState};
use crate::parcels::{self, ParcelStore, ParcelsState};
use crate::publications::{self, PublicationStore, PublicationsState};
use crate::store::StoreError;
use crate::store::dynamo::DynamoLand;
use crate::store::embedded::EmbeddedLand;
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

/// A store that serves every LAND family (the embedded one does).
pub trait LandStore:
    ParcelStore
    + EstateStore
    + BidStore
    + MortgageStore
    + PublicationStore
    + DistrictStore
    + MapStore
    + 'static
{
}

impl<T> LandStore for T where
    T: ParcelStore
        + EstateStore
        + BidStore
        + MortgageStore
        + PublicationStore
        + DistrictStore
        + MapStore
        + 'static
{
}

/// The route families of the LAND API, by name: each is one Lambda function.
pub const LAND_FAMILIES: [&str; 8] = [
    "parcels",
    "estates",
    "bids",
    "mortgages",
    "publications",
    "districts",
    "map",
    "translations",
];

/// One family's routes and their OpenAPI description; `None` for an unknown name.
pub fn land_family<S: LandStore>(
    name: &str,
    store: Arc<S>,
    clock: Arc<dyn Clock>,
    png_cache: Arc<dyn PngCache>,
) -> Option<OpenApiRouter> {
    Some(match name {
        "parcels" => parcels::router(ParcelsState { store, clock }),
        "estates" => estates::router(EstatesState { store, clock }),
        "bids" => bids::router(BidsState { store, clock }),
        "mortgages" => mortgages::router(MortgagesState { store, clock }),
        "publications" => publications::router(PublicationsState { store, clock }),
        "districts" => districts::router(DistrictsState { store }),
        "map" => map::router(MapState {
            store,
            clock,
            tiles: Arc::default(),
            png_cache,
        }),
        "translations" => translations::router(),
        _ => return None,
    })
}

/// Every LAND family in one router, with the OpenAPI description of all.
pub fn land_api<S: LandStore>(
    store: Arc<S>,
    clock: Arc<dyn Clock>,
    png_cache: Arc<dyn PngCache>,
) -> (Router, OpenApiDoc) {
    let mut api = OpenApiRouter::with_openapi(LandDoc::openapi());
    for name in LAND_FAMILIES {
        if let Some(family) = land_family(name, store.clone(), clock.clone(), png_cache.clone()) {
            api = api.merge(family);
        }
    }
    let (router, doc) = api.split_for_parts();
    (http::finish(router), doc)
}

/// One family, ready for `lambda_http::run`.
pub fn lambda_router<S: LandStore>(
    name: &str,
    store: Arc<S>,
    clock: Arc<dyn Clock>,
    png_cache: Arc<dyn PngCache>,
) -> Option<Router> {
    land_family(name, store, clock, png_cache)
        .map(|family| http::finish(family.split_for_parts().0))
}

/// The LAND store a deployment runs on, chosen by configuration.
#[derive(Clone)]
pub enum LandStores {
    Embedded(Arc<EmbeddedLand>),
    Dynamo(Arc<DynamoLand>),
}

/// What the routes run on: the store and the cache of map pictures.
#[derive(Clone)]
pub struct LandBackend {
    pub store: LandStores,
    pub png_cache: Arc<dyn PngCache>,
}

/// The in-process PNG cache when no folder or bucket is configured.
const MEMORY_PNG_CACHE_BYTES: usize = 64 << 20;

impl LandBackend {
    /// On `store`, with map pictures cached in memory.
    pub fn new(store: LandStores) -> Self {
        Self {
            store,
            png_cache: Arc::new(MemoryCache::new(MEMORY_PNG_CACHE_BYTES)),
        }
    }

    pub fn embedded(store: Arc<EmbeddedLand>) -> Self {
        Self::new(LandStores::Embedded(store))
    }

    pub fn dynamo(store: Arc<DynamoLand>) -> Self {
        Self::new(LandStores::Dynamo(store))
    }

    pub fn with_png_cache(self, png_cache: Arc<dyn PngCache>) -> Self {
        Self { png_cache, ..self }
    }

    /// Every family with its OpenAPI description.
    pub fn api(&self, clock: Arc<dyn Clock>) -> (Router, OpenApiDoc) {
        let cache = self.png_cache.clone();
        match &self.store {
            LandStores::Embedded(store) => land_api(store.clone(), clock, cache),
            LandStores::Dynamo(store) => land_api(store.clone(), clock, cache),
        }
    }

    /// One family, ready for `lambda_http::run`.
    pub fn lambda_router(&self, family: &str, clock: Arc<dyn Clock>) -> Option<Router> {
        let cache = self.png_cache.clone();
        match &self.store {
            LandStores::Embedded(store) => lambda_router(family, store.clone(), clock, cache),
            LandStores::Dynamo(store) => lambda_router(family, store.clone(), clock, cache),
        }
    }

    /// The version of the data, which caches key on.
    pub async fn data_version(&self) -> Result<String, StoreError> {
        match &self.store {
            LandStores::Embedded(store) => Ok(store.data_version()),
            LandStores::Dynamo(store) => Ok(store.stored_version().await?.unwrap_or_default()),
        }
    }
}
