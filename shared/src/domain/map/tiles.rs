//! Every tile of the city, as the renderer needs it: what it is, which shape
//! (district or estate) it belongs to, whether it is on sale, and whether it
//! joins its left, top and top-left neighbours. Built once per data version.

use std::collections::HashMap;

use super::super::coords::{Coord, MAX, MIN, PARCEL_COUNT, SIDE};
use super::super::parcel::Parcel;
use super::super::proximity::{PLAZA_DISTRICT_ID, ROAD_DISTRICT_ID};
use super::super::publication::PublicationStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TileKind {
    District,
    Road,
    Plaza,
    Owned,
    #[default]
    Unowned,
}

#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Tile {
    pub kind: TileKind,
    /// The district or estate the tile belongs to (0: none).
    group: u32,
    pub on_sale: bool,
    pub left: bool,
    pub top: bool,
    pub top_left: bool,
}

/// The tiles of the whole city and what they were built from.
#[derive(Debug, Clone)]
pub struct TileIndex {
    tiles: Vec<Tile>,
    data_version: String,
    /// When the first current publication expires: until then every tile's
    /// sale state stays as built (`i64::MAX`: never).
    sale_valid_until: i64,
    /// The parcels of each estate that has any.
    estates: HashMap<String, Vec<Coord>>,
}

impl TileIndex {
    /// Builds the index from the city's parcels (each with its current
    /// publication as of `now_ms`); parcels absent from the store are unowned.
    pub fn build<'a>(
        parcels: impl IntoIterator<Item = &'a Parcel>,
        data_version: impl Into<String>,
    ) -> Self {
        let mut tiles = vec![Tile::default(); PARCEL_COUNT];
        let mut groups: HashMap<(bool, &str), u32> = HashMap::new();
        let mut estates: HashMap<String, Vec<Coord>> = HashMap::new();
        let mut sale_valid_until = i64::MAX;
        for parcel in parcels {
            let Ok(at) = Coord::new(parcel.x.into(), parcel.y.into()) else {
                continue;
            };
            let kind = match parcel.district_id.as_deref() {
                Some(ROAD_DISTRICT_ID) => TileKind::Road,
                Some(PLAZA_DISTRICT_ID) => TileKind::Plaza,
                Some(_) => TileKind::District,
                None if parcel.owner.is_some() => TileKind::Owned,
                None => TileKind::Unowned,
            };
            let shape = match (&parcel.district_id, &parcel.estate_id) {
                (Some(district), _) => Some((true, district.as_str())),
                (None, Some(estate)) => Some((false, estate.as_str())),
                (None, None) => None,
            };
            let next = groups.len() as u32 + 1;
            let group = shape.map_or(0, |key| *groups.entry(key).or_insert(next));
            if let Some(estate) = &parcel.estate_id {
                estates.entry(estate.clone()).or_default().push(at);
            }
            if let Some(current) = &parcel.publication {
                sale_valid_until = sale_valid_until.min(current.expires_at);
            }
            tiles[at.index()] = Tile {
                kind,
                group,
                on_sale: parcel
                    .publication
                    .as_ref()
                    .is_some_and(|p| p.status == PublicationStatus::Open),
                ..Tile::default()
            };
        }
        for index in 0..PARCEL_COUNT {
            let at = Coord::from_index(index);
            let joins = |dx: i32, dy: i32| {
                let (x, y) = (at.x + dx, at.y + dy);
                let inside = (MIN..=MAX).contains(&x) && (MIN..=MAX).contains(&y);
                let group = tiles[index].group;
                inside && group != 0 && tiles[Coord { x, y }.index()].group == group
            };
            let (left, top, top_left) = (joins(-1, 0), joins(0, 1), joins(-1, 1));
            let tile = &mut tiles[index];
            (tile.left, tile.top, tile.top_left) = (left, top, top_left);
        }
        for coords in estates.values_mut() {
            coords.sort_unstable();
        }
        Self {
            tiles,
            data_version: data_version.into(),
            sale_valid_until,
            estates,
        }
    }

    pub(super) fn tile(&self, x: i32, y: i32) -> Option<&Tile> {
        let inside = (MIN..=MAX).contains(&x) && (MIN..=MAX).contains(&y);
        inside.then(|| &self.tiles[(y - MIN) as usize * SIDE + (x - MIN) as usize])
    }

    pub fn kind(&self, at: Coord) -> TileKind {
        self.tiles[at.index()].kind
    }

    pub fn data_version(&self) -> &str {
        &self.data_version
    }

    /// Until when (ms) the sale state of every tile holds.
    pub fn sale_valid_until(&self) -> i64 {
        self.sale_valid_until
    }

    /// Whether the index still describes the city at `now_ms`.
    pub fn is_current(&self, data_version: &str, now_ms: i64) -> bool {
        self.data_version == data_version && now_ms <= self.sale_valid_until
    }

    /// The parcels of an estate, sorted; `None` if it has none (unknown or dissolved).
    pub fn estate_parcels(&self, id: &str) -> Option<&[Coord]> {
        self.estates.get(id).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_follow_districts_and_estates() {
        let parcel = |x, y, district: Option<&str>, estate: Option<&str>| Parcel {
            district_id: district.map(Into::into),
            estate_id: estate.map(Into::into),
            owner: Some("0xabc".into()),
            ..Parcel::unowned(Coord { x, y })
        };
        let parcels = [
            parcel(0, 0, None, Some("7")),
            parcel(1, 0, None, Some("7")),
            parcel(1, 1, None, Some("7")),
            parcel(2, 0, None, Some("8")),
            parcel(5, 5, Some(ROAD_DISTRICT_ID), None),
            parcel(5, 6, Some(ROAD_DISTRICT_ID), None),
        ];
        let index = TileIndex::build(&parcels, "v1");
        let t = |x, y| *index.tile(x, y).unwrap();
        assert!(t(1, 0).left && t(1, 0).top && !t(1, 0).top_left);
        assert!(!t(2, 0).left, "another estate does not join");
        assert!(t(5, 5).top && t(5, 5).kind == TileKind::Road);
        assert!(!t(9, 9).left && t(9, 9).kind == TileKind::Unowned);
        assert_eq!(
            index.estate_parcels("7").unwrap(),
            [
                Coord { x: 0, y: 0 },
                Coord { x: 1, y: 0 },
                Coord { x: 1, y: 1 }
            ]
        );
        assert!(index.estate_parcels("9").is_none());
        assert!(index.tile(151, 0).is_none());
    }
}
