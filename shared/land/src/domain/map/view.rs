//! What a map request asks to see, checked against the limits of the API, and
//! the rectangle of parcels it covers.

use super::super::coords::Coord;

/// The most parcels one PNG may show.
pub const MAX_RENDER_PARCELS: usize = 15_000;
pub const SIDE_RANGE: std::ops::RangeInclusive<u32> = 32..=2048;
pub const SIZE_RANGE: std::ops::RangeInclusive<u32> = 5..=40;
pub const DEFAULT_SIDE: u32 = 500;
pub const DEFAULT_SIZE: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ViewError {
    #[error(
        "Too many parcels. You are trying to render {0} parcels and the maximum allowed is {MAX_RENDER_PARCELS}."
    )]
    TooManyParcels(usize),
}

/// A normalised map request: two requests for the same picture are equal
/// (selection sorted and deduplicated), which is what caches key on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapView {
    pub width: u32,
    pub height: u32,
    /// Pixels per parcel side.
    pub size: u32,
    pub center: Coord,
    pub selected: Vec<Coord>,
    /// Highlight parcels on sale.
    pub publications: bool,
}

impl Default for MapView {
    fn default() -> Self {
        Self {
            width: DEFAULT_SIDE,
            height: DEFAULT_SIDE,
            size: DEFAULT_SIZE,
            center: Coord { x: 0, y: 0 },
            selected: Vec::new(),
            publications: false,
        }
    }
}

/// The parcels a view covers: `cols` x `rows` around the centre, each rounded
/// up to an even count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Viewport {
    pub cols: u32,
    pub rows: u32,
    pub min_x: i32,
    pub max_x: i32,
    pub min_y: i32,
    pub max_y: i32,
}

impl Viewport {
    pub fn parcel_count(&self) -> usize {
        self.cols as usize * self.rows as usize
    }
}

/// An integer out of its range is clamped into it, as the original's
/// `sanitize()` did: real clients rely on it (the Unity explorer asks
/// thumbnails with `size=50`, and `size` 1..4 for wide scenes).
fn clamped(value: i64, range: &std::ops::RangeInclusive<u32>) -> u32 {
    value.clamp(i64::from(*range.start()), i64::from(*range.end())) as u32
}

impl MapView {
    /// Builds a view from raw parameters (`None`: the default), clamping
    /// integers into their ranges, then checking the parcel limit.
    pub fn new(
        width: Option<i64>,
        height: Option<i64>,
        size: Option<i64>,
        center: Coord,
        mut selected: Vec<Coord>,
        publications: bool,
    ) -> Result<Self, ViewError> {
        selected.sort_unstable();
        selected.dedup();
        let view = Self {
            width: clamped(width.unwrap_or(DEFAULT_SIDE.into()), &SIDE_RANGE),
            height: clamped(height.unwrap_or(DEFAULT_SIDE.into()), &SIDE_RANGE),
            size: clamped(size.unwrap_or(DEFAULT_SIZE.into()), &SIZE_RANGE),
            center,
            selected,
            publications,
        };
        let count = view.viewport().parcel_count();
        if count > MAX_RENDER_PARCELS {
            return Err(ViewError::TooManyParcels(count));
        }
        Ok(view)
    }

    /// w = ceil(width/size + 1), h = ceil(height/size + 1), each rounded up
    /// to even, centred on `center`.
    pub fn viewport(&self) -> Viewport {
        let even_ceil = |side: u32| {
            let n = side.div_ceil(self.size) + 1;
            n + (n & 1)
        };
        let (cols, rows) = (even_ceil(self.width), even_ceil(self.height));
        let (half_w, half_h) = ((cols / 2) as i32, (rows / 2) as i32);
        Viewport {
            cols,
            rows,
            min_x: self.center.x - half_w,
            max_x: self.center.x + half_w,
            min_y: self.center.y - half_h,
            max_y: self.center.y + half_h,
        }
    }

    /// A stable text of every parameter, for cache keys.
    pub fn canonical(&self) -> String {
        let selected: Vec<String> = self.selected.iter().map(|c| c.id()).collect();
        format!(
            "w={}&h={}&size={}&center={}&publications={}&selected={}",
            self.width,
            self.height,
            self.size,
            self.center,
            self.publications,
            selected.join(";")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(w: i64, h: i64, size: i64) -> Result<MapView, ViewError> {
        MapView::new(
            Some(w),
            Some(h),
            Some(size),
            Coord { x: 0, y: 0 },
            vec![],
            false,
        )
    }

    #[test]
    fn viewport_sizes_follow_the_reference() {
        assert_eq!(view(500, 500, 10).unwrap().viewport().parcel_count(), 2704);
        assert_eq!(view(32, 32, 40).unwrap().viewport().cols, 2);
        // 501/10 + 1 = 51.1 -> 52; 33/10 + 1 = 4.3 -> 5 -> 6 (even).
        assert_eq!(view(501, 33, 10).unwrap().viewport().cols, 52);
        assert_eq!(view(501, 33, 10).unwrap().viewport().rows, 6);
        let vp = view(500, 500, 10).unwrap().viewport();
        assert_eq!((vp.min_x, vp.max_x, vp.min_y, vp.max_y), (-26, 26, -26, 26));
    }

    #[test]
    fn the_parcel_limit_has_the_exact_message() {
        let err = view(1024, 1024, 5).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Too many parcels. You are trying to render 42436 parcels and the maximum allowed is 15000."
        );
    }

    #[test]
    fn integers_out_of_range_are_clamped_before_the_limit() {
        let sides = |v: MapView| (v.width, v.height, v.size);
        assert_eq!(sides(view(31, 500, 10).unwrap()), (32, 500, 10));
        assert_eq!(sides(view(500, 2049, 50).unwrap()), (500, 2048, 40));
        assert_eq!(sides(view(-7, i64::MAX, 41).unwrap()), (32, 2048, 40));
        assert_eq!(sides(view(100, 100, 1).unwrap()), (100, 100, 5));
        // Clamped first: 4096 x 4096 at size 1 is 2048 x 2048 at size 5.
        assert_eq!(
            view(4096, 4096, 1).unwrap_err(),
            ViewError::TooManyParcels(169_744)
        );
    }

    #[test]
    fn equal_pictures_have_equal_views() {
        let c = |x, y| Coord { x, y };
        let a = MapView::new(
            None,
            None,
            None,
            c(1, 2),
            vec![c(3, 4), c(1, 1), c(3, 4)],
            true,
        );
        let b = MapView::new(
            Some(500),
            None,
            Some(10),
            c(1, 2),
            vec![c(1, 1), c(3, 4)],
            true,
        );
        assert_eq!(a.clone().unwrap(), b.unwrap());
        assert_eq!(
            a.unwrap().canonical(),
            "w=500&h=500&size=10&center=1,2&publications=true&selected=1,1;3,4"
        );
    }
}
