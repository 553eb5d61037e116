use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::EstatesState;
use crate::domain::listing::{ListingQuery, SortBy, SortOrder};
use crate::domain::parcel::Estate;
use crate::domain::publication::StatusFilter;
use crate::domain::status::AnyOf;
use crate::http::LandPath;
use crate::http::{
    AddressParam, ApiError, ApiResult, Data, Envelope, ErrorBody, PathParams, Query, non_negative,
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
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EstateList {
    pub estates: Vec<Estate>,
    /// Count of all matches, across pages.
    pub total: usize,
}

/// Lists estates on the marketplace (dissolved estates never appear).
#[utoipa::path(get, path = "/v1/estates", tag = "estates", params(ListParams),
    responses((status = 200, body = Envelope<EstateList>), (status = 400, body = ErrorBody)))]
pub async fn list_estates(
    State(s): State<EstatesState>,
    Query(p): Query<ListParams>,
) -> ApiResult<EstateList> {
    let query = ListingQuery::new(
        p.status,
        p.sort_by,
        p.sort_order,
        non_negative("limit", p.limit)?,
        non_negative("offset", p.offset)?,
    );
    let page = s.store.list_estates(&query, s.clock.now_ms()).await?;
    Ok(Data(EstateList {
        estates: page.items,
        total: page.total,
    }))
}

/// An estate by id, with its current publication.
#[utoipa::path(get, path = "/v1/estates/{id}", tag = "estates",
    params(("id" = String, Path, description = "The id of the estate")),
    responses((status = 200, body = Envelope<Estate>), (status = 404, body = ErrorBody)))]
pub async fn estate_by_id(State(s): State<EstatesState>, path: PathParams) -> ApiResult<Estate> {
    let id = path.text("id")?;
    s.store
        .estate(id, s.clock.now_ms())
        .await?
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("Estate with id {id} not found")))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParam {
    /// Keep only estates with a publication in any of these statuses
    #[serde(default)]
    #[param(value_type = Option<Vec<StatusFilter>>, inline, style = Form, explode)]
    status: AnyOf<StatusFilter>,
}

/// Estates the address owns or operates.
#[utoipa::path(get, path = "/v1/addresses/{address}/estates", tag = "estates", params(AddressParam, StatusParam),
    responses((status = 200, body = Envelope<Vec<Estate>>), (status = 400, body = ErrorBody)))]
pub async fn estates_of_address(
    State(s): State<EstatesState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Estate>> {
    let address = path.address()?;
    Ok(Data(
        s.store
            .estates_of(&address, &p.status, s.clock.now_ms())
            .await?,
    ))
}
