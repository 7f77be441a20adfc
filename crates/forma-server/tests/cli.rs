//! The `forma` file commands, run as a user would: the real binary on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn forma(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(args)
        .output()
        .expect("the forma binary runs")
}

fn shared_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Four weeks at 50 a day, then a week at 100 (session RPE 5 x 10 and 10 x 10 minutes).
fn step_sessions() -> String {
    let mut csv =
        String::from("athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n");
    for day in 0..35 {
        let date = jiff_date(day);
        let rpe = if day < 28 { 5 } else { 10 };
        csv.push_str(&format!("a1,{date},run,10,{rpe},,,,test\n"));
    }
    csv
}

fn jiff_date(offset: i32) -> String {
    forma_core::types::date_from_epoch_day(
        forma_core::types::epoch_day(forma_core::types::parse_date("2024-01-01").expect("date"))
            + offset,
    )
    .to_string()
}

#[test]
fn metrics_writes_the_documented_columns_and_the_published_step_values() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions.csv");
    std::fs::write(&sessions, step_sessions()).expect("write input");
    let out = dir.path().join("metrics.csv");

    let result = forma(&[
        "metrics",
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);

    assert!(result.status.success(), "{}", text(&result.stderr));
    let csv = std::fs::read_to_string(&out).expect("output written");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("athlete_id,date,load,acute_rac,chronic_rac,acwr_rac,chronic_rau,acwr_rau,acute_ewma,chronic_ewma,acwr_ewma,monotony,strain,week_change_pct,ctl,atl,tsb,observed")
    );
    let last: Vec<&str> = lines.last().expect("35 rows").split(',').collect();
    assert_eq!(last[1], "2024-02-04");
    let column = |i: usize| last[i].parse::<f64>().expect("a number");
    assert!((column(5) - 1.6).abs() < 1e-12, "coupled ratio {}", last[5]);
    assert!(
        (column(7) - 2.0).abs() < 1e-12,
        "uncoupled ratio {}",
        last[7]
    );
    assert!(
        (column(13) - 100.0).abs() < 1e-12,
        "week change {}",
        last[13]
    );
    assert_eq!(
        last[11], "inf",
        "a perfectly even week has infinite monotony"
    );
}

#[test]
fn a_bad_row_stops_with_file_line_column_value_and_leaves_existing_output_alone() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("team-sessions.csv");
    std::fs::write(
        &sessions,
        "athlete_id,date,duration_min,rpe,load\np01,2020-01-01,60,5,\np01,2020-01-02,sixty,5,\n",
    )
    .expect("write input");
    let out = dir.path().join("metrics.csv");
    std::fs::write(&out, "earlier output\n").expect("write old output");

    let result = forma(&[
        "metrics",
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ]);

    assert!(!result.status.success());
    let stderr = text(&result.stderr);
    for expected in [
        "team-sessions.csv",
        "line 3",
        "duration_min",
        "sixty",
        "from 0 to 1440 minutes",
    ] {
        assert!(
            stderr.contains(expected),
            "`{expected}` missing from: {stderr}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(&out).expect("old output"),
        "earlier output\n"
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).expect("list").count(),
        2,
        "no partial file is left"
    );
}

#[test]
fn skip_bad_leaves_bad_rows_out_and_lists_them() {
    let dir = tempfile::tempdir().expect("temp dir");
    let sessions = dir.path().join("sessions.csv");
    std::fs::write(
        &sessions,
        "athlete_id,date,duration_min,rpe,load\np01,2020-01-01,60,5,\np01,2020-02-30,60,5,\n",
    )
    .expect("write input");

    let result = forma(&[
        "metrics",
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--skip-bad",
    ]);

    assert!(result.status.success(), "{}", text(&result.stderr));
    assert!(text(&result.stderr).contains("2020-02-30"));
    assert_eq!(
        text(&result.stdout).lines().count(),
        2,
        "header and the one good day"
    );
}

