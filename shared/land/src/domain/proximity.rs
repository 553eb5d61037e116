//! `tags.proximity`: for a parcel outside any district, the nearest plaza, road
//! and district parcel within 10 parcels (Chebyshev distance, adjacent = 0).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::coords::Coord;

/// Every road parcel belongs to this district.
pub const ROAD_DISTRICT_ID: &str = "f77140f9-c7b4-4787-89c9-9fa0e219b079";
/// Every plaza parcel belongs to this district.
pub const PLAZA_DISTRICT_ID: &str = "55327350-d9f0-4cae-b0f3-8745a0431099";
/// How far (in parcels, each axis) proximity looks.
pub const REACH: i32 = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistrictKind {
    Plaza,
    Road,
    District,
}

impl DistrictKind {
    pub fn of(district_id: &str) -> Self {
        match district_id {
            ROAD_DISTRICT_ID => Self::Road,
            PLAZA_DISTRICT_ID => Self::Plaza,
            _ => Self::District,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProximityTag {
    pub district_id: String,
    pub distance: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Proximity {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plaza: Option<ProximityTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub road: Option<ProximityTag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<ProximityTag>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Tags {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proximity: Option<Proximity>,
}

/// Computes the tags of the parcel at `at`. `district_at` tells which district
/// (if any) holds a parcel. Parcels inside a district get no proximity tags.
pub fn tags_for<'a>(at: Coord, district_at: impl Fn(Coord) -> Option<&'a str>) -> Tags {
    if district_at(at).is_some() {
        return Tags::default();
    }
    let mut proximity = Proximity::default();
    for ring in 1..=REACH {
        for (dx, dy) in ring_offsets(ring) {
            let (x, y) = (i64::from(at.x + dx), i64::from(at.y + dy));
            let Ok(near) = Coord::new(x, y) else { continue };
            let Some(district_id) = district_at(near) else {
                continue;
            };
            let slot = match DistrictKind::of(district_id) {
                DistrictKind::Plaza => &mut proximity.plaza,
                DistrictKind::Road => &mut proximity.road,
                DistrictKind::District => &mut proximity.district,
            };
            if slot.is_none() {
                *slot = Some(ProximityTag {
                    district_id: district_id.to_string(),
                    distance: (ring - 1) as u32,
                });
            }
        }
        if proximity.plaza.is_some() && proximity.road.is_some() && proximity.district.is_some() {
            break;
        }
    }
    let found =
        proximity.plaza.is_some() || proximity.road.is_some() || proximity.district.is_some();
    Tags {
        proximity: found.then_some(proximity),
    }
}

/// The offsets at exactly Chebyshev distance `ring`, in a fixed order
/// (north row west to east, then the sides, then the south row).
fn ring_offsets(ring: i32) -> impl Iterator<Item = (i32, i32)> {
    (-ring..=ring).rev().flat_map(move |dy| {
        (-ring..=ring)
            .filter(move |dx| dy.abs() == ring || dx.abs() == ring)
            .map(move |dx| (dx, dy))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout(at: Coord) -> Option<&'static str> {
        match (at.x, at.y) {
            (0, 0) => Some(ROAD_DISTRICT_ID),
            (3, 3) => Some(PLAZA_DISTRICT_ID),
            (-20, 0) => Some("far-away-district"),
            (0, -5) => Some("district-a"),
            _ => None,
        }
    }

    #[test]
    fn nearest_of_each_kind_with_adjacent_at_zero() {
        let tags = tags_for(Coord { x: 1, y: 0 }, layout);
        let p = tags.proximity.unwrap();
        assert_eq!(p.road.unwrap().distance, 0);
        assert_eq!(
            p.plaza.unwrap(),
            ProximityTag {
                district_id: PLAZA_DISTRICT_ID.into(),
                distance: 2
            }
        );
        assert_eq!(p.district.unwrap().distance, 4);
    }

    #[test]
    fn nothing_in_reach_gives_empty_tags() {
        let tags = tags_for(Coord { x: 100, y: 100 }, layout);
        assert_eq!(serde_json::to_string(&tags).unwrap(), "{}");
    }

    #[test]
    fn parcels_inside_districts_have_no_proximity() {
        assert_eq!(tags_for(Coord { x: 0, y: 0 }, layout), Tags::default());
    }

    #[test]
    fn reach_is_ten_parcels() {
        // (-20,0) is 10 away from (-10,0): distance 9. From (-9,0) it is 11 away.
        let near = tags_for(Coord { x: -10, y: 50 }, |c| {
            (c == Coord { x: -20, y: 40 }).then_some("d")
        });
        assert_eq!(near.proximity.unwrap().district.unwrap().distance, 9);
        let far = tags_for(Coord { x: -9, y: 50 }, |c| {
            (c == Coord { x: -20, y: 40 }).then_some("d")
        });
        assert!(far.proximity.is_none());
    }

    #[test]
    fn rings_have_the_right_size() {
        assert_eq!(ring_offsets(1).count(), 8);
        assert_eq!(ring_offsets(10).count(), 80);
    }
}
