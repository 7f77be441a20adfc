//! `forma`: Forma's command line. `forma serve` runs the server; other subcommands
//! work on data files and the database.

use std::net::IpAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
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
    let config = ServeConfig {
        host: args.host,
        port: args.port,
        data_dir: args.data_dir,
        dist_dir: args.dist_dir,
    };
    let app = Application::build(&config).await?;
    let address = app.local_addr()?;
    tracing::info!(data_dir = %config.data_dir.display(), "database ready");
    // Tools (and people) read this line to find the server.
    println!("Forma is serving on http://{address}");
    app.run_until(shutdown_signal()).await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
fn shutdown_signal() -> ShutdownSignal {
    Box::pin(async {
        let interrupt = async {
            if let Err(error) = tokio::signal::ctrl_c().await {
                tracing::error!(%error, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        };
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
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
