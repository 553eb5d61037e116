//! Draws a captcha answer as a 300 × 100 PNG that people read and plain OCR
//! struggles with: glyph outlines of a real font (Source Sans Pro Bold, SIL
//! OFL, bundled), each rotated, scaled, sheared and warped by a wave, on
//! speckled noise, crossed by curves in the glyphs' own colours.

use std::sync::LazyLock;

use ab_glyph::{Font, FontRef, OutlineCurve};
use rand::Rng;
use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Point, Rect, Stroke, Transform};

pub const WIDTH: u32 = 300;
pub const HEIGHT: u32 = 100;

static FONT: LazyLock<FontRef<'static>> = LazyLock::new(|| {
    FontRef::try_from_slice(include_bytes!("../../assets/SourceSansPro-Bold.ttf"))
        .expect("the bundled font parses")
});

fn paint(color: Color) -> Paint<'static> {
    let mut paint = Paint::default();
    paint.set_color(color);
    paint.anti_alias = true;
    paint
}

fn dark(rng: &mut impl Rng) -> Color {
    Color::from_rgba8(
        rng.random_range(10..110),
        rng.random_range(10..110),
        rng.random_range(10..110),
        255,
    )
}

/// A place of a glyph on the picture and how it is bent there.
struct Placement {
    affine: Transform,
    /// Wave amplitude (px), frequency (rad/px) and phase.
    wave: (f32, f32, f32),
}

impl Placement {
    fn map(&self, x: f32, y: f32) -> Point {
        let mut p = Point::from_xy(x, y);
        self.affine.map_points(std::slice::from_mut(&mut p));
        let (amplitude, frequency, phase) = self.wave;
        Point::from_xy(
            p.x + amplitude * 0.5 * (p.y * frequency + phase).sin(),
            p.y + amplitude * (p.x * frequency + phase).sin(),
        )
    }
}

/// The outline of `c` placed and warped, as a path; `None` for a glyph the
/// font lacks (never for the captcha alphabet).
fn glyph_path(c: char, placement: &Placement) -> Option<tiny_skia::Path> {
    let font = &*FONT;
    let outline = font.outline(font.glyph_id(c))?;
    let mut path = PathBuilder::new();
    let mut last: Option<ab_glyph::Point> = None;
    for curve in &outline.curves {
        let (start, end) = match curve {
            OutlineCurve::Line(a, b)
            | OutlineCurve::Quad(a, _, b)
            | OutlineCurve::Cubic(a, _, _, b) => (*a, *b),
        };
        if last != Some(start) {
            if last.is_some() {
                path.close();
            }
            let p = placement.map(start.x, start.y);
            path.move_to(p.x, p.y);
        }
        match curve {
            OutlineCurve::Line(_, b) => {
                let p = placement.map(b.x, b.y);
                path.line_to(p.x, p.y);
            }
            OutlineCurve::Quad(_, c1, b) => {
                let (c1, b) = (placement.map(c1.x, c1.y), placement.map(b.x, b.y));
                path.quad_to(c1.x, c1.y, b.x, b.y);
            }
            OutlineCurve::Cubic(_, c1, c2, b) => {
                let (c1, c2, b) = (
                    placement.map(c1.x, c1.y),
                    placement.map(c2.x, c2.y),
                    placement.map(b.x, b.y),
                );
                path.cubic_to(c1.x, c1.y, c2.x, c2.y, b.x, b.y);
            }
        }
        last = Some(end);
    }
    path.close();
    path.finish()
}

