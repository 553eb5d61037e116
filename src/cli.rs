//! `genesis-api [serve|seed|import|export|openapi]`.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use shared::config::Config;
use shared::domain::clock::SystemClock;
use shared::seed;
use shared::store::embedded::EmbeddedLand;
use shared::store::{LandDataset, Record};

#[derive(Debug, Parser)]
#[command(version, about = "LAND API: local server and operator commands")]
pub struct Cli {
    /// The embedded store's file.
    #[arg(
        long,
        global = true,
        env = "LAND_DATA_FILE",
        default_value = ".data/land.jsonl"
    )]
    data_file: PathBuf,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every route family on the embedded store (the default command).
    Serve {
        #[arg(long, env = "HOST", default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        #[arg(long, env = "PORT", default_value_t = 3000)]
        port: u16,
    },
    /// Regenerate the data: Genesis City plus a deterministic marketplace.
    Seed {
        #[arg(long, env = "LAND_SEED", default_value_t = seed::DEFAULT_SEED)]
        seed: u64,
    },
    /// Load a JSON-lines dump (one `{"kind": ..., ...}` record a line), replacing
    /// records with the same key.
    Import { dump: PathBuf },
    /// Write the whole data set as a JSON-lines dump.
    Export { dump: PathBuf },
    /// Print the OpenAPI description.
    Openapi,
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

impl Cli {
    pub fn run(self) -> ExitCode {
        shared::telemetry::init_local();
        match self.dispatch() {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        }
    }

    fn config(&self) -> Result<Config, Box<dyn std::error::Error>> {
        Ok(Config {
            data_file: Some(self.data_file.clone()),
            ..Config::from_env()?
        })
    }

    fn dispatch(self) -> CliResult {
        match &self.command {
            None => serve(&self.config()?, "127.0.0.1".parse()?, 3000),
            Some(Command::Serve { host, port }) => serve(&self.config()?, *host, *port),
            Some(Command::Seed { seed }) => regenerate(&self.data_file, *seed),
            Some(Command::Import { dump }) => import(&self.config()?, dump),
            Some(Command::Export { dump }) => export(&self.config()?, dump),
            Some(Command::Openapi) => {
                let store = Arc::new(EmbeddedLand::in_memory(LandDataset::default()));
                let (_, doc) = shared::app::land_api(store, Arc::new(SystemClock));
                println!("{}", doc.to_pretty_json()?);
                Ok(())
            }
        }
    }
}

fn open_store(config: &Config) -> Result<Arc<EmbeddedLand>, Box<dyn std::error::Error>> {
    let fresh = config.data_file.as_ref().is_some_and(|f| !f.exists());
    let spinner = spinner(if fresh {
        "first start: generating Genesis City and its marketplace"
    } else {
        "loading the data"
    });
    let store = config.land_store()?;
    spinner.finish_and_clear();
    Ok(store)
}

fn serve(config: &Config, host: std::net::IpAddr, port: u16) -> CliResult {
    let runtime = tokio::runtime::Runtime::new()?;
    let started = Instant::now();
    let store = open_store(config)?;
    tracing::info!(
        data_file = %config.data_file.as_ref().map(|f| f.display().to_string()).unwrap_or_default(),
        version = %store.data_version(),
        elapsed_ms = started.elapsed().as_millis() as u64,
        "store ready"
    );
    let app = crate::server_router(store, Arc::new(SystemClock));
    runtime.block_on(async move {
        let addr = SocketAddr::new(host, port);
        let listener = tokio::net::TcpListener::bind(addr).await?;
        tracing::info!("LAND API on http://{addr}/v1 (docs: http://{addr}/docs)");
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await?;
        Ok(())
    })
}

fn regenerate(data_file: &PathBuf, seed: u64) -> CliResult {
    let spinner = spinner("generating Genesis City and its marketplace");
    let data = seed::genesis_city(seed);
    spinner.set_message(format!(
        "writing {} records to {}",
        data.record_count(),
        data_file.display()
    ));
    let store = EmbeddedLand::open(data_file, LandDataset::default)?;
    store.replace(data)?;
    spinner.finish_and_clear();
    println!(
        "seeded {} with seed {seed} (data version {})",
        data_file.display(),
        store.data_version()
    );
    Ok(())
}

fn import(config: &Config, dump: &PathBuf) -> CliResult {
    let file = File::open(dump).map_err(|e| format!("{}: {e}", dump.display()))?;
    let bar = ProgressBar::new(file.metadata()?.len()).with_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")?
            .progress_chars("=> "),
    );
    bar.set_message("reading");
    let mut records = Vec::new();
    for (number, line) in BufReader::new(bar.wrap_read(file)).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: Record = serde_json::from_str(&line)
            .map_err(|e| format!("{} line {}: {e}", dump.display(), number + 1))?;
        records.push(record);
    }
    bar.finish_and_clear();
    let store = open_store(config)?;
    let spinner = spinner("writing");
    let count = store.import(records)?;
    spinner.finish_and_clear();
    println!(
        "imported {count} records (data version {})",
        store.data_version()
    );
    Ok(())
}

fn export(config: &Config, dump: &PathBuf) -> CliResult {
    let store = open_store(config)?;
    let mut out = BufWriter::new(File::create(dump)?);
    let data = store.dataset();
    data.write_jsonl(&mut out)?;
    out.flush()?;
    println!(
        "exported {} records to {}",
        data.record_count(),
        dump.display()
    );
    Ok(())
}

fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(message.to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}
