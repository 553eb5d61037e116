//! The `nw`/`se` box parameters of `/parcels` and `/map`.

use platform::http::ApiError;

use crate::domain::coords::{Area, Coord, MAX_AREA_PARCELS};

/// Parses the `nw`/`se` pair shared by `/parcels` and `/map`.
pub fn parse_area(nw: Option<&str>, se: Option<&str>) -> Result<Area, ApiError> {
    let (Some(nw), Some(se)) = (nw, se) else {
        return Err(ApiError::missing(
            "Both \"nw\" and \"se\" are required query params",
        ));
    };
    let corner = |name: &str, raw: &str| {
        raw.parse::<Coord>()
            .map_err(|e| ApiError::invalid(format!("Invalid query parameter \"{name}\": {e}")))
    };
    let area = Area::between(corner("nw", nw)?, corner("se", se)?);
    if area.parcel_count() > MAX_AREA_PARCELS {
        return Err(ApiError::invalid(format!(
            "The area between \"nw\" and \"se\" holds {} parcels and the maximum allowed is {MAX_AREA_PARCELS}",
            area.parcel_count()
        )));
    }
    Ok(area)
}
