//! A listing of one asset type sorted once per data version, so that a page
//! walks `offset + limit` rows (plus the few it must step over, below) and
//! `total` is a handful of binary searches, however large the market.
//!
//! The answers are exactly those of `ListingQuery::page` over every asset's
//! latest matching publication, at any `now`:
//! - Candidates: every `open` publication (which one shows depends on the
//!   time), and each asset's newest `sold`, `cancelled` and
//!   `fingerprintChanged` one (an older one of the same status never shows).
//! - Each candidate sits in one lane per stored status; `open` rows are split
//!   at `pivot_ms` (when the index was built) into those live then and those
//!   already expired, so the `open` listing never walks the expired tail, nor
//!   `expired` the live rows, for any `now` after the build. A row that
//!   expired since the build is stepped over: the walk grows with what
//!   expired since the last import, never with what expired before it.
//! - A page merges the lanes the filter needs, pre-sorted in both directions
//!   for every sort order, and keeps a candidate only when it is its asset's
//!   latest publication matching the filter now.

use std::ops::Range;

use super::{ListingQuery, Page, SortBy, SortOrder};
use crate::domain::publication::{Publication, PublicationStatus, StatusFilter};
use crate::domain::status::AnyOf;

const SORTS: [SortBy; 4] = [
    SortBy::Price,
    SortBy::CreatedAt,
    SortBy::BlockTimeUpdatedAt,
    SortBy::ExpiresAt,
];

/// Lanes: `open` live at the pivot, `open` expired at the pivot, `sold`,
/// `cancelled`, `fingerprintChanged`.
const LANES: usize = 5;
const LIVE: usize = 0;
const EXPIRED: usize = 1;

/// Statuses counted without regard to time, as bits.
const SOLD: usize = 1;
const CANCELLED: usize = 2;
const CHANGED: usize = 4;
const MASKS: usize = 8;

pub struct ListingIndex {
    asset_ids: Vec<String>,
    /// Each asset's publications, newest first, in `publications`.
    asset_publications: Vec<Range<u32>>,
    publications: Vec<Publication>,
    asset_of: Vec<u32>,
    /// Per publication, one key per sort order that compares as the order does.
    keys: Vec<[u64; SORTS.len()]>,
    /// `[sort * 2 + direction][lane]`: candidates in listing order.
    sorted: Vec<[Vec<u32>; LANES]>,
    pivot_ms: i64,
    totals: Totals,
}

impl std::fmt::Debug for ListingIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListingIndex")
            .field("assets", &self.asset_ids.len())
            .field("publications", &self.publications.len())
            .field("pivot_ms", &self.pivot_ms)
            .finish()
    }
}

/// A key whose unsigned order is `f64::total_cmp`'s.
fn float_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits ^ 1 << 63
    }
}

fn int_key(value: i64) -> u64 {
    (value as u64) ^ 1 << 63
}

fn sort_key(sort: SortBy, p: &Publication) -> u64 {
    match sort {
        SortBy::Price => float_key(p.price),
        SortBy::CreatedAt => int_key(p.block_time_created_at),
        SortBy::BlockTimeUpdatedAt => {
            int_key(p.block_time_updated_at.unwrap_or(p.block_time_created_at))
        }
        SortBy::ExpiresAt => int_key(p.expires_at),
    }
}

fn sort_slot(sort: SortBy, order: SortOrder) -> usize {
    let sort = SORTS.iter().position(|s| *s == sort).unwrap_or(0);
    sort * 2 + usize::from(order == SortOrder::Desc)
}

fn status_bit(status: PublicationStatus) -> usize {
    match status {
        PublicationStatus::Open => 0,
        PublicationStatus::Sold => SOLD,
        PublicationStatus::Cancelled => CANCELLED,
        PublicationStatus::FingerprintChanged => CHANGED,
    }
}

