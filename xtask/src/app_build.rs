//! Building the browser app with Trunk and the server with cargo, in release.
//!
//! Trunk re-runs wasm-bindgen and wasm-opt on every build, so the app build is
//! skipped when a fingerprint of its inputs matches the one from the last build:
//! a second `cargo xtask run` with nothing changed rebuilds nothing.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;

use crate::project::{self, command, run};
use crate::tools;

/// What the app is built from, relative to the workspace root.
const APP_INPUTS: [&str; 9] = [
    "Cargo.toml",
    "Cargo.lock",
    "Trunk.toml",
    "index.html",
    "src",
    "style",
    "public",
    "crates/forma-core/Cargo.toml",
    "crates/forma-core/src",
];

pub fn build_all() -> anyhow::Result<ExitCode> {
    tools::ensure_build_tools()?;
    build_app()?;
    build_server_release()?;
    Ok(ExitCode::SUCCESS)
}

/// The built app's folder.
pub fn dist_dir() -> PathBuf {
    project::root().join("dist")
}

/// Builds the app in release into `dist/` unless its inputs are unchanged since the
/// last build.
pub fn build_app() -> anyhow::Result<()> {
    let stamp_path = project::target_dir().join("xtask").join("app.fingerprint");
    let fingerprint = fingerprint(&project::root())?;
    let previous = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    if previous.trim() == fingerprint && dist_dir().join("index.html").is_file() {
        eprintln!("xtask: the app is up to date in dist/");
        return Ok(());
    }
    run(command("trunk").args(["build", "--release"]))?;
    if let Some(parent) = stamp_path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&stamp_path, &fingerprint)
        .with_context(|| format!("cannot write {}", stamp_path.display()))?;
    Ok(())
}

/// `cargo build --release -p forma-server`; cargo itself skips the work when nothing changed.
pub fn build_server_release() -> anyhow::Result<PathBuf> {
    run(command("cargo").args([
        "build",
        "--release",
        "--quiet",
        "-p",
        "forma-server",
        "--bin",
        "forma",
    ]))?;
    Ok(project::target_dir().join("release").join("forma"))
}

/// A hash of the paths and contents of every app input file.
fn fingerprint(root: &Path) -> anyhow::Result<String> {
    let mut files = Vec::new();
    for input in APP_INPUTS {
        collect_files(&root.join(input), &mut files)?;
    }
    files.sort();
    let mut hasher = DefaultHasher::new();
    for file in &files {
        let contents =
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        file.strip_prefix(root).unwrap_or(file).hash(&mut hasher);
        contents.hash(&mut hasher);
    }
    Ok(format!("{:016x} {} files", hasher.finish(), files.len()))
}

fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    if path.is_file() {
        files.push(path.to_path_buf());
    } else if path.is_dir() {
        for entry in
            std::fs::read_dir(path).with_context(|| format!("cannot list {}", path.display()))?
        {
            collect_files(&entry?.path(), files)?;
        }
    }
    Ok(())
}
