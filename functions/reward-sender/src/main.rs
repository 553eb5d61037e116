//! The reward sender as a Lambda function, triggered by the reward queue.

use std::sync::Arc;

use aws_lambda_events::event::sqs::SqsEvent;
use lambda_runtime::{LambdaEvent, service_fn};
use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    platform::telemetry::init_lambda();
    let config = rewards::Config::from_env();
    let (sender, queue) = config
        .lambda_sender(chain::chains_from_env(), Arc::new(SystemClock))
        .await?;
    let sender = Arc::new(sender);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<SqsEvent>| {
        let (sender, queue) = (sender.clone(), queue.clone());
        async move {
            Ok::<_, lambda_runtime::Error>(
                reward_sender_function::handle(&sender, queue.as_ref(), event.payload).await,
            )
        }
    }))
    .await
}
