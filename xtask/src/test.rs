//! `cargo xtask test`: every check and test suite, in the order that fails fastest,
//! with each suite's counts summed into one closing line `N passed, N failed`.
//!
//! Suites: formatting, clippy (native and wasm, warnings denied), native tests of
//! every crate, wasm-bindgen tests in headless Chromium, and Playwright end-to-end
//! tests against a `forma serve` started here on a free port with a fresh database
//! and always stopped afterwards.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::app_build;
use crate::project::{self, command, describe};
use crate::tools;

/// Wasm test targets run in headless Chromium: (package, test target file).
const WASM_SUITES: [(&str, &str); 3] = [
    ("forma-web", "tests/browser.rs"),
    ("forma-web", "tests/plan_browser.rs"),
    ("forma-core", "crates/forma-core/tests/wasm.rs"),
];

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    passed: u64,
    failed: u64,
}

struct SuiteResult {
    name: String,
    counts: Counts,
}

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    if let Some(arg) = args.first() {
        bail!("`cargo xtask test` takes no arguments (got `{arg}`)");
    }
    tools::ensure_test_tools()?;
    let mut results = vec![check(
        "format",
        command("cargo").args(["fmt", "--all", "--check"]),
    )];
    results.push(check(
        "clippy (native)",
        command("cargo").args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    ));
    results.push(check(
        "clippy (wasm)",
        command("cargo").args([
            "clippy",
            "-p",
            "forma-web",
            "-p",
            "forma-core",
            "--target",
            "wasm32-unknown-unknown",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    ));
    results.push(suite(
        "native tests",
        command("cargo").args(["test", "--workspace", "--no-fail-fast"]),
        cargo_counts,
    ));
    for (package, file) in WASM_SUITES {
        let path = project::root().join(file);
        if !path.is_file() {
            continue;
        }
        let name = Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("wasm");
        let mut wasm = command("cargo");
        wasm.args([
            "test",
            "-p",
            package,
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            name,
        ])
        .env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
            "wasm-bindgen-test-runner",
        )
        .env("CHROMEDRIVER", tools::CHROMEDRIVER)
        .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
        results.push(suite(
            &format!("wasm tests ({package} {name}, Chromium)"),
            &mut wasm,
            cargo_counts,
        ));
    }
    results.push(end_to_end());

    eprintln!();
    eprintln!("xtask: summary");
    let mut total = Counts::default();
    for result in &results {
        eprintln!(
            "  {:<40} {:>5} passed, {:>3} failed",
            result.name, result.counts.passed, result.counts.failed
        );
        total.passed += result.counts.passed;
        total.failed += result.counts.failed;
    }
    println!("{} passed, {} failed", total.passed, total.failed);
    Ok(if total.failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A check that passes or fails as a whole (formatting, lints).
fn check(name: &str, command: &mut Command) -> SuiteResult {
    eprintln!("\nxtask: == {name}: $ {}", describe(command));
    let passed = command.status().is_ok_and(|status| status.success());
    SuiteResult {
        name: name.to_owned(),
        counts: Counts {
            passed: u64::from(passed),
            failed: u64::from(!passed),
        },
    }
}

/// A test suite whose own output tells how many tests passed and failed. A suite that
/// exits non-zero without reporting a failure (it did not compile, or crashed) counts
/// as one failure, so a broken suite can never look green.
fn suite(name: &str, command: &mut Command, parse: fn(&str) -> Counts) -> SuiteResult {
    eprintln!("\nxtask: == {name}: $ {}", describe(command));
    let (success, output) = match run_teed(command) {
        Ok(outcome) => outcome,
        Err(error) => {
            eprintln!("xtask: {name}: {error:#}");
            (false, String::new())
        }
    };
    let mut counts = parse(&output);
    if !success && counts.failed == 0 {
        counts.failed = 1;
    }
    SuiteResult {
        name: name.to_owned(),
        counts,
    }
}

/// Runs a command, echoing its stdout as it comes and returning it too.
fn run_teed(command: &mut Command) -> anyhow::Result<(bool, String)> {
    let mut child = command
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("cannot start `{}`", describe(command)))?;
    let mut captured = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.context("reading the suite's output")?;
            println!("{line}");
            captured.push_str(&line);
            captured.push('\n');
        }
    }
    let status = child.wait().context("waiting for the suite")?;
    Ok((status.success(), captured))
}

/// Sums libtest's `test result: ok. N passed; M failed; ...` lines (also printed by
/// wasm-bindgen-test-runner).
fn cargo_counts(output: &str) -> Counts {
    let mut counts = Counts::default();
    for line in output.lines().filter(|line| line.contains("test result:")) {
        counts.passed += number_before(line, " passed").unwrap_or(0);
        counts.failed += number_before(line, " failed").unwrap_or(0);
    }
    counts
}

