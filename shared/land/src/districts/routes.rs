use axum::extract::State;

use super::DistrictsState;
use crate::domain::district::{Contribution, District};
use crate::http::LandPath;
use crate::http::{AddressParam, ApiError, ApiResult, Data, Envelope, ErrorBody, PathParams};

/// Every district of Genesis City.
#[utoipa::path(get, path = "/v1/districts", tag = "districts",
    responses((status = 200, body = Envelope<Vec<District>>)))]
pub async fn districts(State(s): State<DistrictsState>) -> ApiResult<Vec<District>> {
    Ok(Data(s.store.districts().await?))
}

/// One district by id.
#[utoipa::path(get, path = "/v1/districts/{id}", tag = "districts",
    params(("id" = String, Path, description = "The id of the district")),
    responses((status = 200, body = Envelope<District>), (status = 404, body = ErrorBody)))]
pub async fn district_by_id(
    State(s): State<DistrictsState>,
    path: PathParams,
) -> ApiResult<District> {
    let id = path.text("id")?;
    s.store
        .district(id)
        .await?
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("District with id {id} not found")))
}

/// LAND the address contributed to districts, summed per district.
#[utoipa::path(get, path = "/v1/addresses/{address}/contributions", tag = "districts", params(AddressParam),
    responses((status = 200, body = Envelope<Vec<Contribution>>), (status = 400, body = ErrorBody)))]
pub async fn contributions_of_address(
    State(s): State<DistrictsState>,
    path: PathParams,
) -> ApiResult<Vec<Contribution>> {
    Ok(Data(s.store.contributions_of(&path.address()?).await?))
}
