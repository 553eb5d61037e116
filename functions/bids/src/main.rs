//! The `bids` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use land::bids::{self, BidStore, BidsState};
use platform::clock::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = land::app::lambda_limiter(clock.clone()).await?;
    let store = land::Config::from_env().store::<dyn BidStore>().await?;
    let routes = bids::router(BidsState { store, clock });
    lambda_http::run(land::app::lambda_router(routes, limiter.as_ref())).await
}
