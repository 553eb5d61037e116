//! The reward queue's SQS adapter against the emulator: the same round trip
//! the in-process queue's unit tests make.

use std::time::Duration;

use aws_sdk_sqs::types::QueueAttributeName;
use rewards::queue::{Delivery, RewardMessage, RewardQueue, SqsQueue, create_queue};

use crate::common::aws;

#[tokio::test]
async fn send_receive_delete_round_trip() {
    let client = aws_sdk_sqs::Client::new(&aws::sdk_config().await);
    let name = format!("rewards-test-{}", std::process::id());
    let url = create_queue(&client, &name).await.unwrap();
    assert!(
        create_queue(&client, &name).await.is_ok(),
        "setup can run twice"
    );
    let queue = SqsQueue::new(client.clone(), url.clone());

    let first = RewardMessage::reward("c-1", "r-1");
    let second = RewardMessage::reward("c-1", "r-2");
    let id = queue.send(&first).await.unwrap();
    assert!(!id.is_empty());
    queue.send(&second).await.unwrap();

    let mut received = Vec::new();
    for _ in 0..5 {
        let batch = queue.receive(10, Duration::from_secs(1)).await.unwrap();
        received.extend(batch.into_iter().map(Result::unwrap));
        if received.len() == 2 {
            break;
        }
    }
    let mut messages: Vec<RewardMessage> = received.iter().map(|d| d.message.clone()).collect();
    messages.sort_by(|a, b| a.reward_id.cmp(&b.reward_id));
    assert_eq!(messages, [first, second]);
    assert!(received.iter().all(|d| d.receive_count == 1));
    for delivery in &received {
        queue.delete(&delivery.receipt).await.unwrap();
    }
    // Gone, not merely invisible for the visibility timeout.
    let counts = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(
        counts[&QueueAttributeName::ApproximateNumberOfMessages],
        "0"
    );
    assert_eq!(
        counts[&QueueAttributeName::ApproximateNumberOfMessagesNotVisible],
        "0"
    );

    // The queue sends exhausted messages to its dead-letter queue.
    let attributes = client
        .get_queue_attributes()
        .queue_url(&url)
        .attribute_names(QueueAttributeName::RedrivePolicy)
        .send()
        .await
        .unwrap();
    let redrive = attributes.attributes.unwrap()[&QueueAttributeName::RedrivePolicy].clone();
    assert!(redrive.contains(&format!("{name}-dlq")), "{redrive}");
}

#[tokio::test]
async fn a_malformed_message_is_reported_alone_and_its_batch_goes_on() {
    let client = aws_sdk_sqs::Client::new(&aws::sdk_config().await);
    let url = create_queue(&client, &format!("rewards-bad-{}", std::process::id()))
        .await
        .unwrap();
    let queue = SqsQueue::new(client.clone(), url.clone());
    let good = RewardMessage::reward("c-1", "r-good");
    queue.send(&good).await.unwrap();
    client
        .send_message()
        .queue_url(&url)
        .message_body("not json")
        .send()
        .await
        .unwrap();
    let mut delivered: Vec<Delivery> = Vec::new();
    let mut malformed = Vec::new();
    for _ in 0..5 {
        for received in queue.receive(10, Duration::from_secs(1)).await.unwrap() {
            match received {
                Ok(delivery) => delivered.push(delivery),
                Err(bad) => malformed.push(bad),
            }
        }
        if delivered.len() + malformed.len() == 2 {
            break;
        }
    }
    assert_eq!(delivered.len(), 1, "the good message is delivered");
    assert_eq!(delivered[0].message, good);
    assert_eq!(malformed.len(), 1, "the bad one is reported on its own");
    assert!(!malformed[0].message_id.is_empty());
    assert!(!malformed[0].receipt.is_empty());
    assert!(
        malformed[0].to_string().contains("malformed message"),
        "{}",
        malformed[0]
    );
}