#[test]
fn convert_pmdata_then_metrics_and_quality_cover_all_sixteen_participants() {
    let dir = tempfile::tempdir().expect("temp dir");
    let pmdata = shared_data().join("pmdata");

    let converted = forma(&[
        "convert",
        "pmdata",
        pmdata.to_str().expect("utf-8"),
        "--out",
        dir.path().to_str().expect("utf-8"),
    ]);

    assert!(converted.status.success(), "{}", text(&converted.stderr));
    let sessions = dir.path().join("sessions.csv");
    let wellness = dir.path().join("wellness.csv");
    assert!(dir.path().join("events.csv").is_file());
    let metrics = forma(&[
        "metrics",
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--wellness",
        wellness.to_str().expect("utf-8"),
        "--pmc",
        "goldencheetah",
        "--monotony-ddof",
        "0",
        "--decay",
        "half_life",
    ]);
    assert!(metrics.status.success(), "{}", text(&metrics.stderr));
    let athletes: std::collections::BTreeSet<String> = text(&metrics.stdout)
        .lines()
        .skip(1)
        .map(|line| line.split(',').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(athletes.len(), 16, "{athletes:?}");

    let quality = forma(&[
        "quality",
        "--sessions",
        sessions.to_str().expect("utf-8"),
        "--wellness",
        wellness.to_str().expect("utf-8"),
        "--as-of",
        "2020-03-31",
        "--json",
    ]);
    assert!(quality.status.success(), "{}", text(&quality.stderr));
    let reports: serde_json::Value = serde_json::from_slice(&quality.stdout).expect("JSON report");
    assert_eq!(reports.as_array().map(Vec::len), Some(16));
}

fn forma_with_input(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the forma binary runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write the password");
    child.wait_with_output().expect("forma ends")
}

#[test]
fn user_add_reads_the_password_from_stdin_refuses_what_it_cannot_accept_and_list_shows_no_hash() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().to_str().expect("utf-8");
    let add = |args: &[&str], password: &str| {
        let mut all = vec!["user", "add", "--password-stdin", "--data-dir", data];
        all.extend_from_slice(args);
        forma_with_input(&all, password)
    };

    let short = add(&["--email", "a@club.no", "--role", "admin"], "short\n");
    let coach_without_team = add(
        &["--email", "c@club.no", "--role", "coach"],
        "long-enough-1\n",
    );
    let unknown_team = add(
        &["--email", "c@club.no", "--role", "coach", "--team", "nope"],
        "long-enough-1\n",
    );
    let athlete_without_record = add(
        &["--email", "p@club.no", "--role", "athlete"],
        "long-enough-1\n",
    );
    let unknown_athlete = add(
        &[
            "--email",
            "p@club.no",
            "--role",
            "athlete",
            "--athlete",
            "p99",
        ],
        "long-enough-1\n",
    );
    let admin = add(
        &[
            "--email",
            "Admin@Club.no",
            "--role",
            "admin",
            "--name",
            "The Admin",
        ],
        "long-enough-1\n",
    );
    let list = forma(&["user", "list", "--data-dir", data]);

    for (output, expected) in [
        (&short, "at least 10"),
        (&coach_without_team, "--team"),
        (&unknown_team, "no team `nope`"),
        (&athlete_without_record, "--athlete"),
        (&unknown_athlete, "no athlete `p99`"),
    ] {
        assert!(!output.status.success());
        assert!(
            text(&output.stderr).contains(expected),
            "{}",
            text(&output.stderr)
        );
    }
    assert!(admin.status.success(), "{}", text(&admin.stderr));
    assert!(list.status.success(), "{}", text(&list.stderr));
    let listing = text(&list.stdout);
    assert!(
        listing.contains("admin@club.no") && listing.contains("admin"),
        "{listing}"
    );
    assert!(
        !listing.contains("argon2") && !listing.contains("long-enough"),
        "{listing}"
    );
    assert_eq!(listing.lines().count(), 1, "{listing}");
}

