//! Typed readers of LAND's path parameters.

use platform::http::{ApiError, PathParams};

use crate::domain::address;
use crate::domain::coords::Coord;

/// `{x}/{y}` and `{address}` as the LAND routes read them.
pub trait LandPath {
    /// `{x}` and `{y}` as a parcel of the city.
    fn coord(&self) -> Result<Coord, ApiError>;
    /// `{address}`, checked and lowercased.
    fn address(&self) -> Result<String, ApiError>;
}

impl LandPath for PathParams {
    fn coord(&self) -> Result<Coord, ApiError> {
        Coord::from_parts(self.text("x")?, self.text("y")?)
            .map_err(|e| ApiError::invalid(e.to_string()))
    }

    fn address(&self) -> Result<String, ApiError> {
        address::normalize(self.text("address")?).map_err(|e| ApiError::invalid(e.to_string()))
    }
}
