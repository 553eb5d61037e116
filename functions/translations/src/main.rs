//! The `translations` route family as a Lambda function behind API Gateway.
//! The locales are compiled in: it needs no store, only the rate-limit table.

use std::sync::Arc;

use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let limiter = land::app::lambda_limiter(Arc::new(SystemClock)).await?;
    lambda_http::run(land::app::lambda_router(
        land::translations::router(),
        limiter.as_ref(),
    ))
    .await
}
