//! `forma`: Forma's command line. `forma serve` runs the server; other subcommands
//! work on data files and the database.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use forma_server::commands::{self, import::ImportCommand, user::UserCommand, StoreArgs};
use forma_server::{Application, ServeConfig, ShutdownSignal};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "forma",
    version,
    about = "Forma, the coaching dashboard that explains itself"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the app and the API.
    Serve(ServeArgs),
    /// Compute every load metric per athlete per day from canonical CSV.
    Metrics(commands::metrics::MetricsArgs),
    /// Print each athlete's data-quality report from canonical CSV.
    Quality(commands::metrics::QualityArgs),
    /// Convert another layout into canonical CSV files.
    #[command(subcommand)]
    Convert(ConvertCommand),
    /// Import files into the database, each in one transaction.
    #[command(subcommand)]
    Import(ImportCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Train the injury and illness risk model on every stored athlete and store it.
    Train(TrainArgs),
    /// Backtest the risk model on the stored data and print its model card.
    Backtest(BacktestArgs),
    /// The risk of every athlete and day by their team's active model, as CSV.
    Score(ScoreArgs),
    /// The stored risk models: list them, choose the active one, roll back.
    #[command(subcommand)]
    Models(ModelsCommand),
    /// Write data out of the database in a canonical file.
    #[command(subcommand)]
    Export(ExportCommand),
}

#[derive(Debug, Subcommand)]
enum ExportCommand {
    /// The coaches' labels, one row per labelled day, with the vocabulary version.
    Labels(ExportLabelsArgs),
    /// The risk model's feature matrix, with each day's target and the reason a
    /// day is left out of training.
    Features(ExportFeaturesArgs),
}

