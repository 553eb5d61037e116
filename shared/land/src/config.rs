//! Configuration, read once from the environment into typed fields, and the
//! adapters it selects: DynamoDB when `LAND_TABLE` is set (as in Lambda),
//! else the embedded store opened from `LAND_DATA_FILE`. With neither, a
//! Lambda function stops at init: it never serves invented data.

use std::path::PathBuf;
use std::sync::Arc;

use platform::store::StoreError;

use crate::app::LandStore;
use crate::bids::BidStore;
use crate::districts::DistrictStore;
use crate::estates::EstateStore;
use crate::map::MapStore;
use crate::map::cache::{FolderCache, MemoryCache, PngCache, S3Cache, Tiered};
use crate::mortgages::MortgageStore;
use crate::parcels::ParcelStore;
use crate::publications::PublicationStore;
use crate::store::dynamo::DynamoLand;
use crate::store::embedded::EmbeddedLand;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// The embedded store's JSON-lines file (`LAND_DATA_FILE`), e.g. a dump
    /// written by `cargo run -- export`.
    pub data_file: Option<PathBuf>,
    /// The DynamoDB table of the LAND data (`LAND_TABLE`): set, the AWS
    /// adapters are used (endpoint and credentials from the usual AWS
    /// variables, `AWS_ENDPOINT_URL` included).
    pub table: Option<String>,
    /// The S3 bucket of rendered map PNGs (`MAP_CACHE_BUCKET`).
    pub map_cache_bucket: Option<String>,
    /// The folder of rendered map PNGs (`MAP_CACHE_DIR`) when there is no
    /// bucket; with neither, pictures are kept in memory only.
    pub map_cache_dir: Option<PathBuf>,
}

/// A store port (a family's trait, or all of them as [`LandStore`]) that
/// either adapter serves.
pub trait Port {
    fn dynamo(store: Arc<DynamoLand>) -> Arc<Self>;
    fn embedded(store: Arc<EmbeddedLand>) -> Arc<Self>;
}

macro_rules! ports {
    ($($port:path),* $(,)?) => {$(
        impl Port for dyn $port {
            fn dynamo(store: Arc<DynamoLand>) -> Arc<Self> {
                store
            }
            fn embedded(store: Arc<EmbeddedLand>) -> Arc<Self> {
                store
            }
        }
    )*};
}

ports!(
    LandStore,
    ParcelStore,
    EstateStore,
    BidStore,
    MortgageStore,
    PublicationStore,
    DistrictStore,
    MapStore,
);

#[derive(thiserror::Error)]
pub enum ConfigError {
    #[error(
        "neither LAND_TABLE nor LAND_DATA_FILE is set: set LAND_TABLE to the DynamoDB table, \
         or LAND_DATA_FILE to a dump written by `cargo run -- export`"
    )]
    NoStore,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A function's `main` returns this at init, and Rust prints an error
/// returned from `main` with `Debug`: make that the readable message.
impl std::fmt::Debug for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

/// The in-process PNG cache when no folder or bucket is configured.
pub(crate) const PNG_MEMORY_BYTES: usize = 64 << 20;
/// Recent pictures a warm process keeps in front of the folder or bucket.
const PNG_MEMORY_FRONT_BYTES: usize = 32 << 20;

impl Config {
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads from any source of variables (tests pass a map); blank values
    /// count as unset.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Self {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        Self {
            data_file: set("LAND_DATA_FILE").map(PathBuf::from),
            table: set("LAND_TABLE"),
            map_cache_bucket: set("MAP_CACHE_BUCKET"),
            map_cache_dir: set("MAP_CACHE_DIR").map(PathBuf::from),
        }
    }

    /// The store a deployed function serves, as the port `P` its family
    /// needs: the table, else the existing data file, else an error (never
    /// generated data). Asking for one port makes the binary carry only that
    /// port's code of each adapter.
    pub async fn store<P: Port + ?Sized>(&self) -> Result<Arc<P>, ConfigError> {
        if let Some(table) = &self.table {
            let aws = platform::aws::sdk_config().await;
            let client = aws_sdk_dynamodb::Client::new(&aws);
            return Ok(P::dynamo(Arc::new(DynamoLand::new(client, table))));
        }
        match &self.data_file {
            Some(file) => Ok(P::embedded(Arc::new(EmbeddedLand::open_existing(file)?))),
            None => Err(ConfigError::NoStore),
        }
    }

    /// The cache of rendered map PNGs: the bucket, else the folder, each
    /// behind a memory front; else memory only.
    pub async fn png_cache(&self) -> Arc<dyn PngCache> {
        let back: Arc<dyn PngCache> = match (&self.map_cache_bucket, &self.map_cache_dir) {
            (Some(bucket), _) => {
                let aws = platform::aws::sdk_config().await;
                Arc::new(S3Cache::new(S3Cache::client(&aws), bucket))
            }
            (None, Some(dir)) => Arc::new(FolderCache::new(dir)),
            (None, None) => return Arc::new(MemoryCache::new(PNG_MEMORY_BYTES)),
        };
        Arc::new(Tiered {
            front: MemoryCache::new(PNG_MEMORY_FRONT_BYTES),
            back,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_variables_and_treats_blank_as_unset() {
        let config = Config::from_lookup(|n| match n {
            "LAND_DATA_FILE" => Some("/tmp/x.jsonl".into()),
            "LAND_TABLE" => Some(" ".into()),
            "MAP_CACHE_DIR" => Some(".data/map".into()),
            _ => None,
        });
        assert_eq!(
            config,
            Config {
                data_file: Some("/tmp/x.jsonl".into()),
                table: None,
                map_cache_bucket: None,
                map_cache_dir: Some(".data/map".into()),
            }
        );
        assert_eq!(Config::from_lookup(|_| None), Config::default());
    }

    #[tokio::test]
    async fn a_function_without_a_store_stops_instead_of_inventing_data() {
        let err = Config::default()
            .store::<dyn ParcelStore>()
            .await
            .err()
            .unwrap();
        assert!(matches!(err, ConfigError::NoStore), "{err}");
        assert!(err.to_string().contains("LAND_TABLE"), "{err}");
        // What a function prints when `main` returns it.
        let boxed: Box<dyn std::error::Error + Send + Sync> = err.into();
        assert!(format!("{boxed:?}").starts_with("neither LAND_TABLE nor LAND_DATA_FILE"));

        let missing = Config {
            data_file: Some("/nonexistent/land.jsonl".into()),
            ..Config::default()
        };
        let err = missing.store::<dyn LandStore>().await.err().unwrap();
        assert!(err.to_string().contains("does not exist"), "{err}");
    }
}
