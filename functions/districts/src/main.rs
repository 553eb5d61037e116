//! The `districts` route family (with contributions) as a Lambda function
//! behind API Gateway.

use std::sync::Arc;

use land::districts::{self, DistrictStore, DistrictsState};
use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let limiter = land::app::lambda_limiter(Arc::new(SystemClock)).await?;
    let store = land::Config::from_env()
        .store::<dyn DistrictStore>()
        .await?;
    let routes = districts::router(DistrictsState { store });
    lambda_http::run(land::app::lambda_router(routes, limiter.as_ref())).await
}
