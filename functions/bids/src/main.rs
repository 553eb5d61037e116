//! The `bids` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use land::bids::{self, BidStore, BidsState};
use platform::clock::SystemClock;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let store = land::Config::from_env().store::<dyn BidStore>().await?;
    let routes = bids::router(BidsState {
        store,
        clock: Arc::new(SystemClock),
    });
    lambda_http::run(land::app::lambda_router(routes)).await
}
