//! Installing what Forma builds and tests with, only when it is missing or the wrong
//! version. The versions follow the verified recipe for these machines: Trunk 0.21.14
//! (0.22 needs a newer rustc), the wasm-bindgen CLI at exactly Cargo.lock's version,
//! wasm-opt from npm's binaryen 132 (Debian's 108 produces wasm that crashes),
//! playwright-core from npm, and Debian's Chromium. Nothing downloads a prebuilt
//! binary: cargo, npm and apt build or install from their registries.

use std::path::Path;

use anyhow::{bail, Context};

use crate::project::{self, command, output_of, run};

pub const TRUNK_VERSION: &str = "0.21.14";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What building the app needs: the wasm target, Trunk, wasm-bindgen and the node tools.
pub fn ensure_build_tools() -> anyhow::Result<()> {
    ensure_wasm_target()?;
    ensure_trunk()?;
    ensure_wasm_bindgen()?;
    ensure_node_modules()
}

/// What testing needs beyond building: Chromium and its driver.
pub fn ensure_test_tools() -> anyhow::Result<()> {
    ensure_build_tools()?;
    ensure_chromium()
}

fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed =
        output_of(command("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed
        .lines()
        .any(|line| line.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(command("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

fn ensure_trunk() -> anyhow::Result<()> {
    let found = output_of(command("trunk").arg("--version")).unwrap_or_default();
    if found.trim() == format!("trunk {TRUNK_VERSION}") {
        return Ok(());
    }
    run(command("cargo").args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]))
}

/// The wasm-bindgen version Cargo.lock resolved; the CLI must match it exactly.
pub fn locked_wasm_bindgen_version() -> anyhow::Result<String> {
    let lock_path = project::root().join("Cargo.lock");
    let lock = std::fs::read_to_string(&lock_path)
        .with_context(|| format!("cannot read {}", lock_path.display()))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines
                .next()
                .and_then(|next| next.trim().strip_prefix("version = \""))
                .and_then(|rest| rest.strip_suffix('"'))
            {
                return Ok(version.to_owned());
            }
        }
    }
    bail!("{} has no wasm-bindgen package", lock_path.display())
}

fn ensure_wasm_bindgen() -> anyhow::Result<()> {
    let version = locked_wasm_bindgen_version()?;
    let found = output_of(command("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner =
        output_of(command("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    let wanted = format!("wasm-bindgen {version}");
    if found.trim() == wanted && runner.contains(&version) {
        return Ok(());
    }
    // `--locked` does not resolve on these machines' registry mirror (see TOOLCHAIN.md).
    run(command("cargo").args(["install", "wasm-bindgen-cli", "--version", &version]))
}

/// `npm ci` when node_modules is missing or older than the lock file.
fn ensure_node_modules() -> anyhow::Result<()> {
    let root = project::root();
    let lock = root.join("package-lock.json");
    let installed = root.join("node_modules").join(".package-lock.json");
    if is_newer_or_equal(&installed, &lock) && root.join("node_modules/.bin/wasm-opt").exists() {
        return Ok(());
    }
    if output_of(command("npm").arg("--version")).is_none() {
        bail!("npm is missing: install Node.js 20 and npm (Debian: apt-get install nodejs npm)");
    }
    run(command("npm").args(["ci", "--no-audit", "--no-fund"]))
}

fn is_newer_or_equal(file: &Path, than: &Path) -> bool {
    let modified = |path: &Path| {
        std::fs::metadata(path)
            .and_then(|meta| meta.modified())
            .ok()
    };
    matches!((modified(file), modified(than)), (Some(a), Some(b)) if a >= b)
}

fn ensure_chromium() -> anyhow::Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    let is_root = output_of(command("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        bail!(
            "Chromium is missing; as root run: apt-get update && apt-get install -y chromium chromium-driver"
        );
    }
    run(command("apt-get").arg("update"))?;
    run(command("apt-get")
        .args([
            "install",
            "-y",
            "--no-install-recommends",
            "chromium",
            "chromium-driver",
        ])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
