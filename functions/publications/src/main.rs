//! The `publications` route family as a Lambda function behind API Gateway.

use std::sync::Arc;

use land::publications::{self, PublicationStore, PublicationsState};
use platform::clock::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = land::app::lambda_limiter(clock.clone()).await?;
    let store = land::Config::from_env()
        .store::<dyn PublicationStore>()
        .await?;
    let routes = publications::router(PublicationsState { store, clock });
    lambda_http::run(land::app::lambda_router(routes, limiter.as_ref())).await
}
