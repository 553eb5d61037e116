//! An in-process queue with SQS's delivery rules: a received message is
//! hidden for the visibility timeout and comes back unless deleted.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;
use tokio::time::Instant;

use super::{Delivery, QueueError, Received, RewardMessage, RewardQueue};

struct Entry {
    id: String,
    message: RewardMessage,
    receive_count: u32,
}

#[derive(Default)]
struct State {
    ready: VecDeque<Entry>,
    in_flight: HashMap<String, (Entry, Instant)>,
}

pub struct EmbeddedQueue {
    visibility: Duration,
    state: Mutex<State>,
    arrived: Notify,
    next_id: AtomicU64,
}

impl EmbeddedQueue {
    pub fn new(visibility: Duration) -> Self {
        Self {
            visibility,
            state: Mutex::new(State::default()),
            arrived: Notify::new(),
            next_id: AtomicU64::new(1),
        }
    }

    fn take(&self, max: usize) -> Vec<Delivery> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        // Messages whose visibility ran out go back to the front.
        let expired: Vec<String> = state
            .in_flight
            .iter()
            .filter(|(_, (_, until))| *until <= now)
            .map(|(r, _)| r.clone())
            .collect();
        for receipt in expired {
            if let Some((entry, _)) = state.in_flight.remove(&receipt) {
                state.ready.push_front(entry);
            }
        }
        let mut out = Vec::new();
        while out.len() < max.clamp(1, 10) {
            let Some(mut entry) = state.ready.pop_front() else {
                break;
            };
            entry.receive_count += 1;
            let receipt = format!("{}-{}", entry.id, entry.receive_count);
            out.push(Delivery {
                message_id: entry.id.clone(),
                receipt: receipt.clone(),
                message: entry.message.clone(),
                receive_count: entry.receive_count,
            });
            state
                .in_flight
                .insert(receipt, (entry, now + self.visibility));
        }
        out
    }
}

#[async_trait]
impl RewardQueue for EmbeddedQueue {
    async fn send_after(
        &self,
        message: &RewardMessage,
        delay: Duration,
    ) -> Result<String, QueueError> {
        let id = format!("local-{}", self.next_id.fetch_add(1, Ordering::Relaxed));
        let entry = Entry {
            id: id.clone(),
            message: message.clone(),
            receive_count: 0,
        };
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if delay.is_zero() {
            state.ready.push_back(entry);
        } else {
            // Hidden like a message in flight, under a receipt no one holds:
            // it comes forward when its delay runs out.
            let until = Instant::now() + delay.min(super::MAX_DELAY);
            state
                .in_flight
                .insert(format!("{id}-delayed"), (entry, until));
        }
        drop(state);
        self.arrived.notify_waiters();
        Ok(id)
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Received>, QueueError> {
        let deadline = Instant::now() + wait;
        loop {
            let arrived = self.arrived.notified();
            let got = self.take(max);
            if !got.is_empty() || Instant::now() >= deadline {
                // Typed on the way in: nothing here can be malformed.
                return Ok(got.into_iter().map(Ok).collect());
            }
            // Wake on a new message, or re-check when a visibility may run out.
            let _ = tokio::time::timeout_at(
                deadline.min(Instant::now() + Duration::from_millis(50)),
                arrived,
            )
            .await;
        }
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .in_flight
            .remove(receipt);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn receive(queue: &EmbeddedQueue, max: usize, wait: Duration) -> Vec<Delivery> {
        let got = queue.receive(max, wait).await.unwrap();
        got.into_iter().map(Result::unwrap).collect()
    }

    fn message(n: u32) -> RewardMessage {
        RewardMessage::reward("c", &format!("r{n}"))
    }

    #[tokio::test]
    async fn round_trip_and_redelivery_after_the_visibility_timeout() {
        let queue = EmbeddedQueue::new(Duration::from_millis(100));
        queue.send(&message(1)).await.unwrap();
        queue.send(&message(2)).await.unwrap();
        let got = receive(&queue, 10, Duration::ZERO).await;
        assert_eq!(
            got.iter().map(|d| d.message.clone()).collect::<Vec<_>>(),
            [message(1), message(2)]
        );
        queue.delete(&got[0].receipt).await.unwrap();
        assert!(
            receive(&queue, 10, Duration::ZERO).await.is_empty(),
            "hidden while in flight"
        );
        let again = receive(&queue, 10, Duration::from_millis(500)).await;
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].message, message(2));
        assert_eq!(again[0].receive_count, 2);
    }

    #[tokio::test]
    async fn a_delayed_message_shows_after_its_delay() {
        let queue = EmbeddedQueue::new(Duration::from_secs(30));
        queue
            .send_after(&RewardMessage::recheck("c"), Duration::from_millis(200))
            .await
            .unwrap();
        assert!(
            receive(&queue, 10, Duration::from_millis(50))
                .await
                .is_empty()
        );
        let got = receive(&queue, 10, Duration::from_secs(2)).await;
        assert_eq!(got[0].message, RewardMessage::recheck("c"));
        assert_eq!(got[0].receive_count, 1);
    }

    #[tokio::test]
    async fn receive_waits_for_a_message() {
        let queue = std::sync::Arc::new(EmbeddedQueue::new(Duration::from_secs(30)));
        let sender = queue.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(30)).await;
            sender.send(&message(7)).await.unwrap();
        });
        let got = receive(&queue, 1, Duration::from_secs(2)).await;
        assert_eq!(got[0].message, message(7));
    }
}
