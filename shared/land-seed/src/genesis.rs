//! The real Genesis City layout and district metadata, compiled in from
//! `data/genesis-city/` (Apache-2.0, see NOTICE).

use std::collections::HashMap;

use serde::Deserialize;

use land::domain::coords::{Coord, PARCEL_COUNT};
use land::domain::district::{ContributionRow, District};

const DISTRICTS_JSON: &str = include_str!("../../../data/genesis-city/districts.json");
const PROJECTS_SQL: &str = include_str!("../../../data/genesis-city/projects.20180105.sql");
const CONTRIBUTIONS_JSON: &str = include_str!("../../../data/genesis-city/contributions.json");

#[derive(Deserialize)]
struct LayoutDistrict {
    id: String,
    name: String,
    description: Option<String>,
    parcels: Vec<String>,
    #[serde(rename = "totalParcels")]
    total_parcels: Option<u64>,
}

/// One row of the `projects` table of the 2018 dump.
#[derive(Debug, Clone, PartialEq)]
pub struct Project {
    pub id: String,
    pub name: Option<String>,
    pub description: Option<String>,
    pub link: Option<String>,
    pub public: bool,
    pub parcels: Option<u64>,
    pub lookup: Option<String>,
    pub disabled: bool,
}

/// The city's districts and which district holds each parcel.
pub struct Layout {
    pub districts: Vec<District>,
    /// District index (into `districts`) by `Coord::index`.
    pub district_at: Vec<Option<u16>>,
}

impl Layout {
    pub fn district_id(&self, at: Coord) -> Option<&str> {
        self.district_at[at.index()].map(|i| self.districts[usize::from(i)].id.as_str())
    }
}

/// Parses the COPY block of a PostgreSQL dump (tab-separated, `\N` = NULL).
pub fn parse_projects(sql: &str) -> Vec<Project> {
    let unescape = |field: &str| -> Option<String> {
        (field != "\\N").then(|| {
            field
                .replace("\\t", "\t")
                .replace("\\n", "\n")
                .replace("\\\\", "\\")
        })
    };
    sql.lines()
        .skip_while(|l| !l.starts_with("COPY projects"))
        .skip(1)
        .take_while(|l| *l != "\\.")
        .filter_map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            (f.len() >= 9).then(|| Project {
                id: f[0].to_string(),
                name: unescape(f[1]).map(|s| s.trim().to_string()),
                description: unescape(f[2]),
                link: unescape(f[3]),
                public: f[4] == "t",
                parcels: unescape(f[5]).and_then(|p| p.parse().ok()),
                lookup: unescape(f[7]),
                disabled: f[8] == "t",
            })
        })
        .collect()
}

/// The parcel of a district closest to the middle of its bounding box.
fn middle(parcels: &[Coord]) -> Option<Coord> {
    let (min_x, max_x) = (
        parcels.iter().map(|c| c.x).min()?,
        parcels.iter().map(|c| c.x).max()?,
    );
    let (min_y, max_y) = (
        parcels.iter().map(|c| c.y).min()?,
        parcels.iter().map(|c| c.y).max()?,
    );
    let (cx, cy) = ((min_x + max_x) / 2, (min_y + max_y) / 2);
    parcels
        .iter()
        .min_by_key(|c| ((c.x - cx).pow(2) + (c.y - cy).pow(2), c.x, c.y))
        .copied()
}

/// Joins the layout (`districts.json`) with the metadata of the SQL dump.
pub fn layout() -> Layout {
    let raw: Vec<LayoutDistrict> =
        serde_json::from_str(DISTRICTS_JSON).expect("bundled districts.json is valid");
    let projects: HashMap<String, Project> = parse_projects(PROJECTS_SQL)
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let mut district_at = vec![None; PARCEL_COUNT];
    let mut districts = Vec::new();
    for d in raw {
        let project = projects.get(&d.id);
        if project.is_some_and(|p| p.disabled) {
            continue;
        }
        let parcels: Vec<Coord> = d.parcels.iter().filter_map(|p| p.parse().ok()).collect();
        let number = districts.len() as u16;
        for c in &parcels {
            district_at[c.index()] = Some(number);
        }
        let center = project
            .and_then(|p| p.lookup.clone())
            .filter(|l| l.parse::<Coord>().is_ok())
            .or_else(|| middle(&parcels).map(Coord::id))
            .unwrap_or_else(|| "0,0".to_string());
        let count = project
            .and_then(|p| p.parcels)
            .or(d.total_parcels)
            .unwrap_or(parcels.len() as u64);
        districts.push(District {
            name: project.and_then(|p| p.name.clone()).unwrap_or(d.name),
            description: project
                .and_then(|p| p.description.clone())
                .or(d.description)
                .unwrap_or_default(),
            link: project.and_then(|p| p.link.clone()).unwrap_or_default(),
            public: project.is_none_or(|p| p.public),
            parcel_count: count.to_string(),
            center,
            id: d.id,
        });
    }
    Layout {
        districts,
        district_at,
    }
}

