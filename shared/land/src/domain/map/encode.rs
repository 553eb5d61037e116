//! PNG encoding tuned for maps: a handful of colours and long runs of
//! identical rows. Pixels become palette indices (an identical row is copied,
//! not rescanned), rows are "Up"-filtered so a repeated row is all zeros, and
//! fdeflate compresses that. Several times faster, and smaller, than RGBA.

use tiny_skia::Pixmap;

pub type EncodeError = png::EncodingError;

/// The pixmap as an indexed PNG; an image with more than 256 colours or any
/// transparency falls back to tiny-skia's RGBA encoder.
pub fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, EncodeError> {
    match to_indexed(pixmap) {
        Some((palette, indices)) => {
            let mut out = Vec::with_capacity(4096);
            let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
            encoder.set_color(png::ColorType::Indexed);
            encoder.set_depth(png::BitDepth::Eight);
            encoder.set_palette(palette);
            encoder.set_compression(png::Compression::Fast);
            encoder.set_filter(png::FilterType::Up);
            encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
            let mut writer = encoder.write_header()?;
            writer.write_image_data(&indices)?;
            writer.finish()?;
            Ok(out)
        }
        None => pixmap.encode_png(),
    }
}

/// The RGB palette (first seen first) and one index per pixel; `None` when the
/// image does not fit a palette.
fn to_indexed(pixmap: &Pixmap) -> Option<(Vec<u8>, Vec<u8>)> {
    let width = pixmap.width() as usize;
    let stride = width * 4;
    let data = pixmap.data();
    let mut colours: Vec<[u8; 4]> = Vec::with_capacity(32);
    let mut indices = vec![0u8; width * pixmap.height() as usize];
    for (row, pixels) in data.chunks_exact(stride).enumerate() {
        let start = row * width;
        if row > 0 && pixels == &data[start * 4 - stride..start * 4] {
            indices.copy_within(start - width..start, start);
            continue;
        }
        let mut last: Option<([u8; 4], u8)> = None;
        for (i, px) in pixels.chunks_exact(4).enumerate() {
            let px: [u8; 4] = px.try_into().expect("chunks of 4");
            let index = match last {
                Some((colour, index)) if colour == px => index,
                _ => {
                    if px[3] != 255 {
                        return None;
                    }
                    let index = match colours.iter().position(|c| *c == px) {
                        Some(found) => found,
                        None if colours.len() < 256 => {
                            colours.push(px);
                            colours.len() - 1
                        }
                        None => return None,
                    } as u8;
                    last = Some((px, index));
                    index
                }
            };
            indices[start + i] = index;
        }
    }
    let palette = colours.iter().flat_map(|c| [c[0], c[1], c[2]]).collect();
    Some((palette, indices))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiny_skia::{Color, Paint, Rect, Transform};

    fn sample(colours: usize) -> Pixmap {
        let mut pixmap = Pixmap::new(40, 30).unwrap();
        pixmap.fill(Color::from_rgba8(24, 20, 26, 255));
        let mut paint = Paint::default();
        for i in 0..colours {
            paint.set_color_rgba8(i as u8, (i / 256) as u8 * 60, 200, 255);
            let rect = Rect::from_xywh((i % 40) as f32, (i / 40 % 30) as f32, 1.0, 1.0).unwrap();
            pixmap.fill_rect(rect, &paint, Transform::identity(), None);
        }
        pixmap
    }

    #[test]
    fn round_trips_every_palette_size() {
        for colours in [3, 255, 600] {
            let pixmap = sample(colours);
            let png = encode_png(&pixmap).unwrap();
            let decoded = Pixmap::decode_png(&png).unwrap();
            assert_eq!(decoded.data(), pixmap.data(), "{colours} colours");
        }
        let few = sample(3);
        assert!(encode_png(&few).unwrap().len() < few.encode_png().unwrap().len());
        assert!(to_indexed(&sample(255)).is_some());
        assert!(to_indexed(&sample(600)).is_none(), "more than 256 colours");
    }
}
