//! The `forma` subcommands other than `serve`: `metrics`, `quality` and `convert`
//! work on files (each reads its input whole, computes with forma-core and writes
//! its output atomically, so a failure never leaves a partial file); `train`,
//! `backtest` and `models` work on the model registry in the database; `export
//! labels` and `import labels` move the coaches' labels between databases.

pub mod convert;
pub mod import;
pub mod labels;
pub mod metrics;
pub mod models;
pub mod user;

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Folder of the database (the same as `forma serve --data-dir`).
    #[arg(long, env = "FORMA_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
}

/// Reads a whole text file, naming it in the error.
///
/// # Errors
/// When the file cannot be read or is not UTF-8.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Writes `contents` to `path` through a temporary file in the same folder and a
/// rename, so readers see either the old file or the whole new one.
///
/// # Errors
/// When the folder is missing or not writable.
pub fn write_atomically(path: &Path, contents: &str) -> anyhow::Result<()> {
    write_atomically_with(path, |file| Ok(file.write_all(contents.as_bytes())?))
}

/// As [`write_atomically`], streaming: `write` fills the temporary file, which
/// replaces `path` only when `write` succeeds, and is removed when it fails.
///
/// # Errors
/// When the folder is missing or not writable, or `write` fails.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("{} is not a file path", path.display()))?;
    let temporary = folder.join(format!(".{}.partial", file_name.to_string_lossy()));
    let written = std::fs::File::create(&temporary)
        .map_err(anyhow::Error::from)
        .and_then(|mut file| {
            write(&mut file)?;
            file.flush()?;
            Ok(())
        })
        .with_context(|| format!("cannot write {}", temporary.display()));
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(error);
    }
    std::fs::rename(&temporary, path).with_context(|| {
        let _ = std::fs::remove_file(&temporary);
        format!("cannot move the output into place at {}", path.display())
    })
}

/// Writes to `--out FILE` atomically, or to stdout.
///
/// # Errors
/// As [`write_atomically`], or when stdout is closed.
pub fn emit(out: Option<&Path>, contents: &str) -> anyhow::Result<()> {
    emit_with(out, |w| Ok(w.write_all(contents.as_bytes())?))
}

/// As [`emit`], streaming: `write` produces the output in pieces.
///
/// # Errors
/// As [`write_atomically_with`], or when stdout is closed.
pub fn emit_with(
    out: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    match out {
        Some(path) => write_atomically_with(path, write),
        None => {
            let mut stdout = std::io::stdout().lock();
            write(&mut stdout)
                .and_then(|()| Ok(stdout.flush()?))
                .context("cannot write to stdout")
        }
    }
}
