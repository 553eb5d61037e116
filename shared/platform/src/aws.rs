//! AWS configuration, loaded once per process from the usual variables
//! (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL` for an emulator).

pub use aws_config::SdkConfig;
use tokio::sync::OnceCell;

/// The SDK configuration every AWS client of a process is built from: read
/// and resolved on first use, then shared (a map function's store and its
/// picture bucket, a CLI command's table and queue), so the environment is
/// read and the HTTP client built once. A process runs one Tokio runtime
/// (Lambda, the local server, the CLI); tests build their own configuration.
pub async fn sdk_config() -> SdkConfig {
    static CONFIG: OnceCell<SdkConfig> = OnceCell::const_new();
    CONFIG.get_or_init(aws_config::load_from_env).await.clone()
}
