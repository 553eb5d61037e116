//! Configuration, read once from the environment into typed fields, and the
//! adapters it selects: DynamoDB when `LAND_TABLE` is set (as in Lambda),
//! else the embedded store.

use std::path::PathBuf;
use std::sync::Arc;

use crate::app::{LandBackend, LandStores};
use crate::map::cache::{FolderCache, MemoryCache, PngCache, S3Cache, Tiered};
use crate::seed;
use crate::store::StoreError;
use crate::store::dynamo::DynamoLand;
use crate::store::embedded::EmbeddedLand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the embedded store persists (`LAND_DATA_FILE`); `None` keeps the
    /// data in memory only.
    pub data_file: Option<PathBuf>,
    /// Seed of the generated marketplace (`LAND_SEED`).
    pub seed: u64,
    /// The DynamoDB table of the LAND data (`LAND_TABLE`): set, the AWS
    /// adapters are used (endpoint and credentials from the usual AWS
    /// variables, `AWS_ENDPOINT_URL` included).
    pub table: Option<String>,
    /// The reward queue (`REWARD_QUEUE_URL`).
    pub reward_queue_url: Option<String>,
    /// The S3 bucket of rendered map PNGs (`MAP_CACHE_BUCKET`).
    pub map_cache_bucket: Option<String>,
    /// The folder of rendered map PNGs (`MAP_CACHE_DIR`) when there is no
    /// bucket; with neither, pictures are kept in memory only.
    pub map_cache_dir: Option<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} must be {expected}, got {value:?}")]
    Invalid {
        name: &'static str,
        expected: &'static str,
        value: String,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_file: None,
            seed: seed::DEFAULT_SEED,
            table: None,
            reward_queue_url: None,
            map_cache_bucket: None,
            map_cache_dir: None,
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads from any source of variables (tests pass a map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let set = |name: &str| var(name).filter(|v| !v.trim().is_empty());
        let seed = match set("LAND_SEED") {
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                name: "LAND_SEED",
                expected: "an unsigned integer",
                value,
            })?,
            None => seed::DEFAULT_SEED,
        };
        Ok(Self {
            data_file: set("LAND_DATA_FILE").map(PathBuf::from),
            seed,
            table: set("LAND_TABLE"),
            reward_queue_url: set("REWARD_QUEUE_URL"),
            map_cache_bucket: set("MAP_CACHE_BUCKET"),
            map_cache_dir: set("MAP_CACHE_DIR").map(PathBuf::from),
        })
    }

    /// The embedded LAND store: opened from (or first written to) the data
    /// file, or generated in memory when there is none.
    pub fn embedded_store(&self) -> Result<Arc<EmbeddedLand>, ConfigError> {
        let seed = self.seed;
        Ok(Arc::new(match &self.data_file {
            Some(file) => EmbeddedLand::open(file, || seed::genesis_city(seed))?,
            None => EmbeddedLand::in_memory(seed::genesis_city(seed)),
        }))
    }

    /// The LAND store and PNG cache this configuration selects.
    pub async fn land_backend(&self) -> Result<LandBackend, ConfigError> {
        let aws = match (&self.table, &self.map_cache_bucket) {
            (None, None) => None,
            _ => Some(aws_config::load_from_env().await),
        };
        let store = match (&self.table, &aws) {
            (Some(table), Some(aws)) => LandStores::Dynamo(Arc::new(DynamoLand::new(
                aws_sdk_dynamodb::Client::new(aws),
                table,
            ))),
            _ => LandStores::Embedded(self.embedded_store()?),
        };
        let back: Option<Arc<dyn PngCache>> =
            match (&self.map_cache_bucket, &aws, &self.map_cache_dir) {
                (Some(bucket), Some(aws), _) => {
                    Some(Arc::new(S3Cache::new(S3Cache::client(aws), bucket)))
                }
                (_, _, Some(dir)) => Some(Arc::new(FolderCache::new(dir))),
                _ => None,
            };
        let backend = LandBackend::new(store);
        Ok(match back {
            Some(back) => backend.with_png_cache(Arc::new(Tiered {
                front: MemoryCache::new(PNG_MEMORY_FRONT_BYTES),
                back,
            })),
            None => backend,
        })
    }
}

/// Recent pictures a warm process keeps in front of the folder or bucket.
const PNG_MEMORY_FRONT_BYTES: usize = 32 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_variables_and_rejects_bad_ones() {
        let config = Config::from_lookup(|n| match n {
            "LAND_SEED" => Some("7".into()),
            "LAND_DATA_FILE" => Some("/tmp/x.jsonl".into()),
            "LAND_TABLE" => Some("land".into()),
            "REWARD_QUEUE_URL" => Some(" ".into()),
            "MAP_CACHE_DIR" => Some(".data/map".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            config,
            Config {
                data_file: Some("/tmp/x.jsonl".into()),
                seed: 7,
                table: Some("land".into()),
                reward_queue_url: None,
                map_cache_bucket: None,
                map_cache_dir: Some(".data/map".into()),
            }
        );
        assert_eq!(Config::from_lookup(|_| None).unwrap(), Config::default());
        let err = Config::from_lookup(|n| (n == "LAND_SEED").then(|| "x".into())).unwrap_err();
        assert_eq!(
            err.to_string(),
            "LAND_SEED must be an unsigned integer, got \"x\""
        );
    }
}
