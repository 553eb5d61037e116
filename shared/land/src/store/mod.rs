//! Storage: the records every store holds, the errors stores raise, and the
//! embedded adapter. Each route family declares its own port (trait) next to
//! its routes; adapters implement those ports.

pub mod dataset;
pub mod dynamo;
pub mod embedded;

pub use dataset::{LandDataset, Record};

/// What a store can fail with; routes map it to 5xx without leaking details.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backing service cannot be reached or refused the call (503).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back (500).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;
