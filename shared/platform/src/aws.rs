//! AWS configuration, loaded once per process from the usual variables
//! (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL` for an emulator).

pub use aws_config::SdkConfig;

/// The SDK configuration every AWS client of a process is built from.
pub async fn sdk_config() -> SdkConfig {
    aws_config::load_from_env().await
}
