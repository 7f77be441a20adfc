use std::path::{Path, PathBuf};

use forma_core::api::ImportReport;
use forma_server::store::records::SessionRecord;

use crate::helpers::TestServer;

fn activity_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("activity-files folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                walk(&path, files);
            } else if matches!(
                path.extension()
                    .and_then(|e| e.to_str())
                    .map(str::to_lowercase)
                    .as_deref(),
                Some("fit" | "tcx" | "gpx")
            ) {
                files.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/activity-files"),
        &mut files,
    );
    files.sort();
    files
}

async fn sessions(server: &TestServer) -> Vec<SessionRecord> {
    server.get_json("/api/athletes/p01/sessions").await
}

#[tokio::test]
async fn every_activity_file_either_becomes_one_session_matching_the_file_or_is_refused_whole() {
    let server = TestServer::start_with_demo().await;
    let files = activity_files();
    assert!(
        files.len() > 40,
        "the shared activity files are there: {}",
        files.len()
    );
    let (mut good, mut bad) = (0, 0);

    for path in &files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_owned();
        let bytes = std::fs::read(path).expect("read file");
        let before = sessions(&server).await;

        let response = server
            .upload("/api/import/activity?athlete=p01", &name, bytes.clone())
            .await;

        assert_eq!(response.status(), 200, "{name}");
        let report: Vec<ImportReport> = response.json().await.expect("report");
        let after = sessions(&server).await;
        match forma_activity::parse(&name, &bytes) {
            Ok(summary) => {
                good += 1;
                let new: Vec<&SessionRecord> =
                    after.iter().filter(|s| !before.contains(s)).collect();
                if report[0].unchanged == 1 {
                    // The same recording in another format (the shared files hold some rides
                    // as FIT, TCX and GPX): stored once.
                    assert!(new.is_empty(), "{name}");
                    continue;
                }
                assert_eq!(report[0].added, 1, "{name}: {report:?}");
                assert_eq!(new.len(), 1, "{name}");
                let session = &new[0].session;
                let minutes = session.duration_min.expect("duration");
                assert!((minutes - summary.duration_s / 60.0).abs() < 1e-9, "{name}");
                assert_eq!(session.distance_km, summary.distance_km, "{name}");
                let oslo = jiff::tz::TimeZone::get("Europe/Oslo").expect("zone");
                assert_eq!(
                    session.date,
                    oslo.to_datetime(summary.start).date(),
                    "{name}"
                );
                // p01's series is session-RPE load: an activity without an RPE gets
                // p01's usual RPE times its minutes, marked as an estimate.
                let recorded: Vec<_> = before.iter().map(|s| s.session.clone()).collect();
                let usual = forma_core::quality::usual_rpe(&recorded).expect("p01 gave RPEs");
                assert!((session.load - usual * minutes).abs() < 1e-9, "{name}");
                assert_eq!(
                    session.load_unit(),
                    forma_core::types::LoadUnit::EstimatedSessionRpe,
                    "{name}"
                );
            }
            Err(error) => {
                bad += 1;
                assert!(!report[0].stored, "{name}");
                assert_eq!(report[0].rejected[0].reason, error.to_string(), "{name}");
                assert!(
                    report[0].rejected[0].reason.contains(&name),
                    "the reason names the file"
                );
                assert_eq!(after, before, "{name}: nothing stored");
            }
        }
    }
    assert!(good >= 20 && bad >= 20, "good {good}, bad {bad}");
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_batch_with_one_broken_file_stores_nothing_and_the_same_file_twice_adds_nothing() {
    let server = TestServer::start_with_demo().await;
    let files = activity_files();
    let good = files
        .iter()
        .find(|p| p.ends_with("Activity.fit"))
        .expect("Activity.fit");
    let broken = files
        .iter()
        .find(|p| p.ends_with("Settings.fit"))
        .expect("Settings.fit");
    let form = |paths: &[&PathBuf]| {
        let mut form = reqwest::multipart::Form::new();
        for path in paths {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            form = form.part(
                "file",
                reqwest::multipart::Part::bytes(std::fs::read(path).expect("read")).file_name(name),
            );
        }
        form
    };
    let url = server.url("/api/import/activity?athlete=p01");
    let before = sessions(&server).await;

    let mixed: Vec<ImportReport> = server
        .client
        .post(&url)
        .multipart(form(&[good, broken]))
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("report");
    assert!(!mixed[0].stored);
    assert_eq!(mixed[0].rejected.len(), 1);
    assert!(mixed[0].rejected[0].reason.contains("Settings.fit"));
    assert_eq!(sessions(&server).await, before);

    let first: Vec<ImportReport> = server
        .client
        .post(&url)
        .multipart(form(&[good]))
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("report");
    let again: Vec<ImportReport> = server
        .client
        .post(&url)
        .multipart(form(&[good]))
        .send()
        .await
        .expect("upload")
        .json()
        .await
        .expect("report");
    assert_eq!(
        (first[0].added, again[0].added, again[0].unchanged),
        (1, 0, 1)
    );
    assert_eq!(sessions(&server).await.len(), before.len() + 1);
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_activity_without_rpe_stays_in_the_athletes_unit_and_the_report_says_it_is_an_estimate()
{
    let server = TestServer::start_with_demo().await;
    let ride = activity_files()
        .into_iter()
        .find(|p| p.ends_with("Activity.fit"))
        .expect("Activity.fit");
    let response = server
        .upload(
            "/api/import/activity?athlete=p02",
            "Activity.fit",
            std::fs::read(&ride).expect("read"),
        )
        .await;
    assert_eq!(response.status(), 200);

    let stored: Vec<SessionRecord> = server.get_json("/api/athletes/p02/sessions").await;
    let units: std::collections::BTreeSet<_> =
        stored.iter().map(|s| s.session.load_unit()).collect();
    assert!(
        units
            .iter()
            .all(|u| u.same_scale(forma_core::types::LoadUnit::SessionRpe)),
        "one unit in p02's series: {units:?}"
    );
    let as_of = stored
        .iter()
        .find(|s| s.session.load_unit() == forma_core::types::LoadUnit::EstimatedSessionRpe)
        .expect("the ride")
        .session
        .date;
    let report: Option<forma_core::quality::QualityReport> = server
        .get_json(&format!("/api/athletes/p02/quality?as_of={as_of}"))
        .await;
    let report = report.expect("a report");
    assert!(report
        .findings
        .iter()
        .any(|f| f.check == forma_core::quality::Check::EstimatedRpe && f.dates == vec![as_of]));
    assert!(!report
        .findings
        .iter()
        .any(|f| f.check == forma_core::quality::Check::MixedUnits));
    let _ = server.stop().await;
}