#[derive(Deserialize)]
struct RawContribution {
    address: String,
    #[serde(rename = "districtId")]
    district_id: String,
    #[serde(rename = "totalParcels")]
    total_parcels: u64,
}

/// The contributions of `contributions.json`, addresses lowercased, one row
/// per address and district (the file repeats some pairs: they are summed, so
/// the rows have a key and importing them twice changes nothing).
pub fn contributions() -> Vec<ContributionRow> {
    let raw: std::collections::BTreeMap<String, Vec<RawContribution>> =
        serde_json::from_str(CONTRIBUTIONS_JSON).expect("bundled contributions.json is valid");
    let mut totals = std::collections::BTreeMap::<(String, String), u64>::new();
    for c in raw.into_values().flatten() {
        *totals
            .entry((c.address.to_ascii_lowercase(), c.district_id))
            .or_default() += c.total_parcels;
    }
    totals
        .into_iter()
        .map(|((address, district_id), land_count)| ContributionRow {
            address,
            district_id,
            land_count,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use land::domain::proximity::{PLAZA_DISTRICT_ID, ROAD_DISTRICT_ID};

    #[test]
    fn all_42_districts_with_their_metadata() {
        let layout = layout();
        assert_eq!(layout.districts.len(), 42);
        let dragon = layout
            .districts
            .iter()
            .find(|d| d.name == "Dragon City")
            .unwrap();
        assert_eq!(dragon.parcel_count, "6485");
        assert_eq!(dragon.center, "105,-89");
        assert_eq!(
            dragon.link,
            "https://github.com/decentraland/districts/issues/30"
        );
        assert!(dragon.public);
        let aetherian = layout
            .districts
            .iter()
            .find(|d| d.id == "219ac351-e6ce-4e17-8b84-eb008afddf69")
            .unwrap();
        assert_eq!(
            (aetherian.name.as_str(), aetherian.parcel_count.as_str()),
            ("AETHERIAN project", "10005")
        );
        let roads = layout
            .districts
            .iter()
            .find(|d| d.id == ROAD_DISTRICT_ID)
            .unwrap();
        assert!(!roads.public);
        assert!(roads.center.parse::<Coord>().is_ok());
        let assigned = layout.district_at.iter().filter(|d| d.is_some()).count();
        assert_eq!(assigned, 46_121);
        assert_eq!(
            layout.district_id(Coord { x: 0, y: -1 }),
            Some(PLAZA_DISTRICT_ID)
        );
    }

    #[test]
    fn sql_copy_rows_are_parsed() {
        let projects = parse_projects(PROJECTS_SQL);
        assert_eq!(projects.len(), 60);
        let plaza = projects.iter().find(|p| p.id == PLAZA_DISTRICT_ID).unwrap();
        assert_eq!(plaza.parcels, None);
        assert!(!plaza.public);
        assert_eq!(plaza.lookup.as_deref(), Some("0,-1"));
    }

    #[test]
    fn contributions_are_loaded() {
        let rows = contributions();
        let raw: std::collections::BTreeMap<String, Vec<RawContribution>> =
            serde_json::from_str(CONTRIBUTIONS_JSON).unwrap();
        let raw_sum: u64 = raw.values().flatten().map(|c| c.total_parcels).sum();
        assert_eq!(rows.iter().map(|r| r.land_count).sum::<u64>(), raw_sum);
        assert!(rows.len() < 4198, "repeated pairs are merged");
        assert!(
            rows.iter()
                .all(|r| r.address == r.address.to_ascii_lowercase())
        );
    }
}
