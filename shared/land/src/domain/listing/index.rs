//! A listing of one asset type sorted once per data version, so that a page
//! costs its rows, and `total` a binary search, however large the market.
//!
//! The answers are exactly those of `ListingQuery::page` over every asset's
//! latest matching publication, at any `now`:
//! - Candidates: every `open` publication (which one shows depends on the
//!   time), and each asset's newest `sold`, `cancelled` and
//!   `fingerprintChanged` one (an older one of the same status never shows).
//! - Each candidate sits in one lane of its stored status, pre-sorted in both
//!   directions for every sort order. `open` rows are split at a pivot time
//!   into those live then and those expired then: the `open` listing never
//!   walks the expired tail, nor `expired` the live rows. When a row crosses
//!   the pivot (expires, or is live again for an earlier clock), the first
//!   request to see it splits the open lanes again at its own time; requests
//!   meanwhile step over the crossed rows in their lane, and the other
//!   status's listing takes them as a small run sorted per request.
//! - A single-status page whose lane holds exactly its rows is a slice of
//!   that lane: O(limit) at any offset. Otherwise the page merges the lanes
//!   its filter needs from the nearer end, keeping a candidate when it is its
//!   asset's latest publication matching the filter now: O(limit + the rows
//!   before the page from that end).

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering as AtomicOrdering};
use std::sync::{Arc, RwLock};

use super::{ListingQuery, Page, SortBy, SortOrder};
use crate::domain::publication::{Publication, PublicationStatus, StatusFilter};
use crate::domain::status::AnyOf;

const SORTS: [SortBy; 4] = [
    SortBy::Price,
    SortBy::CreatedAt,
    SortBy::BlockTimeUpdatedAt,
    SortBy::ExpiresAt,
];
const SLOTS: usize = SORTS.len() * 2;
/// The slot of `expires_at` ascending: the open lanes' rows by expiry.
const BY_EXPIRY: usize = 3 * 2;

/// Statuses counted without regard to time, as bits.
const SOLD: usize = 1;
const CANCELLED: usize = 2;
const CHANGED: usize = 4;
const MASKS: usize = 8;

/// Rows on the wrong side of the pivot a page may carry before the open
/// lanes are split again at the request's time: none, so that pages stay
/// slices. A split sorts the open rows again (about 1 ms per thousand); a
/// market sees a few hundred expiries a day.
const REPIVOT_AFTER: usize = 0;

pub struct ListingIndex {
    asset_ids: Vec<String>,
    /// Each asset's publications, newest first, in `publications`.
    asset_publications: Vec<Range<u32>>,
    publications: Vec<Publication>,
    asset_of: Vec<u32>,
    /// Per publication, one key per sort order that compares as the order does.
    keys: Vec<[u64; SORTS.len()]>,
    /// `[slot]`: the `sold`, `cancelled` and `fingerprintChanged` candidates
    /// in listing order (one per asset in each).
    settled: Vec<[Vec<u32>; 3]>,
    /// Every `open` publication.
    open_rows: Vec<u32>,
    open: RwLock<Arc<OpenLanes>>,
    repivoting: AtomicBool,
    /// `REPIVOT_AFTER`, or another bound in tests (to walk crossed rows).
    repivot_after: usize,
    totals: Totals,
}

/// The `open` candidates split at `pivot_ms`: `[slot][live, expired]`.
struct OpenLanes {
    pivot_ms: i64,
    sorted: Vec<[Vec<u32>; 2]>,
    /// Whether each lane holds at most one publication per asset.
    one_per_asset: [bool; 2],
}

impl std::fmt::Debug for ListingIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListingIndex")
            .field("assets", &self.asset_ids.len())
            .field("publications", &self.publications.len())
            .finish()
    }
}

/// A key whose unsigned order is `f64::total_cmp`'s.
fn float_key(value: f64) -> u64 {
    let bits = value.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits ^ (1 << 63)
    }
}

