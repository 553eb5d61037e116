use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::BidsState;
use crate::domain::address;
use crate::domain::bid::{Bid, BidStatus};
use crate::domain::parcel::Asset;
use crate::domain::publication::AssetType;
use crate::domain::status::AnyOf;
use crate::http::LandPath;
use crate::http::{
    AddressParam, ApiError, ApiResult, CoordParams, Data, Envelope, ErrorBody, PathParams, Query,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParam {
    /// Keep only bids in any of these statuses (default: all)
    #[serde(default)]
    #[param(value_type = Option<Vec<BidStatus>>, inline, style = Form, explode)]
    status: AnyOf<BidStatus>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssetBidsParams {
    /// Keep only bids in any of these statuses (default: all)
    #[serde(default)]
    #[param(value_type = Option<Vec<BidStatus>>, inline, style = Form, explode)]
    status: AnyOf<BidStatus>,
    /// Keep only bids of this bidder
    #[param(pattern = "^0x[0-9a-fA-F]{40}$")]
    bidder: Option<String>,
    /// When true (default), drop block_number, block times, created_at and updated_at
    sanitize: Option<bool>,
}

/// A bid by its id.
#[utoipa::path(get, path = "/v1/bids/{id}", tag = "bids",
    params(("id" = String, Path, description = "The id of the bid")),
    responses((status = 200, body = Envelope<Bid>), (status = 404, body = ErrorBody)))]
pub async fn bid_by_id(State(s): State<BidsState>, path: PathParams) -> ApiResult<Bid> {
    let id = path.text("id")?;
    s.store
        .bid(&id.to_ascii_lowercase())
        .await?
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("Bid with id {id} not found")))
}

/// Bids where the address is bidder or seller, newest first.
#[utoipa::path(get, path = "/v1/addresses/{address}/bids", tag = "bids", params(AddressParam, StatusParam),
    responses((status = 200, body = Envelope<Vec<Bid>>), (status = 400, body = ErrorBody)))]
pub async fn bids_of_address(
    State(s): State<BidsState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Bid>> {
    Ok(Data(s.store.bids_of(&path.address()?, &p.status).await?))
}

async fn bids_on(
    s: &BidsState,
    asset_type: AssetType,
    asset_id: &str,
    p: AssetBidsParams,
) -> ApiResult<Vec<Bid>> {
    let bidder = p
        .bidder
        .as_deref()
        .map(address::normalize)
        .transpose()
        .map_err(|e| ApiError::invalid(format!("Invalid query parameter \"bidder\": {e}")))?;
    let bids = s
        .store
        .bids_on(asset_type, asset_id, &p.status, bidder.as_deref())
        .await?
        .ok_or_else(|| ApiError::not_found(format!("Estate with id {asset_id} not found")))?;
    let sanitize = p.sanitize.unwrap_or(true);
    Ok(Data(
        bids.into_iter()
            .map(|b| if sanitize { b.sanitized() } else { b })
            .collect(),
    ))
}

/// Bids placed on a parcel, newest first.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}/bids", tag = "bids", params(CoordParams, AssetBidsParams),
    responses((status = 200, body = Envelope<Vec<Bid>>), (status = 400, body = ErrorBody)))]
pub async fn bids_on_parcel(
    State(s): State<BidsState>,
    path: PathParams,
    Query(p): Query<AssetBidsParams>,
) -> ApiResult<Vec<Bid>> {
    let at = path.coord()?;
    bids_on(&s, AssetType::Parcel, &at.id(), p).await
}

/// Bids placed on an estate, newest first.
#[utoipa::path(get, path = "/v1/estates/{id}/bids", tag = "bids",
    params(("id" = String, Path, description = "The id of the estate"), AssetBidsParams),
    responses((status = 200, body = Envelope<Vec<Bid>>), (status = 400, body = ErrorBody),
        (status = 404, description = "No such estate", body = ErrorBody)))]
pub async fn bids_on_estate(
    State(s): State<BidsState>,
    path: PathParams,
    Query(p): Query<AssetBidsParams>,
) -> ApiResult<Vec<Bid>> {
    let id = path.text("id")?.to_string();
    bids_on(&s, AssetType::Estate, &id, p).await
}

/// The parcels and estates of the bids where the address is bidder or seller.
#[utoipa::path(get, path = "/v1/bids/{address}/assets", tag = "bids", params(AddressParam, StatusParam),
    responses((status = 200, body = Envelope<Vec<Asset>>), (status = 400, body = ErrorBody)))]
pub async fn bid_assets(
    State(s): State<BidsState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Asset>> {
    Ok(Data(
        s.store
            .bid_assets(&path.address()?, &p.status, s.clock.now_ms())
            .await?,
    ))
}