impl ListingIndex {
    /// `assets` in the listing's tie-break order (an asset without
    /// publications is left out); each asset's publications in any order.
    pub fn build(
        assets: impl IntoIterator<Item = (String, Vec<Publication>)>,
        pivot_ms: i64,
    ) -> Self {
        let mut index = Self {
            asset_ids: Vec::new(),
            asset_publications: Vec::new(),
            publications: Vec::new(),
            asset_of: Vec::new(),
            keys: Vec::new(),
            sorted: Vec::new(),
            pivot_ms,
            totals: Totals::default(),
        };
        let mut lanes: [Vec<u32>; LANES] = Default::default();
        for (id, mut publications) in assets {
            if publications.is_empty() {
                continue;
            }
            publications.sort_by(Publication::newest_first);
            let asset = index.asset_ids.len() as u32;
            let start = index.publications.len() as u32;
            let mut newest_seen = 0;
            for p in &publications {
                let at = index.publications.len() as u32;
                let bit = status_bit(p.status);
                let lane = match p.status {
                    PublicationStatus::Open if p.expires_at >= pivot_ms => Some(LIVE),
                    PublicationStatus::Open => Some(EXPIRED),
                    _ if newest_seen & bit != 0 => None,
                    PublicationStatus::Sold => Some(2),
                    PublicationStatus::Cancelled => Some(3),
                    PublicationStatus::FingerprintChanged => Some(4),
                };
                newest_seen |= bit;
                if let Some(lane) = lane {
                    lanes[lane].push(at);
                }
                index.asset_of.push(asset);
                index.keys.push(SORTS.map(|s| sort_key(s, p)));
                index.publications.push(p.clone());
            }
            index.totals.add(&publications);
            index.asset_ids.push(id);
            index
                .asset_publications
                .push(start..index.publications.len() as u32);
        }
        index.totals.finish();
        for slot in 0..SORTS.len() * 2 {
            let descending = slot % 2 == 1;
            let mut sorted = lanes.clone();
            for lane in &mut sorted {
                lane.sort_unstable_by(|&a, &b| {
                    let (ka, kb) = (
                        index.keys[a as usize][slot / 2],
                        index.keys[b as usize][slot / 2],
                    );
                    let by_key = if descending { kb.cmp(&ka) } else { ka.cmp(&kb) };
                    by_key.then(index.asset_of[a as usize].cmp(&index.asset_of[b as usize]))
                });
            }
            index.sorted.push(sorted);
        }
        index
    }

    /// How many assets have a publication listed.
    pub fn assets(&self) -> usize {
        self.asset_ids.len()
    }

    /// The page of `query` at `now_ms`: rows of (asset id, its publication).
    pub fn page(&self, query: &ListingQuery, now_ms: i64) -> Page<(&str, &Publication)> {
        let status = query.status();
        let total = self.totals.count(status, now_ms);
        let mut items = Vec::with_capacity(query.limit.min(total));
        if query.offset >= total {
            return Page { items, total };
        }
        let slot = sort_slot(query.sort_by, query.sort_order);
        let descending = query.sort_order == SortOrder::Desc;
        let lanes: Vec<&[u32]> = self
            .lanes_for(status, now_ms)
            .map(|lane| self.sorted[slot][lane].as_slice())
            .collect();
        let mut skipped = 0;
        for at in Merge::new(lanes, |a, b| {
            let (ka, kb) = (
                self.keys[a as usize][slot / 2],
                self.keys[b as usize][slot / 2],
            );
            let by_key = if descending { kb.cmp(&ka) } else { ka.cmp(&kb) };
            by_key.then(self.asset_of[a as usize].cmp(&self.asset_of[b as usize]))
        }) {
            if !self.is_row(at, status, now_ms) {
                continue;
            }
            if skipped < query.offset {
                skipped += 1;
                continue;
            }
            let asset = self.asset_of[at as usize] as usize;
            items.push((
                self.asset_ids[asset].as_str(),
                &self.publications[at as usize],
            ));
            if items.len() == query.limit {
                break;
            }
        }
        Page { items, total }
    }

    /// The lanes that can hold a row of the filter at `now_ms`.
    fn lanes_for(&self, status: &AnyOf<StatusFilter>, now_ms: i64) -> impl Iterator<Item = usize> {
        let mut wanted = [false; LANES];
        for s in status.iter() {
            match s {
                StatusFilter::Open => {
                    wanted[LIVE] = true;
                    wanted[EXPIRED] |= now_ms < self.pivot_ms;
                }
                StatusFilter::Expired => {
                    wanted[EXPIRED] = true;
                    wanted[LIVE] |= now_ms > self.pivot_ms;
                }
                StatusFilter::Sold => wanted[2] = true,
                StatusFilter::Cancelled => wanted[3] = true,
                StatusFilter::FingerprintChanged => wanted[4] = true,
            }
        }
        (0..LANES).filter(move |&lane| wanted[lane])
    }

    /// Whether the publication is its asset's latest one matching the filter.
    fn is_row(&self, at: u32, status: &AnyOf<StatusFilter>, now_ms: i64) -> bool {
        let range = &self.asset_publications[self.asset_of[at as usize] as usize];
        let first_match = range
            .clone()
            .find(|&i| status.matches(&self.publications[i as usize], now_ms));
        first_match == Some(at)
    }
}

/// Merges sorted lanes (at most five) into one sorted walk.
struct Merge<'a, F> {
    lanes: Vec<&'a [u32]>,
    order: F,
}

