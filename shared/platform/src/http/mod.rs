//! What every route family shares at the HTTP edge: the error type and
//! envelopes, the query and path parsers, the common layers.

mod envelope;
mod error;
mod layers;
mod path;
mod query;

pub use envelope::{ApiResult, Data, Envelope};
pub use error::{ApiError, ErrorBody};
pub use layers::{COMPRESSION_LEVEL, finish, not_found_fallback};
pub use path::PathParams;
pub use query::{Query, non_negative};
