//! Listings of assets on the marketplace (`/parcels`, `/estates`): the status
//! filter, the sort orders and offset pagination, shared by every store.
//! `ListingQuery::page` states the rules by sorting every match; stores answer
//! from a `ListingIndex`, which gives the same pages without that sort.

mod index;

pub use index::ListingIndex;

#[cfg(test)]
use std::{borrow::Borrow, cmp::Ordering};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[cfg(test)]
use super::publication::Publication;
use super::publication::StatusFilter;
use super::status::AnyOf;

pub const DEFAULT_LIMIT: usize = 20;
pub const MAX_LIMIT: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Price,
    CreatedAt,
    BlockTimeUpdatedAt,
    ExpiresAt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Asc,
    Desc,
}

impl SortBy {
    /// Cheapest first, newest first, most recently updated first, soonest to expire first.
    pub fn default_order(self) -> SortOrder {
        match self {
            Self::Price | Self::ExpiresAt => SortOrder::Asc,
            Self::CreatedAt | Self::BlockTimeUpdatedAt => SortOrder::Desc,
        }
    }

    #[cfg(test)]
    fn compare(self, a: &Publication, b: &Publication) -> Ordering {
        match self {
            Self::Price => a.price.total_cmp(&b.price),
            Self::CreatedAt => a.block_time_created_at.cmp(&b.block_time_created_at),
            Self::BlockTimeUpdatedAt => a
                .block_time_updated_at
                .unwrap_or(a.block_time_created_at)
                .cmp(&b.block_time_updated_at.unwrap_or(b.block_time_created_at)),
            Self::ExpiresAt => a.expires_at.cmp(&b.expires_at),
        }
    }
}

/// A validated listing request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingQuery {
    /// Never empty (`open` when the caller gave no status): private, so that
    /// only `new` sets it.
    status: AnyOf<StatusFilter>,
    pub sort_by: SortBy,
    pub sort_order: SortOrder,
    pub limit: usize,
    pub offset: usize,
}

impl Default for ListingQuery {
    fn default() -> Self {
        Self::new(AnyOf::default(), None, None, None, None)
    }
}

impl ListingQuery {
    /// Applies the defaults; `limit` is clamped to 1..=100.
    pub fn new(
        status: AnyOf<StatusFilter>,
        sort_by: Option<SortBy>,
        sort_order: Option<SortOrder>,
        limit: Option<u64>,
        offset: Option<u64>,
    ) -> Self {
        let sort_by = sort_by.unwrap_or(SortBy::CreatedAt);
        Self {
            status: status.or_if_empty(StatusFilter::Open),
            sort_by,
            sort_order: sort_order.unwrap_or_else(|| sort_by.default_order()),
            limit: limit.map_or(DEFAULT_LIMIT, |l| (l as usize).clamp(1, MAX_LIMIT)),
            offset: offset.map_or(0, |o| usize::try_from(o).unwrap_or(usize::MAX)),
        }
    }

    /// The statuses listed: any of them, never none.
    pub fn status(&self) -> &AnyOf<StatusFilter> {
        &self.status
    }

    /// The order of two listed rows: by the sort key, then by asset for stable pages.
    #[cfg(test)]
    fn compare<T, P: Borrow<Publication>>(
        &self,
        a: &(T, P),
        b: &(T, P),
        asset_order: impl Fn(&T, &T) -> Ordering,
    ) -> Ordering {
        let by_key = self.sort_by.compare(a.1.borrow(), b.1.borrow());
        let by_key = match self.sort_order {
            SortOrder::Asc => by_key,
            SortOrder::Desc => by_key.reverse(),
        };
        by_key.then_with(|| asset_order(&a.0, &b.0))
    }

