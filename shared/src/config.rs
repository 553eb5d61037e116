//! Configuration, read once from the environment into typed fields.

use std::path::PathBuf;
use std::sync::Arc;

use crate::seed;
use crate::store::StoreError;
use crate::store::embedded::EmbeddedLand;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Where the embedded store persists (`LAND_DATA_FILE`); `None` keeps the
    /// data in memory only (a Lambda without a file system to keep).
    pub data_file: Option<PathBuf>,
    /// Seed of the generated marketplace (`LAND_SEED`).
    pub seed: u64,
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
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads from any source of variables (tests pass a map).
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let seed = match var("LAND_SEED") {
            Some(value) => value.parse().map_err(|_| ConfigError::Invalid {
                name: "LAND_SEED",
                expected: "an unsigned integer",
                value,
            })?,
            None => seed::DEFAULT_SEED,
        };
        let data_file = var("LAND_DATA_FILE")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        Ok(Self { data_file, seed })
    }

    /// The embedded LAND store: opened from (or first written to) the data
    /// file, or generated in memory when there is none.
    pub fn land_store(&self) -> Result<Arc<EmbeddedLand>, ConfigError> {
        let seed = self.seed;
        Ok(Arc::new(match &self.data_file {
            Some(file) => EmbeddedLand::open(file, || seed::genesis_city(seed))?,
            None => EmbeddedLand::in_memory(seed::genesis_city(seed)),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_variables_and_rejects_bad_ones() {
        let config = Config::from_lookup(|n| match n {
            "LAND_SEED" => Some("7".into()),
            "LAND_DATA_FILE" => Some("/tmp/x.jsonl".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(
            config,
            Config {
                data_file: Some("/tmp/x.jsonl".into()),
                seed: 7
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