#[test]
fn train_backtest_and_models_manage_the_registry_from_the_command_line() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_str().expect("utf-8");
    let pmdata = shared_data().join("pmdata");
    let imported = forma(&[
        "import",
        "pmdata",
        pmdata.to_str().expect("utf-8"),
        "--team",
        "demo",
        "--data-dir",
        data_dir,
    ]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    let empty = forma(&["models", "list", "--data-dir", data_dir]);
    assert!(text(&empty.stdout).contains("No model is stored yet"));

    let trained = forma(&["train", "--data-dir", data_dir]);
    assert!(trained.status.success(), "{}", text(&trained.stderr));
    let out = text(&trained.stdout);
    let id = out
        .split_whitespace()
        .nth(1)
        .expect("Trained <id> ...")
        .to_owned();
    assert!(id.starts_with("m-") && id.len() == 18, "{out}");
    assert!(
        out.contains("on team demo") && out.contains(": 16 athletes"),
        "{out}"
    );
    assert!(
        out.contains("It is now the active model of team demo."),
        "{out}"
    );

    let list = text(&forma(&["models", "list", "--data-dir", data_dir]).stdout);
    assert_eq!(list.lines().next(), Some("Team demo:"), "{list}");
    let row = list.lines().nth(2).expect("one version");
    assert!(
        row.starts_with('*') && row.contains(&id) && row.ends_with("demo"),
        "{list}"
    );
    let nobody = forma(&["train", "--team", "nope", "--data-dir", data_dir]);
    assert!(!nobody.status.success());
    assert!(
        text(&nobody.stderr).contains("there is no team `nope`; the teams are: demo"),
        "{}",
        text(&nobody.stderr)
    );

    let again = text(&forma(&["train", "--data-dir", data_dir]).stdout);
    assert!(
        again.contains("The same model was stored already"),
        "{again}"
    );

    let card = forma(&["backtest", "--json", "--data-dir", data_dir]);
    assert!(card.status.success(), "{}", text(&card.stderr));
    let card: forma_core::model::card::ModelCard =
        serde_json::from_slice(&card.stdout).expect("the card as JSON");
    assert_eq!(card.data.athletes, 16);
    assert!(card.data.positive_rows > 0);
    let markdown = text(&forma(&["backtest", "--data-dir", data_dir]).stdout);
    assert!(
        markdown.starts_with('#') && markdown.contains("ROC AUC"),
        "{markdown}"
    );

    let unknown = forma(&[
        "models",
        "activate",
        "m-0000000000000000",
        "--data-dir",
        data_dir,
    ]);
    assert!(!unknown.status.success());
    assert!(
        text(&unknown.stderr).contains("there is no model version `m-0000000000000000`"),
        "{}",
        text(&unknown.stderr)
    );
    let rollback = forma(&["models", "rollback", "--data-dir", data_dir]);
    assert!(!rollback.status.success());
    assert!(
        text(&rollback.stderr).contains("team `demo` never had an earlier active model"),
        "{}",
        text(&rollback.stderr)
    );
    let activate = forma(&["models", "activate", &id, "--data-dir", data_dir]);
    assert!(activate.status.success(), "{}", text(&activate.stderr));
    assert!(text(&activate.stdout).contains("is now the active model of team demo"));
}

/// A small team in canonical CSV: four athletes training and checking in over
/// 160 days from 2024-01-01, with injury and illness reports on the given days
/// (athlete, day offset). Returns (sessions, wellness, events).
fn small_team(reports: &[(&str, i32)]) -> (String, String, String) {
    let mut sessions =
        String::from("athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n");
    let mut wellness = String::from(
        "athlete_id,date,sleep_h,sleep_quality,fatigue,soreness,stress,mood,readiness,hrv_rmssd_ms,resting_hr\n",
    );
    for (k, athlete) in ["a1", "a2", "a3", "a4"].iter().enumerate() {
        for day in 0..160 {
            let date = jiff_date(day);
            let k = k as i32;
            if (day + k) % 7 != 6 {
                let minutes = 40 + (day * 7 + k * 11) % 50;
                let rpe = 3 + (day * 3 + k) % 6;
                sessions.push_str(&format!("{athlete},{date},run,{minutes},{rpe},,,,test\n"));
            }
            if (day + k) % 3 != 0 {
                let fatigue = 1 + (day + 2 * k) % 5;
                let sleep = 6.0 + f64::from((day + k) % 4) * 0.5;
                wellness.push_str(&format!(
                    "{athlete},{date},{sleep},3,{fatigue},2,2,3,{},,\n",
                    4 + (day * 5 + k) % 6
                ));
            }
        }
    }
    let mut events = String::from("athlete_id,date,kind,severity,body_part,days_lost\n");
    for (athlete, day) in reports {
        events.push_str(&format!(
            "{athlete},{},injury,minor,knee,\n",
            jiff_date(*day)
        ));
    }
    (sessions, wellness, events)
}

/// A database in `dir` with the small team imported through `forma import`.
fn import_small_team(dir: &Path, reports: &[(&str, i32)]) {
    let (sessions, wellness, events) = small_team(reports);
    for (kind, contents) in [
        ("sessions", sessions),
        ("wellness", wellness),
        ("events", events),
    ] {
        let file = dir.join(format!("{kind}.csv"));
        std::fs::write(&file, contents).expect("write input");
        let imported = forma(&[
            "import",
            kind,
            file.to_str().expect("utf-8"),
            "--team",
            "small",
            "--data-dir",
            dir.to_str().expect("utf-8"),
        ]);
        assert!(imported.status.success(), "{}", text(&imported.stderr));
    }
}