#[derive(Debug, clap::Args)]
struct ExportFeaturesArgs {
    /// The team whose athletes to export (repeat it for several); without it,
    /// every team's.
    #[arg(long = "team", value_name = "TEAM")]
    teams: Vec<String>,
    /// First decision day (default: each athlete's first).
    #[arg(long)]
    from: Option<jiff::civil::Date>,
    /// Last decision day (default: each athlete's last).
    #[arg(long)]
    to: Option<jiff::civil::Date>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct ScoreArgs {
    /// First day (default: each athlete's first day with data).
    #[arg(long)]
    from: Option<jiff::civil::Date>,
    /// Last day (default: each athlete's last day with data).
    #[arg(long)]
    to: Option<jiff::civil::Date>,
    /// Only the athletes of this team (default: every team with an active
    /// model, each scored by its own).
    #[arg(long)]
    team: Option<String>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct ExportLabelsArgs {
    /// csv or jsonl.
    #[arg(long, default_value = "csv")]
    format: forma_core::labels::LabelFormat,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct TrainArgs {
    /// Make the new model active for its teams (without this, only for a team
    /// with no active model yet).
    #[arg(long)]
    activate: bool,
    /// The team to train on; repeat it to train one model on several teams
    /// together. Without it, each team gets a model of its own.
    #[arg(long = "team", value_name = "TEAM")]
    teams: Vec<String>,
    /// Learn only from decision days whose 7-day target window ends by this
    /// day; nothing dated later is read.
    #[arg(long)]
    until: Option<jiff::civil::Date>,
    /// Stop each training after this many minutes (storing nothing); without
    /// it, no limit. Ctrl-C stops it too.
    #[arg(long, value_name = "MINUTES", value_parser = minutes)]
    budget: Option<Budget>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct BacktestArgs {
    /// Print the card as JSON instead of Markdown.
    #[arg(long)]
    json: bool,
    /// The team to backtest on (repeat it for several together); may be left
    /// out when there is one team.
    #[arg(long = "team", value_name = "TEAM")]
    teams: Vec<String>,
    /// Read only what was known by the end of this day, as `forma train --until`.
    #[arg(long)]
    until: Option<jiff::civil::Date>,
    /// Stop after this many minutes; without it, no limit. Ctrl-C stops it too.
    #[arg(long, value_name = "MINUTES", value_parser = minutes)]
    budget: Option<Budget>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// Every stored version of each team, newest first; `*` marks the active one.
    List(ModelsTeamArgs),
    /// Make a stored version the active model of teams.
    Activate(ModelsActivateArgs),
    /// Make the team's model active before the current one active again.
    Rollback(ModelsTeamArgs),
}

#[derive(Debug, clap::Args)]
struct ModelsTeamArgs {
    /// The team (may be left out when there is one team; `list` then shows each).
    #[arg(long)]
    team: Option<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, clap::Args)]
struct ModelsActivateArgs {
    /// The version id, as `forma models list` shows it (m-...).
    id: String,
    /// The team to make it active for; repeatable. Without it, the teams it was
    /// trained on.
    #[arg(long = "team", value_name = "TEAM")]
    teams: Vec<String>,
    #[command(flatten)]
    store: StoreArgs,
}

#[derive(Debug, Subcommand)]
enum ConvertCommand {
    /// PMData participant folders to sessions.csv, wellness.csv and events.csv.
    Pmdata(commands::convert::ConvertPmdataArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// Port to listen on (0 picks a free one).
    #[arg(long, env = "FORMA_PORT", default_value_t = 8080)]
    port: u16,
    /// Address to listen on.
    #[arg(long, env = "FORMA_HOST", default_value = "127.0.0.1")]
    host: IpAddr,
    /// Folder for the database; created when missing.
    #[arg(long, env = "FORMA_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    /// Folder of the built app (Trunk's output).
    #[arg(long, env = "FORMA_DIST_DIR", default_value = "dist")]
    dist_dir: PathBuf,
    /// PMData folder loaded as the demo team when the database is empty.
    #[arg(long, env = "FORMA_DEMO_DATA", default_value = "../shared/data/pmdata")]
    demo_data: PathBuf,
    /// Start with an empty database instead of the demo team.
    #[arg(long)]
    no_demo: bool,
    /// Mark the session cookie Secure on every answer (Forma reached over HTTPS
    /// without a proxy that sends X-Forwarded-Proto).
    #[arg(long, env = "FORMA_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Do not train a first risk model when none is stored.
    #[arg(long)]
    no_first_model: bool,
    /// A reverse proxy (address or CIDR range) whose X-Forwarded-For header names
    /// the client; repeat it or separate with commas. Without it the socket's peer
    /// is the client.
    #[arg(
        long = "trusted-proxy",
        env = "FORMA_TRUSTED_PROXY",
        value_delimiter = ','
    )]
    trusted_proxies: Vec<forma_server::proxy::ProxyRange>,
    /// Connections served at once (never more than the open-file limit allows);
    /// more wait in the system's queue.
    #[arg(long, env = "FORMA_MAX_CONNECTIONS", default_value_t = forma_server::connections::Limits::default().max_connections)]
    max_connections: usize,
    /// Minutes one model training may take before it is stopped (storing
    /// nothing), or `none` for no limit.
    #[arg(long, env = "FORMA_TRAINING_BUDGET", value_name = "MINUTES", default_value = "15", value_parser = minutes)]
    training_budget: Budget,
}

/// A time budget given in minutes (`15`, `0.5`) or `none`.
#[derive(Debug, Clone, Copy)]
struct Budget(Option<std::time::Duration>);

fn minutes(text: &str) -> Result<Budget, String> {
    if text.eq_ignore_ascii_case("none") {
        return Ok(Budget(None));
    }
    match text.parse::<f64>() {
        Ok(m) if m > 0.0 && m <= 10_080.0 => {
            Ok(Budget(Some(std::time::Duration::from_secs_f64(m * 60.0))))
        }
        _ => Err(format!(
            "`{text}` is not a number of minutes above 0 and at most a week (10080), nor `none`"
        )),
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| EnvFilter::new("info,tower_http=warn,sqlx=warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Serve(args) => serve(args).await,
        Command::Metrics(args) => commands::metrics::metrics(&args),
        Command::Quality(args) => commands::metrics::quality(&args),
        Command::Convert(ConvertCommand::Pmdata(args)) => commands::convert::pmdata(&args),
        Command::Import(command) => commands::import::import(command).await,
        Command::User(UserCommand::Add(args)) => commands::user::add(args).await,
        Command::User(UserCommand::List(args)) => commands::user::list(args).await,
        Command::Train(args) => {
            commands::models::train(
                &args.store.data_dir,
                &args.teams,
                args.activate,
                args.until,
                args.budget.and_then(|b| b.0),
            )
            .await
        }
        Command::Backtest(args) => {
            commands::models::backtest(
                &args.store.data_dir,
                &args.teams,
                args.json,
                args.until,
                args.budget.and_then(|b| b.0),
            )
            .await
        }
        Command::Score(args) => {
            commands::models::score(
                &args.store.data_dir,
                args.from,
                args.to,
                args.team.as_deref(),
                args.out.as_deref(),
            )
            .await
        }
        Command::Models(ModelsCommand::List(args)) => {
            commands::models::list(&args.store.data_dir, args.team.as_deref()).await
        }
        Command::Models(ModelsCommand::Activate(args)) => {
            commands::models::activate(&args.store.data_dir, &args.id, &args.teams).await
        }
        Command::Models(ModelsCommand::Rollback(args)) => {
            commands::models::rollback(&args.store.data_dir, args.team.as_deref()).await
        }
        Command::Export(ExportCommand::Labels(args)) => {
            commands::labels::export(&args.store.data_dir, args.format, args.out.as_deref()).await
        }
        Command::Export(ExportCommand::Features(args)) => {
            commands::models::export_features(
                &args.store.data_dir,
                &args.teams,
                args.from,
                args.to,
                args.out.as_deref(),
            )
            .await
        }
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("forma: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let shutdown = shutdown_signal();
    let config = ServeConfig {
        host: args.host,
        port: args.port,
        data_dir: args.data_dir,
        dist_dir: args.dist_dir,
        demo_data: (!args.no_demo).then_some(args.demo_data),
        secure_cookies: args.secure_cookies,
        train_first_model: !args.no_first_model,
        trusted_proxies: forma_server::proxy::TrustedProxies::new(args.trusted_proxies),
        limits: forma_server::connections::Limits {
            max_connections: args.max_connections,
            ..forma_server::connections::Limits::default()
        },
        training_budget: args.training_budget.0,
    };
    let app = Application::build(&config).await?;
    let address = app.local_addr()?;
    if app.has_demo() {
        print!("{}", forma_server::demo::credentials_text());
    }
    tracing::info!(data_dir = %config.data_dir.display(), "database ready");
    // Tools (and people) read this line to find the server.
    println!("Forma is serving on http://{address}");
    let training = app.training();
    // At the signal, the training in progress is cancelled (it stops at its next
    // check, well under a second) and no other starts; one storing its version
    // finishes that. Both before the connections drain and the database closes.
    let shutdown: ShutdownSignal = {
        let training = training.clone();
        Box::pin(async move {
            shutdown.await;
            training.shut_down("the server's shutdown");
            if !training.wait_for_end(None, TRAINING_STOP_WAIT).await {
                tracing::warn!("the training in progress has not stopped yet");
            }
        })
    };
    app.run_until(shutdown).await?;
    if training.running() {
        // Still on its blocking thread, which the runtime would wait for. It
        // writes nothing until its last check, and the database is closed now,
        // so ending the process loses nothing.
        tracing::info!("stopped cleanly; the training in progress was stopped and stored nothing");
        std::process::exit(0);
    }
    tracing::info!("stopped cleanly");
    Ok(())
}

/// How long a shutdown waits for a training in progress to stop.
const TRAINING_STOP_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
fn shutdown_signal() -> ShutdownSignal {
    // Listening starts here, not when the future is first polled, so a SIGTERM
    // that comes while the server is still starting (its first model training)
    // is kept for the shutdown instead of killing the process.
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    Box::pin(async move {
        let interrupt = async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            match terminate {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(error) => {
                    tracing::error!(%error, "cannot listen for SIGTERM");
                    std::future::pending::<()>().await;
                }
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            () = interrupt => tracing::info!("interrupt received, shutting down"),
            () = terminate => tracing::info!("SIGTERM received, shutting down"),
        }
    })
}