fn int_key(value: i64) -> u64 {
    (value as u64) ^ (1 << 63)
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

/// Which statuses a filter names.
struct Wanted {
    open: bool,
    expired: bool,
    settled: [bool; 3],
}

impl Wanted {
    fn of(status: &AnyOf<StatusFilter>) -> Self {
        let mut wanted = Self {
            open: false,
            expired: false,
            settled: [false; 3],
        };
        for s in status.iter() {
            match s {
                StatusFilter::Open => wanted.open = true,
                StatusFilter::Expired => wanted.expired = true,
                StatusFilter::Sold => wanted.settled[0] = true,
                StatusFilter::Cancelled => wanted.settled[1] = true,
                StatusFilter::FingerprintChanged => wanted.settled[2] = true,
            }
        }
        wanted
    }
}

impl ListingIndex {
    /// `assets` in the listing's tie-break order (an asset without
    /// publications is left out); each asset's publications in any order.
    /// `pivot_ms` only splits the `open` rows: any time gives the same
    /// answers, the time of the requests the fewest steps.
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
            settled: Vec::new(),
            open_rows: Vec::new(),
            open: RwLock::new(Arc::new(OpenLanes {
                pivot_ms,
                sorted: Vec::new(),
                one_per_asset: [true; 2],
            })),
            repivoting: AtomicBool::new(false),
            repivot_after: REPIVOT_AFTER,
            totals: Totals::default(),
        };
        let mut settled: [Vec<u32>; 3] = Default::default();
        for (id, mut publications) in assets {
            if publications.is_empty() {
                continue;
            }
            publications.sort_by(Publication::newest_first);
            index.totals.add(&publications);
            let asset = index.asset_ids.len() as u32;
            let start = index.publications.len() as u32;
            let mut newest_seen = 0;
            for p in publications {
                let at = index.publications.len() as u32;
                let bit = status_bit(p.status);
                match p.status {
                    PublicationStatus::Open => index.open_rows.push(at),
                    _ if newest_seen & bit != 0 => {}
                    PublicationStatus::Sold => settled[0].push(at),
                    PublicationStatus::Cancelled => settled[1].push(at),
                    PublicationStatus::FingerprintChanged => settled[2].push(at),
                }
                newest_seen |= bit;
                index.asset_of.push(asset);
                index.keys.push(SORTS.map(|s| sort_key(s, &p)));
                index.publications.push(p);
            }
            index.asset_ids.push(id);
            index
                .asset_publications
                .push(start..index.publications.len() as u32);
        }
        index.totals.finish();
        index.settled = (0..SLOTS)
            .map(|slot| {
                settled.clone().map(|mut lane| {
                    index.sort(&mut lane, slot);
                    lane
                })
            })
            .collect();
        let lanes = index.open_lanes(pivot_ms);
        index.open = RwLock::new(Arc::new(lanes));
        index
    }

    /// How many assets have a publication listed.
    pub fn assets(&self) -> usize {
        self.asset_ids.len()
    }

    /// Every asset with its publications (newest first), in asset order:
    /// what the index was built from.
    pub fn assets_with_publications(
        &self,
    ) -> impl Iterator<Item = (String, Vec<Publication>)> + '_ {
        self.asset_ids
            .iter()
            .zip(&self.asset_publications)
            .map(|(id, range)| {
                let range = range.start as usize..range.end as usize;
                (id.clone(), self.publications[range].to_vec())
            })
    }

    /// Listing order in `slot`: by key, then by asset (ascending either way).
    fn order(&self, slot: usize, a: u32, b: u32) -> std::cmp::Ordering {
        let (ka, kb) = (
            self.keys[a as usize][slot / 2],
            self.keys[b as usize][slot / 2],
        );
        let by_key = if slot % 2 == 1 {
            kb.cmp(&ka)
        } else {
            ka.cmp(&kb)
        };
        by_key.then(self.asset_of[a as usize].cmp(&self.asset_of[b as usize]))
    }

    fn sort(&self, rows: &mut [u32], slot: usize) {
        rows.sort_unstable_by(|&a, &b| self.order(slot, a, b));
    }

    fn open_lanes(&self, pivot_ms: i64) -> OpenLanes {
        let (live, expired): (Vec<u32>, Vec<u32>) = self
            .open_rows
            .iter()
            .partition(|&&at| self.publications[at as usize].expires_at >= pivot_ms);
        let one_per_asset = |rows: &[u32]| {
            let mut assets: Vec<u32> = rows.iter().map(|&at| self.asset_of[at as usize]).collect();
            assets.sort_unstable();
            assets.windows(2).all(|w| w[0] != w[1])
        };
        OpenLanes {
            pivot_ms,
            one_per_asset: [one_per_asset(&live), one_per_asset(&expired)],
            sorted: (0..SLOTS)
                .map(|slot| {
                    [live.clone(), expired.clone()].map(|mut lane| {
                        self.sort(&mut lane, slot);
                        lane
                    })
                })
                .collect(),
        }
    }

    /// The open lanes, split again at `now_ms` first when too many rows
    /// have crossed the pivot (one request splits; the others go on with
    /// the lanes they have, exact but slower).
    fn open_lanes_at(&self, now_ms: i64) -> Arc<OpenLanes> {
        let lanes = self.open.read().unwrap_or_else(|e| e.into_inner()).clone();
        if lanes.crossed(self, now_ms).len() <= self.repivot_after
            || self.repivoting.swap(true, AtomicOrdering::AcqRel)
        {
            return lanes;
        }
        /// Lets the next request split again, even if this one unwinds.
        struct Done<'a>(&'a AtomicBool);
        impl Drop for Done<'_> {
            fn drop(&mut self) {
                self.0.store(false, AtomicOrdering::Release);
            }
        }
        let _done = Done(&self.repivoting);
        let fresh = Arc::new(self.open_lanes(now_ms));
        *self.open.write().unwrap_or_else(|e| e.into_inner()) = fresh.clone();
        fresh
    }

    /// The page of `query` at `now_ms`: rows of (asset id, its publication).
    pub fn page(&self, query: &ListingQuery, now_ms: i64) -> Page<(&str, &Publication)> {
        let status = query.status();
        let total = self.totals.count(status, now_ms);
        let want = query.limit.min(total.saturating_sub(query.offset));
        let mut items = Vec::with_capacity(want);
        if want == 0 {
            return Page { items, total };
        }
        let slot = sort_slot(query.sort_by, query.sort_order);
        let wanted = Wanted::of(status);
        let open = self.open_lanes_at(now_ms);
        let crossed = open.crossed(self, now_ms);
        let later = now_ms >= open.pivot_ms;

        // The runs that hold every row: lanes, and the crossed rows when
        // their own lane is not walked.
        let mut runs: Vec<&[u32]> = Vec::with_capacity(5);
        // Rows in a walked lane that do not match now.
        let mut strays = 0;
        let mut exact_lane = true;
        if wanted.open {
            runs.push(&open.sorted[slot][0]);
            exact_lane &= open.one_per_asset[0];
            if later {
                strays += crossed.len();
            }
        }
        if wanted.expired {
            runs.push(&open.sorted[slot][1]);
            exact_lane &= open.one_per_asset[1];
            if !later {
                strays += crossed.len();
            }
        }
        // Crossed rows now belong to the other status than their lane's.
        let crossed_needed = if later {
            wanted.expired && !wanted.open
        } else {
            wanted.open && !wanted.expired
        };
        let mut crossed_run = Vec::new();
        if crossed_needed {
            crossed_run.extend_from_slice(crossed);
            self.sort(&mut crossed_run, slot);
        }
        if !crossed_run.is_empty() {
            runs.push(&crossed_run);
        }
        for (lane, wanted) in wanted.settled.iter().enumerate() {
            if *wanted {
                runs.push(&self.settled[slot][lane]);
            }
        }

        // One lane holding exactly the rows: the page is a slice of it.
        if runs.len() == 1 && strays == 0 && exact_lane && runs[0].len() == total {
            let end = query.offset + want;
            items.extend(runs[0][query.offset..end].iter().map(|&at| self.row(at)));
            return Page { items, total };
        }

        let rows = Merge {
            runs,
            order: |a, b| self.order(slot, a, b),
        }
        .filter(|&at| self.is_row(at, status, now_ms));
        // From the nearer end: the rows before the page are walked, not kept.
        let after = total - query.offset - want;
        if after < query.offset {
            items.extend(rows.rev().skip(after).take(want).map(|at| self.row(at)));
            items.reverse();
        } else {
            items.extend(rows.skip(query.offset).take(want).map(|at| self.row(at)));
        }
        Page { items, total }
    }

    fn row(&self, at: u32) -> (&str, &Publication) {
        let asset = self.asset_of[at as usize] as usize;
        (
            self.asset_ids[asset].as_str(),
            &self.publications[at as usize],
        )
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

impl OpenLanes {
    /// The `open` rows on the other side of the pivot by `now_ms`: live
    /// rows expired since (`now_ms` after the pivot), or expired rows live
    /// again for an earlier clock. A run of the lane sorted by expiry.
    fn crossed<'a>(&'a self, index: &ListingIndex, now_ms: i64) -> &'a [u32] {
        let Some([live, expired]) = self.sorted.get(BY_EXPIRY) else {
            return &[];
        };
        let now = int_key(now_ms);
        let expiry = |at: &u32| index.keys[*at as usize][BY_EXPIRY / 2];
        if now_ms >= self.pivot_ms {
            &live[..live.partition_point(|at| expiry(at) < now)]
        } else {
            &expired[expired.partition_point(|at| expiry(at) < now)..]
        }
    }
}

