//! Genesis City coordinates: a 301 x 301 grid, x and y in -150..=150, north up.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub const MIN: i32 = -150;
pub const MAX: i32 = 150;
/// Parcels along one side of the city.
pub const SIDE: usize = (MAX - MIN + 1) as usize;
/// Parcels in the whole city (90,601).
pub const PARCEL_COUNT: usize = SIDE * SIDE;
/// The largest box `/parcels?nw&se` and `/map` answer, once cut to the city:
/// the reference's own map limit. The web app's viewport on a 1920 x 1080
/// screen holds 11,869 parcels; such answers are sent compressed.
pub const MAX_AREA_PARCELS: usize = 15_000;

/// Why a coordinate pair was rejected; the messages are the API's own.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordError {
    #[error("Invalid coordinate \"{0}\" must be an integer")]
    NotAnInteger(&'static str),
    #[error(
        "Coords ({x}, {y}) are out of bounds: {{\"minX\":-150,\"minY\":-150,\"maxX\":150,\"maxY\":150}}"
    )]
    OutOfBounds { x: i64, y: i64 },
    #[error("Invalid coords \"{0}\": expected \"x,y\"")]
    Malformed(String),
}

/// A parcel position inside Genesis City (always within bounds once built).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Coord {
    pub x: i32,
    pub y: i32,
}

impl Coord {
    /// Builds a coordinate, checking the city bounds.
    pub fn new(x: i64, y: i64) -> Result<Self, CoordError> {
        if !(i64::from(MIN)..=i64::from(MAX)).contains(&x)
            || !(i64::from(MIN)..=i64::from(MAX)).contains(&y)
        {
            return Err(CoordError::OutOfBounds { x, y });
        }
        Ok(Self {
            x: x as i32,
            y: y as i32,
        })
    }

    /// Parses the two path segments of `/parcels/{x}/{y}`.
    pub fn from_parts(x: &str, y: &str) -> Result<Self, CoordError> {
        let x: i64 = x
            .trim()
            .parse()
            .map_err(|_| CoordError::NotAnInteger("x"))?;
        let y: i64 = y
            .trim()
            .parse()
            .map_err(|_| CoordError::NotAnInteger("y"))?;
        Self::new(x, y)
    }

    /// Dense index of this parcel in a row-major grid (x fastest).
    pub fn index(self) -> usize {
        (self.y - MIN) as usize * SIDE + (self.x - MIN) as usize
    }

    pub fn from_index(index: usize) -> Self {
        Self {
            x: (index % SIDE) as i32 + MIN,
            y: (index / SIDE) as i32 + MIN,
        }
    }

    /// Every parcel of the city, in index order.
    pub fn all() -> impl Iterator<Item = Coord> {
        (0..PARCEL_COUNT).map(Coord::from_index)
    }

    /// The "x,y" id the API uses for parcels.
    pub fn id(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Coord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{},{}", self.x, self.y)
    }
}

impl FromStr for Coord {
    type Err = CoordError;

    /// Parses "x,y" (as in `center=` or a parcel id).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (x, y) = s
            .split_once(',')
            .ok_or_else(|| CoordError::Malformed(s.to_string()))?;
        Self::from_parts(x, y)
    }
}

/// A corner of a box as a client sends it ("x,y"): any integers, inside the
/// city or not (the web app sends its viewport unclamped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corner {
    pub x: i64,
    pub y: i64,
}

impl FromStr for Corner {
    type Err = CoordError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (x, y) = s
            .split_once(',')
            .ok_or_else(|| CoordError::Malformed(s.to_string()))?;
        Ok(Self {
            x: saturating_integer(x).ok_or(CoordError::NotAnInteger("x"))?,
            y: saturating_integer(y).ok_or(CoordError::NotAnInteger("y"))?,
        })
    }
}

/// An integer of any length: past 64 bits it is far outside the city anyway,
/// and is cut like any other.
fn saturating_integer(text: &str) -> Option<i64> {
    let text = text.trim();
    text.parse().ok().or_else(|| {
        let (negative, digits) = match text.strip_prefix('-') {
            Some(digits) => (true, digits),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(if negative {
            i64::MIN
        } else {
            i64::MAX
        })
    })
}

/// A rectangle of parcels given by its north-west and south-east corners.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Area {
    pub min_x: i32,
    pub max_x: i32,
    pub min_y: i32,
    pub max_y: i32,
}

impl Area {
    /// The whole city.
    pub const CITY: Area = Area {
        min_x: MIN,
        max_x: MAX,
        min_y: MIN,
        max_y: MAX,
    };

    /// Corners may come in any order; the area covers both.
    pub fn between(nw: Coord, se: Coord) -> Self {
        Self {
            min_x: nw.x.min(se.x),
            max_x: nw.x.max(se.x),
            min_y: nw.y.min(se.y),
            max_y: nw.y.max(se.y),
        }
    }

