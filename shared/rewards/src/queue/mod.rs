//! The reward queue: assigned rewards travel from the API to the sender
//! worker through it. The port, its message, and two adapters: an in-process
//! queue (embedded default) and SQS.

mod embedded;
mod sqs;

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use embedded::EmbeddedQueue;
pub use sqs::{SqsQueue, create_queue};

/// Work for the sender on one campaign: a newly assigned reward to mint, or
/// (without `reward_id`) a re-check of what the campaign has in flight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardMessage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_id: Option<String>,
    pub campaign_id: String,
    /// A booked re-check: the time (ms) it was booked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<i64>,
}

impl RewardMessage {
    pub fn reward(campaign_id: &str, reward_id: &str) -> Self {
        Self {
            reward_id: Some(reward_id.to_string()),
            campaign_id: campaign_id.to_string(),
            due: None,
        }
    }

    pub fn recheck(campaign_id: &str) -> Self {
        Self {
            reward_id: None,
            campaign_id: campaign_id.to_string(),
            due: None,
        }
    }

    /// A re-check booked for `due` (ms since the epoch).
    pub fn booked(campaign_id: &str, due: i64) -> Self {
        Self {
            due: Some(due),
            ..Self::recheck(campaign_id)
        }
    }
}

/// The longest delay SQS allows on a message.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// A received message; `delete` it with its receipt once handled, or it
/// comes back after the visibility timeout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub message_id: String,
    pub receipt: String,
    pub message: RewardMessage,
    /// 1 on the first delivery.
    pub receive_count: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("queue unavailable: {0}")]
    Unavailable(String),
}

/// A received message whose body is not a [`RewardMessage`]. It is reported
/// on its own, so the good messages of its batch go on; left undeleted, it
/// reaches the dead-letter queue after its receives run out.
#[derive(Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed message {message_id}: {reason}")]
pub struct Malformed {
    pub message_id: String,
    pub receipt: String,
    pub reason: String,
    pub receive_count: u32,
}

/// Without the receipt (a handle that can delete the message).
impl std::fmt::Debug for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Malformed")
            .field("message_id", &self.message_id)
            .field("reason", &self.reason)
            .field("receive_count", &self.receive_count)
            .finish_non_exhaustive()
    }
}

/// One message of a receive batch: a reward to send, or a malformed body.
pub type Received = Result<Delivery, Malformed>;

#[async_trait]
pub trait RewardQueue: Send + Sync {
    /// Enqueues a message; returns its id.
    async fn send(&self, message: &RewardMessage) -> Result<String, QueueError> {
        self.send_after(message, Duration::ZERO).await
    }
    /// Enqueues a message that becomes visible after `delay` (at most
    /// [`MAX_DELAY`]); returns its id.
    async fn send_after(
        &self,
        message: &RewardMessage,
        delay: Duration,
    ) -> Result<String, QueueError>;
    /// Up to `max` messages (at most 10), waiting up to `wait` for the first.
    /// Each message is judged on its own: a malformed one never fails the batch.
    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Received>, QueueError>;
    async fn delete(&self, receipt: &str) -> Result<(), QueueError>;
}

/// The queue of a function deployed without `REWARD_QUEUE_URL`: every send
/// fails, so claims keep their messages in the outbox (nothing is lost)
/// and the logs say why.
#[derive(Debug, Clone, Copy)]
pub struct NoQueue;

#[async_trait]
impl RewardQueue for NoQueue {
    async fn send_after(
        &self,
        _message: &RewardMessage,
        _delay: Duration,
    ) -> Result<String, QueueError> {
        Err(QueueError::Unavailable(
            "REWARD_QUEUE_URL is not set".into(),
        ))
    }
    async fn receive(&self, _max: usize, _wait: Duration) -> Result<Vec<Received>, QueueError> {
        Ok(Vec::new())
    }
    async fn delete(&self, _receipt: &str) -> Result<(), QueueError> {
        Ok(())
    }
}