/// Merges sorted runs (at most five) into one sorted walk, from either end.
struct Merge<'a, F> {
    runs: Vec<&'a [u32]>,
    order: F,
}

impl<F: Fn(u32, u32) -> std::cmp::Ordering> Iterator for Merge<'_, F> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let mut best: Option<usize> = None;
        for (run, rows) in self.runs.iter().enumerate() {
            let Some(&head) = rows.first() else { continue };
            if best.is_none_or(|b| (self.order)(head, self.runs[b][0]).is_lt()) {
                best = Some(run);
            }
        }
        let run = best?;
        let (&head, rest) = self.runs[run].split_first()?;
        self.runs[run] = rest;
        Some(head)
    }
}

impl<F: Fn(u32, u32) -> std::cmp::Ordering> DoubleEndedIterator for Merge<'_, F> {
    fn next_back(&mut self) -> Option<u32> {
        let mut best: Option<usize> = None;
        for (run, rows) in self.runs.iter().enumerate() {
            let Some(&tail) = rows.last() else { continue };
            if best.is_none_or(|b| {
                let other = self.runs[b][self.runs[b].len() - 1];
                (self.order)(tail, other).is_gt()
            }) {
                best = Some(run);
            }
        }
        let run = best?;
        let (&tail, rest) = self.runs[run].split_last()?;
        self.runs[run] = rest;
        Some(tail)
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
                        p.price = [-100.0, -0.0, 0.0, 100.0, 250.5, 1e9][draws.below(6) as usize];
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

    /// The index's page as (asset, tx hash) rows, and its total.
    fn rows(
        index: &ListingIndex,
        query: &ListingQuery,
        now: i64,
    ) -> (Vec<(String, String)>, usize) {
        let page = index.page(query, now);
        let rows = page
            .items
            .iter()
            .map(|(id, p)| (id.to_string(), p.tx_hash.clone()))
            .collect();
        (rows, page.total)
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
            let assets = 1 + draws.below(200) as u32;
            let market = market(&mut draws, assets);
            let pivot = draws.below(100) as i64;
            let mut index = ListingIndex::build(
                market.iter().map(|(a, p)| (a.to_string(), p.clone())),
                pivot,
            );
            // Every other round keeps its pivot: pages walk crossed rows.
            if round % 2 == 1 {
                index.repivot_after = usize::MAX;
            }
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
                let (got, total) = rows(&index, &query, now);
                assert_eq!(
                    (got, total),
                    reference(&market, &query, now),
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
    fn an_offset_past_the_end_is_an_empty_page_with_the_total() {
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
    fn many_rows_expiring_split_the_open_lanes_again() {
        let market: Vec<(u32, Vec<Publication>)> = (0..300)
            .map(|asset| {
                let mut p = publication(PublicationStatus::Open, asset as i64, asset as i64);
                p.tx_hash = format!("0x{asset:04}");
                p.price = (asset % 7) as f64;
                (asset, vec![p])
            })
            .collect();
        let mut index =
            ListingIndex::build(market.iter().map(|(a, p)| (a.to_string(), p.clone())), 0);
        index.repivot_after = 64;
        for now in [10, 200, 150, 299, 300, 5] {
            for status in [StatusFilter::Open, StatusFilter::Expired] {
                let query =
                    ListingQuery::new(status.into(), Some(SortBy::Price), None, Some(30), Some(20));
                let (got, total) = rows(&index, &query, now);
                assert_eq!((got, total), reference(&market, &query, now), "{now}");
            }
        }
        // 200 rows had crossed a pivot of 0: the lanes were split again.
        assert_ne!(index.open.read().unwrap().pivot_ms, 0);
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
