//! The `map` route family (JSON and PNG) as a Lambda function behind API
//! Gateway; rendered pictures are cached in the configured bucket.

use std::sync::Arc;

use land::map::{self, MapState, MapStore};
use platform::clock::{Clock, SystemClock};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let limiter = land::app::lambda_limiter(clock.clone()).await?;
    let config = land::Config::from_env();
    let store = config.store::<dyn MapStore>().await?;
    let state = MapState::new(store, clock, config.png_cache().await);
    lambda_http::run(land::app::lambda_router(
        map::router(state),
        limiter.as_ref(),
    ))
    .await
}
