use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ParcelsState;
use crate::domain::coords::Coord;
use crate::domain::listing::{ListingQuery, SortBy, SortOrder};
use crate::domain::parcel::Parcel;
use crate::domain::publication::StatusFilter;
use crate::domain::status::AnyOf;
use crate::domain::token_id;
use crate::http::LandPath;
use crate::http::{
    AddressParam, ApiError, ApiResult, CoordParams, Data, Envelope, ErrorBody, PathParams, Query,
    non_negative, parse_area,
};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Publication statuses to list, any of them (default `open`: not expired)
    #[serde(default)]
    #[param(value_type = Option<Vec<StatusFilter>>, inline, style = Form, explode)]
    status: AnyOf<StatusFilter>,
    /// Property to order by (default `created_at`)
    #[param(inline)]
    sort_by: Option<SortBy>,
    /// Default: `asc` for price and expires_at, `desc` otherwise
    #[param(inline)]
    sort_order: Option<SortOrder>,
    /// Page size, clamped to 1..100 (default 20)
    #[param(minimum = 0)]
    limit: Option<i64>,
    /// Results to skip (default 0)
    #[param(minimum = 0)]
    offset: Option<i64>,
    /// North-west corner "x,y": with `se`, lists every parcel of the box instead
    #[param(pattern = "^[+-]?[0-9]+,[+-]?[0-9]+$")]
    nw: Option<String>,
    /// South-east corner "x,y"
    #[param(pattern = "^[+-]?[0-9]+,[+-]?[0-9]+$")]
    se: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ParcelList {
    pub parcels: Vec<Parcel>,
    /// Count of all matches, across pages.
    pub total: usize,
}

/// Lists parcels on the marketplace, or every parcel of a box.
///
/// With `nw` and `se`, answers every parcel of the box (x ascending, then y
/// descending) and ignores the listing parameters. The box is cut to the
/// city (a box wholly outside answers nothing); up to 15,000 parcels.
#[utoipa::path(get, path = "/v1/parcels", tag = "parcels", params(ListParams),
    responses((status = 200, body = Envelope<ParcelList>), (status = 400, body = ErrorBody)))]
pub async fn list_parcels(
    State(s): State<ParcelsState>,
    Query(p): Query<ListParams>,
) -> ApiResult<ParcelList> {
    let now = s.clock.now_ms();
    if p.nw.is_some() || p.se.is_some() {
        let parcels = match parse_area(p.nw.as_deref(), p.se.as_deref())? {
            Some(area) => s.store.parcels_in(area, now).await?,
            None => Vec::new(),
        };
        return Ok(Data(ParcelList {
            total: parcels.len(),
            parcels,
        }));
    }
    let query = ListingQuery::new(
        p.status,
        p.sort_by,
        p.sort_order,
        non_negative("limit", p.limit)?,
        non_negative("offset", p.offset)?,
    );
    let page = s.store.list_parcels(&query, now).await?;
    Ok(Data(ParcelList {
        parcels: page.items,
        total: page.total,
    }))
}

async fn parcel_at(s: &ParcelsState, at: Coord) -> ApiResult<Parcel> {
    s.store
        .parcel(at, s.clock.now_ms())
        .await?
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("Parcel {at} not found")))
}

/// A parcel by its coordinates, with its current publication.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}", tag = "parcels", params(CoordParams),
    responses((status = 200, body = Envelope<Parcel>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn parcel_by_coords(
    State(s): State<ParcelsState>,
    path: PathParams,
) -> ApiResult<Parcel> {
    parcel_at(&s, path.coord()?).await
}

/// A parcel by its token id (decimal, `0x` hex, or exact exponential form).
#[utoipa::path(get, path = "/v1/parcels/{tokenId}", tag = "parcels",
    params(("tokenId" = String, Path, description = "The parcel's token id, decimal or 0x hex",
        example = "0xffffffffffffffffffffffffffffffd0ffffffffffffffffffffffffffffffe3")),
    responses((status = 200, body = Envelope<Parcel>), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn parcel_by_token_id(
    State(s): State<ParcelsState>,
    path: PathParams,
) -> ApiResult<Parcel> {
    let at = token_id::parse_coord(path.text("tokenId")?)
        .map_err(|e| ApiError::invalid(e.to_string()))?;
    parcel_at(&s, at).await
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EncodedId {
    /// Lowercase hex with `0x`, no padding.
    pub encoded_id: String,
}

/// The token id of the parcel at the coordinates.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}/encodedId", tag = "parcels", params(CoordParams),
    responses((status = 200, body = Envelope<EncodedId>), (status = 400, body = ErrorBody)))]
pub async fn encoded_id(path: PathParams) -> ApiResult<EncodedId> {
    Ok(Data(EncodedId {
        encoded_id: token_id::encode_hex(path.coord()?),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParam {
    /// Keep only assets with a publication in any of these statuses
    #[serde(default)]
    #[param(value_type = Option<Vec<StatusFilter>>, inline, style = Form, explode)]
    status: AnyOf<StatusFilter>,
}

/// Parcels the address owns or operates.
#[utoipa::path(get, path = "/v1/addresses/{address}/parcels", tag = "parcels", params(AddressParam, StatusParam),
    responses((status = 200, body = Envelope<Vec<Parcel>>), (status = 400, body = ErrorBody)))]
pub async fn parcels_of_address(
    State(s): State<ParcelsState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Parcel>> {
    let address = path.address()?;
    Ok(Data(
        s.store
            .parcels_of(&address, &p.status, s.clock.now_ms())
            .await?,
    ))
}
