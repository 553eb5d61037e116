//! PNG encoding tuned for maps: a handful of colours and long runs of
//! identical rows. Pixels become palette indices (an identical row is copied,
//! not rescanned), packed at the smallest bit depth the palette allows (a map
//! has at most 16 colours: 4 bits, half the data of 8), rows are
//! "Up"-filtered so a repeated row is all zeros, and zlib compresses that at
//! level 6: smaller than libpng gives for the same pixels, within the render
//! budget (`cargo bench --bench map_png` prints every choice measured).

use tiny_skia::Pixmap;

pub type EncodeError = png::EncodingError;

/// How a picture is encoded; [`EncodeOptions::default`] is what the API
/// sends. The bench compares the others.
#[derive(Debug, Clone, Copy)]
pub struct EncodeOptions {
    /// Pack indices at 1, 2 or 4 bits when the palette allows it.
    pub pack: bool,
    pub filter: png::FilterType,
    /// Choose each row's filter by the minimum sum heuristic.
    pub adaptive: bool,
    pub compression: png::Compression,
}

impl Default for EncodeOptions {
    fn default() -> Self {
        Self {
            pack: true,
            filter: png::FilterType::Up,
            adaptive: false,
            compression: png::Compression::Default,
        }
    }
}

/// The pixmap as an indexed PNG; an image with more than 256 colours or any
/// transparency falls back to tiny-skia's RGBA encoder.
pub fn encode_png(pixmap: &Pixmap) -> Result<Vec<u8>, EncodeError> {
    encode_png_with(pixmap, EncodeOptions::default())
}

/// [`encode_png`] with the choices spelled out.
pub fn encode_png_with(pixmap: &Pixmap, options: EncodeOptions) -> Result<Vec<u8>, EncodeError> {
    let Some((palette, indices)) = to_indexed(pixmap) else {
        return pixmap.encode_png();
    };
    let colours = palette.len() / 3;
    let (depth, bits) = match colours {
        _ if !options.pack => (png::BitDepth::Eight, 8),
        0..=2 => (png::BitDepth::One, 1),
        3..=4 => (png::BitDepth::Two, 2),
        5..=16 => (png::BitDepth::Four, 4),
        _ => (png::BitDepth::Eight, 8),
    };
    let width = pixmap.width() as usize;
    let data = if bits == 8 {
        indices
    } else {
        pack(&indices, width, bits)
    };
    let mut out = Vec::with_capacity(4096);
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(depth);
    encoder.set_palette(palette);
    encoder.set_compression(options.compression);
    encoder.set_filter(options.filter);
    encoder.set_adaptive_filter(if options.adaptive {
        png::AdaptiveFilterType::Adaptive
    } else {
        png::AdaptiveFilterType::NonAdaptive
    });
    let mut writer = encoder.write_header()?;
    writer.write_image_data(&data)?;
    writer.finish()?;
    Ok(out)
}

/// Indices (one byte each) packed `bits` to a byte, most significant first,
/// each row starting on a byte boundary, as PNG stores low bit depths.
fn pack(indices: &[u8], width: usize, bits: usize) -> Vec<u8> {
    let per_byte = 8 / bits;
    let row_bytes = width.div_ceil(per_byte);
    let rows = indices.len() / width;
    let mut out = vec![0u8; row_bytes * rows];
    for (row, packed) in indices
        .chunks_exact(width)
        .zip(out.chunks_exact_mut(row_bytes))
    {
        for (byte, pixels) in packed.iter_mut().zip(row.chunks(per_byte)) {
            let mut value = 0u8;
            for (i, &index) in pixels.iter().enumerate() {
                value |= index << (8 - bits * (i + 1));
            }
            *byte = value;
        }
    }
    out
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
        for colours in [1, 2, 3, 4, 5, 15, 16, 17, 255, 600] {
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

    #[test]
    fn a_small_palette_is_packed_below_eight_bits() {
        let mut depths = Vec::new();
        for colours in [0, 2, 14, 40] {
            let pixmap = sample(colours);
            let palette = to_indexed(&pixmap).unwrap().0.len() / 3;
            // Byte 24 of a PNG is the IHDR bit depth.
            depths.push((palette, encode_png(&pixmap).unwrap()[24]));
        }
        assert_eq!(depths, [(1, 1), (3, 2), (15, 4), (41, 8)]);
    }

    #[test]
    fn packing_puts_the_first_pixel_in_the_high_bits() {
        assert_eq!(pack(&[1, 2, 3, 0, 1], 5, 2), vec![0b0110_1100, 0b0100_0000]);
        assert_eq!(pack(&[0xa, 0xb, 0xc, 0xd], 2, 4), vec![0xab, 0xcd]);
        assert_eq!(pack(&[1, 0, 1], 3, 1), vec![0b1010_0000]);
    }
}
