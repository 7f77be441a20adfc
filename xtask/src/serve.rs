//! `cargo xtask run`: install, build, and serve Forma in the foreground.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};

use crate::app_build;
use crate::project::{self, command};
use crate::tools;

pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let mut port = String::from("8080");
    let mut data_dir = project::root().join("data");
    let mut passthrough = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => {
                port = args
                    .next()
                    .context("--port needs a number, e.g. --port 8080")?
                    .clone();
                port.parse::<u16>()
                    .with_context(|| format!("--port {port}: expected a port number 0 to 65535"))?;
            }
            "--data-dir" => {
                data_dir = PathBuf::from(args.next().context("--data-dir needs a folder")?);
            }
            "--" => passthrough.extend(args.by_ref().cloned()),
            other => {
                bail!("unknown flag `{other}` for `cargo xtask run` (try --port N, --data-dir DIR)")
            }
        }
    }
    tools::ensure_build_tools()?;
    app_build::build_app()?;
    let forma = app_build::build_server_release()?;
    let mut serve = command(forma);
    serve
        .arg("serve")
        .arg("--port")
        .arg(&port)
        .arg("--data-dir")
        .arg(&data_dir)
        .arg("--dist-dir")
        .arg(app_build::dist_dir())
        .args(&passthrough);
    eprintln!("xtask: $ {}", project::describe(&serve));
    exec(serve)
}

/// Replaces this process with the server, so Ctrl-C and SIGTERM reach it directly.
#[cfg(unix)]
fn exec(mut serve: std::process::Command) -> anyhow::Result<ExitCode> {
    use std::os::unix::process::CommandExt;
    let error = serve.exec();
    Err(error).context("cannot start the Forma server")
}

#[cfg(not(unix))]
fn exec(mut serve: std::process::Command) -> anyhow::Result<ExitCode> {
    let status = serve.status().context("cannot start the Forma server")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
