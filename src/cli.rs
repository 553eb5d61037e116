//! `genesis-api [serve|seed|import|export|setup|render|openapi]`.

use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use land::map::cache::S3Cache;
use land::store::dynamo::DynamoLand;
use land::store::embedded::EmbeddedLand;
use land::store::{LandDataset, Record};
use land::{Config, LandBackend};
use platform::clock::SystemClock;

#[derive(Debug, Parser)]
#[command(version, about = "LAND API: local server and operator commands")]
pub struct Cli {
    /// The embedded store's file (ignored when LAND_TABLE selects DynamoDB).
    #[arg(
        long,
        global = true,
        env = "LAND_DATA_FILE",
        default_value = ".data/land.jsonl"
    )]
    data_file: PathBuf,
    /// The folder of rendered map PNGs (unused when MAP_CACHE_BUCKET is set).
    #[arg(
        long,
        global = true,
        env = "MAP_CACHE_DIR",
        default_value = ".data/map-cache"
    )]
    map_cache_dir: PathBuf,
    /// The folder of the Rewards database and the local server secret
    /// (unused parts when REWARDS_TABLE and the AWS secrets are set).
    #[arg(long, global = true, env = "REWARDS_DATA_DIR", default_value = ".data")]
    rewards_dir: PathBuf,
    /// The seed of the generated marketplace: used by `seed`, and on the
    /// first start when the data file does not exist yet.
    #[arg(long, global = true, env = "LAND_SEED", default_value_t = land_seed::DEFAULT_SEED)]
    seed: u64,
    /// How many times the default market to generate, for benchmarks:
    /// parcels are put on sale that many times as often, estates too up to
    /// every estate (from size 4). Used where `--seed` is.
    #[arg(long, global = true, env = "LAND_MARKET_SIZE", default_value_t = 1,
          value_parser = clap::value_parser!(u32).range(1..=16))]
    market_size: u32,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve every route family (the default command).
    Serve {
        #[arg(long, env = "HOST", default_value = "127.0.0.1")]
        host: std::net::IpAddr,
        #[arg(long, env = "PORT", default_value_t = 3000)]
        port: u16,
    },
    /// Regenerate the data: Genesis City plus a deterministic marketplace.
    Seed,
    /// Load a JSON-lines dump (one `{"kind": ..., ...}` record a line), replacing
    /// records with the same key.
    Import { dump: PathBuf },
    /// Write the whole embedded data set as a JSON-lines dump.
    Export { dump: PathBuf },
    /// Create the DynamoDB tables (LAND_TABLE, and REWARDS_TABLE and RATE_LIMIT_TABLE when set) and the reward queue with its
    /// dead-letter queue on the configured AWS endpoint.
    Setup {
        #[arg(long, env = "REWARD_QUEUE_NAME", default_value = "rewards")]
        queue: String,
    },
    /// Render a map PNG to a file, with the parameters of `/v1/map.png`
    /// (or framed on a parcel or an estate).
    Render {
        /// The PNG file to write.
        out: PathBuf,
        #[arg(long)]
        width: Option<u32>,
        #[arg(long)]
        height: Option<u32>,
        #[arg(long)]
        size: Option<u32>,
        /// The parcel at the centre, "x,y".
        #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["parcel", "estate"])]
        center: Option<String>,
        /// Parcels drawn as selected, "x,y;x,y;...".
        #[arg(long, allow_hyphen_values = true, conflicts_with_all = ["parcel", "estate"])]
        selected: Option<String>,
        /// Highlight parcels on sale.
        #[arg(long)]
        publications: bool,
        /// Centre on this parcel, "x,y", and select it (`/v1/parcels/{x}/{y}/map.png`).
        #[arg(long, allow_hyphen_values = true, conflicts_with = "estate")]
        parcel: Option<String>,
        /// Centre on this estate and select its parcels (`/v1/estates/{id}/map.png`).
        #[arg(long)]
        estate: Option<String>,
    },
    /// Print the OpenAPI description.
    Openapi,
    /// Sign a request as a wallet (signed fetch): print its headers, or a
    /// ready `curl` line.
    Sign {
        /// The wallet's private key, hex (a test key: never a real wallet's).
        #[arg(long, env = "SIGNER_KEY", hide_env_values = true)]
        key: String,
        /// GET, POST, PATCH, DELETE...
        method: String,
        /// The path the request goes to (a query string is not signed).
        path: String,
        /// The JSON body: sent as the body and signed as the metadata, as
        /// the Godot explorer does (default metadata `{}`).
        #[arg(long)]
        body: Option<String>,
        /// Print a `curl` line for this server instead of the headers.
        #[arg(long, value_name = "BASE_URL", num_args = 0..=1, default_missing_value = "http://127.0.0.1:3000")]
        curl: Option<String>,
        /// Sign with the wallet itself (two links) instead of an ephemeral key.
        #[arg(long)]
        no_ephemeral: bool,
        /// Sign as of this instant (ms since the epoch) instead of now: for
        /// recording events that a router with a fixed clock accepts.
        #[arg(long)]
        timestamp: Option<i64>,
    },
}

