//! Map PNG requests and pixels: the parcels worth looking at, found in the
//! generated city, and the colour at a parcel's centre in a decoded picture.

use std::sync::OnceLock;

use axum::Router;
use axum::body::Body;
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use land::domain::coords::Area;
use land::domain::coords::Coord;
use land::domain::parcel::Parcel;
use land::parcels::ParcelStore;
use tiny_skia::Pixmap;
use tower::ServiceExt;

use super::{NOW, embedded};

pub struct Picture {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub bytes: bytes::Bytes,
}

impl Picture {
    pub fn pixmap(&self) -> Pixmap {
        assert_eq!(self.status, StatusCode::OK, "{:?}", self.bytes);
        assert_eq!(self.headers["content-type"], "image/png");
        Pixmap::decode_png(&self.bytes).expect("a PNG")
    }

    pub fn etag(&self) -> String {
        self.headers["etag"].to_str().unwrap().to_string()
    }

    /// The `error` of a JSON error answer with this status.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(self.status.as_u16(), status, "{:?}", self.bytes);
        let body: serde_json::Value = serde_json::from_slice(&self.bytes).unwrap();
        body["error"].as_str().unwrap().to_string()
    }
}

pub async fn fetch(app: &Router, uri: &str, if_none_match: Option<&str>) -> Picture {
    let mut request = Request::get(uri);
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = app
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Picture {
        status,
        headers,
        bytes,
    }
}

/// "#rrggbb" of a pixel.
pub fn hex_at(pixmap: &Pixmap, x: u32, y: u32) -> String {
    let p = pixmap.pixel(x, y).expect("inside the picture");
    assert_eq!(p.alpha(), 255, "pictures are opaque");
    format!("#{:02x}{:02x}{:02x}", p.red(), p.green(), p.blue())
}

/// Every parcel of the generated city with its publication as of NOW.
pub fn city() -> &'static [Parcel] {
    static CITY: OnceLock<Vec<Parcel>> = OnceLock::new();
    // On a thread of its own: callers may be inside a runtime already.
    CITY.get_or_init(|| {
        std::thread::spawn(|| {
            tokio::runtime::Runtime::new()
                .unwrap()
                .block_on(embedded().parcels_in(Area::CITY, NOW))
                .unwrap()
        })
        .join()
        .unwrap()
    })
}

pub fn parcel_at(at: Coord) -> &'static Parcel {
    city().iter().find(|p| p.x == at.x && p.y == at.y).unwrap()
}

/// The first parcel (with its left neighbour) matching `test`.
pub fn find_pair(test: impl Fn(&Parcel, &Parcel) -> bool) -> (Coord, Coord) {
    city()
        .iter()
        .filter(|p| p.x > -150)
        .find_map(|p| {
            let left = parcel_at(Coord { x: p.x - 1, y: p.y });
            test(left, p).then(|| (left.coord(), p.coord()))
        })
        .expect("the generated city has such a pair")
}

pub fn find(test: impl Fn(&Parcel) -> bool) -> Coord {
    city()
        .iter()
        .find(|p| test(p))
        .expect("such a parcel")
        .coord()
}
