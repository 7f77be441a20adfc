//! `cargo xtask bench`: the performance figures the issues ask for, measured in one
//! run on this machine and written to `target/bench/results.md`.
//!
//! - `forma metrics` on 1,000 athletes x 3 years of daily sessions, whole process,
//!   against the same columns computed with the `acwr` package and pandas.
//! - forma-core's metrics alone on the same data (`cargo bench -p forma-core`).
//! - A what-if plan edit (two years of history, 28 days planned) in headless
//!   Chromium: projection with the model and policy, and the chart.
//! - The injury and illness model on 100,000 synthetic rows: one fit, the whole
//!   training with backtests, scoring a row, the artifact's size
//!   (`cargo bench -p forma-core --bench training`).
//! - The model on the two real teams (SoccerMon 2020 and PMData, imported with
//!   `forma import`): Forma's backtests (every model and baseline, with
//!   intervals) beside scikit-learn's models fitted on `forma export features`
//!   with the same folds (`bench/sklearn_compare.py`). `cargo xtask bench model`
//!   runs the model's parts alone (with the training and wasm figures), into
//!   `target/bench/model.md`.
//! - In wasm in headless Chromium: one athlete's metrics, and scoring one row
//!   with a natively trained model (the `BENCH` lines of `tests/wasm.rs`).
//! - `forma serve` with the demo team under floods: its memory before and after a
//!   flood of series windows and one of sign-ins, and `/api/health` latency with
//!   1,000 and 3,000 slow clients and 5,000 idle ones connected
//!   (`benches/floods.rs`). `cargo xtask
//!   bench bounds` runs this part alone, into `target/bench/bounds.md`.
//!
//! The data set is made from real PMData sessions: each synthetic day draws a real
//! (minutes, RPE) pair, so loads have real-world spread.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{bail, Context};

use crate::app_build;
use crate::project::{self, command, output_of, run};

const ATHLETES: usize = 1_000;
const DAYS: usize = 3 * 365 + 1;
/// Share of days with a session; the rest are rest days.
const TRAINING_SHARE: f64 = 0.8;

