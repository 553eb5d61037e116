//! The `parcels` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use shared::config::Config;
use shared::domain::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    shared::telemetry::init_lambda();
    let backend = Config::from_env()?.land_backend().await?;
    let router = backend
        .lambda_router("parcels", Arc::new(SystemClock))
        .ok_or("unknown route family")?;
    lambda_http::run(router).await
}