impl<'a, F: Fn(u32, u32) -> std::cmp::Ordering> Merge<'a, F> {
    fn new(lanes: Vec<&'a [u32]>, order: F) -> Self {
        Self { lanes, order }
    }
}

impl<F: Fn(u32, u32) -> std::cmp::Ordering> Iterator for Merge<'_, F> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mut best: Option<usize> = None;
        for (lane, rows) in self.lanes.iter().enumerate() {
            let Some(&head) = rows.first() else { continue };
            if best.is_none_or(|b| (self.order)(head, self.lanes[b][0]).is_lt()) {
                best = Some(lane);
            }
        }
        let lane = best?;
        let (&head, rest) = self.lanes[lane].split_first()?;
        self.lanes[lane] = rest;
        Some(head)
    }
}

/// Counts of assets per filter, exact at any time.
#[derive(Default)]
struct Totals {
    /// Assets with a publication in any status of the mask (time plays no part).
    any: [usize; MASKS],
    /// For each mask, the assets with no status of the mask but an `open`
    /// publication: the latest expiry of those (live until then), sorted.
    open_until: [Vec<i64>; MASKS],
    /// ... and the earliest (expired from just after it), sorted.
    expired_after: [Vec<i64>; MASKS],
}

impl Totals {
    fn add(&mut self, publications: &[Publication]) {
        let statuses = publications
            .iter()
            .fold(0, |bits, p| bits | status_bit(p.status));
        let expiries = publications
            .iter()
            .filter(|p| p.status == PublicationStatus::Open)
            .map(|p| p.expires_at);
        let (until, after) =
            expiries.fold((None, None), |(max, min): (Option<i64>, Option<i64>), e| {
                (
                    Some(max.map_or(e, |m| m.max(e))),
                    Some(min.map_or(e, |m| m.min(e))),
                )
            });
        for mask in 0..MASKS {
            if statuses & mask != 0 {
                self.any[mask] += 1;
            } else if let (Some(until), Some(after)) = (until, after) {
                self.open_until[mask].push(until);
                self.expired_after[mask].push(after);
            }
        }
    }

    fn finish(&mut self) {
        for list in self.open_until.iter_mut().chain(&mut self.expired_after) {
            list.sort_unstable();
        }
    }

    fn count(&self, status: &AnyOf<StatusFilter>, now_ms: i64) -> usize {
        let mut mask = 0;
        let (mut open, mut expired) = (false, false);
        for s in status.iter() {
            match s {
                StatusFilter::Open => open = true,
                StatusFilter::Expired => expired = true,
                StatusFilter::Sold => mask |= SOLD,
                StatusFilter::Cancelled => mask |= CANCELLED,
                StatusFilter::FingerprintChanged => mask |= CHANGED,
            }
        }
        let timed = match (open, expired) {
            (true, true) => self.open_until[mask].len(),
            (true, false) => {
                let until = &self.open_until[mask];
                until.len() - until.partition_point(|&e| e < now_ms)
            }
            (false, true) => self.expired_after[mask].partition_point(|&e| e < now_ms),
            (false, false) => 0,
        };
        self.any[mask] + timed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::publication::tests::publication;

    /// A small deterministic generator (xorshift), so the test needs no crate.
    struct Draws(u64);

    impl Draws {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }
    }

    const STATUSES: [PublicationStatus; 4] = [
        PublicationStatus::Open,
        PublicationStatus::Sold,
        PublicationStatus::Cancelled,
        PublicationStatus::FingerprintChanged,
    ];
    const FILTERS: [StatusFilter; 5] = [
        StatusFilter::Open,
        StatusFilter::Expired,
        StatusFilter::Sold,
        StatusFilter::Cancelled,
        StatusFilter::FingerprintChanged,
    ];

    /// Assets 0..n with 0..=4 publications each: few distinct prices and
    /// times, so ties are everywhere, and several open rows per asset.
    fn market(draws: &mut Draws, assets: u32) -> Vec<(u32, Vec<Publication>)> {
        (0..assets)
            .map(|asset| {
                let count = draws.below(5);
                let pubs = (0..count)
                    .map(|n| {
                        let status = STATUSES[draws.below(4) as usize];
                        let mut p = publication(status, draws.below(8) as i64 * 10, 0);
                        p.tx_hash = format!("0x{asset:04}{n}");
                        p.expires_at = draws.below(10) as i64 * 10;
                        p.price = draws.below(6) as f64 * 100.0;
                        p.block_time_updated_at =
                            draws.below(3).checked_sub(1).map(|u| u as i64 * 7);
                        p
                    })
                    .collect();
                (asset, pubs)
            })
            .collect()
    }

