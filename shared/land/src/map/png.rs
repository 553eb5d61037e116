//! `/v1/map.png`, `/v1/parcels/{x}/{y}/map.png`, `/v1/estates/{id}/map.png`:
//! the map as a PNG, cached by data version and parameters, with a strong
//! ETag that answers `If-None-Match` with 304 before any drawing.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde::Deserialize;
use utoipa::IntoParams;

use super::MapState;
use super::cache::PngKey;
use crate::domain::coords::Coord;
use crate::domain::map::{MapView, TileIndex, render_png};
use crate::http::LandPath;
use crate::http::{ApiError, ErrorBody, PathParams, Query};

/// The bytes of a PNG picture, as the OpenAPI description shows them.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct PngBytes(Vec<u8>);

/// Browsers and CDNs may reuse a picture for a minute, then revalidate it
/// with its ETag (a 304 costs no drawing).
const CACHE_CONTROL: &str = "public, max-age=60, stale-while-revalidate=300";

/// What `/v1/map.png` takes beyond the framed parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CenterParams {
    /// The parcel at the centre, "x,y" (default 0,0)
    #[param(pattern = "^-?(150|1[0-4][0-9]|[1-9]?[0-9]),-?(150|1[0-4][0-9]|[1-9]?[0-9])$")]
    center: Option<String>,
    /// Parcels drawn as selected, "x,y;x,y;..."
    #[param(
        pattern = "^(-?(150|1[0-4][0-9]|[1-9]?[0-9]),-?(150|1[0-4][0-9]|[1-9]?[0-9]))?(;-?(150|1[0-4][0-9]|[1-9]?[0-9]),-?(150|1[0-4][0-9]|[1-9]?[0-9]))*$"
    )]
    selected: Option<String>,
}

/// The picture parameters every map route takes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FramedPngParams {
    /// Image width in pixels (default 500): clamped into 32..2048
    width: Option<i64>,
    /// Image height in pixels (default 500): clamped into 32..2048
    height: Option<i64>,
    /// Pixels per parcel side (default 10): clamped into 5..40
    size: Option<i64>,
    /// Highlight parcels on sale (default false)
    publications: Option<bool>,
}

fn coord_param(name: &str, text: &str) -> Result<Coord, ApiError> {
    text.parse()
        .map_err(|e| ApiError::invalid(format!("Invalid query parameter \"{name}\": {e}")))
}

impl FramedPngParams {
    fn view(self, center: Coord, selected: Vec<Coord>) -> Result<MapView, ApiError> {
        let publications = self.publications.unwrap_or(false);
        Ok(MapView::new(
            self.width,
            self.height,
            self.size,
            center,
            selected,
            publications,
        )?)
    }
}

/// Whether `If-None-Match` names `etag` (weak comparison, as RFC 9110 asks).
fn not_modified(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

/// The picture of `view`: a 304, a cache hit, or a fresh render (then cached).
async fn picture(
    state: &MapState,
    index: Arc<TileIndex>,
    view: MapView,
    headers: &HeaderMap,
) -> Result<Response, ApiError> {
    let key = PngKey::new(&index, &view);
    let etag = key.etag();
    let caching = [
        (header::ETAG, HeaderValue::from_str(&etag).expect("hex")),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(CACHE_CONTROL),
        ),
    ];
    if not_modified(headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, caching).into_response());
    }
    let cached = state.png_cache.get(&key).await.unwrap_or_else(|err| {
        tracing::warn!(error = %err, key = key.object(), "PNG cache read failed; rendering");
        None
    });
    let png = match cached {
        Some(png) => png,
        None => {
            let png = tokio::task::spawn_blocking(move || render_png(&index, &view))
                .await
                .map_err(|e| ApiError::Internal(format!("map renderer stopped: {e}")))?
                .map_err(|e| ApiError::Internal(format!("PNG encoding failed: {e}")))?;
            let png = Bytes::from(png);
            if let Err(err) = state.png_cache.put(&key, &png).await {
                tracing::warn!(error = %err, key = key.object(), "PNG cache write failed");
            }
            png
        }
    };
    let content_type = [(header::CONTENT_TYPE, HeaderValue::from_static("image/png"))];
    Ok((content_type, caching, png).into_response())
}

/// A section of the city map as a PNG.
#[utoipa::path(get, path = "/v1/map.png", tag = "map", params(FramedPngParams, CenterParams),
    responses(
        (status = 200, description = "The map", content_type = "image/png", body = inline(PngBytes)),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, body = ErrorBody)))]
pub async fn map_png(
    State(s): State<MapState>,
    headers: HeaderMap,
    Query(framed): Query<FramedPngParams>,
    Query(p): Query<CenterParams>,
) -> Result<Response, ApiError> {
    let center = match &p.center {
        Some(text) => coord_param("center", text)?,
        None => Coord { x: 0, y: 0 },
    };
    let selected = p
        .selected
        .as_deref()
        .unwrap_or_default()
        .split(';')
        .filter(|part| !part.is_empty())
        .map(|part| coord_param("selected", part))
        .collect::<Result<Vec<_>, _>>()?;
    let view = framed.view(center, selected)?;
    let index = s.tiles.get(s.store.as_ref(), s.clock.now_ms()).await?;
    picture(&s, index, view, &headers).await
}

/// The map centred on a parcel, which is drawn selected.
#[utoipa::path(get, path = "/v1/parcels/{x}/{y}/map.png", tag = "map",
    params(crate::http::CoordParams, FramedPngParams),
    responses(
        (status = 200, description = "The map", content_type = "image/png", body = inline(PngBytes)),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, body = ErrorBody)))]
pub async fn parcel_map_png(
    State(s): State<MapState>,
    path: PathParams,
    headers: HeaderMap,
    Query(p): Query<FramedPngParams>,
) -> Result<Response, ApiError> {
    let at = path.coord()?;
    let view = p.view(at, vec![at])?;
    let index = s.tiles.get(s.store.as_ref(), s.clock.now_ms()).await?;
    picture(&s, index, view, &headers).await
}

/// The map centred on an estate's middle parcel, with all its parcels selected.
#[utoipa::path(get, path = "/v1/estates/{id}/map.png", tag = "map",
    params(("id" = String, Path, description = "Estate id"), FramedPngParams),
    responses(
        (status = 200, description = "The map", content_type = "image/png", body = inline(PngBytes)),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 400, body = ErrorBody),
        (status = 404, description = "Unknown or dissolved estate", body = ErrorBody)))]
pub async fn estate_map_png(
    State(s): State<MapState>,
    path: PathParams,
    headers: HeaderMap,
    Query(p): Query<FramedPngParams>,
) -> Result<Response, ApiError> {
    let id = path.text("id")?;
    let index = s.tiles.get(s.store.as_ref(), s.clock.now_ms()).await?;
    let parcels = index
        .estate_parcels(id)
        .ok_or_else(|| {
            ApiError::not_found(format!("Estate {id} has no parcels or does not exist"))
        })?
        .to_vec();
    let view = p.view(parcels[parcels.len() / 2], parcels)?;
    picture(&s, index, view, &headers).await
}
