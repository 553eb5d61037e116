//! The `mortgages` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use land::mortgages::{self, MortgageStore, MortgagesState};
use platform::clock::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = land::app::lambda_limiter(clock.clone()).await?;
    let store = land::Config::from_env()
        .store::<dyn MortgageStore>()
        .await?;
    let routes = mortgages::router(MortgagesState { store, clock });
    lambda_http::run(land::app::lambda_router(routes, limiter.as_ref())).await
}
