//! Draws a [`MapView`] of a [`TileIndex`] with tiny-skia, as land-behaviour.md
//! describes: tiles with a gap on their left and top edges, closed where the
//! neighbour belongs to the same district or estate, selected parcels last.

use std::collections::HashSet;

use tiny_skia::{Color, ColorU8, Paint, Pixmap, Rect, Transform};

use super::encode::{EncodeError, encode_png};
use super::facts::TileKind;
use super::palette;
use super::tiles::{Tile, TileIndex};
use super::view::MapView;
use crate::domain::coords::Coord;

/// The gap left of and above each tile, by tile size.
fn gap(size: u32) -> f32 {
    match size {
        0..7 => 0.5,
        7..12 => 1.0,
        12..18 => 1.5,
        _ => 2.0,
    }
}

fn colour(tile: &Tile, publications: bool) -> ColorU8 {
    match tile.kind {
        TileKind::District => palette::DISTRICT,
        TileKind::Road => palette::ROAD,
        TileKind::Plaza => palette::PLAZA,
        _ if publications && tile.on_sale => palette::ON_SALE,
        TileKind::Owned => palette::OWNED,
        TileKind::Unowned => palette::UNOWNED,
    }
}

/// Fills rectangles on one pixmap.
struct Canvas {
    pixmap: Pixmap,
    paint: Paint<'static>,
}

impl Canvas {
    fn fill(&mut self, x: f32, y: f32, w: f32, h: f32, colour: ColorU8) {
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            // Whole-pixel edges need no coverage maths: exact and faster (the
            // anti-aliased path leaves rounding on some whole-pixel edges).
            self.paint.anti_alias = [x, y, w, h].iter().any(|v| v.fract() != 0.0);
            let [r, g, b, a] = [colour.red(), colour.green(), colour.blue(), colour.alpha()];
            self.paint.set_color_rgba8(r, g, b, a);
            self.pixmap
                .fill_rect(rect, &self.paint, Transform::identity(), None);
        }
    }

    /// One tile whose top-left corner is at (x, y): its body, then the gap
    /// strips toward joined neighbours. A corner between a joined left and
    /// top neighbour that do not join each other keeps the unowned colour.
    fn tile(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        gap: f32,
        colour: ColorU8,
        joins: (bool, bool, bool),
    ) {
        let (left, top, top_left) = joins;
        match (left, top) {
            (true, true) if top_left => self.fill(x, y, size, size, colour),
            (true, true) => {
                self.fill(x, y + gap, size, size - gap, colour);
                self.fill(x + gap, y, size - gap, gap, colour);
                self.fill(x, y, gap, gap, palette::UNOWNED);
            }
            (true, false) => self.fill(x, y + gap, size, size - gap, colour),
            (false, true) => self.fill(x + gap, y, size - gap, size, colour),
            (false, false) => self.fill(x + gap, y + gap, size - gap, size - gap, colour),
        }
    }
}

/// The picture of `view`, before encoding.
pub fn draw(index: &TileIndex, view: &MapView) -> Pixmap {
    let mut pixmap = Pixmap::new(view.width, view.height).expect("width and height are checked");
    let bg = palette::BACKGROUND;
    pixmap.fill(Color::from_rgba8(bg.red(), bg.green(), bg.blue(), 255));
    let paint = Paint {
        anti_alias: true,
        ..Paint::default()
    };
    let mut canvas = Canvas { pixmap, paint };

    let size = view.size as f32;
    let gap = gap(view.size);
    // Top-left corner of parcel (x, y): the parcel's centre is at
    // (width/2 - (cx - x)*size, height/2 - (y - cy)*size), north up.
    let corner = |at: Coord| {
        (
            view.width as f32 / 2.0 + (at.x - view.center.x) as f32 * size - size / 2.0,
            view.height as f32 / 2.0 - (at.y - view.center.y) as f32 * size - size / 2.0,
        )
    };
    let viewport = view.viewport();
    for y in (viewport.min_y..=viewport.max_y).rev() {
        for x in viewport.min_x..=viewport.max_x {
            let (left, top) = corner(Coord { x, y });
            if left >= view.width as f32
                || top >= view.height as f32
                || left + size <= 0.0
                || top + size <= 0.0
            {
                continue;
            }
            match index.tile(x, y) {
                Some(tile) => canvas.tile(
                    left,
                    top,
                    size,
                    gap,
                    colour(tile, view.publications),
                    (tile.left, tile.top, tile.top_left),
                ),
                None => {
                    let even = (x + y) % 2 == 0;
                    let shade = if even {
                        palette::OUTSIDE_EVEN
                    } else {
                        palette::OUTSIDE_ODD
                    };
                    canvas.fill(left, top, size, size, shade);
                }
            }
        }
    }

    // Selection: every glow first, so no glow covers a selected neighbour.
    let selected: HashSet<Coord> = view.selected.iter().copied().collect();
    let red = palette::SELECTED_GLOW;
    for (scale, alpha) in [(1.2, 64), (1.13, 77), (1.06, 102)] {
        let glow = ColorU8::from_rgba(red.red(), red.green(), red.blue(), alpha);
        for &at in &view.selected {
            let (left, top) = corner(at);
            let grown = size * scale;
            let inset = (grown - size) / 2.0;
            canvas.fill(left - inset, top - inset, grown, grown, glow);
        }
    }
    for &at in &view.selected {
        let (left, top) = corner(at);
        let near = |dx, dy| {
            selected.contains(&Coord {
                x: at.x + dx,
                y: at.y + dy,
            })
        };
        let joins = (near(-1, 0), near(0, 1), near(-1, 1));
        canvas.tile(left, top, size, gap, palette::SELECTED, joins);
    }
    canvas.pixmap
}

/// The PNG of `view`.
pub fn render_png(index: &TileIndex, view: &MapView) -> Result<Vec<u8>, EncodeError> {
    encode_png(&draw(index, view))
}
