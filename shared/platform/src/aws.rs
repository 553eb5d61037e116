//! AWS configuration, loaded once per process from the usual variables
//! (`AWS_REGION`, credentials, `AWS_ENDPOINT_URL` for an emulator).

pub use aws_config::SdkConfig;
use aws_config::{BehaviorVersion, ConfigLoader};
use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
use tokio::sync::OnceCell;

/// The SDK configuration every AWS client of a process is built from: read
/// and resolved on first use, then shared (a map function's store and its
/// picture bucket, a CLI command's table and queue), so the environment is
/// read and the HTTP client built once. A process runs one Tokio runtime
/// (Lambda, the local server, the CLI); tests build their own configuration
/// from [`loader`].
pub async fn sdk_config() -> SdkConfig {
    static CONFIG: OnceCell<SdkConfig> = OnceCell::const_new();
    CONFIG.get_or_init(|| loader().load()).await.clone()
}

/// The configuration loader with the project's one HTTP client: rustls on
/// ring (the SDK's default TLS provider, aws-lc, would add about 1 MB to
/// every function for the same HTTPS calls).
pub fn loader() -> ConfigLoader {
    let http_client = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    aws_config::defaults(BehaviorVersion::latest()).http_client(http_client)
}
