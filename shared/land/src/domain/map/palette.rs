//! The colours of the map (land-behaviour.md, "Map PNG").

use tiny_skia::ColorU8;

const fn rgb(hex: u32) -> ColorU8 {
    ColorU8::from_rgba((hex >> 16) as u8, (hex >> 8) as u8, hex as u8, 255)
}

pub const DISTRICT: ColorU8 = rgb(0x5054d4);
pub const ROAD: ColorU8 = rgb(0x716c7a);
pub const PLAZA: ColorU8 = rgb(0x70ac76);
pub const OWNED: ColorU8 = rgb(0x3d3a46);
pub const ON_SALE: ColorU8 = rgb(0x00d3ff);
pub const UNOWNED: ColorU8 = rgb(0x09080a);
pub const BACKGROUND: ColorU8 = rgb(0x18141a);
/// Outside the city, where x + y is even.
pub const OUTSIDE_EVEN: ColorU8 = rgb(0x110e13);
pub const OUTSIDE_ODD: ColorU8 = rgb(0x0d0b0e);
pub const SELECTED_GLOW: ColorU8 = rgb(0xff0044);
pub const SELECTED: ColorU8 = rgb(0xff9990);
