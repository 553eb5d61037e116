//! What the map needs to know of each parcel, compact enough to keep as one
//! blob per data version: its kind, its shape (district or estate) and its
//! publications' expiry and status. The tile index is computed from it.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;

use flate2::Compression;
use flate2::read::ZlibDecoder;
use flate2::write::ZlibEncoder;
use serde::{Deserialize, Serialize};

use super::super::coords::{Coord, PARCEL_COUNT};
use super::super::parcel::Parcel;
use super::super::proximity::{PLAZA_DISTRICT_ID, ROAD_DISTRICT_ID};
use super::super::publication::{Publication, PublicationStatus};

/// What a parcel is on the map, which decides its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum TileKind {
    District = 0,
    Road = 1,
    Plaza = 2,
    Owned = 3,
    #[default]
    Unowned = 4,
}

impl TileKind {
    pub(super) fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::District,
            1 => Self::Road,
            2 => Self::Plaza,
            3 => Self::Owned,
            _ => Self::Unowned,
        }
    }
}

/// A publication as the map sees it: until when it counts, and whether it
/// puts the parcel on sale.
pub type Sale = (i64, bool);

#[derive(Clone, Serialize, Deserialize)]
pub struct CityTiles {
    /// "d:<district id>" or "e:<estate id>"; `group_of` points here (+1).
    groups: Vec<String>,
    /// Per parcel, in `Coord::index` order.
    kinds: Vec<u8>,
    group_of: Vec<u32>,
    /// The publications of each parcel that has any, newest first.
    sales: BTreeMap<u32, Vec<Sale>>,
    #[serde(skip)]
    group_ids: HashMap<String, u32>,
}

impl Default for CityTiles {
    fn default() -> Self {
        Self {
            groups: Vec::new(),
            kinds: vec![TileKind::Unowned as u8; PARCEL_COUNT],
            group_of: vec![0; PARCEL_COUNT],
            sales: BTreeMap::new(),
            group_ids: HashMap::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("stored map tiles are unreadable: {0}")]
pub struct TilesDecodeError(String);

impl CityTiles {
    /// From parcels carrying their current publication (as stores answer
    /// them at one moment).
    pub fn from_parcels<'a>(parcels: impl IntoIterator<Item = &'a Parcel>) -> Self {
        let mut tiles = Self::default();
        for parcel in parcels {
            tiles.set(parcel, parcel.publication.iter());
        }
        tiles
    }

    /// Replaces what is known of one parcel; `publications` newest first.
    pub fn set<'a>(
        &mut self,
        parcel: &Parcel,
        publications: impl Iterator<Item = &'a Publication>,
    ) {
        let Ok(at) = Coord::new(parcel.x.into(), parcel.y.into()) else {
            return;
        };
        let index = at.index();
        let kind = match parcel.district_id.as_deref() {
            Some(ROAD_DISTRICT_ID) => TileKind::Road,
            Some(PLAZA_DISTRICT_ID) => TileKind::Plaza,
            Some(_) => TileKind::District,
            None if parcel.owner.is_some() => TileKind::Owned,
            None => TileKind::Unowned,
        };
        self.kinds[index] = kind as u8;
        let shape = match (&parcel.district_id, &parcel.estate_id) {
            (Some(district), _) => Some(format!("d:{district}")),
            (None, Some(estate)) => Some(format!("e:{estate}")),
            (None, None) => None,
        };
        self.group_of[index] = shape.map_or(0, |name| self.group_id(name));
        let sales: Vec<Sale> = publications
            .map(|p| (p.expires_at, p.status == PublicationStatus::Open))
            .collect();
        if sales.is_empty() {
            self.sales.remove(&(index as u32));
        } else {
            self.sales.insert(index as u32, sales);
        }
    }

    fn group_id(&mut self, name: String) -> u32 {
        if self.group_ids.len() != self.groups.len() {
            self.group_ids = (self.groups.iter().cloned()).zip(1..).collect();
        }
        let next = self.groups.len() as u32 + 1;
        *self.group_ids.entry(name.clone()).or_insert_with(|| {
            self.groups.push(name);
            next
        })
    }

    pub(super) fn kind(&self, index: usize) -> TileKind {
        TileKind::from_u8(self.kinds[index])
    }

    /// 0: no shape.
    pub(super) fn group(&self, index: usize) -> u32 {
        self.group_of[index]
    }

    /// The estate id of a shape, if it is one.
    pub(super) fn estate_of_group(&self, group: u32) -> Option<&str> {
        let name = self.groups.get(group.checked_sub(1)? as usize)?;
        name.strip_prefix("e:")
    }

    pub(super) fn sales(&self) -> impl Iterator<Item = (usize, &[Sale])> {
        self.sales.iter().map(|(i, s)| (*i as usize, s.as_slice()))
    }

    /// A compressed form to store (zlib over JSON).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut encoder = ZlibEncoder::new(Vec::new(), Compression::default());
        serde_json::to_writer(&mut encoder, self).expect("plain data serialises");
        encoder.finish().expect("writing to memory")
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Self, TilesDecodeError> {
        let mut json = Vec::new();
        ZlibDecoder::new(bytes)
            .read_to_end(&mut json)
            .map_err(|e| TilesDecodeError(e.to_string()))?;
        let tiles: Self =
            serde_json::from_slice(&json).map_err(|e| TilesDecodeError(e.to_string()))?;
        let groups = tiles.groups.len() as u32;
        if tiles.kinds.len() != PARCEL_COUNT
            || tiles.group_of.len() != PARCEL_COUNT
            || tiles.group_of.iter().any(|g| *g > groups)
            || tiles.sales.keys().any(|i| *i as usize >= PARCEL_COUNT)
        {
            return Err(TilesDecodeError("inconsistent tiles".into()));
        }
        Ok(tiles)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_and_patches() {
        let mut owned = Parcel::unowned(Coord { x: 3, y: -4 });
        owned.owner = Some("0xabc".into());
        owned.estate_id = Some("12".into());
        let mut tiles = CityTiles::from_parcels([&owned]);
        let back = CityTiles::from_bytes(&tiles.to_bytes()).unwrap();
        assert!(back.to_bytes() == tiles.to_bytes(), "round trip");
        assert!(
            tiles.to_bytes().len() < 20_000,
            "compact: {}",
            tiles.to_bytes().len()
        );
        let index = owned.coord().index();
        assert_eq!(back.kind(index), TileKind::Owned);
        assert_eq!(back.estate_of_group(back.group(index)), Some("12"));
        // Patching after a round trip interns groups again, without duplicates.
        let mut next = back;
        next.set(&Parcel::unowned(Coord { x: 3, y: -4 }), std::iter::empty());
        assert_eq!(next.kind(index), TileKind::Unowned);
        let mut again = owned.clone();
        again.x = 4;
        next.set(&again, std::iter::empty());
        assert_eq!(next.groups.len(), 1);
        tiles.set(&again, std::iter::empty());
        assert!(CityTiles::from_bytes(b"nonsense").is_err());
    }
}
