//! The `nw`/`se` box parameters of `/parcels` and `/map`.

use platform::http::ApiError;

use crate::domain::coords::{Area, Corner, MAX_AREA_PARCELS};

/// Parses the `nw`/`se` pair shared by `/parcels` and `/map` and cuts the box
/// to the city: `None` when it lies wholly outside (an empty answer).
pub fn parse_area(nw: Option<&str>, se: Option<&str>) -> Result<Option<Area>, ApiError> {
    let (Some(nw), Some(se)) = (nw, se) else {
        return Err(ApiError::missing(
            "Both \"nw\" and \"se\" are required query params",
        ));
    };
    let corner = |name: &str, raw: &str| {
        raw.parse::<Corner>()
            .map_err(|e| ApiError::invalid(format!("Invalid query parameter \"{name}\": {e}")))
    };
    let Some(area) = Area::cut(corner("nw", nw)?, corner("se", se)?) else {
        return Ok(None);
    };
    if area.parcel_count() > MAX_AREA_PARCELS {
        return Err(ApiError::invalid(format!(
            "The area between \"nw\" and \"se\" holds {} parcels of the city and the maximum allowed is {MAX_AREA_PARCELS}",
            area.parcel_count()
        )));
    }
    Ok(Some(area))
}
