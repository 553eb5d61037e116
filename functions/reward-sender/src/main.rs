//! The reward sender as a Lambda function: the reward queue triggers it with
//! messages to mint, and a schedule with the outbox sweep.

use std::sync::Arc;
use std::time::Instant;

use lambda_runtime::{LambdaEvent, service_fn};
use platform::clock::{Clock, SystemClock};
use reward_sender_function::Invocation;
use rewards::domain::time::Timestamp;
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    platform::telemetry::init_lambda();
    let config = rewards::Config::from_env();
    let (sender, outbox) = config
        .lambda_sender(chain::chains_from_env(), Arc::new(SystemClock))
        .await?;
    let sender = Arc::new(sender);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let (sender, outbox) = (sender.clone(), outbox.clone());
        async move {
            let now = SystemClock.now_ms();
            let deadline =
                Instant::now() + reward_sender_function::time_left(event.context.deadline, now);
            match Invocation::read(event.payload)? {
                Invocation::Queue(batch) => {
                    let response =
                        reward_sender_function::handle(&sender, outbox.queue().as_ref(), batch)
                            .await;
                    Ok::<_, lambda_runtime::Error>(serde_json::to_value(response)?)
                }
                Invocation::Schedule => {
                    Ok(reward_sender_function::sweep(&outbox, Timestamp(now), deadline).await?)
                }
            }
        }
    }))
    .await
}
