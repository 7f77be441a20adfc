//! `?preview=true` on the import routes: the import's own checks and counts, and
//! nothing stored.

use std::path::Path;

use forma_core::api::{AthleteProfile, AuditEntry, ImportReport};
use forma_server::store::records::SessionRecord;

use crate::helpers::TestServer;

const GOOD: &str = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
x1,2024-03-01,run,60,5,,10.2,150,watch
x1,2024-03-02,bike,90,4,,,,
x2,2024-02-27,swim,45,6,,,,
";

async fn reports(response: reqwest::Response) -> Vec<ImportReport> {
    assert_eq!(response.status(), 200);
    response.json().await.expect("reports")
}

async fn sessions(server: &TestServer) -> usize {
    server
        .get_json::<Vec<SessionRecord>>("/api/athletes/p01/sessions")
        .await
        .len()
}

async fn status_of(server: &TestServer, path: &str) -> u16 {
    server
        .client
        .get(server.url(path))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_preview_says_what_the_file_holds_and_stores_nothing() {
    let server = TestServer::start_with_demo().await;

    let preview = reports(
        server
            .upload(
                "/api/import/sessions?team=demo&preview=true",
                "march.csv",
                GOOD.into(),
            )
            .await,
    )
    .await;

    let report = &preview[0];
    assert!(!report.stored);
    assert_eq!((report.added, report.unchanged), (3, 0));
    let shown = report.preview.as_ref().expect("a preview");
    assert_eq!((shown.rows_read, shown.rows_good), (3, 3));
    let new: Vec<&str> = shown.athletes_new.iter().map(|a| a.as_str()).collect();
    assert_eq!(new, ["x1", "x2"]);
    assert!(shown.athletes_known.is_empty());
    assert_eq!(shown.first_date.as_deref(), Some("2024-02-27"));
    assert_eq!(shown.last_date.as_deref(), Some("2024-03-02"));
    assert_eq!(shown.columns[0], "athlete_id");
    assert_eq!(shown.rows.len(), 3);
    assert_eq!(shown.rows[1].line, Some(3));
    assert_eq!(shown.rows[1].cells[2], "bike");
    assert_eq!(
        shown.rows[1].cells[5], "360",
        "load worked out as RPE x minutes"
    );
    assert_eq!(
        status_of(&server, "/api/athletes/x1").await,
        404,
        "the preview created no athlete"
    );

    // The import after the preview stores what the preview counted.
    let stored = reports(
        server
            .upload("/api/import/sessions?team=demo", "march.csv", GOOD.into())
            .await,
    )
    .await;
    assert!(stored[0].stored);
    assert_eq!(stored[0].added, 3);
    assert!(stored[0].preview.is_none());

    // A preview of the file already imported: every row unchanged, both athletes known.
    let again = reports(
        server
            .upload(
                "/api/import/sessions?team=demo&preview=true",
                "march.csv",
                GOOD.into(),
            )
            .await,
    )
    .await;
    assert_eq!((again[0].added, again[0].unchanged), (0, 3));
    let shown = again[0].preview.as_ref().expect("a preview");
    assert!(shown.athletes_new.is_empty());
    assert_eq!(shown.athletes_known.len(), 2);
    let profile: AthleteProfile = server.get_json("/api/athletes/x1").await;
    let audit: Vec<AuditEntry> = server.get_json("/api/audit?athlete=x1").await;
    assert_eq!(
        audit.iter().filter(|e| e.action == "import").count(),
        1,
        "the previews left no import in the athlete's log"
    );
    let after: AthleteProfile = server.get_json("/api/athletes/x1").await;
    assert_eq!(profile.data_version, after.data_version);
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_preview_names_every_bad_row_and_counts_what_skipping_them_would_store() {
    let server = TestServer::start_with_demo().await;
    let bad = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
x1,2024-03-01,run,60,5,,,,
x1,2024-02-30,run,60,5,,,,
x1,2024-03-03,run,sixty,5,,,,
x1,2024-03-04,run,60,5,,,,
";

    let preview = reports(
        server
            .upload(
                "/api/import/sessions?team=demo&preview=true",
                "bad.csv",
                bad.into(),
            )
            .await,
    )
    .await;

    let report = &preview[0];
    assert!(!report.stored);
    type Named<'a> = (&'a str, Option<usize>, Option<&'a str>, Option<&'a str>);
    let named: Vec<Named<'_>> = report
        .rejected
        .iter()
        .map(|r| {
            (
                r.file.as_str(),
                r.row,
                r.column.as_deref(),
                r.value.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        named,
        [
            ("bad.csv", Some(3), Some("date"), Some("2024-02-30")),
            ("bad.csv", Some(4), Some("duration_min"), Some("sixty")),
        ]
    );
    assert!(report.rejected.iter().all(|r| !r.reason.is_empty()));
    assert_eq!(report.added, 2, "what skip_bad would store");
    let shown = report.preview.as_ref().expect("a preview");
    assert_eq!((shown.rows_read, shown.rows_good), (4, 2));
    let lines: Vec<Option<usize>> = shown.rows.iter().map(|r| r.line).collect();
    assert_eq!(lines, [Some(2), Some(5)]);
    assert_eq!(status_of(&server, "/api/athletes/x1").await, 404);

    let refused = reports(
        server
            .upload("/api/import/sessions?team=demo", "bad.csv", bad.into())
            .await,
    )
    .await;
    assert!(!refused[0].stored);
    assert_eq!(status_of(&server, "/api/athletes/x1").await, 404);
    let skipped = reports(
        server
            .upload(
                "/api/import/sessions?team=demo&skip_bad=true",
                "bad.csv",
                bad.into(),
            )
            .await,
    )
    .await;
    assert!(skipped[0].stored);
    assert_eq!((skipped[0].added, skipped[0].rejected.len()), (2, 2));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_preview_of_an_activity_file_stores_no_session_and_knows_one_already_stored() {
    let server = TestServer::start_with_demo().await;
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(
        "../../../shared/data/activity-files/fitparse-rs/fitparser/tests/fixtures/Activity.fit",
    );
    let bytes = std::fs::read(&path).expect("Activity.fit");
    let before = sessions(&server).await;

    let preview = reports(
        server
            .upload(
                "/api/import/activity?athlete=p01&preview=true",
                "Activity.fit",
                bytes.clone(),
            )
            .await,
    )
    .await;
    assert!(!preview[0].stored);
    assert_eq!(preview[0].added, 1);
    let shown = preview[0].preview.as_ref().expect("a preview");
    assert_eq!(
        (shown.rows_read, shown.rows_good, shown.rows.len()),
        (1, 1, 1)
    );
    assert_eq!(shown.rows[0].cells[0], "p01");
    assert_eq!(
        sessions(&server).await,
        before,
        "the preview stored no session"
    );

    let stored = reports(
        server
            .upload(
                "/api/import/activity?athlete=p01",
                "Activity.fit",
                bytes.clone(),
            )
            .await,
    )
    .await;
    assert_eq!((stored[0].stored, stored[0].added), (true, 1));
    let again = reports(
        server
            .upload(
                "/api/import/activity?athlete=p01&preview=true",
                "Activity.fit",
                bytes,
            )
            .await,
    )
    .await;
    assert_eq!((again[0].added, again[0].unchanged), (0, 1));
    assert_eq!(sessions(&server).await, before + 1);
    let _ = server.stop().await;
}