type CliResult = Result<(), Box<dyn std::error::Error>>;

impl Cli {
    pub fn run(self) -> ExitCode {
        platform::telemetry::init_local();
        let runtime = match tokio::runtime::Runtime::new() {
            Ok(runtime) => runtime,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::FAILURE;
            }
        };
        match runtime.block_on(self.dispatch()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::FAILURE
            }
        }
    }

    fn config(&self) -> Local {
        Local {
            config: Config {
                data_file: Some(self.data_file.clone()),
                map_cache_dir: Some(self.map_cache_dir.clone()),
                ..Config::from_env()
            },
            seed: self.seed,
            market_size: self.market_size,
            rewards_dir: self.rewards_dir.clone(),
        }
    }

    async fn dispatch(self) -> CliResult {
        let config = self.config();
        match self.command {
            None => serve(&config, "127.0.0.1".parse()?, 3000).await,
            Some(Command::Serve { host, port }) => serve(&config, host, port).await,
            Some(Command::Seed) => regenerate(&config).await,
            Some(Command::Import { dump }) => import(&config, &dump).await,
            Some(Command::Export { dump }) => export(&config, &dump).await,
            Some(Command::Setup { queue }) => setup(&config, &queue).await,
            Some(Command::Render {
                out,
                width,
                height,
                size,
                center,
                selected,
                publications,
                parcel,
                estate,
            }) => {
                let path = match (parcel, estate) {
                    (Some(parcel), _) => {
                        format!("/v1/parcels/{}/map.png", parcel.replace(',', "/"))
                    }
                    (None, Some(estate)) => format!("/v1/estates/{estate}/map.png"),
                    (None, None) => "/v1/map.png".to_string(),
                };
                let mut query = form_urlencoded::Serializer::new(String::new());
                let numbers = [("width", width), ("height", height), ("size", size)];
                for (name, value) in numbers {
                    if let Some(value) = value {
                        query.append_pair(name, &value.to_string());
                    }
                }
                for (name, value) in [("center", center), ("selected", selected)] {
                    if let Some(value) = value {
                        query.append_pair(name, &value);
                    }
                }
                query.append_pair("publications", &publications.to_string());
                render(&config, &format!("{path}?{}", query.finish()), &out).await
            }
            Some(Command::Sign {
                key,
                method,
                path,
                body,
                curl,
                no_ephemeral,
                timestamp,
            }) => sign(
                &key,
                &method,
                &path,
                body.as_deref(),
                curl.as_deref(),
                !no_ephemeral,
                timestamp.unwrap_or_else(|| {
                    use platform::clock::Clock;
                    SystemClock.now_ms()
                }),
            ),
            Some(Command::Openapi) => {
                let backend =
                    LandBackend::new(Arc::new(EmbeddedLand::in_memory(LandDataset::default())));
                let clock = Arc::new(SystemClock);
                let rewards = rewards::RewardsState::in_memory(clock.clone())?;
                let (_, doc) =
                    crate::both_apis(&backend, clock, rewards, &rewards::app::cors(None), None);
                println!("{}", doc.to_pretty_json()?);
                Ok(())
            }
        }
    }
}

