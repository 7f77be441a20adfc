//! `forma import sessions|wellness|events|pmdata|activity|labels`: files into the
//! database, each import in one transaction (a bad row stores nothing unless
//! `--skip-bad` says to store the good ones and list the others).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::StoreArgs;
use crate::import::{self, CanonicalKind, Destination};
use crate::store::audit::Actor;

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Canonical sessions CSV.
    Sessions(ImportFileArgs),
    /// Canonical wellness CSV.
    Wellness(ImportFileArgs),
    /// Canonical events CSV.
    Events(ImportFileArgs),
    /// A PMData folder (participant folders p01, p02, ...), dates in Norwegian time.
    Pmdata(ImportPmdataArgs),
    /// FIT, TCX or GPX activity files of one athlete.
    Activity(ImportActivityArgs),
    /// A labels file (canonical CSV or JSON Lines), as `forma export labels` writes it.
    Labels(ImportLabelsArgs),
}

#[derive(Debug, clap::Args)]
pub struct ImportActivityArgs {
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The athlete who recorded them.
    #[arg(long)]
    pub athlete: String,
    /// Store the readable files and list the others, instead of storing nothing.
    #[arg(long)]
    pub skip_bad: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ImportFileArgs {
    pub file: PathBuf,
    /// The team the athletes belong to; created when missing.
    #[arg(long)]
    pub team: String,
    /// Time zone for athletes this import creates.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
    /// Store the good rows and list the bad ones, instead of storing nothing.
    #[arg(long)]
    pub skip_bad: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ImportPmdataArgs {
    pub dir: PathBuf,
    #[arg(long)]
    pub team: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, clap::Args)]
pub struct ImportLabelsArgs {
    /// A labels file as `forma export labels` writes it.
    pub file: PathBuf,
    /// csv or jsonl (default: from the file's extension, else csv).
    #[arg(long)]
    pub format: Option<forma_core::labels::LabelFormat>,
    #[command(flatten)]
    pub store: StoreArgs,
}

pub async fn import(command: ImportCommand) -> anyhow::Result<()> {
    let (report, data_dir) = match command {
        ImportCommand::Labels(args) => {
            return crate::commands::labels::import(&args.store.data_dir, &args.file, args.format)
                .await
        }
        ImportCommand::Pmdata(args) => {
            let pool = crate::db::open(&args.store.data_dir).await?;
            let destination = Destination {
                team: args.team,
                create_team: true,
                time_zone: "Europe/Oslo".to_owned(),
                skip_bad: true,
                preview: false,
            };
            (
                import::import_pmdata(&pool, &args.dir, &destination, &Actor::cli()).await?,
                args.store.data_dir,
            )
        }
        ImportCommand::Sessions(args)
        | ImportCommand::Wellness(args)
        | ImportCommand::Events(args)
            if jiff::tz::TimeZone::get(&args.time_zone).is_err() =>
        {
            anyhow::bail!(
                "--time-zone {}: not a known IANA time zone such as Europe/Oslo",
                args.time_zone
            )
        }
        ImportCommand::Activity(args) => {
            let mut files = Vec::new();
            for path in &args.files {
                let bytes = std::fs::read(path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                if bytes.len() > import::MAX_FILE_BYTES {
                    anyhow::bail!("{} is larger than the import limit", path.display());
                }
                files.push(import::activity::ActivityFile {
                    name: path.display().to_string(),
                    bytes,
                });
            }
            let pool = crate::db::open(&args.store.data_dir).await?;
            let report = import::activity::import_activities(
                &pool,
                &args.athlete,
                &files,
                args.skip_bad,
                false,
                &Actor::cli(),
            )
            .await?;
            (report, args.store.data_dir)
        }
        ImportCommand::Sessions(args) => canonical(CanonicalKind::Sessions, args).await?,
        ImportCommand::Wellness(args) => canonical(CanonicalKind::Wellness, args).await?,
        ImportCommand::Events(args) => canonical(CanonicalKind::Events, args).await?,
    };
    print!("{}", crate::import::report_text(&report));
    if report.stored {
        println!(
            "Stored in {}.",
            data_dir.join(crate::db::DATABASE_FILE).display()
        );
        Ok(())
    } else {
        anyhow::bail!("nothing was imported from {}", report.file)
    }
}

async fn canonical(
    kind: CanonicalKind,
    args: ImportFileArgs,
) -> anyhow::Result<(forma_core::api::ImportReport, PathBuf)> {
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    if bytes.len() > crate::import::MAX_FILE_BYTES {
        anyhow::bail!(
            "{} is larger than the import limit of {} MB; split it into smaller files",
            args.file.display(),
            crate::import::MAX_FILE_BYTES / (1024 * 1024)
        );
    }
    let pool = crate::db::open(&args.store.data_dir).await?;
    let destination = crate::import::Destination {
        team: args.team,
        create_team: true,
        time_zone: args.time_zone,
        skip_bad: args.skip_bad,
        preview: false,
    };
    let report = crate::import::import_canonical(
        &pool,
        kind,
        &args.file.display().to_string(),
        &bytes,
        &destination,
        &crate::store::audit::Actor::cli(),
    )
    .await?;
    Ok((report, args.store.data_dir))
}
