//! The `captcha` route family as a Lambda function behind the Rewards API.

use std::sync::Arc;

use platform::clock::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = rewards::app::lambda_limiter(clock.clone()).await?;
    let config = rewards::Config::from_env();
    let state = config.lambda_state(clock).await?;
    let routes = rewards::captcha::router(state);
    lambda_http::run(rewards::app::lambda_router(
        routes,
        &config.cors(),
        limiter.as_ref(),
    ))
    .await
}
