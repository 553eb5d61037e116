//! The `translations` route family as a Lambda function behind API Gateway.
//! The locales are compiled in: it needs no store.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    platform::telemetry::init_lambda();
    lambda_http::run(land::app::lambda_router(land::translations::router())).await
}
