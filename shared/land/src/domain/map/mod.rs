//! The city map as a picture: what a request asks to see ([`MapView`]), the
//! tiles of the whole city ([`TileIndex`]), the renderer (tiny-skia) and its
//! PNG encoder. No I/O: the same index and view give the same bytes anywhere.

mod encode;
mod facts;
pub mod palette;
mod render;
mod tiles;
mod view;

pub use encode::{EncodeOptions, encode_png, encode_png_with};
pub use facts::{CityTiles, Sale, TileKind, TilesDecodeError};
pub use render::{draw, render_png};
pub use tiles::TileIndex;
pub use view::{MAX_RENDER_PARCELS, MapView, ViewError, Viewport};
