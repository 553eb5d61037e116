//! Logging: JSON lines in Lambda (CloudWatch reads them), readable text
//! locally. `RUST_LOG` picks the level (default `info`), except for the
//! crates that would log credentials.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::Directive;

/// At trace level, aws-sigv4 logs the canonical request with the session
/// token, the SDK's runtime logs request headers, and the Lambda runtime logs
/// each raw event (headers with `x-identity-metadata`, which may carry a
/// campaign secret; query strings with `campaign_key`; bodies): never,
/// whatever `RUST_LOG` asks.
const SECRET_SAFE: [&str; 5] = [
    "aws_sigv4=off",
    "aws_smithy_runtime=info",
    "aws_smithy_runtime_api=info",
    "lambda_runtime=info",
    "lambda_http=info",
];

fn filter() -> EnvFilter {
    filter_from(std::env::var("RUST_LOG").ok().as_deref())
}

fn filter_from(rust_log: Option<&str>) -> EnvFilter {
    let mut filter = rust_log
        .and_then(|spec| EnvFilter::try_new(spec).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    for directive in SECRET_SAFE {
        // `add_directive` replaces one for the same target.
        filter = filter.add_directive(directive.parse::<Directive>().expect("a valid directive"));
    }
    filter
}

/// Structured JSON logs without ANSI colours or timestamps (Lambda adds them).
pub fn init_lambda() {
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter())
        .with_current_span(false)
        .with_ansi(false)
        .without_time()
        .with_target(false)
        .try_init();
}

/// Human-readable logs for the local server and the CLI.
pub fn init_local() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter())
        .with_target(false)
        .try_init();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_never_reaches_the_signer() {
        for rust_log in [
            Some("trace"),
            Some("aws_sigv4=trace,debug"),
            None,
            Some("nonsense["),
        ] {
            let filter = filter_from(rust_log).to_string();
            assert!(filter.contains("aws_sigv4=off"), "{rust_log:?}: {filter}");
            assert!(
                !filter.contains("aws_sigv4=trace"),
                "{rust_log:?}: {filter}"
            );
        }
    }

    #[test]
    fn trace_never_shows_the_raw_lambda_event() {
        let filter = filter_from(Some("trace,lambda_runtime=trace")).to_string();
        assert!(filter.contains("lambda_runtime=info"), "{filter}");
        assert!(!filter.contains("lambda_runtime=trace"), "{filter}");
        assert!(filter.contains("lambda_http=info"), "{filter}");
    }
}
