//! The reward sender's two invocations. The reward queue: a batch of queue
//! messages in, the ids of those to deliver again out
//! (`ReportBatchItemFailures`); a body that is not a reward message fails
//! alone and reaches the dead-letter queue after its receives run out, the
//! others go on. The schedule (every minute): the outbox sweep, which sends
//! the messages of claims whose function died between commit and send.

use std::time::{Duration, Instant};

use aws_lambda_events::event::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent};
use rewards::domain::time::Timestamp;
use rewards::outbox::Outbox;
use rewards::queue::{RewardMessage, RewardQueue};
use rewards::send::{Sender, worker};
use serde_json::{Value, json};

/// What invoked the function.
#[derive(Debug)]
pub enum Invocation {
    Queue(SqsEvent),
    Schedule,
}

impl Invocation {
    /// Tells an SQS batch (`Records`) from an EventBridge scheduled event
    /// (`"detail-type": "Scheduled Event"`); anything else is refused.
    pub fn read(payload: Value) -> Result<Self, String> {
        if payload.get("Records").is_some() {
            return serde_json::from_value(payload)
                .map(Invocation::Queue)
                .map_err(|err| format!("not an SQS event: {err}"));
        }
        match payload.get("detail-type").and_then(Value::as_str) {
            Some("Scheduled Event") => Ok(Invocation::Schedule),
            _ => Err("neither an SQS event nor a scheduled event".into()),
        }
    }
}

/// The function's timeout in template.yaml.
const TIMEOUT: Duration = Duration::from_secs(60);

/// What is left of an invocation whose deadline is `deadline_ms` (Lambda's
/// `Lambda-Runtime-Deadline-Ms`, ms since the epoch). A deadline already
/// past counts as the whole timeout: Lambda never sends one, but `cargo
/// lambda watch` sends 600000, a duration.
pub fn time_left(deadline_ms: u64, now_ms: i64) -> Duration {
    match deadline_ms.checked_sub(u64::try_from(now_ms).unwrap_or(0)) {
        Some(left) if left > 0 => Duration::from_millis(left),
        _ => TIMEOUT,
    }
}

/// The scheduled sweep: `{"swept": n}`, the messages it sent, starting no
/// round too close to `deadline` (the invocation's).
pub async fn sweep(outbox: &Outbox, now: Timestamp, deadline: Instant) -> Result<Value, String> {
    let swept = outbox
        .sweep_scheduled(now, deadline)
        .await
        .map_err(|err| format!("outbox sweep failed: {err}"))?;
    Ok(json!({ "swept": swept }))
}

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
