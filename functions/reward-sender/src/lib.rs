//! The reward sender's SQS handler: a batch of queue messages in, the ids of
//! those to deliver again out (`ReportBatchItemFailures`). A body that is not
//! a reward message fails alone and reaches the dead-letter queue after its
//! receives run out; the others go on.

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use rewards::queue::{RewardMessage, RewardQueue};
use rewards::send::{Sender, worker};

pub async fn handle(sender: &Sender, queue: &dyn RewardQueue, event: SqsEvent) -> SqsBatchResponse {
    let mut failures = Vec::new();
    let mut messages = Vec::with_capacity(event.records.len());
    let mut ids = Vec::with_capacity(event.records.len());
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        match serde_json::from_str::<RewardMessage>(record.body.as_deref().unwrap_or_default()) {
            Ok(message) => {
                messages.push(message);
                ids.push(id);
            }
            Err(err) => {
                tracing::warn!(message_id = %id, error = %err, "not a reward message: left for the dead-letter queue");
                failures.push(id);
            }
        }
    }
    for index in worker::handle(sender, queue, &messages).await {
        failures.push(ids[index].clone());
    }
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures
        .into_iter()
        .map(|id| {
            let mut failure = BatchItemFailure::default();
            failure.item_identifier = id;
            failure
        })
        .collect();
    response
}
