//! What a store of any family can fail with. Every family's port returns
//! it, so the HTTP layer maps storage failures in one place.

/// Routes map it to 5xx without leaking details.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The backing service cannot be reached or refused the call (503).
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// Stored data could not be read back (500).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    /// The configuration names no usable store (a process stops at init).
    #[error("{0}")]
    NotConfigured(String),
    #[error("i/o: {0}")]
    Io(#[from] std::io::Error),
}

pub type StoreResult<T> = Result<T, StoreError>;
