use clap::Parser;

fn main() -> std::process::ExitCode {
    genesis_api::cli::Cli::parse().run()
}
