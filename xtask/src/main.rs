//! Forma's automation, reached as `cargo xtask ...` (see `.cargo/config.toml`).
//!
//! - `cargo xtask run [--port N] [--data-dir DIR]`: install what is missing, build the
//!   app and the server in release, and serve Forma.
//! - `cargo xtask test`: install what is missing and run every check and test suite,
//!   ending with one line `N passed, N failed`.
//! - `cargo xtask build`: install what is missing and build the app and server only.
//! - `cargo xtask bench`: the performance figures, in `target/bench/results.md`;
//!   `cargo xtask bench server` measures the server alone, `cargo xtask bench model`
//!   the risk model alone.

mod app_build;
mod bench;
mod project;
mod serve;
mod test;
mod tools;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  run [--port N] [--data-dir DIR] [-- FLAGS...]
                 install what is missing, build in release and serve Forma
                 (default 127.0.0.1:8080, database in data/); flags after --
                 go to `forma serve`
  test           install what is missing and run every check and test
  build          install what is missing and build the app and server in release
  bench          measure the performance figures; results in target/bench/results.md
  bench server   the server's figures alone (import, load generator); target/bench/server.md
  bench model    the risk model's figures alone (training, wasm scoring, the real teams
                 against scikit-learn); target/bench/model.md
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.first().map(String::as_str) {
        Some("run") => serve::run(&args[1..]),
        Some("test") => test::run(&args[1..]),
        Some("build") => app_build::build_all(),
        Some("bench") => bench::run_all(&args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => Err(anyhow::anyhow!("unknown command `{other}`\n\n{USAGE}")),
        None => Err(anyhow::anyhow!("no command given\n\n{USAGE}")),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}