pub fn run_all(args: &[String]) -> anyhow::Result<ExitCode> {
    let bench_dir = project::target_dir().join("bench");
    let server_only = match args.first().map(String::as_str) {
        None => false,
        Some("server") if args.len() == 1 => true,
        Some("bounds") if args.len() == 1 => return run_bounds(),
        Some("model") if args.len() == 1 => {
            std::fs::create_dir_all(&bench_dir)?;
            return model_only_run(&bench_dir);
        }
        Some(arg) => bail!(
            "`cargo xtask bench` takes no arguments, `server` for the server's figures alone, `model` for the risk model's alone or `bounds` for the floods alone (got `{arg}`)"
        ),
    };
    std::fs::create_dir_all(&bench_dir)?;
    if server_only {
        return server_only_run(&bench_dir);
    }
    crate::tools::ensure_test_tools()?;
    app_build::build_app()?;
    let forma = app_build::build_server_release()?;
    let sessions = bench_dir.join("sessions-1000x3y.csv");
    let rows = make_sessions(&forma, &bench_dir, &sessions)?;
    let mut report = String::new();
    writeln!(report, "# Forma benchmarks\n")?;
    writeln!(report, "Machine: {} cores; {}", cores(), cpu_model())?;
    writeln!(
        report,
        "Input: {ATHLETES} athletes x {DAYS} days, {rows} session rows ({})\n",
        sessions.display()
    )?;

    // Whole-process `forma metrics`, best and median of five.
    let out = bench_dir.join("metrics-forma.csv");
    let mut forma_times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        run(command(&forma)
            .arg("metrics")
            .arg("--sessions")
            .arg(&sessions)
            .arg("--out")
            .arg(&out))?;
        forma_times.push(start.elapsed());
    }
    forma_times.sort();
    let forma_median = forma_times[2];
    writeln!(report, "## forma metrics, whole process (5 runs)\n")?;
    writeln!(
        report,
        "- median {:.3} s, best {:.3} s\n",
        forma_median.as_secs_f64(),
        forma_times[0].as_secs_f64()
    )?;

    // The same columns with acwr and pandas, one run.
    let python = python_with_acwr(&bench_dir)?;
    let script = project::root()
        .join("xtask")
        .join("bench")
        .join("acwr_pandas.py");
    let start = Instant::now();
    run(command(&python)
        .arg(&script)
        .arg(&sessions)
        .arg(bench_dir.join("metrics-acwr.csv")))?;
    let python_time = start.elapsed();
    writeln!(report, "## acwr + pandas, same columns, same CSV (1 run)\n")?;
    writeln!(report, "- {:.1} s", python_time.as_secs_f64())?;
    writeln!(
        report,
        "- forma metrics is {:.0} times faster (median)\n",
        python_time.as_secs_f64() / forma_median.as_secs_f64().max(1e-9)
    )?;

    // forma-core alone.
    let core_bench = project::root().join("crates/forma-core/benches/metrics.rs");
    if core_bench.is_file() {
        let output = output_of(
            command("cargo")
                .args([
                    "bench",
                    "-q",
                    "-p",
                    "forma-core",
                    "--bench",
                    "metrics",
                    "--",
                ])
                .arg(&sessions),
        )
        .context("cargo bench -p forma-core --bench metrics failed")?;
        writeln!(
            report,
            "## forma-core metrics alone\n\n```\n{}```\n",
            output
        )?;
    }

    training_figures(&mut report)?;

    wasm_core_figures(&mut report)?;

    // The what-if plan (issue 10): two years of history, a 28-day plan, each edit
    // projected with the model and the policy and the chart redrawn, in headless
    // Chromium (release). The whole page's figure is the end-to-end test's
    // (tests/e2e/plan-two-years.test.mjs, written to target/e2e).
    let plan = output_of(
        command("cargo")
            .args([
                "test",
                "--release",
                "-p",
                "forma-web",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "plan_browser",
                "--",
                "--nocapture",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", crate::tools::CHROMEDRIVER),
    )
    .context("the plan timing run failed")?;
    let lines: String = plan
        .lines()
        .filter(|line| line.contains("plan edit") || line.contains("of which"))
        .map(|line| format!("- {}\n", line.trim()))
        .collect();
    writeln!(
        report,
        "## What-if plan edit in wasm, headless Chromium (release)\n\n{}",
        if lines.is_empty() {
            "- no timing line printed\n"
        } else {
            &lines
        }
    )?;

    model_comparison(&forma, &bench_dir, &mut report)?;

    server_figures(&forma, &bench_dir, &sessions, rows, true, &mut report)?;

    flood_figures(&forma, &bench_dir, &mut report)?;

    wasm_size(&mut report)?;

    let results = bench_dir.join("results.md");
    std::fs::write(&results, &report)?;
    print!("{report}");
    eprintln!("xtask: results written to {}", results.display());
    Ok(ExitCode::SUCCESS)
}

/// The injury and illness model on 100,000 synthetic rows: one fit, the whole
/// training with backtests, scoring a row, the artifact's size
/// (`benches/training.rs`).
fn training_figures(report: &mut String) -> anyhow::Result<()> {
    let training_bench = project::root().join("crates/forma-core/benches/training.rs");
    if training_bench.is_file() {
        let output = output_of(command("cargo").args([
            "bench",
            "-q",
            "-p",
            "forma-core",
            "--bench",
            "training",
        ]))
        .context("cargo bench -p forma-core --bench training failed")?;
        writeln!(
            report,
            "## forma-core model training, 100,000 rows of the feature schema (native)\n\n```\n{}```\n",
            output
        )?;
    }

    Ok(())
}

/// forma-core in wasm in headless Chromium (release): one athlete's metrics over
/// 3 years and scoring one row with a natively trained model (the `BENCH`
/// lines of `tests/wasm.rs`).
fn wasm_core_figures(report: &mut String) -> anyhow::Result<()> {
    let wasm = output_of(
        command("cargo")
            .args([
                "test",
                "--release",
                "-p",
                "forma-core",
                "--target",
                "wasm32-unknown-unknown",
                "--test",
                "wasm",
                "--",
                "--nocapture",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                "wasm-bindgen-test-runner",
            )
            .env("CHROMEDRIVER", crate::tools::CHROMEDRIVER),
    )
    .context("the wasm timing run failed")?;
    let lines: Vec<String> = wasm
        .lines()
        .filter(|line| line.contains("BENCH"))
        .map(|line| format!("- {}\n", line.trim()))
        .collect();
    let lines = if lines.is_empty() {
        "- no BENCH line printed\n".to_owned()
    } else {
        lines.concat()
    };
    writeln!(
        report,
        "## forma-core in wasm, headless Chromium (release)\n\n{lines}"
    )?;

    Ok(())
}

/// `cargo xtask bench model`: the model's figures alone (training on 100,000
/// rows, scoring in wasm, the two real teams against scikit-learn), into
/// `target/bench/model.md`.
fn model_only_run(bench_dir: &Path) -> anyhow::Result<ExitCode> {
    crate::tools::ensure_test_tools()?;
    let forma = app_build::build_server_release()?;
    let mut report = String::new();
    writeln!(report, "# Forma's risk model\n")?;
    writeln!(report, "Machine: {} cores; {}\n", cores(), cpu_model())?;
    training_figures(&mut report)?;
    wasm_core_figures(&mut report)?;
    model_comparison(&forma, bench_dir, &mut report)?;
    let results = bench_dir.join("model.md");
    std::fs::write(&results, &report)?;
    print!("{report}");
    eprintln!("xtask: results written to {}", results.display());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench server`: the import and the load generator alone (no app
/// build, no browser), into `target/bench/server.md`.
fn server_only_run(bench_dir: &Path) -> anyhow::Result<ExitCode> {
    let forma = app_build::build_server_release()?;
    let sessions = bench_dir.join("sessions-1000x3y.csv");
    let rows = make_sessions(&forma, bench_dir, &sessions)?;
    let mut report = String::new();
    writeln!(report, "# Forma server benchmarks\n")?;
    writeln!(report, "Machine: {} cores; {}\n", cores(), cpu_model())?;
    server_figures(&forma, bench_dir, &sessions, rows, false, &mut report)?;
    let results = bench_dir.join("server.md");
    std::fs::write(&results, &report)?;
    print!("{report}");
    eprintln!("xtask: results written to {}", results.display());
    Ok(ExitCode::SUCCESS)
}

/// `cargo xtask bench bounds`: the flood figures alone.
fn run_bounds() -> anyhow::Result<ExitCode> {
    let bench_dir = project::target_dir().join("bench");
    std::fs::create_dir_all(&bench_dir)?;
    crate::tools::ensure_test_tools()?;
    app_build::build_app()?;
    let forma = app_build::build_server_release()?;
    let mut report = String::new();
    writeln!(report, "# Forma under floods\n")?;
    writeln!(report, "Machine: {} cores; {}\n", cores(), cpu_model())?;
    flood_figures(&forma, &bench_dir, &mut report)?;
    let results = bench_dir.join("bounds.md");
    std::fs::write(&results, &report)?;
    print!("{report}");
    eprintln!("xtask: results written to {}", results.display());
    Ok(ExitCode::SUCCESS)
}

/// A fresh `forma serve` with the demo team (no first model, so nothing trains
/// while it is measured) under the floods of `benches/floods.rs`.
fn flood_figures(forma: &Path, bench_dir: &Path, report: &mut String) -> anyhow::Result<()> {
    let data_dir = bench_dir.join("flood-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    let mut server = command(forma)
        .args(["serve", "--no-first-model", "--port", "0", "--data-dir"])
        .arg(&data_dir)
        .arg("--dist-dir")
        .arg(app_build::dist_dir())
        .arg("--demo-data")
        .arg(project::root().join("../shared/data/pmdata"))
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot start forma serve")?;
    let stdout = server.stdout.take().context("server stdout")?;
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.strip_prefix("Forma is serving on ") {
                    break url.to_owned();
                }
            }
            _ => {
                let _ = server.kill();
                bail!("the flood server stopped before printing its address");
            }
        }
    };
    let floods = output_of(
        command("cargo")
            .args([
                "bench",
                "-q",
                "-p",
                "forma-server",
                "--bench",
                "floods",
                "--",
            ])
            .arg(&url)
            .arg(server.id().to_string())
            .args(["slow:1000", "slow:3000", "idle:5000"]),
    );
    let _ = command("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    let _ = server.wait();
    let floods = floods.context("the flood generator failed")?;
    writeln!(
        report,
        "## forma serve (release, demo team) under floods\n\n```\n{floods}```\n"
    )?;
    Ok(())
}

/// The release app's wasm, raw and gzipped (gzip -9, as a server would send it).
fn wasm_size(report: &mut String) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(app_build::dist_dir())? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let raw = std::fs::metadata(&path)?.len();
            let gzipped = output_of(
                command("sh")
                    .arg("-c")
                    .arg(format!("gzip -9 -c '{}' | wc -c", path.display())),
            )
            .and_then(|n| n.trim().parse::<u64>().ok())
            .context("gzip is needed to measure the compressed size")?;
            writeln!(
                report,
                "## Release app\n\n- {}: {:.0} KB raw, {:.0} KB gzipped\n",
                path.file_name().unwrap_or_default().to_string_lossy(),
                raw as f64 / 1024.0,
                gzipped as f64 / 1024.0
            )?;
        }
    }
    Ok(())
}

/// The risk model on the two real teams, imported through Forma's own importers:
/// Forma's backtests (`forma backtest --json`), then scikit-learn on `forma
/// export features` with the same folds (`bench/sklearn_compare.py`).
fn model_comparison(forma: &Path, bench_dir: &Path, report: &mut String) -> anyhow::Result<()> {
    let python = python_with_acwr(bench_dir)?;
    let shared = project::root().join("../shared/data");
    let script = project::root().join("xtask/bench/sklearn_compare.py");
    writeln!(
        report,
        "## Risk model: Forma against scikit-learn on Forma's feature matrix\n"
    )?;
    for (name, import) in [("SoccerMon 2020", "soccermon"), ("PMData", "pmdata")] {
        let data_dir = bench_dir.join(format!("model-{import}"));
        let _ = std::fs::remove_dir_all(&data_dir);
        let data_arg = data_dir.to_string_lossy().into_owned();
        if import == "pmdata" {
            run(command(forma)
                .args(["import", "pmdata"])
                .arg(shared.join("pmdata"))
                .args(["--team", "pmdata", "--data-dir", &data_arg]))?;
        } else {
            for kind in ["sessions", "wellness", "events"] {
                run(command(forma)
                    .args(["import", kind])
                    .arg(shared.join("soccermon-2020").join(format!("{kind}.csv")))
                    .args(["--team", "soccermon", "--time-zone", "Europe/Oslo"])
                    .args(["--data-dir", &data_arg]))?;
            }
        }
        let started = Instant::now();
        let card = output_of(
            command(forma)
                .args(["backtest", "--json", "--data-dir", &data_arg])
                .stderr(std::process::Stdio::inherit()),
        )
        .with_context(|| format!("forma backtest on {name} failed"))?;
        let trained = started.elapsed();
        let card_file = bench_dir.join(format!("card-{import}.json"));
        std::fs::write(&card_file, card)?;
        let features = bench_dir.join(format!("features-{import}.csv"));
        run(command(forma)
            .args(["export", "features", "--data-dir", &data_arg, "--out"])
            .arg(&features))?;
        let table = output_of(
            command(&python)
                .arg(&script)
                .arg(&features)
                .arg(&card_file)
                .arg(name)
                .stderr(std::process::Stdio::inherit()),
        )
        .with_context(|| format!("the scikit-learn comparison on {name} failed"))?;
        writeln!(
            report,
            "{table}\nForma's training with backtests on {name}: {:.1} s (whole `forma backtest`)\n",
            trained.as_secs_f64()
        )?;
    }
    Ok(())
}

/// Import speed, then latency and throughput of the running server under a loopback
/// load generator.
fn server_figures(
    forma: &Path,
    bench_dir: &Path,
    sessions: &Path,
    rows: usize,
    with_pages: bool,
    report: &mut String,
) -> anyhow::Result<()> {
    let data_dir = bench_dir.join("server-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    let start = Instant::now();
    run(command(forma)
        .args(["import", "sessions"])
        .arg(sessions)
        .args(["--team", "bench", "--data-dir"])
        .arg(&data_dir))?;
    let import = start.elapsed();
    writeln!(
        report,
        "## forma import sessions, same CSV, fresh database\n"
    )?;
    writeln!(
        report,
        "- {rows} rows in {:.1} s: {:.0} rows/s\n",
        import.as_secs_f64(),
        rows as f64 / import.as_secs_f64()
    )?;

    // A team of 50 for the page figures, and its coach.
    let fifty: String = std::fs::read_to_string(sessions)?
        .lines()
        .enumerate()
        .filter(|(i, line)| {
            *i == 0
                || line
                    .get(1..5)
                    .and_then(|n| n.parse::<u32>().ok())
                    .is_some_and(|n| n < 50)
        })
        .map(|(_, line)| format!("{}\n", line.replacen("a00", "t00", 1)))
        .collect();
    let fifty_path = bench_dir.join("sessions-50x3y.csv");
    std::fs::write(&fifty_path, fifty)?;
    run(command(forma)
        .args(["import", "sessions"])
        .arg(&fifty_path)
        .args(["--team", "bench50", "--data-dir"])
        .arg(&data_dir))?;
    let mut add = command(forma)
        .args([
            "user",
            "add",
            "--email",
            "bench@forma.test",
            "--role",
            "coach",
            "--team",
            "bench50",
            "--password-stdin",
            "--data-dir",
        ])
        .arg(&data_dir)
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = add.stdin.take() {
        use std::io::Write as _;
        stdin.write_all(b"bench-coach-password\n")?;
    }
    if !add.wait()?.success() {
        bail!("forma user add failed");
    }

    let mut server = command(forma)
        // The bench data has no injuries: no model to train, and training would
        // take the cores the load generator measures.
        .args([
            "serve",
            "--no-demo",
            "--no-first-model",
            "--port",
            "0",
            "--data-dir",
        ])
        .arg(&data_dir)
        .arg("--dist-dir")
        .arg(app_build::dist_dir())
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("cannot start forma serve")?;
    let stdout = server.stdout.take().context("server stdout")?;
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
    let url = loop {
        match lines.next() {
            Some(Ok(line)) => {
                if let Some(url) = line.strip_prefix("Forma is serving on ") {
                    break url.to_owned();
                }
            }
            _ => {
                let _ = server.kill();
                bail!("the bench server stopped before printing its address");
            }
        }
    };
    let load = output_of(
        command("cargo")
            .args(["bench", "-q", "-p", "forma-server", "--bench", "load", "--"])
            .arg(&url)
            .args([
                "bench50",
                "t0001",
                "bench@forma.test",
                "bench-coach-password",
            ])
            .arg("--server-pid")
            .arg(server.id().to_string()),
    );
    let pages = with_pages.then(|| {
        output_of(
            command("node")
                .arg(project::root().join("xtask/bench/pages.mjs"))
                .args([
                    url.as_str(),
                    "bench@forma.test",
                    "bench-coach-password",
                    "50",
                    "t0001",
                ])
                .env("CHROMIUM_PATH", crate::tools::CHROMIUM),
        )
    });
    let _ = command("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status();
    let _ = server.wait();
    let load = load.context("the load generator failed")?;
    if let Some(pages) = pages {
        let pages = pages.context("the page timing run failed")?;
        writeln!(
            report,
            "## Pages in headless Chromium (release app)\n\n```\n{pages}```\n"
        )?;
    }
    writeln!(
        report,
        "## forma serve under a loopback load generator (closed loop, 15 s per run; team bench50, 50 athletes x 3 years)\n\n```\n{load}```\n"
    )?;
    Ok(())
}

/// Writes the 1,000-athlete session file (once; it is deterministic) and returns its row count.
fn make_sessions(forma: &Path, bench_dir: &Path, path: &Path) -> anyhow::Result<usize> {
    let pmdata_out = bench_dir.join("pmdata");
    run(command(forma)
        .args(["convert", "pmdata"])
        .arg(project::root().join("../shared/data/pmdata"))
        .arg("--out")
        .arg(&pmdata_out))?;
    let real = std::fs::read_to_string(pmdata_out.join("sessions.csv"))?;
    let pairs: Vec<(String, String)> = real
        .lines()
        .skip(1)
        .filter_map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Some((cells.get(3)?.to_string(), cells.get(4)?.to_string()))
        })
        .filter(|(minutes, rpe)| !minutes.is_empty() && !rpe.is_empty())
        .collect();
    if pairs.is_empty() {
        bail!("no PMData sessions with minutes and RPE to sample from");
    }
    let mut random = SplitMix64(0x5eed_f0e4a);
    let mut csv = String::with_capacity(ATHLETES * DAYS * 50);
    csv.push_str("athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n");
    let mut rows = 0;
    let dates: Vec<String> = (0..DAYS).map(date_after_2021_01_01).collect();
    for athlete in 0..ATHLETES {
        for date in &dates {
            if random.unit() < TRAINING_SHARE {
                let (minutes, rpe) = &pairs[(random.next() % pairs.len() as u64) as usize];
                writeln!(csv, "a{athlete:04},{date},running,{minutes},{rpe},,,,bench")?;
                rows += 1;
            }
        }
    }
    std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(rows)
}

fn date_after_2021_01_01(offset: usize) -> String {
    // Civil-from-days (Howard Hinnant's algorithm), 2021-01-01 = day 18628 since 1970.
    let z = 18_628 + offset as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A small deterministic generator (SplitMix64), so every run benchmarks the same file.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A virtualenv under target/bench with acwr, pandas and scikit-learn (from
/// PyPI), made once.
fn python_with_acwr(bench_dir: &Path) -> anyhow::Result<PathBuf> {
    let venv = bench_dir.join("venv");
    let python = venv.join("bin").join("python");
    if output_of(command(&python).args(["-c", "import acwr, pandas, sklearn"])).is_some() {
        return Ok(python);
    }
    run(command("python3").args(["-m", "venv"]).arg(&venv))?;
    run(command(venv.join("bin").join("pip")).args([
        "install",
        "--quiet",
        "acwr",
        "pandas",
        "scikit-learn",
    ]))?;
    Ok(python)
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split(':').nth(1))
                .map(|model| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned())
}
