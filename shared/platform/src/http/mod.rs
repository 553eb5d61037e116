//! What every route family shares at the HTTP edge: the error type and
//! envelopes, the query and path parsers, the common layers.

mod body;
mod cors;
mod envelope;
mod error;
mod layers;
mod path;
mod query;

pub use body::JsonBody;
pub use cors::{Cors, open_cors, with_cors};
pub use envelope::{ApiResult, Created, Data, Envelope, Listed, ListedEnvelope};
pub use error::{ApiError, ErrorBody};
// The levels are public for `benches/compression.rs`.
pub use layers::{BROTLI_LEVEL, GZIP_LEVEL, finish, not_found_fallback};
pub use path::PathParams;
pub use query::{Query, non_negative};
