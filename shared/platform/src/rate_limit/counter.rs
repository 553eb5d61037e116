//! Where requests are counted: a fixed window per (policy, caller), in
//! process on the embedded default, in DynamoDB where Lambda instances share
//! the budget ([`super::DynamoCounter`]).

use std::collections::HashMap;
use std::sync::Mutex;

use async_trait::async_trait;

use crate::store::{StoreError, StoreResult};

/// One caller's window of one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// `<policy>#<caller>#<window number>`: a new window is a new key.
    pub key: String,
    /// The window's end, in seconds since the epoch (when its count may go).
    pub ends: i64,
    /// Requests the window admits.
    pub quota: u32,
}

#[async_trait]
pub trait RateCounter: Send + Sync {
    /// Counts one request in `window` unless it already holds `quota`: the
    /// count with this request, or `None` when the request is over the
    /// limit (and not counted). `now` (seconds) lets a counter forget
    /// windows that ended.
    async fn take(&self, window: &Window, now: i64) -> StoreResult<Option<u32>>;
}

/// The counter of one process (the local server, tests). Memory stays
/// bounded by the callers of the current windows: ended windows are dropped
/// whenever the map has doubled since the last sweep, and at most
/// [`MAX_WINDOWS`] are held.
#[derive(Debug, Default)]
pub struct MemoryCounter {
    inner: Mutex<Counts>,
}

#[derive(Debug, Default)]
struct Counts {
    windows: HashMap<String, (u32, i64)>,
    sweep_at: usize,
    swept_at: i64,
}

/// The size below which ended windows are not worth a sweep.
const FIRST_SWEEP: usize = 1_024;
/// The most windows held at once: past it, new callers go uncounted (as
/// when any counter fails) rather than memory grow without end.
pub const MAX_WINDOWS: usize = 200_000;

impl MemoryCounter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Windows held (for tests of the sweep).
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |c| c.windows.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait]
impl RateCounter for MemoryCounter {
    async fn take(&self, window: &Window, now: i64) -> StoreResult<Option<u32>> {
        // A poisoned lock only means another request panicked mid-count:
        // the counts are still plain numbers.
        let mut counts = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let due = counts.windows.len() >= counts.sweep_at.max(FIRST_SWEEP);
        // Full: a sweep a second at most, however many callers come.
        let full = counts.windows.len() >= MAX_WINDOWS && now > counts.swept_at;
        if due || full {
            counts.windows.retain(|_, (_, ends)| *ends > now);
            counts.sweep_at = counts.windows.len() * 2;
            counts.swept_at = now;
        }
        if counts.windows.len() >= MAX_WINDOWS && !counts.windows.contains_key(&window.key) {
            return Err(StoreError::Unavailable(format!(
                "{MAX_WINDOWS} callers counted already"
            )));
        }
        let (count, _) = counts
            .windows
            .entry(window.key.clone())
            .or_insert((0, window.ends));
        if *count >= window.quota {
            return Ok(None);
        }
        *count += 1;
        Ok(Some(*count))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(key: &str, ends: i64, quota: u32) -> Window {
        Window {
            key: key.into(),
            ends,
            quota,
        }
    }

    #[tokio::test]
    async fn a_window_admits_its_quota_then_refuses_without_counting() {
        let counter = MemoryCounter::new();
        let w = window("anon#ip:1.2.3.4#100", 6060, 3);
        let mut seen = vec![];
        for _ in 0..5 {
            seen.push(counter.take(&w, 6000).await.unwrap());
        }
        assert_eq!(seen, [Some(1), Some(2), Some(3), None, None]);
        // Another caller, another policy, another window: budgets of their own.
        for other in [
            window("anon#ip:1.2.3.5#100", 6060, 3),
            window("render#ip:1.2.3.4#100", 6060, 3),
            window("anon#ip:1.2.3.4#101", 6120, 3),
        ] {
            assert_eq!(counter.take(&other, 6000).await.unwrap(), Some(1));
        }
    }

    #[tokio::test]
    async fn ended_windows_are_forgotten_as_callers_come_and_go() {
        let counter = MemoryCounter::new();
        for minute in 0..10i64 {
            let now = minute * 60;
            for caller in 0..1_000 {
                let w = window(&format!("anon#ip:{caller}#{minute}"), now + 60, 300);
                counter.take(&w, now).await.unwrap();
            }
        }
        // Ten minutes of 1,000 callers: the current minute's, and fewer than a
        // sweep's worth of the last.
        assert!(counter.len() < 2 * FIRST_SWEEP, "{}", counter.len());
        assert!(counter.len() >= 1_000);
    }
}
