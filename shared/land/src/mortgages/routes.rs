use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::MortgagesState;
use crate::domain::mortgage::{Mortgage, MortgageStatus};
use crate::domain::parcel::Parcel;
use crate::domain::status::AnyOf;
use crate::http::LandPath;
use crate::http::{
    AddressParam, ApiResult, CoordParams, Data, Envelope, ErrorBody, PathParams, Query,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParam {
    /// Keep only mortgages in any of these statuses (default: all)
    #[serde(default)]
    #[param(value_type = Option<Vec<MortgageStatus>>, inline, style = Form, explode)]
    status: AnyOf<MortgageStatus>,
}

/// Parcels with an active (not cancelled) mortgage requested by the address
/// that are on the marketplace.
#[utoipa::path(get, path = "/v1/mortgages/{address}/parcels", tag = "mortgages", params(AddressParam),
    responses((status = 200, body = Envelope<Vec<Parcel>>), (status = 400, body = ErrorBody)))]
pub async fn mortgaged_parcels(
    State(s): State<MortgagesState>,
    path: PathParams,
) -> ApiResult<Vec<Parcel>> {
    Ok(Data(
        s.store
            .mortgaged_parcels(&path.address()?, s.clock.now_ms())
            .await?,
    ))
}

/// Mortgages requested by the address, newest first.
#[utoipa::path(get, path = "/v1/addresses/{address}/mortgages", tag = "mortgages", params(AddressParam, StatusParam),
    responses((status = 200, body = Envelope<Vec<Mortgage>>), (status = 400, body = ErrorBody)))]
pub async fn mortgages_of_address(
    State(s): State<MortgagesState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Mortgage>> {
    Ok(Data(
        s.store.mortgages_of(&path.address()?, &p.status).await?,
    ))
}

/// Mortgages requested on the parcel, newest first.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}/mortgages", tag = "mortgages", params(CoordParams, StatusParam),
    responses((status = 200, body = Envelope<Vec<Mortgage>>), (status = 400, body = ErrorBody)))]
pub async fn mortgages_on_parcel(
    State(s): State<MortgagesState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Mortgage>> {
    Ok(Data(s.store.mortgages_on(path.coord()?, &p.status).await?))
}