/// The version id `forma train` printed.
fn trained_id(output: &Output) -> String {
    assert!(output.status.success(), "{}", text(&output.stderr));
    text(&output.stdout)
        .split_whitespace()
        .nth(1)
        .expect("Trained <id> ...")
        .to_owned()
}

/// Reports before and around 2024-05-01 (day 121): onsets in every athlete,
/// one the day after.
const REPORTS: [(&str, i32); 8] = [
    ("a1", 50),
    ("a1", 51),
    ("a2", 70),
    ("a3", 90),
    ("a4", 100),
    ("a1", 112),
    ("a2", 122),
    ("a3", 140),
];

#[test]
fn train_until_reads_no_target_window_past_the_day() {
    let until = "2024-05-01"; // day 121
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().expect("dir")).collect();
    // As recorded; the report of the day after moved two days later; and a
    // report well before the day moved to the day after it.
    let mut later = REPORTS;
    later[6] = ("a2", 124);
    let mut moved = REPORTS;
    moved[4] = ("a4", 122);
    for (dir, reports) in dirs.iter().zip([REPORTS, later, moved]) {
        import_small_team(dir.path(), &reports);
    }
    let train = |dir: &tempfile::TempDir| {
        trained_id(&forma(&[
            "train",
            "--until",
            until,
            "--data-dir",
            dir.path().to_str().expect("utf-8"),
        ]))
    };
    let ids: Vec<String> = dirs.iter().map(train).collect();
    assert_eq!(ids[0], ids[1], "a report after the day changes nothing");
    assert_ne!(ids[0], ids[2], "a report before the day is read");

    // Its last decision day's 7-day window ends by the day.
    let card = forma(&[
        "backtest",
        "--json",
        "--until",
        until,
        "--data-dir",
        dirs[0].path().to_str().expect("utf-8"),
    ]);
    assert!(card.status.success(), "{}", text(&card.stderr));
    let card: forma_core::model::card::ModelCard =
        serde_json::from_slice(&card.stdout).expect("the card as JSON");
    assert!(
        card.window.last_day <= "2024-04-24".parse().expect("date"),
        "{:?}",
        card.window
    );
    // Without --until the same data trains another model, on more days.
    let full = trained_id(&forma(&[
        "train",
        "--data-dir",
        dirs[0].path().to_str().expect("utf-8"),
    ]));
    assert_ne!(full, ids[0]);
    let bad = forma(&["train", "--until", "2024-13-01", "--data-dir", "unused"]);
    assert!(!bad.status.success());
    assert!(
        text(&bad.stderr).contains("--until"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn score_and_export_features_write_what_a_data_scientist_reads() {
    let dir = tempfile::tempdir().expect("dir");
    let data_dir = dir.path().to_str().expect("utf-8");
    import_small_team(dir.path(), &REPORTS);
    let out = dir.path().join("scores.csv");
    let out_text = out.to_str().expect("utf-8");

    let no_model = forma(&["score", "--out", out_text, "--data-dir", data_dir]);
    assert!(!no_model.status.success());
    assert!(
        text(&no_model.stderr).contains("no model is active"),
        "{}",
        text(&no_model.stderr)
    );
    let id = trained_id(&forma(&["train", "--data-dir", data_dir]));

    let scored = forma(&[
        "score",
        "--team",
        "small",
        "--from",
        "2024-04-01",
        "--to",
        "2024-04-07",
        "--out",
        out_text,
        "--data-dir",
        data_dir,
    ]);
    assert!(scored.status.success(), "{}", text(&scored.stderr));
    let csv = std::fs::read_to_string(&out).expect("scores written");
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("athlete_id,date,risk,model_version"));
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 4 * 7, "4 athletes x 7 days");
    for row in &rows {
        let risk: f64 = row[2].parse().expect("every day is scored");
        assert!(risk > 0.0 && risk < 1.0, "{row:?}");
        assert_eq!(row[3], id);
    }
    assert_eq!((rows[0][0], rows[0][1]), ("a1", "2024-04-01"));

    let reversed = forma(&[
        "score",
        "--from",
        "2024-05-01",
        "--to",
        "2024-04-01",
        "--data-dir",
        data_dir,
    ]);
    assert!(!reversed.status.success());
    assert!(text(&reversed.stderr).contains("--from 2024-05-01 is after --to 2024-04-01"));
    let unknown = forma(&["score", "--team", "nobody", "--data-dir", data_dir]);
    assert!(text(&unknown.stderr).contains("--team nobody: no such team"));

    let features = dir.path().join("features.csv");
    let exported = forma(&[
        "export",
        "features",
        "--out",
        features.to_str().expect("utf-8"),
        "--data-dir",
        data_dir,
    ]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    let matrix = std::fs::read_to_string(&features).expect("features written");
    let header: Vec<&str> = matrix
        .lines()
        .next()
        .expect("a header")
        .split(',')
        .collect();
    assert_eq!(
        header[..5],
        ["athlete_id", "date", "target", "left_out", "acute_load"]
    );
    assert!(header.contains(&"prior_episodes") && header.contains(&"fatigue_7d"));
    let schema = forma_core::features::FeatureSchema::current();
    assert_eq!(header.len(), 4 + schema.len());
    let mut reasons = std::collections::BTreeMap::new();
    let (mut training, mut positives) = (0, 0);
    for line in matrix.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        if cells[3].is_empty() {
            training += 1;
            positives += usize::from(cells[2] == "1");
        } else {
            assert!(cells[2].is_empty(), "a left-out day has no target: {line}");
            *reasons.entry(cells[3].to_owned()).or_insert(0) += 1;
        }
    }
    assert_eq!(
        reasons.keys().map(String::as_str).collect::<Vec<_>>(),
        ["censored", "episode_open", "warm_up"]
    );
    assert_eq!(reasons["warm_up"], 4 * 28, "each athlete's first 28 days");
    let card = forma(&["backtest", "--json", "--data-dir", data_dir]);
    let card: forma_core::model::card::ModelCard =
        serde_json::from_slice(&card.stdout).expect("the card as JSON");
    assert_eq!(training, card.data.rows, "the training rows");
    assert_eq!(positives, card.data.positive_rows);
}

