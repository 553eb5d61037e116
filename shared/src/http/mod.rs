//! What every route family shares at the HTTP edge: the error type and
//! envelopes, the query and path parsers, the common layers.

mod envelope;
mod error;
mod layers;
mod area;
mod docs;
mod path;
mod query;

pub use envelope::{ApiResult, Data, Envelope};
pub use error::{ApiError, ErrorBody};
pub use layers::{finish, not_found_fallback};
pub use area::parse_area;
pub use docs::{AddressParam, CoordParams};
pub use path::PathParams;
pub use query::{Query, parse_bool};
