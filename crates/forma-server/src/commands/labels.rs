//! `forma export labels` and `forma import labels`: the canonical labels file out of
//! one database and into another (a fresh one gets the same labels back).

use std::path::Path;

use anyhow::Context;
use forma_core::labels::{write_labels, LabelFormat};

use crate::store::audit::Actor;
use crate::store::labels;

/// `forma export labels --format csv|jsonl [--out FILE]`: every label that counts,
/// one row per labelled day, with the vocabulary version; to `out` atomically, or
/// to stdout.
///
/// # Errors
/// When the database cannot be opened or the output cannot be written.
pub async fn export(
    data_dir: &Path,
    format: LabelFormat,
    out: Option<&Path>,
) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let stored = labels::of_teams(&pool, None).await?;
    pool.close().await;
    super::emit(out, &write_labels(&stored, format))?;
    if let Some(out) = out {
        eprintln!("Wrote {} labels to {}.", stored.len(), out.display());
    }
    Ok(())
}

/// The layout of a labels file: as asked, else from its extension (`.jsonl`,
/// `.ndjson`), else CSV.
pub fn format_of(file: &Path, asked: Option<LabelFormat>) -> LabelFormat {
    asked.unwrap_or_else(|| {
        match file
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
        {
            Some(ext) if ext == "jsonl" || ext == "ndjson" => LabelFormat::Jsonl,
            _ => LabelFormat::Csv,
        }
    })
}

/// `forma import labels FILE [--format csv|jsonl]`: stores the file's labels in one
/// transaction and prints what happened.
///
/// # Errors
/// When the file cannot be read, the database fails, or the file cannot be stored
/// (every reason is printed first).
pub async fn import(
    data_dir: &Path,
    file: &Path,
    format: Option<LabelFormat>,
) -> anyhow::Result<()> {
    let text = super::read_text(file)?;
    let pool = crate::db::open(data_dir).await?;
    let name = file.display().to_string();
    let report = crate::import::labels::import_labels(
        &pool,
        &name,
        &text,
        format_of(file, format),
        &Actor::cli(),
    )
    .await
    .with_context(|| format!("cannot import {name}"))?;
    pool.close().await;
    print!("{}", crate::import::report_text(&report));
    if report.stored {
        Ok(())
    } else {
        anyhow::bail!("nothing was imported from {name}")
    }
}
