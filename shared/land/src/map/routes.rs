use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::MapState;
use crate::domain::parcel::{Estate, Parcel};
use crate::http::{ApiResult, Data, Envelope, ErrorBody, Query, parse_area};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MapParams {
    /// North-west corner "x,y"
    #[param(required = true, pattern = "^[+-]?[0-9]+,[+-]?[0-9]+$")]
    nw: Option<String>,
    /// South-east corner "x,y"
    #[param(required = true, pattern = "^[+-]?[0-9]+,[+-]?[0-9]+$")]
    se: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapAssets {
    pub parcels: Vec<Parcel>,
    pub estates: Vec<Estate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MapData {
    pub assets: MapAssets,
    /// Parcels plus estates.
    pub total: usize,
}

/// Every parcel of the box and the estates owning any of them.
///
/// The box is cut to the city (a box wholly outside answers nothing); up to
/// 15,000 parcels. Send `Accept-Encoding: gzip` or `br` for large boxes.
#[utoipa::path(get, path = "/v1/map", tag = "map", params(MapParams),
    responses((status = 200, body = Envelope<MapData>), (status = 400, body = ErrorBody)))]
pub async fn map(State(s): State<MapState>, Query(p): Query<MapParams>) -> ApiResult<MapData> {
    let (parcels, estates) = match parse_area(p.nw.as_deref(), p.se.as_deref())? {
        Some(area) => s.store.assets_in(area, s.clock.now_ms()).await?,
        None => (Vec::new(), Vec::new()),
    };
    Ok(Data(MapData {
        total: parcels.len() + estates.len(),
        assets: MapAssets { parcels, estates },
    }))
}
