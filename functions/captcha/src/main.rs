//! The `captcha` route family as a Lambda function behind the Rewards API.

use std::sync::Arc;

use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let config = rewards::Config::from_env();
    let state = config.lambda_state(Arc::new(SystemClock)).await?;
    let routes = rewards::captcha::router(state);
    lambda_http::run(rewards::app::lambda_router(routes, &config.cors())).await
}
