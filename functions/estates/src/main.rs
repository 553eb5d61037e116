//! The `estates` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use land::estates::{self, EstateStore, EstatesState};
use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let store = land::Config::from_env().store::<dyn EstateStore>().await?;
    let routes = estates::router(EstatesState {
        store,
        clock: Arc::new(SystemClock),
    });
    lambda_http::run(land::app::lambda_router(routes)).await
}
