use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;

use super::PublicationsState;
use crate::domain::publication::{AssetType, Publication, StatusFilter};
use crate::domain::status::AnyOf;
use crate::http::LandPath;
use crate::http::{ApiError, ApiResult, CoordParams, Data, Envelope, ErrorBody, PathParams, Query};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatusParam {
    /// Keep only publications in any of these statuses (default: all)
    #[serde(default)]
    #[param(value_type = Option<Vec<StatusFilter>>, inline, style = Form, explode)]
    status: AnyOf<StatusFilter>,
}

/// Every publication that ever existed for the parcel, newest first.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}/publications", tag = "publications", params(CoordParams, StatusParam),
    responses((status = 200, body = Envelope<Vec<Publication>>), (status = 400, body = ErrorBody)))]
pub async fn publications_on_parcel(
    State(s): State<PublicationsState>,
    path: PathParams,
    Query(p): Query<StatusParam>,
) -> ApiResult<Vec<Publication>> {
    let at = path.coord()?;
    Ok(Data(
        s.store
            .publications_on(AssetType::Parcel, &at.id(), &p.status, s.clock.now_ms())
            .await?,
    ))
}

/// A publication by the hash of the transaction that created it.
#[utoipa::path(get, path = "/v1/publications/{txHash}", tag = "publications",
    params(("txHash" = String, Path, description = "The transaction hash of a publication")),
    responses((status = 200, body = Envelope<Publication>), (status = 404, body = ErrorBody)))]
pub async fn publication_by_tx_hash(
    State(s): State<PublicationsState>,
    path: PathParams,
) -> ApiResult<Publication> {
    let tx_hash = path.text("txHash")?;
    s.store
        .publication(&tx_hash.to_ascii_lowercase())
        .await?
        .map(Data)
        .ok_or_else(|| ApiError::not_found(format!("Publication with tx hash {tx_hash} not found")))
}
