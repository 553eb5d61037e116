//! The `districts` route family (with contributions) as a Lambda function
//! behind API Gateway.

use land::districts::{self, DistrictStore, DistrictsState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    let store = land::Config::from_env()
        .store::<dyn DistrictStore>()
        .await?;
    let routes = districts::router(DistrictsState { store });
    lambda_http::run(land::app::lambda_router(routes)).await
}