/// The configuration of the local server and the operator commands: the
/// deployed functions' `Config`, with the data file always set, plus the seed
/// the embedded store is generated from when its file does not exist yet.
struct Local {
    config: Config,
    seed: u64,
    market_size: u32,
    rewards_dir: PathBuf,
}

impl Local {
    fn data_file(&self) -> &std::path::Path {
        self.config
            .data_file
            .as_deref()
            .unwrap_or(std::path::Path::new(".data/land.jsonl"))
    }

    /// The embedded store, generated (Genesis City and a marketplace) on the
    /// first start.
    fn embedded(&self) -> Result<Arc<EmbeddedLand>, Box<dyn std::error::Error>> {
        let (seed, size) = (self.seed, self.market_size);
        if self.data_file().exists() && size != 1 {
            tracing::warn!(
                data_file = %self.data_file().display(),
                "--market-size is used only when the data file is generated; `seed` regenerates it"
            );
        }
        Ok(Arc::new(EmbeddedLand::open(self.data_file(), || {
            land_seed::genesis_city_sized(seed, size)
        })?))
    }

    async fn dynamo(&self) -> Option<DynamoLand> {
        let table = self.config.table.as_ref()?;
        let aws = platform::aws::sdk_config().await;
        Some(DynamoLand::new(aws_sdk_dynamodb::Client::new(&aws), table))
    }
}

async fn open_backend(local: &Local) -> Result<LandBackend, Box<dyn std::error::Error>> {
    let store: Arc<dyn land::LandStore> = match local.dynamo().await {
        Some(store) => Arc::new(store),
        None => {
            let spinner = spinner(if local.data_file().exists() {
                "opening the data"
            } else {
                "first start: generating Genesis City and its marketplace"
            });
            let store = local.embedded()?;
            spinner.finish_and_clear();
            store
        }
    };
    Ok(LandBackend::new(store).with_png_cache(local.config.png_cache().await))
}

