//! LAND's additions to the platform's HTTP edge: the coordinate and address
//! path readers, the `nw`/`se` box parser, and their OpenAPI parameters.

mod area;
mod docs;
mod path;

pub use area::parse_area;
pub use docs::{AddressParam, CoordParams};
pub use path::LandPath;
pub use platform::http::{
    ApiError, ApiResult, Data, Envelope, ErrorBody, PathParams, Query, non_negative,
};
