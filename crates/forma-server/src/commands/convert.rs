//! `forma convert pmdata DIR --out DIR`: the PMData layout to canonical CSV files.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use forma_core::canonical::{write_events, write_sessions, write_wellness, CsvError};
use forma_core::pmdata::{self, Converted, ParticipantFiles};
use forma_core::types::AthleteId;

use super::write_atomically;

#[derive(Debug, clap::Args)]
pub struct ConvertPmdataArgs {
    /// The PMData folder, holding one folder per participant (p01, p02, ...).
    pub dir: PathBuf,
    /// Where to write sessions.csv, wellness.csv and events.csv (created when missing).
    #[arg(long)]
    pub out: PathBuf,
}

/// Everything converted from a PMData folder.
#[derive(Debug, Default)]
pub struct PmdataTeam {
    pub participants: Vec<AthleteId>,
    pub converted: Converted,
}

/// Reads every participant folder (`pNN`) under `dir` and converts it, with dates in
/// Norwegian local time.
///
/// # Errors
/// A missing folder, no participant folders, an unreadable file, or a file whose
/// header lacks a column Forma needs.
pub fn read_pmdata(dir: &Path) -> anyhow::Result<PmdataTeam> {
    let mut folders: Vec<(AthleteId, PathBuf)> = Vec::new();
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read the PMData folder {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if path.is_dir() && path.join("pmsys").is_dir() {
            let id: AthleteId = name
                .parse()
                .map_err(|error| anyhow::anyhow!("{}: {error}", path.display()))?;
            folders.push((id, path));
        }
    }
    if folders.is_empty() {
        bail!(
            "{} holds no PMData participant folders (folders such as p01 with a pmsys/ folder inside)",
            dir.display()
        );
    }
    folders.sort();
    let tz = pmdata::norway();
    let mut team = PmdataTeam::default();
    for (id, folder) in folders {
        let read = |relative: &str| -> anyhow::Result<Option<String>> {
            let path = folder.join(relative);
            if path.is_file() {
                Ok(Some(std::fs::read_to_string(&path).with_context(|| {
                    format!("cannot read {}", path.display())
                })?))
            } else {
                Ok(None)
            }
        };
        let srpe = read("pmsys/srpe.csv")?;
        let wellness = read("pmsys/wellness.csv")?;
        let injury = read("pmsys/injury.csv")?;
        let resting = read("fitbit/resting_heart_rate.json")?;
        let files = ParticipantFiles {
            srpe_csv: srpe.as_deref(),
            wellness_csv: wellness.as_deref(),
            injury_csv: injury.as_deref(),
            resting_heart_rate_json: resting.as_deref(),
        };
        let converted = pmdata::convert_participant(&id, &files, &tz)
            .map_err(|error: CsvError| anyhow::anyhow!("{}: {error}", folder.display()))?;
        team.converted.sessions.extend(converted.sessions);
        team.converted.wellness.extend(converted.wellness);
        team.converted.events.extend(converted.events);
        team.converted.skipped.extend(converted.skipped);
        team.participants.push(id);
    }
    Ok(team)
}

/// Runs `forma convert pmdata`.
///
/// # Errors
/// As [`read_pmdata`], or when the output folder cannot be written.
pub fn pmdata(args: &ConvertPmdataArgs) -> anyhow::Result<()> {
    let team = read_pmdata(&args.dir)?;
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let outputs = [
        ("sessions.csv", write_sessions(&team.converted.sessions)),
        ("wellness.csv", write_wellness(&team.converted.wellness)),
        ("events.csv", write_events(&team.converted.events)),
    ];
    for (name, contents) in &outputs {
        write_atomically(&args.out.join(name), contents)?;
    }
    eprintln!(
        "forma: converted {} participants: {} sessions, {} wellness days, {} events into {}",
        team.participants.len(),
        team.converted.sessions.len(),
        team.converted.wellness.len(),
        team.converted.events.len(),
        args.out.display()
    );
    if !team.converted.skipped.is_empty() {
        eprintln!("forma: left out {} row(s):", team.converted.skipped.len());
        for error in &team.converted.skipped {
            eprintln!("  {error}");
        }
    }
    Ok(())
}