async fn serve(config: &Local, host: std::net::IpAddr, port: u16) -> CliResult {
    let started = Instant::now();
    let backend = open_backend(config).await?;
    let store = match &config.config.table {
        Some(table) => format!("dynamodb table {table}"),
        None => format!("embedded file {}", config.data_file().display()),
    };
    tracing::info!(%store, version = %backend.data_version().await?, elapsed_ms = started.elapsed().as_millis() as u64, "store ready");
    let clock: Arc<dyn platform::clock::Clock> = Arc::new(SystemClock);
    let rewards_config = rewards::Config::from_env();
    let local = rewards_config
        .local(&config.rewards_dir, clock.clone())
        .await?;
    let rewards = local.state;
    let rewards_store = match &rewards_config.table {
        Some(table) => format!("dynamodb table {table}"),
        None => format!(
            "sqlite {}",
            config
                .rewards_dir
                .join(rewards::config::DATABASE_FILE)
                .display()
        ),
    };
    tracing::info!(store = %rewards_store, queue = if rewards_config.queue_url.is_some() { "sqs" } else { "in-process" }, "rewards store ready");
    // Claims left in the outbox by a previous run go out now, then every 5 s.
    rewards
        .outbox
        .clone()
        .spawn_sweeper(rewards.clock.clone(), std::time::Duration::from_secs(5));
    // The sender mints what the claims queue in process, on the chains of
    // RPC_URL_<id>. With REWARD_QUEUE_URL the queue is SQS and its consumer
    // is the reward-sender function, not this server.
    if rewards_config.queue_url.is_none() {
        let sender = rewards::send::Sender::new(
            local.send_store,
            chain::chains_from_env(),
            rewards.cipher.clone(),
            clock.clone(),
            rewards::send::SenderConfig::from_env()?,
        );
        tracing::info!(chains = ?sender.chains().ids(), "reward sender ready");
        tokio::spawn(rewards::send::worker::run_local(
            Arc::new(sender),
            rewards.outbox.queue().clone(),
        ));
    } else {
        tracing::info!(
            "REWARD_QUEUE_URL is set: the reward-sender function sends what this server queues"
        );
    }
    let limiter =
        platform::rate_limit::RateLimiter::for_local(crate::rate_limited_routes(), clock.clone())
            .await?;
    let counted_in = match std::env::var(platform::rate_limit::TABLE_VAR) {
        Ok(table) if !table.is_empty() => format!("dynamodb table {table}"),
        _ => "this process".to_string(),
    };
    match &limiter {
        Some(limiter) => tracing::info!(
            policies = ?limiter.limits().policies(),
            counted_in = %counted_in,
            "rate limits on"
        ),
        None => tracing::warn!("RATE_LIMITS=off: no rate limit on any route"),
    }
    let app = crate::server_router(
        &backend,
        clock,
        rewards,
        &rewards_config.cors(),
        limiter.as_ref(),
    );
    let addr = SocketAddr::new(host, port);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    tracing::info!(
        "LAND API on http://{addr}/v1, Rewards API on http://{addr}/api (docs: http://{addr}/docs)"
    );
    // Peer addresses: anonymous callers are counted by them.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

/// Writes records to the configured store, with a progress bar for DynamoDB.
async fn write(
    config: &Local,
    records: Vec<Record>,
) -> Result<(usize, String), Box<dyn std::error::Error>> {
    let Some(store) = config.dynamo().await else {
        let store = config.embedded()?;
        let spinner = spinner("writing");
        let count = store.import(records)?;
        spinner.finish_and_clear();
        return Ok((count, store.data_version()));
    };
    let bar = ProgressBar::new(0).with_style(
        ProgressStyle::with_template("writing items [{bar:40}] {pos}/{len} ({per_sec}, {eta})")?
            .progress_chars("=> "),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let report = store.import(records, &progress).await?;
    bar.finish_and_clear();
    println!(
        "{} items written to table {}",
        report.items_written,
        store.table()
    );
    Ok((report.records, report.version))
}

async fn regenerate(config: &Local) -> CliResult {
    let started = Instant::now();
    let (seed, size) = (config.seed, config.market_size);
    let spinner = spinner("generating Genesis City and its marketplace");
    let data = land_seed::genesis_city_sized(seed, size);
    spinner.finish_and_clear();
    let (count, version) = match &config.config.table {
        None => {
            let store = EmbeddedLand::open(config.data_file(), LandDataset::default)?;
            store.replace(data)?;
            (store.dataset().record_count(), store.data_version())
        }
        Some(_) => write(config, data.records().collect()).await?,
    };
    println!(
        "seeded {count} records with seed {seed}, market size {size}, in {:.1?} (data version {version})",
        started.elapsed()
    );
    Ok(())
}

async fn import(config: &Local, dump: &PathBuf) -> CliResult {
    let started = Instant::now();
    let file = File::open(dump).map_err(|e| format!("{}: {e}", dump.display()))?;
    let bar = ProgressBar::new(file.metadata()?.len()).with_style(
        ProgressStyle::with_template("reading [{bar:40}] {bytes}/{total_bytes} ({eta})")?
            .progress_chars("=> "),
    );
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
    let (count, version) = write(config, records).await?;
    println!(
        "imported {count} records in {:.1?} (data version {version})",
        started.elapsed()
    );
    Ok(())
}

async fn export(config: &Local, dump: &PathBuf) -> CliResult {
    if config.config.table.is_some() {
        return Err("export reads the embedded store; unset LAND_TABLE".into());
    }
    let store = config.embedded()?;
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

async fn setup(config: &Local, queue: &str) -> CliResult {
    let config = &config.config;
    let table = config
        .table
        .as_deref()
        .ok_or("setup needs LAND_TABLE (and AWS_ENDPOINT_URL for an emulator)")?;
    let aws = platform::aws::sdk_config().await;
    let created =
        land::store::dynamo::create_table(&aws_sdk_dynamodb::Client::new(&aws), table).await?;
    println!(
        "table {table}: {}",
        if created { "created" } else { "already there" }
    );
    if let Some(rewards_table) = rewards::Config::from_env().table {
        let created = rewards::store::dynamo::create_table(
            &aws_sdk_dynamodb::Client::new(&aws),
            &rewards_table,
        )
        .await?;
        println!(
            "table {rewards_table}: {}",
            if created { "created" } else { "already there" }
        );
    }
    if let Ok(limits_table) = std::env::var(platform::rate_limit::TABLE_VAR)
        && !limits_table.is_empty()
    {
        let created =
            platform::rate_limit::create_table(&aws_sdk_dynamodb::Client::new(&aws), &limits_table)
                .await?;
        println!(
            "table {limits_table}: {}",
            if created { "created" } else { "already there" }
        );
    }
    let url = rewards::queue::create_queue(&aws_sdk_sqs::Client::new(&aws), queue).await?;
    println!("queue {queue}: {url}");
    if let Some(bucket) = &config.map_cache_bucket {
        land::map::cache::create_bucket(&S3Cache::client(&aws), bucket).await?;
        println!("bucket {bucket}: ready");
    }
    Ok(())
}

/// Renders through the same route a client calls, so parameters, limits and
/// pixels are the API's own.
async fn render(config: &Local, uri: &str, out: &PathBuf) -> CliResult {
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    let started = Instant::now();
    let backend = open_backend(config).await?;
    let app = crate::land_router(&backend, Arc::new(SystemClock));
    let request = axum::http::Request::get(uri).body(axum::body::Body::empty())?;
    let response = app.oneshot(request).await?;
    let status = response.status();
    let body = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        let message = serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_string))
            .unwrap_or_else(|| status.to_string());
        return Err(message.into());
    }
    std::fs::write(out, &body).map_err(|e| format!("{}: {e}", out.display()))?;
    println!(
        "wrote {} ({} bytes) in {:.1?}",
        out.display(),
        body.len(),
        started.elapsed()
    );
    Ok(())
}