#[test]
fn sigterm_or_a_budget_stops_forma_train_and_nothing_is_stored() {
    use std::io::{BufRead, BufReader};
    use std::process::Stdio;

    let dir = tempfile::tempdir().expect("temp dir");
    let data_dir = dir.path().to_str().expect("utf-8");
    let pmdata = shared_data().join("pmdata");
    let imported = forma(&[
        "import",
        "pmdata",
        pmdata.to_str().expect("utf-8"),
        "--team",
        "demo",
        "--data-dir",
        data_dir,
    ]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    let mut child = Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(["train", "--data-dir", data_dir])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("forma train starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let mut seen = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        let started = line.contains("Training on team demo; Ctrl-C stops it");
        seen.push(line);
        if started {
            break;
        }
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    seen.extend(lines.map(|line| line.expect("utf-8")));
    let exit = child.wait().expect("reaped");
    let stderr = seen.join("\n");
    assert_eq!(exit.code(), Some(1), "{stderr}");
    assert!(
        stderr
            .contains("forma: training on demo stopped: cancelled by SIGTERM; nothing was stored"),
        "{stderr}"
    );
    let list = text(&forma(&["models", "list", "--data-dir", data_dir]).stdout);
    assert!(list.contains("No model is stored yet"), "{list}");

    // A budget of 6 ms: stopped by it, and saying so.
    let short = forma(&["train", "--budget", "0.0001", "--data-dir", data_dir]);
    assert!(!short.status.success());
    assert!(
        text(&short.stderr).contains(
            "training on demo stopped: the training took longer than its time budget of 6 milliseconds and was stopped; nothing was stored"
        ),
        "{}",
        text(&short.stderr)
    );
    let card = forma(&["backtest", "--budget", "0.0001", "--data-dir", data_dir]);
    assert!(!card.status.success());
    assert!(
        text(&card.stderr)
            .contains("the backtest stopped: the training took longer than its time budget"),
        "{}",
        text(&card.stderr)
    );
    let list = text(&forma(&["models", "list", "--data-dir", data_dir]).stdout);
    assert!(list.contains("No model is stored yet"), "{list}");
    let bad = forma(&["train", "--budget", "0", "--data-dir", data_dir]);
    assert!(
        text(&bad.stderr).contains("is not a number of minutes above 0"),
        "{}",
        text(&bad.stderr)
    );
}
