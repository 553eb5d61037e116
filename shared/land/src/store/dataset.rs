//! The whole LAND data set as plain records, and the JSON-lines form in which
//! it is imported, exported and persisted (one tagged record a line).

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};

use crate::domain::bid::Bid;
use crate::domain::district::{ContributionRow, District};
use crate::domain::mortgage::Mortgage;
use crate::domain::parcel::{Estate, Parcel};
use crate::domain::publication::Publication;
use platform::store::StoreError;

/// One line of a dump: `{"kind": "parcel", ...the parcel's fields}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum Record {
    District(District),
    Contribution(ContributionRow),
    Parcel(Parcel),
    Estate(Estate),
    Publication(Publication),
    Bid(Bid),
    Mortgage(Mortgage),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LandDataset {
    pub districts: Vec<District>,
    pub contributions: Vec<ContributionRow>,
    pub parcels: Vec<Parcel>,
    pub estates: Vec<Estate>,
    pub publications: Vec<Publication>,
    pub bids: Vec<Bid>,
    pub mortgages: Vec<Mortgage>,
}

impl LandDataset {
    pub fn record_count(&self) -> usize {
        self.districts.len()
            + self.contributions.len()
            + self.parcels.len()
            + self.estates.len()
            + self.publications.len()
            + self.bids.len()
            + self.mortgages.len()
    }

    pub fn records(&self) -> impl Iterator<Item = Record> + '_ {
        let d = self.districts.iter().cloned().map(Record::District);
        let c = self.contributions.iter().cloned().map(Record::Contribution);
        let p = self.parcels.iter().cloned().map(|mut p| {
            p.publication = None;
            Record::Parcel(p)
        });
        let e = self.estates.iter().cloned().map(|mut e| {
            e.publication = None;
            Record::Estate(e)
        });
        let pb = self.publications.iter().cloned().map(Record::Publication);
        let b = self.bids.iter().cloned().map(Record::Bid);
        let m = self.mortgages.iter().cloned().map(Record::Mortgage);
        d.chain(c).chain(p).chain(e).chain(pb).chain(b).chain(m)
    }

    /// Adds records, replacing those with the same key (parcel id, estate id,
    /// tx hash, bid id, district id, contribution address + district).
    pub fn upsert(&mut self, records: impl IntoIterator<Item = Record>) -> usize {
        let mut merged = Keyed::from(std::mem::take(self));
        let mut count = 0;
        for record in records {
            merged.insert(record);
            count += 1;
        }
        *self = merged.into();
        count
    }

    /// The same records in their canonical order (by key), so that equal
    /// content always reads, writes and fingerprints the same.
    pub fn canonical(self) -> Self {
        Keyed::from(self).into()
    }

    /// A fingerprint of the content (the data version caches key on): equal
    /// canonical content gives an equal fingerprint, any change another.
    pub fn fingerprint(&self) -> String {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for record in self.records() {
            serde_json::to_string(&record)
                .unwrap_or_default()
                .hash(&mut hasher);
        }
        format!("{:016x}", hasher.finish())
    }

    /// Writes the data set as JSON lines.
    pub fn write_jsonl(&self, mut out: impl Write) -> Result<(), StoreError> {
        for record in self.records() {
            serde_json::to_writer(&mut out, &record)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            out.write_all(b"\n")?;
        }
        out.flush()?;
        Ok(())
    }

    /// Reads JSON lines; the error names the first bad line.
    pub fn read_jsonl(input: impl BufRead) -> Result<Vec<Record>, StoreError> {
        let mut records = Vec::new();
        for (number, line) in input.lines().enumerate() {
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let record = serde_json::from_str(&line)
                .map_err(|e| StoreError::Corrupt(format!("line {}: {e}", number + 1)))?;
            records.push(record);
        }
        Ok(records)
    }
}

/// The data set keyed for upserts; BTreeMaps keep the output order stable.
#[derive(Default)]
struct Keyed {
    districts: BTreeMap<String, District>,
    contributions: BTreeMap<(String, String), ContributionRow>,
    parcels: BTreeMap<(i32, i32), Parcel>,
    estates: BTreeMap<(usize, String), Estate>,
    publications: BTreeMap<String, Publication>,
    bids: BTreeMap<String, Bid>,
    mortgages: BTreeMap<String, Mortgage>,
}

impl Keyed {
    fn insert(&mut self, record: Record) {
        match record {
            Record::District(d) => {
                self.districts.insert(d.id.clone(), d);
            }
            Record::Contribution(c) => {
                self.contributions
                    .insert((c.address.clone(), c.district_id.clone()), c);
            }
            Record::Parcel(mut p) => {
                p.publication = None;
                self.parcels.insert((p.x, p.y), p);
            }
            Record::Estate(mut e) => {
                e.publication = None;
                self.estates.insert((e.id.len(), e.id.clone()), e);
            }
            Record::Publication(p) => {
                self.publications.insert(p.tx_hash.clone(), p);
            }
            Record::Bid(b) => {
                self.bids.insert(b.id.clone(), b);
            }
            Record::Mortgage(m) => {
                self.mortgages.insert(m.tx_hash.clone(), m);
            }
        }
    }
}

impl From<LandDataset> for Keyed {
    fn from(data: LandDataset) -> Self {
        let mut keyed = Keyed::default();
        let LandDataset {
            districts,
            contributions,
            parcels,
            estates,
            publications,
            bids,
            mortgages,
        } = data;
        districts
            .into_iter()
            .map(Record::District)
            .for_each(|r| keyed.insert(r));
        contributions
            .into_iter()
            .map(Record::Contribution)
            .for_each(|r| keyed.insert(r));
        parcels
            .into_iter()
            .map(Record::Parcel)
            .for_each(|r| keyed.insert(r));
        estates
            .into_iter()
            .map(Record::Estate)
            .for_each(|r| keyed.insert(r));
        publications
            .into_iter()
            .map(Record::Publication)
            .for_each(|r| keyed.insert(r));
        bids.into_iter()
            .map(Record::Bid)
            .for_each(|r| keyed.insert(r));
        mortgages
            .into_iter()
            .map(Record::Mortgage)
            .for_each(|r| keyed.insert(r));
        keyed
    }
}

impl From<Keyed> for LandDataset {
    fn from(k: Keyed) -> Self {
        LandDataset {
            districts: k.districts.into_values().collect(),
            contributions: k.contributions.into_values().collect(),
            parcels: k.parcels.into_values().collect(),
            estates: k.estates.into_values().collect(),
            publications: k.publications.into_values().collect(),
            bids: k.bids.into_values().collect(),
            mortgages: k.mortgages.into_values().collect(),
        }
    }
}