fn spinner(message: &str) -> ProgressBar {
    let spinner = ProgressBar::new_spinner();
    spinner.set_message(message.to_string());
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    spinner
}

/// `sign`: the signed-fetch headers of one request, now.
fn sign(
    key: &str,
    method: &str,
    path: &str,
    body: Option<&str>,
    curl: Option<&str>,
    ephemeral: bool,
    now_ms: i64,
) -> CliResult {
    use platform::signed_fetch::{Wallet, sign};

    let wallet = Wallet::from_hex(key)?;
    // Compact, so that it fits one header line; sent and signed the same.
    let body = body
        .map(|body| {
            serde_json::from_str::<serde_json::Value>(body)
                .map(|json| json.to_string())
                .map_err(|err| format!("--body is not JSON: {err}"))
        })
        .transpose()?;
    let body = body.as_deref();
    let method = method.to_ascii_uppercase();
    let (signed_path, _query) = path.split_once('?').unwrap_or((path, ""));
    let headers = sign(
        &wallet,
        &method,
        signed_path,
        body.unwrap_or("{}"),
        now_ms,
        ephemeral,
    );
    let Some(base) = curl else {
        for (name, value) in headers {
            println!("{name}: {value}");
        }
        return Ok(());
    };
    let quote = |text: &str| format!("'{}'", text.replace('\'', r"'\''"));
    // -g: paths and queries may hold brackets (`status[]=`).
    let mut line = format!("curl -g -X {method} {}", quote(&format!("{base}{path}")));
    for (name, value) in &headers {
        line.push_str(&format!(" \\\n  -H {}", quote(&format!("{name}: {value}"))));
    }
    if let Some(body) = body {
        line.push_str(&format!(
            " \\\n  -H 'content-type: application/json' --data {}",
            quote(body)
        ));
    }
    println!("{line}");
    Ok(())
}
