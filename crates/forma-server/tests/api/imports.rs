use forma_core::api::{ApiError, ImportReport};
use forma_server::store::records::SessionRecord;

use crate::helpers::TestServer;

const GOOD: &str = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
x1,2024-03-01,run,60,5,,10.2,150,watch
x1,2024-03-02,bike,90,4,,,,
x1,2024-03-02,bike,90,4,,,,
x2,2024-03-01,swim,45,6,,,,
";

async fn sessions_of(server: &TestServer, athlete: &str) -> Vec<SessionRecord> {
    server
        .get_json(&format!("/api/athletes/{athlete}/sessions"))
        .await
}

#[tokio::test]
async fn importing_the_same_file_twice_adds_nothing_the_second_time() {
    let server = TestServer::start_with_demo().await;

    let first = server
        .upload("/api/import/sessions?team=demo", "march.csv", GOOD.into())
        .await;
    let second = server
        .upload("/api/import/sessions?team=demo", "march.csv", GOOD.into())
        .await;

    assert_eq!(first.status(), 200);
    let first: Vec<ImportReport> = first.json().await.expect("report");
    let second: Vec<ImportReport> = second.json().await.expect("report");
    assert!(first[0].stored);
    assert_eq!((first[0].added, first[0].unchanged), (4, 0));
    assert_eq!(first[0].new_athletes.len(), 2);
    assert_eq!((second[0].added, second[0].unchanged), (0, 4));
    assert!(second[0].new_athletes.is_empty());
    let stored = sessions_of(&server, "x1").await;
    assert_eq!(
        stored.len(),
        3,
        "two identical sessions on one day are both kept"
    );
    assert_eq!(stored[0].session.load, 300.0);
    assert_eq!(stored[0].session.distance_km, Some(10.2));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_file_with_bad_rows_is_refused_whole_and_every_bad_row_is_listed() {
    let server = TestServer::start_with_demo().await;
    let bad = "athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source
x1,2024-03-01,run,60,5,,,,
x1,2024-02-30,run,60,5,,,,
x1,2024-03-03,run,sixty,5,,,,
x1,2024-03-04,run,60,eleven,,,,
";

    let response = server
        .upload("/api/import/sessions?team=demo", "bad.csv", bad.into())
        .await;

    let reports: Vec<ImportReport> = response.json().await.expect("report");
    let report = &reports[0];
    assert!(!report.stored);
    assert_eq!(report.added, 0);
    let places: Vec<(Option<usize>, Option<&str>)> = report
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [
            (Some(3), Some("date")),
            (Some(4), Some("duration_min")),
            (Some(5), Some("rpe"))
        ]
    );
    assert!(report
        .rejected
        .iter()
        .all(|r| r.file == "bad.csv" && !r.reason.is_empty()));
    let unknown = server
        .client
        .get(server.url("/api/athletes/x1"))
        .send()
        .await
        .expect("request");
    assert_eq!(
        unknown.status(),
        404,
        "not even the good row's athlete was stored"
    );

    let skipping = server
        .upload(
            "/api/import/sessions?team=demo&skip_bad=true",
            "bad.csv",
            bad.into(),
        )
        .await;
    let reports: Vec<ImportReport> = skipping.json().await.expect("report");
    assert!(reports[0].stored);
    assert_eq!((reports[0].added, reports[0].rejected.len()), (1, 3));
    let _ = server.stop().await;
}

#[tokio::test]
async fn wrong_header_empty_file_and_binary_junk_say_what_is_wrong() {
    let server = TestServer::start_with_demo().await;
    let cases: [(&str, Vec<u8>, &str); 3] = [
        (
            "header.csv",
            b"name,day,minutes\nx1,2024-03-01,60\n".to_vec(),
            "athlete_id",
        ),
        ("empty.csv", Vec::new(), "empty"),
        ("photo.csv", vec![0xff, 0xd8, 0xff, 0xe0, 0x00], "UTF-8"),
    ];

    for (name, bytes, expected) in cases {
        let response = server
            .upload("/api/import/sessions?team=demo", name, bytes)
            .await;

        let reports: Vec<ImportReport> = response.json().await.expect("report");
        assert!(!reports[0].stored, "{name}");
        let reasons: String = reports[0]
            .rejected
            .iter()
            .map(|r| {
                format!(
                    "{} {} {}",
                    r.column.clone().unwrap_or_default(),
                    r.reason,
                    r.value.clone().unwrap_or_default()
                )
            })
            .collect();
        assert!(reasons.contains(expected), "{name}: {reasons}");
    }
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_with_413_and_a_clear_message() {
    let server = TestServer::start_with_demo().await;
    let mut huge = GOOD.as_bytes().to_vec();
    let row = b"x1,2024-03-05,run,60,5,,,,\n";
    while huge.len() <= forma_server::import::MAX_FILE_BYTES + 1024 {
        huge.extend_from_slice(row);
    }

    let response = server
        .upload("/api/import/sessions?team=demo", "huge.csv", huge)
        .await;

    assert_eq!(response.status(), 413);
    let error: ApiError = response.json().await.expect("JSON error");
    assert_eq!(error.code, "too_large");
    assert!(error.message.contains("64 MB"), "{}", error.message);
    let unknown = server
        .client
        .get(server.url("/api/athletes/x1"))
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), 404);
    let _ = server.stop().await;
}

#[tokio::test]
async fn athletes_of_another_team_and_unknown_teams_are_refused() {
    let server = TestServer::start_with_demo().await;
    let file = "athlete_id,date,duration_min,rpe\np01,2024-03-01,60,5\n";

    let unknown_team = server
        .upload("/api/import/sessions?team=nobody", "a.csv", file.into())
        .await;

    assert_eq!(unknown_team.status(), 404);
    let error: ApiError = unknown_team.json().await.expect("error body");
    assert!(error.message.contains("team `nobody`"), "{}", error.message);
    let _ = server.stop().await;
}