/// Reads node's test runner summary: `ℹ pass N` / `ℹ fail N` (spec) or `# pass N` (TAP).
fn node_counts(output: &str) -> Counts {
    let mut counts = Counts::default();
    for line in output.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [marker, what, n] = words[..] {
            if marker == "ℹ" || marker == "#" {
                match (what, n.parse::<u64>()) {
                    ("pass", Ok(n)) => counts.passed += n,
                    ("fail", Ok(n)) => counts.failed += n,
                    _ => {}
                }
            }
        }
    }
    counts
}

fn number_before(line: &str, word: &str) -> Option<u64> {
    let end = line.find(word)?;
    line[..end].split_whitespace().last()?.parse().ok()
}

/// Builds the release app, starts a debug `forma serve` on a free port with a fresh
/// database, runs the Playwright tests against it, and stops the server whatever
/// happened.
fn end_to_end() -> SuiteResult {
    let name = "end-to-end (Playwright, Chromium)";
    eprintln!("\nxtask: == {name}");
    let failed = |why: anyhow::Error| {
        eprintln!("xtask: {name}: {why:#}");
        SuiteResult {
            name: name.to_owned(),
            counts: Counts {
                passed: 0,
                failed: 1,
            },
        }
    };
    if let Err(error) = app_build::build_app() {
        return failed(error.context("building the app"));
    }
    if let Err(error) = project::run(command("cargo").args([
        "build",
        "--quiet",
        "-p",
        "forma-server",
        "--bin",
        "forma",
    ])) {
        return failed(error);
    }
    let data_dir = std::env::temp_dir().join(format!("forma-e2e-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data_dir);
    let server = match TestServer::start(&data_dir) {
        Ok(server) => server,
        Err(error) => return failed(error),
    };
    let screenshots = project::target_dir().join("e2e");
    let mut node = command("node");
    node.args(["--test", "--test-reporter=spec", "--test-concurrency=1"])
        .arg(project::root().join("tests").join("e2e"))
        .env("FORMA_URL", &server.url)
        // For tests that start (and stop) a server of their own.
        .env(
            "FORMA_BIN",
            project::target_dir().join("debug").join("forma"),
        )
        .env("FORMA_DIST_DIR", app_build::dist_dir())
        .env("FORMA_SCREENSHOT_DIR", &screenshots)
        .env("CHROMIUM_PATH", tools::CHROMIUM);
    let result = suite(name, &mut node, node_counts);
    drop(server);
    let _ = std::fs::remove_dir_all(&data_dir);
    eprintln!("xtask: screenshots are in {}", screenshots.display());
    result
}

/// A `forma serve` child process, stopped (SIGTERM, then kill) when dropped.
struct TestServer {
    child: Child,
    url: String,
}

impl TestServer {
    fn start(data_dir: &Path) -> anyhow::Result<TestServer> {
        let forma: PathBuf = project::target_dir().join("debug").join("forma");
        let mut child = command(&forma)
            .args(["serve", "--port", "0", "--data-dir"])
            .arg(data_dir)
            .arg("--dist-dir")
            .arg(app_build::dist_dir())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start {}", forma.display()))?;
        let stdout = child.stdout.take().context("server stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(url) = line.strip_prefix("Forma is serving on ") {
                    let _ = sender.send(url.trim().to_owned());
                }
            }
        });
        let mut server = TestServer {
            child,
            url: String::new(),
        };
        match receiver.recv_timeout(Duration::from_secs(120)) {
            Ok(url) => {
                eprintln!("xtask: test server on {url}");
                server.url = url;
                Ok(server)
            }
            Err(_) => bail!("the test server did not report its address within 120 s"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        for _ in 0..50 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        eprintln!("xtask: the test server did not stop on SIGTERM within 5 s; killing it");
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_counts_sum_every_result_line() {
        let output = "test result: ok. 5 passed; 0 failed; 0 ignored\n\
                      noise\n\
                      test result: FAILED. 2 passed; 1 failed; 0 ignored\n";
        let counts = cargo_counts(output);
        assert_eq!((counts.passed, counts.failed), (7, 1));
    }

    #[test]
    fn node_counts_read_spec_and_tap_summaries() {
        let spec = "ℹ tests 4\nℹ pass 3\nℹ fail 1\nℹ cancelled 0\n";
        let tap = "# pass 2\n# fail 0\n";
        let spec_counts = node_counts(spec);
        let tap_counts = node_counts(tap);
        assert_eq!((spec_counts.passed, spec_counts.failed), (3, 1));
        assert_eq!((tap_counts.passed, tap_counts.failed), (2, 0));
    }

    #[test]
    fn a_suite_that_fails_without_counts_counts_as_a_failure() {
        let result = suite("broken", Command::new("false").arg("x"), cargo_counts);
        assert_eq!((result.counts.passed, result.counts.failed), (0, 1));
    }
}
