//! The reward queue on Amazon SQS (with a dead-letter queue).

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_sqs::Client;
use aws_sdk_sqs::error::DisplayErrorContext;
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};

use super::{Delivery, Malformed, QueueError, Received, RewardMessage, RewardQueue};

/// Deliveries before a message goes to the dead-letter queue.
pub const MAX_RECEIVES: u32 = 5;

fn unavailable(err: impl std::error::Error + 'static) -> QueueError {
    QueueError::Unavailable(DisplayErrorContext(err).to_string())
}

#[derive(Debug, Clone)]
pub struct SqsQueue {
    client: Client,
    url: String,
}

impl SqsQueue {
    pub fn new(client: Client, url: impl Into<String>) -> Self {
        Self {
            client,
            url: url.into(),
        }
    }
}

/// Creates `name` and `name-dlq` (redrive after MAX_RECEIVES), returns the
/// queue URL. Existing queues are kept.
pub async fn create_queue(client: &Client, name: &str) -> Result<String, QueueError> {
    let dlq = client
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .map_err(unavailable)?;
    let dlq_url = dlq.queue_url.unwrap_or_default();
    let dlq_arn = client
        .get_queue_attributes()
        .queue_url(&dlq_url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .map_err(unavailable)?
        .attributes
        .and_then(|mut a| a.remove(&QueueAttributeName::QueueArn))
        .ok_or_else(|| QueueError::Unavailable("the dead-letter queue has no ARN".into()))?;
    let redrive =
        serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": MAX_RECEIVES})
            .to_string();
    let queue = client
        .create_queue()
        .queue_name(name)
        .attributes(QueueAttributeName::RedrivePolicy, redrive)
        .attributes(QueueAttributeName::VisibilityTimeout, "60")
        .send()
        .await
        .map_err(unavailable)?;
    queue
        .queue_url
        .ok_or_else(|| QueueError::Unavailable("no queue URL returned".into()))
}

/// One SQS message as a delivery, or as a malformed message of its own.
fn judge(m: aws_sdk_sqs::types::Message) -> Received {
    let message_id = m.message_id.clone().unwrap_or_default();
    let receipt = m.receipt_handle.clone().unwrap_or_default();
    let receive_count = m
        .attributes
        .as_ref()
        .and_then(|a| a.get(&MessageSystemAttributeName::ApproximateReceiveCount))
        .and_then(|c| c.parse().ok())
        .unwrap_or(1);
    match serde_json::from_str(m.body().unwrap_or_default()) {
        Ok(message) => Ok(Delivery {
            message_id,
            receipt,
            message,
            receive_count,
        }),
        Err(err) => Err(Malformed {
            message_id,
            receipt,
            // Where and what kind, not serde's text: it can quote the body.
            reason: format!(
                "not a reward message ({:?} error at line {} column {})",
                err.classify(),
                err.line(),
                err.column()
            ),
            receive_count,
        }),
    }
}

#[async_trait]
impl RewardQueue for SqsQueue {
    async fn send_after(
        &self,
        message: &RewardMessage,
        delay: Duration,
    ) -> Result<String, QueueError> {
        let body =
            serde_json::to_string(message).map_err(|e| QueueError::Unavailable(e.to_string()))?;
        let out = self
            .client
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay.min(super::MAX_DELAY).as_secs() as i32)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out.message_id.unwrap_or_default())
    }

    async fn receive(&self, max: usize, wait: Duration) -> Result<Vec<Received>, QueueError> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max.clamp(1, 10) as i32)
            .wait_time_seconds(wait.as_secs().min(20) as i32)
            .message_system_attribute_names(MessageSystemAttributeName::ApproximateReceiveCount)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(judge)
            .collect())
    }

    async fn delete(&self, receipt: &str) -> Result<(), QueueError> {
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(unavailable)?;
        Ok(())
    }
}
