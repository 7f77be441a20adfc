//! Agreement with the `acwr` package (PyPI, MIT) on all 16 PMData athletes, to
//! 1e-9 for every column the package computes. The package is installed into a
//! cached virtual environment under the system temp dir on first run.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use forma_core::canonical::write_sessions;
use forma_core::metrics::MetricsOptions;
use forma_core::pipeline::{metrics_csv, InputOptions};

use crate::pmdata;

const ACWR_VERSION: &str = "0.1.1";

fn run(cmd: &mut Command, what: &str) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot start {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The venv's python with `acwr` importable, creating the venv when needed.
fn reference_python() -> PathBuf {
    let venv = std::env::temp_dir().join(format!("forma-acwr-{ACWR_VERSION}-venv"));
    let python = venv.join("bin").join("python");
    let ready = python.exists()
        && Command::new(&python)
            .args(["-c", "import acwr, pandas"])
            .status()
            .is_ok_and(|s| s.success());
    if !ready {
        let found = Command::new("python3").arg("--version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "python3 is required for the acwr agreement test but was not found on PATH; \
             install it (Debian: apt-get install python3 python3-venv)"
        );
        run(
            Command::new("python3")
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
            "creating the acwr virtual environment (needs python3-venv)",
        );
        run(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .arg(format!("acwr=={ACWR_VERSION}"))
                .arg("pandas"),
            "pip install acwr pandas",
        );
    }
    python
}

/// Rows keyed by (athlete, date).
type Rows = HashMap<(String, String), Vec<String>>;

fn parse_table(text: &str) -> (Vec<String>, Rows) {
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .expect("a header")
        .split(',')
        .map(str::to_owned)
        .collect();
    let rows = lines
        .map(|l| {
            let cells: Vec<String> = l.split(',').map(str::to_owned).collect();
            ((cells[0].clone(), cells[1].clone()), cells)
        })
        .collect();
    (header, rows)
}

fn agree(ours: &str, theirs: &str) -> bool {
    if ours.is_empty()
        || theirs.is_empty()
        || ours == "inf"
        || theirs == "inf"
        || ours == "-inf"
        || theirs == "-inf"
    {
        return ours == theirs;
    }
    let (a, b): (f64, f64) = (
        ours.parse().expect("a number"),
        theirs.parse().expect("a number"),
    );
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn every_acwr_column_agrees_with_the_acwr_package_on_all_pmdata_athletes() {
    let all = pmdata();
    // p16 filed 11 sRPE forms, all without RPE or minutes: no sessions, nothing to compare.
    let with_sessions = all.iter().filter(|(_, c)| !c.sessions.is_empty()).count();
    assert_eq!(with_sessions, 15);
    let sessions: Vec<_> = all.into_iter().flat_map(|(_, c)| c.sessions).collect();
    let sessions_csv = write_sessions(&sessions);
    let dir = std::env::temp_dir().join(format!("forma-acwr-agreement-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temp dir");
    let input = dir.join("sessions.csv");
    let output = dir.join("reference.csv");
    std::fs::write(&input, &sessions_csv).expect("writing sessions");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/acwr_reference.py");
    run(
        Command::new(reference_python())
            .arg(&script)
            .arg(&input)
            .arg(&output),
        "tests/acwr_reference.py",
    );
    let reference = std::fs::read_to_string(&output).expect("the reference output");
    let _ = std::fs::remove_dir_all(&dir);

    let ours = metrics_csv(
        &sessions_csv,
        None,
        &MetricsOptions::default(),
        &InputOptions::default(),
    )
    .expect("valid sessions")
    .csv;
    let (our_header, our_rows) = parse_table(&ours);
    let (their_header, their_rows) = parse_table(&reference);
    assert_eq!(our_rows.len(), their_rows.len(), "same athlete-days");
    let athletes: std::collections::BTreeSet<_> = their_rows.keys().map(|k| k.0.clone()).collect();
    assert_eq!(athletes.len(), with_sessions);

    let mut compared = 0;
    let mut defined = 0;
    for (j, column) in their_header.iter().enumerate().skip(2) {
        let i = our_header
            .iter()
            .position(|c| c == column)
            .unwrap_or_else(|| panic!("no column {column}"));
        for (key, theirs) in &their_rows {
            let ours = &our_rows
                .get(key)
                .unwrap_or_else(|| panic!("no row for {key:?}"))[i];
            assert!(
                agree(ours, &theirs[j]),
                "{column} on {} {}: ours {ours:?}, acwr {:?}",
                key.0,
                key.1,
                theirs[j]
            );
            compared += 1;
            defined += usize::from(!theirs[j].is_empty());
        }
    }
    assert_eq!(their_header.len(), 14);
    assert!(defined > compared / 2, "{defined} of {compared} defined");
}