    /// Sorts every match and cuts out the requested page: the rules, which
    /// `ListingIndex` is tested against.
    #[cfg(test)]
    pub(crate) fn page<T, P: Borrow<Publication>>(
        &self,
        mut rows: Vec<(T, P)>,
        asset_order: impl Fn(&T, &T) -> Ordering,
    ) -> Page<(T, P)> {
        let total = rows.len();
        rows.sort_unstable_by(|a, b| self.compare(a, b, &asset_order));
        let items = rows
            .into_iter()
            .skip(self.offset)
            .take(self.limit)
            .collect();
        Page { items, total }
    }
}

/// One page of a listing and the count of all matches.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::publication::PublicationStatus;
    use crate::domain::publication::tests::publication;

    fn rows() -> Vec<(u32, Publication)> {
        // (asset, price, created)
        [
            (1, 300.0, 10),
            (2, 100.0, 30),
            (3, 200.0, 20),
            (4, 100.0, 40),
        ]
        .into_iter()
        .map(|(id, price, created)| {
            let mut p = publication(PublicationStatus::Open, created, 1_000);
            p.price = price;
            p.expires_at = 1_000 - created;
            (id, p)
        })
        .collect()
    }

    fn ids(q: &ListingQuery) -> Vec<u32> {
        q.page(rows(), u32::cmp)
            .items
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    }

    #[test]
    fn defaults_follow_the_behaviour_page() {
        let q = ListingQuery::default();
        assert_eq!(
            (q.status, q.sort_by, q.sort_order, q.limit, q.offset),
            (
                AnyOf::from(StatusFilter::Open),
                SortBy::CreatedAt,
                SortOrder::Desc,
                20,
                0
            )
        );
        assert_eq!(
            ListingQuery::new(AnyOf::default(), Some(SortBy::Price), None, None, None).sort_order,
            SortOrder::Asc
        );
        assert_eq!(
            ListingQuery::new(AnyOf::default(), Some(SortBy::ExpiresAt), None, None, None)
                .sort_order,
            SortOrder::Asc
        );
        assert_eq!(
            ListingQuery::new(
                AnyOf::default(),
                Some(SortBy::BlockTimeUpdatedAt),
                None,
                None,
                None
            )
            .sort_order,
            SortOrder::Desc
        );
        assert_eq!(
            ListingQuery::new(AnyOf::default(), None, None, Some(0), None).limit,
            1
        );
        assert_eq!(
            ListingQuery::new(AnyOf::default(), None, None, Some(1000), None).limit,
            100
        );
    }

    #[test]
    fn every_sort_order_with_ties_broken_by_asset() {
        assert_eq!(ids(&ListingQuery::default()), [4, 2, 3, 1]);
        let price = ListingQuery::new(AnyOf::default(), Some(SortBy::Price), None, None, None);
        assert_eq!(ids(&price), [2, 4, 3, 1]);
        let price_desc = ListingQuery::new(
            AnyOf::default(),
            Some(SortBy::Price),
            Some(SortOrder::Desc),
            None,
            None,
        );
        assert_eq!(ids(&price_desc), [1, 3, 2, 4]);
        let expires =
            ListingQuery::new(AnyOf::default(), Some(SortBy::ExpiresAt), None, None, None);
        assert_eq!(ids(&expires), [4, 2, 3, 1]);
        let updated = ListingQuery::new(
            AnyOf::default(),
            Some(SortBy::BlockTimeUpdatedAt),
            Some(SortOrder::Asc),
            None,
            None,
        );
        assert_eq!(ids(&updated), [1, 3, 2, 4]);
    }

    #[test]
    fn pages_are_stable_and_cover_everything_once() {
        let q = |offset| {
            ListingQuery::new(
                AnyOf::default(),
                Some(SortBy::Price),
                None,
                Some(1),
                Some(offset),
            )
        };
        let all: Vec<u32> = (0..4).flat_map(|o| ids(&q(o))).collect();
        assert_eq!(all, [2, 4, 3, 1]);
        let page = q(10).page(rows(), u32::cmp);
        assert!(page.items.is_empty());
        assert_eq!(page.total, 4);
    }
}