    /// What `ListingQuery::page` answers, sorting every asset's latest match.
    fn reference(
        market: &[(u32, Vec<Publication>)],
        query: &ListingQuery,
        now: i64,
    ) -> (Vec<(String, String)>, usize) {
        let rows: Vec<(u32, Publication)> = market
            .iter()
            .filter_map(|(asset, pubs)| {
                let mut pubs = pubs.clone();
                pubs.sort_by(Publication::newest_first);
                let latest =
                    crate::domain::publication::latest_matching(&pubs, query.status(), now)?;
                Some((*asset, latest.clone()))
            })
            .collect();
        let page = query.page(rows, u32::cmp);
        let items = page
            .items
            .into_iter()
            .map(|(asset, p)| (asset.to_string(), p.tx_hash))
            .collect();
        (items, page.total)
    }

    fn filters(draws: &mut Draws) -> AnyOf<StatusFilter> {
        AnyOf::new((0..1 + draws.below(3)).map(|_| FILTERS[draws.below(5) as usize]))
    }

    #[test]
    fn pages_and_totals_equal_sorting_every_match_at_any_time() {
        let sorts = [
            SortBy::Price,
            SortBy::CreatedAt,
            SortBy::BlockTimeUpdatedAt,
            SortBy::ExpiresAt,
        ];
        let mut draws = Draws(0x5eed);
        for round in 0..40 {
            let assets = 1 + draws.below(60) as u32;
            let market = market(&mut draws, assets);
            let pivot = draws.below(100) as i64;
            let index = ListingIndex::build(
                market.iter().map(|(a, p)| (a.to_string(), p.clone())),
                pivot,
            );
            for _ in 0..60 {
                let query = ListingQuery::new(
                    filters(&mut draws),
                    Some(sorts[draws.below(4) as usize]),
                    Some([SortOrder::Asc, SortOrder::Desc][draws.below(2) as usize]),
                    Some(1 + draws.below(12)),
                    Some(draws.below(40)),
                );
                // Before, at and after the pivot, and on expiry instants.
                let now = draws.below(110) as i64 - 5;
                let page = index.page(&query, now);
                let got: Vec<(String, String)> = page
                    .items
                    .iter()
                    .map(|(id, p)| (id.to_string(), p.tx_hash.clone()))
                    .collect();
                let (want, total) = reference(&market, &query, now);
                assert_eq!(
                    (got, page.total),
                    (want, total),
                    "round {round}, {query:?}, now {now}, pivot {pivot}"
                );
            }
        }
    }

    #[test]
    fn a_row_that_expires_leaves_open_for_expired_with_its_total() {
        let mut live = publication(PublicationStatus::Open, 10, 100);
        live.tx_hash = "0xa".into();
        let mut other = publication(PublicationStatus::Open, 20, 500);
        other.tx_hash = "0xb".into();
        let index = ListingIndex::build(
            [
                ("a".to_string(), vec![live]),
                ("b".to_string(), vec![other]),
            ],
            50,
        );
        let open = ListingQuery::default();
        let expired = ListingQuery::new(StatusFilter::Expired.into(), None, None, None, None);
        let ids = |q: &ListingQuery, now| {
            let page = index.page(q, now);
            let ids: Vec<&str> = page.items.iter().map(|(id, _)| *id).collect();
            (ids.join(","), page.total)
        };
        assert_eq!(ids(&open, 100), ("b,a".to_string(), 2));
        assert_eq!(ids(&open, 101), ("b".to_string(), 1));
        assert_eq!(ids(&expired, 100), (String::new(), 0));
        assert_eq!(ids(&expired, 101), ("a".to_string(), 1));
    }

    #[test]
    fn an_offset_past_the_end_walks_nothing() {
        let index = ListingIndex::build(
            [(
                "a".to_string(),
                vec![publication(PublicationStatus::Open, 1, 9)],
            )],
            0,
        );
        let far = ListingQuery::new(AnyOf::default(), None, None, None, Some(u64::MAX));
        let page = index.page(&far, 0);
        assert!(page.items.is_empty());
        assert_eq!(page.total, 1);
        assert_eq!(index.assets(), 1);
    }

    #[test]
    fn keys_order_as_the_values_do() {
        let floats = [
            f64::NEG_INFINITY,
            -2.5,
            -0.0,
            0.0,
            1.0,
            1e300,
            f64::INFINITY,
        ];
        for pair in floats.windows(2) {
            assert!(float_key(pair[0]) < float_key(pair[1]), "{pair:?}");
        }
        let ints = [i64::MIN, -1, 0, 1, i64::MAX];
        for pair in ints.windows(2) {
            assert!(int_key(pair[0]) < int_key(pair[1]), "{pair:?}");
        }
    }
}