    /// The part of the box between two corners that lies in the city (corners
    /// in any order); `None` when the box lies wholly outside.
    pub fn cut(a: Corner, b: Corner) -> Option<Self> {
        let span = |p: i64, q: i64| {
            let low = p.min(q).max(i64::from(MIN));
            let high = p.max(q).min(i64::from(MAX));
            // Both within the city's i32 range once the check passes.
            (low <= high).then_some((low as i32, high as i32))
        };
        let (min_x, max_x) = span(a.x, b.x)?;
        let (min_y, max_y) = span(a.y, b.y)?;
        Some(Self {
            min_x,
            max_x,
            min_y,
            max_y,
        })
    }

    pub fn parcel_count(&self) -> usize {
        (self.max_x - self.min_x + 1) as usize * (self.max_y - self.min_y + 1) as usize
    }

    pub fn contains(&self, c: Coord) -> bool {
        (self.min_x..=self.max_x).contains(&c.x) && (self.min_y..=self.max_y).contains(&c.y)
    }

    /// The parcels of the area ordered x ascending, then y descending.
    pub fn coords(&self) -> impl Iterator<Item = Coord> + '_ {
        (self.min_x..=self.max_x)
            .flat_map(move |x| (self.min_y..=self.max_y).rev().map(move |y| Coord { x, y }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips_over_the_whole_city() {
        for (i, c) in Coord::all().enumerate() {
            assert_eq!(c.index(), i);
        }
        assert_eq!(Coord::all().count(), 90_601);
    }

    #[test]
    fn boxes_are_cut_to_the_city() {
        let corner = |s: &str| s.parse::<Corner>().unwrap();
        // A card preview near the south-west edge.
        let cut = Area::cut(corner("-151,-124"), corner("-141,-134")).unwrap();
        assert_eq!(
            (cut.min_x, cut.max_x, cut.min_y, cut.max_y),
            (-150, -141, -134, -124)
        );
        assert_eq!(cut.parcel_count(), 10 * 11);
        // The web app's 1920 x 1080 viewport, wholly inside.
        let viewport = Area::cut(corner("-71,41"), corner("71,-41")).unwrap();
        assert_eq!(viewport.parcel_count(), 11_869);
        // Wider than the city on both axes: the whole city.
        let huge = Area::cut(corner("-9999999999,5000"), corner("9999999999,-5000")).unwrap();
        assert_eq!(huge, Area::CITY);
        let beyond_64_bits = "-99999999999999999999999999,+99999999999999999999999999";
        let huge = Area::cut(
            corner(beyond_64_bits),
            corner("99999999999999999999999999,-99999999999999999999999999"),
        )
        .unwrap();
        assert_eq!(huge, Area::CITY);
        // Wholly outside, on each side.
        for (a, b) in [
            ("151,0", "160,-5"),
            ("-200,0", "-151,3"),
            ("0,151", "3,400"),
            ("0,-151", "3,-152"),
        ] {
            assert_eq!(Area::cut(corner(a), corner(b)), None, "{a} {b}");
        }
        assert_eq!(
            "1.5,2".parse::<Corner>().unwrap_err(),
            CoordError::NotAnInteger("x")
        );
        assert!(matches!(
            "12".parse::<Corner>(),
            Err(CoordError::Malformed(_))
        ));
    }

    #[test]
    fn parses_and_checks_bounds() {
        assert_eq!(
            "-48,-29".parse::<Coord>().unwrap(),
            Coord { x: -48, y: -29 }
        );
        assert_eq!(
            Coord::from_parts("151", "0").unwrap_err().to_string(),
            "Coords (151, 0) are out of bounds: {\"minX\":-150,\"minY\":-150,\"maxX\":150,\"maxY\":150}"
        );
        assert_eq!(
            Coord::from_parts("1.5", "0").unwrap_err().to_string(),
            "Invalid coordinate \"x\" must be an integer"
        );
        assert_eq!(
            Coord::from_parts("1", "y").unwrap_err(),
            CoordError::NotAnInteger("y")
        );
        assert!("12".parse::<Coord>().is_err());
    }

    #[test]
    fn area_orders_x_asc_then_y_desc() {
        let area = Area::between(Coord { x: -1, y: 1 }, Coord { x: 0, y: 0 });
        let ids: Vec<String> = area.coords().map(Coord::id).collect();
        assert_eq!(ids, ["-1,1", "-1,0", "0,1", "0,0"]);
        assert_eq!(area.parcel_count(), 4);
        let reversed = Area::between(Coord { x: 0, y: 0 }, Coord { x: -1, y: 1 });
        assert_eq!(area, reversed);
    }
}