/// The PNG bytes of `answer` drawn with fresh randomness.
pub fn png(answer: &str) -> Vec<u8> {
    let mut rng = rand::rng();
    let Some(mut pixmap) = Pixmap::new(WIDTH, HEIGHT) else {
        unreachable!("a 300 x 100 pixmap is a valid size")
    };
    pixmap.fill(Color::from_rgba8(
        rng.random_range(215..255),
        rng.random_range(215..255),
        rng.random_range(215..255),
        255,
    ));
    // Speckles, light and dark, so that thresholding leaves dirt behind.
    for _ in 0..500 {
        // Whole pixels without anti-aliasing: tiny-skia's anti-aliased
        // rectangles trip a debug assertion at 1 to 2 px wide.
        let (x, y) = (rng.random_range(0..WIDTH), rng.random_range(0..HEIGHT));
        let size = rng.random_range(1..3);
        let shade = rng.random_range(60..230);
        if let Some(rect) = Rect::from_xywh(x as f32, y as f32, size as f32, size as f32) {
            let mut speckle = paint(Color::from_rgba8(
                shade,
                rng.random_range(60..230),
                shade,
                255,
            ));
            speckle.anti_alias = false;
            pixmap.fill_rect(rect, &speckle, Transform::identity(), None);
        }
    }
    let units = FONT.units_per_em().unwrap_or(1000.0);
    let count = answer.chars().count().max(1) as f32;
    let step = (WIDTH as f32 - 40.0) / count;
    let mut colors = Vec::new();
    for (i, c) in answer.chars().enumerate() {
        let size = rng.random_range(52.0..68.0);
        let scale = size / units;
        let angle: f32 = rng.random_range(-28.0..28.0);
        let x = 20.0 + step * i as f32 + rng.random_range(-3.0..3.0);
        let baseline = rng.random_range(68.0..80.0);
        // Font units are y-up: flip, scale, shear, turn about the glyph, place.
        let affine = Transform::from_scale(scale * rng.random_range(0.85..1.15), -scale)
            .post_concat(Transform::from_row(
                1.0,
                0.0,
                rng.random_range(-0.35..0.35),
                1.0,
                0.0,
                0.0,
            ))
            .post_concat(Transform::from_rotate_at(angle, step * 0.4, -size * 0.35))
            .post_translate(x, baseline);
        let placement = Placement {
            affine,
            wave: (
                rng.random_range(2.0..4.5),
                rng.random_range(0.08..0.16),
                rng.random_range(0.0..std::f32::consts::TAU),
            ),
        };
        let color = dark(&mut rng);
        colors.push(color);
        if let Some(path) = glyph_path(c, &placement) {
            pixmap.fill_path(
                &path,
                &paint(color),
                FillRule::Winding,
                Transform::identity(),
                None,
            );
        }
    }
    // Curves across the text in the glyphs' colours: they join letters,
    // which defeats splitting the picture into one box per character.
    for color in colors.iter().take(4) {
        let mut path = PathBuilder::new();
        path.move_to(0.0, rng.random_range(20.0..80.0));
        path.cubic_to(
            rng.random_range(60.0..120.0),
            rng.random_range(0.0..100.0),
            rng.random_range(180.0..240.0),
            rng.random_range(0.0..100.0),
            WIDTH as f32,
            rng.random_range(20.0..80.0),
        );
        let stroke = Stroke {
            width: rng.random_range(1.5..3.5),
            ..Stroke::default()
        };
        if let Some(path) = path.finish() {
            pixmap.stroke_path(&path, &paint(*color), &stroke, Transform::identity(), None);
        }
    }
    pixmap.encode_png().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_letter_of_the_alphabet_has_an_outline() {
        let placement = Placement {
            affine: Transform::from_scale(0.06, -0.06).post_translate(10.0, 80.0),
            wave: (3.0, 0.1, 0.0),
        };
        for &c in crate::domain::captcha::ALPHABET {
            assert!(
                glyph_path(char::from(c), &placement).is_some(),
                "{}",
                char::from(c)
            );
        }
    }

    #[test]
    fn draws_a_300_by_100_png_with_ink_on_it() {
        let bytes = png("ACE347");
        let pixmap = Pixmap::decode_png(&bytes).unwrap();
        assert_eq!((pixmap.width(), pixmap.height()), (WIDTH, HEIGHT));
        let dark = pixmap
            .pixels()
            .iter()
            .filter(|p| u32::from(p.red()) + u32::from(p.green()) + u32::from(p.blue()) < 360)
            .count();
        // Six glyphs of about 30 x 40 px cover several thousand pixels.
        assert!(dark > 2_000, "{dark} dark pixels");
    }
}
