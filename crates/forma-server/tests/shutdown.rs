//! Graceful shutdown: SIGTERM while the first model trains ends the process within
//! a few seconds, instead of leaving it running until the training ends.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn sigterm_during_a_training_run_exits_within_seconds() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pmdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pmdata");
    let mut child = Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(dir.path())
        .arg("--demo-data")
        .arg(pmdata)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("forma serve starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    for line in lines.by_ref() {
        if line
            .expect("utf-8")
            .contains("training the team's first one")
        {
            break;
        }
    }
    let sent = Instant::now();
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let rest: Vec<String> = lines.map(|line| line.expect("utf-8")).collect();
    let exit = child.wait().expect("reaped");
    let took = sent.elapsed();
    assert!(exit.success(), "{exit:?}: {rest:?}");
    assert!(
        took < Duration::from_secs(5),
        "exited {took:?} after SIGTERM: {rest:?}"
    );
    // Stopped while it gathered the data or while it computed: either way
    // cleanly, and before the database closed.
    assert!(
        rest.iter().any(|l| l.contains("stopped cleanly")),
        "{rest:?}"
    );
    assert!(
        !rest.iter().any(|l| l.contains("trained the risk model")),
        "the training ran to its end instead: {rest:?}"
    );
    // The shutdown cancelled the training, which stopped at its next check and
    // said so, rather than the process ending under it.
    assert!(
        rest.iter()
            .any(|l| l.contains("cancelled by the server's shutdown; nothing was stored")),
        "{rest:?}"
    );
    assert!(
        !rest.iter().any(|l| l.contains("has not stopped yet")),
        "{rest:?}"
    );
}
