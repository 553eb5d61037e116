//! Every tile of the city, as the renderer needs it: what it is, which shape
//! (district or estate) it belongs to, whether it is on sale, and whether it
//! joins its left, top and top-left neighbours. Built once per data version.

use std::collections::HashMap;

use super::super::coords::{Coord, MAX, MIN, PARCEL_COUNT, SIDE};
use super::facts::{CityTiles, TileKind};

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
    /// The index of `facts` at `now_ms`: each parcel's current publication is
    /// its newest one not yet expired.
    pub fn build(facts: &CityTiles, data_version: impl Into<String>, now_ms: i64) -> Self {
        let mut tiles: Vec<Tile> = (0..PARCEL_COUNT)
            .map(|index| Tile {
                kind: facts.kind(index),
                group: facts.group(index),
                ..Tile::default()
            })
            .collect();
        let mut sale_valid_until = i64::MAX;
        for (index, sales) in facts.sales() {
            if let Some(&(expires_at, open)) =
                sales.iter().find(|(expires_at, _)| *expires_at >= now_ms)
            {
                sale_valid_until = sale_valid_until.min(expires_at);
                tiles[index].on_sale = open;
            }
        }
        let mut estates: HashMap<String, Vec<Coord>> = HashMap::new();
        for index in 0..PARCEL_COUNT {
            let at = Coord::from_index(index);
            let group = tiles[index].group;
            if let Some(estate) = facts.estate_of_group(group) {
                estates.entry(estate.to_string()).or_default().push(at);
            }
            let joins = |dx: i32, dy: i32| {
                let (x, y) = (at.x + dx, at.y + dy);
                let inside = (MIN..=MAX).contains(&x) && (MIN..=MAX).contains(&y);
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
    use crate::domain::parcel::Parcel;
    use crate::domain::proximity::ROAD_DISTRICT_ID;

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
        let index = TileIndex::build(&CityTiles::from_parcels(&parcels), "v1", 0);
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
