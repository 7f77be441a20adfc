//! Every range of `forma_core::bounds` at the HTTP boundary: each value at its
//! limit is stored, one past it is refused naming the field (and in a CSV file the
//! row) and the accepted range, and nothing is stored.

use forma_core::api::{ApiError, AthleteProfile, ImportReport};
use forma_core::bounds::{self, Bound};
use forma_server::store::records::SessionRecord;
use serde_json::json;

use crate::helpers::TestServer;

async fn profile(server: &TestServer, athlete: &str) -> AthleteProfile {
    server.get_json(&format!("/api/athletes/{athlete}")).await
}

async fn session_count(server: &TestServer, athlete: &str) -> usize {
    server
        .get_json::<Vec<SessionRecord>>(&format!("/api/athletes/{athlete}/sessions"))
        .await
        .len()
}

/// Posts a session to p01 and returns the status and body.
async fn post_session(server: &TestServer, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = server
        .client
        .post(server.url("/api/athletes/p01/sessions"))
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.expect("JSON body"))
}

fn refused(status: u16, body: &serde_json::Value, field: &str, accepted: &str) {
    assert_eq!(status, 422, "{body}");
    let error: ApiError = serde_json::from_value(body.clone()).expect("an API error");
    assert_eq!(error.field.as_deref(), Some(field), "{body}");
    assert!(error.message.contains(accepted), "{body}");
}

fn today() -> jiff::civil::Date {
    jiff::tz::TimeZone::UTC
        .to_datetime(jiff::Timestamp::now())
        .date()
}

#[tokio::test]
async fn json_writes_store_each_value_at_its_limit_and_refuse_one_past_it_storing_nothing() {
    let server = TestServer::start_with_demo().await;
    let numbers: [(&str, Bound); 5] = [
        ("duration_min", bounds::DURATION_MIN),
        ("rpe", bounds::RPE),
        ("load", bounds::LOAD),
        ("distance_km", bounds::DISTANCE_KM),
        ("avg_hr", bounds::AVG_HR),
    ];
    let mut stored = session_count(&server, "p01").await;
    for (field, bound) in numbers {
        for limit in [bound.min, bound.max] {
            let body = json!({"date": "2020-03-20", "load": 100, field: limit});
            let (status, answer) = post_session(&server, body).await;
            assert_eq!(status, 201, "{field} = {limit}: {answer}");
            stored += 1;
        }
        for past in [bound.min - 1.0, bound.max + 1.0] {
            let version = profile(&server, "p01").await.data_version;
            let (status, answer) = post_session(
                &server,
                json!({"date": "2020-03-20", "load": 100, field: past}),
            )
            .await;
            refused(status, &answer, field, bound.accepted);
            assert_eq!(profile(&server, "p01").await.data_version, version);
        }
    }
    let (status, answer) =
        post_session(&server, json!({"date": "2020-03-20", "load": 1e308})).await;
    refused(status, &answer, "load", "from 0 to 15000");
    assert_eq!(session_count(&server, "p01").await, stored);

    // Dates: from 1900-01-01 to ten years after today.
    let last = bounds::DateWindow::new(today()).last();
    for (date, ok) in [
        ("0000-01-01", false),
        ("1899-12-31", false),
        ("1900-01-01", true),
        (&last.to_string(), true),
        (&last.tomorrow().expect("a day").to_string(), false),
        ("9999-12-31", false),
    ] {
        let (status, answer) = post_session(&server, json!({"date": date, "load": 10})).await;
        if ok {
            assert_eq!(status, 201, "{date}: {answer}");
            stored += 1;
        } else {
            refused(status, &answer, "date", "1900-01-01 to");
        }
    }
    // Text: a sport of 64 characters is kept, a 1.5 MB one is refused without
    // echoing it back.
    let (status, _) = post_session(
        &server,
        json!({"date": "2020-03-20", "load": 1, "sport": "s".repeat(64)}),
    )
    .await;
    assert_eq!(status, 201);
    stored += 1;
    let (status, answer) = post_session(
        &server,
        json!({"date": "2020-03-20", "load": 1, "sport": "s".repeat(1_500_000)}),
    )
    .await;
    refused(status, &answer, "sport", "at most 64 characters");
    assert!(
        answer.to_string().len() < 1000,
        "the answer does not echo the text"
    );
    assert_eq!(session_count(&server, "p01").await, stored);

    // Wellness and events use the same definitions.
    let wellness = [
        ("sleep_h", bounds::SLEEP_H),
        ("fatigue", bounds::WELLNESS_SCALE),
        ("hrv_rmssd_ms", bounds::HRV_RMSSD_MS),
        ("resting_hr", bounds::RESTING_HR),
    ];
    for (field, bound) in wellness {
        let put = |value: f64| {
            server
                .client
                .put(server.url("/api/athletes/p01/wellness/2020-03-21"))
                .json(&json!({ field: value }))
                .send()
        };
        assert_eq!(
            put(bound.max).await.expect("request").status(),
            200,
            "{field}"
        );
        let past = put(bound.max + 1.0).await.expect("request");
        let status = past.status().as_u16();
        refused(
            status,
            &past.json().await.expect("body"),
            field,
            bound.accepted,
        );
    }
    let event = |days: u32, part: String| {
        server
            .client
            .post(server.url("/api/athletes/p01/events"))
            .json(&json!({"date": "2020-03-21", "kind": "injury", "days_lost": days, "body_part": part}))
            .send()
    };
    assert_eq!(
        event(3650, "knee".into()).await.expect("request").status(),
        201
    );
    let past = event(3651, "knee".into()).await.expect("request");
    let status = past.status().as_u16();
    refused(
        status,
        &past.json().await.expect("body"),
        "days_lost",
        "3650",
    );
    let long = event(1, "k".repeat(65)).await.expect("request");
    let status = long.status().as_u16();
    refused(
        status,
        &long.json().await.expect("body"),
        "body_part",
        "64 characters",
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn no_record_may_fall_before_the_athletes_birth_year() {
    let server = TestServer::start_with_demo().await;
    let pool = server.pool().await;
    sqlx::query("UPDATE athletes SET birth_year = 1990 WHERE id = 'p01'")
        .execute(&pool)
        .await
        .expect("birth year set");
    pool.close().await;

    let (status, answer) = post_session(&server, json!({"date": "1989-12-31", "load": 10})).await;
    refused(status, &answer, "date", "born in 1990");
    let (status, _) = post_session(&server, json!({"date": "1990-01-01", "load": 10})).await;
    assert_eq!(status, 201);

    let csv = "athlete_id,date,load\np02,1989-12-31,5\np01,1989-12-31,5\n";
    let reports: Vec<ImportReport> = server
        .upload("/api/import/sessions?team=demo", "old.csv", csv.into())
        .await
        .json()
        .await
        .expect("report");
    assert!(!reports[0].stored);
    assert_eq!(reports[0].rejected.len(), 1, "{:?}", reports[0].rejected);
    let row = &reports[0].rejected[0];
    assert_eq!((row.row, row.column.as_deref()), (Some(3), Some("date")));
    assert!(row.reason.contains("born in 1990"), "{}", row.reason);
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_csv_import_stores_values_at_their_limits_and_refuses_one_past_naming_row_column_and_range(
) {
    let server = TestServer::start_with_demo().await;
    let columns: [(&str, Bound); 5] = [
        ("duration_min", bounds::DURATION_MIN),
        ("rpe", bounds::RPE),
        ("load", bounds::LOAD),
        ("distance_km", bounds::DISTANCE_KM),
        ("avg_hr", bounds::AVG_HR),
    ];
    let mut good = String::from("athlete_id,date,duration_min,rpe,load,distance_km,avg_hr\n");
    let mut bad = good.clone();
    for (i, (_, bound)) in columns.iter().enumerate() {
        let row = |value: f64| {
            let mut cells: [String; 5] = ["10", "5", "50", "1", "140"].map(str::to_owned);
            cells[i] = value.to_string();
            format!("p01,2020-03-2{i},{}\n", cells.join(","))
        };
        good.push_str(&row(bound.min));
        good.push_str(&row(bound.max));
        bad.push_str(&row(bound.max + 1.0));
        bad.push_str(&row(bound.min - 1.0));
    }
    let before = session_count(&server, "p01").await;
    let upload = |name: &'static str, text: String| {
        server.upload("/api/import/sessions?team=demo", name, text.into_bytes())
    };
    let reports: Vec<ImportReport> = upload("bad.csv", bad).await.json().await.expect("report");
    assert!(!reports[0].stored);
    assert_eq!(
        session_count(&server, "p01").await,
        before,
        "nothing is stored"
    );
    let rejected: Vec<(Option<usize>, Option<&str>)> = reports[0]
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_deref()))
        .collect();
    let expected: Vec<(Option<usize>, Option<&str>)> = columns
        .iter()
        .enumerate()
        .flat_map(|(i, (column, _))| {
            [
                (Some(2 + 2 * i), Some(*column)),
                (Some(3 + 2 * i), Some(*column)),
            ]
        })
        .collect();
    assert_eq!(rejected, expected);
    for (row, (_, bound)) in reports[0].rejected.iter().step_by(2).zip(&columns) {
        assert_eq!(row.reason, format!("expected {}", bound.accepted));
    }

    let reports: Vec<ImportReport> = upload("good.csv", good).await.json().await.expect("report");
    assert!(reports[0].stored, "{:?}", reports[0].rejected);
    assert_eq!(reports[0].added, 10);

    let twice = "athlete_id,date,load,rpe,load\np01,2020-03-20,5,5,6\n".to_owned();
    let reports: Vec<ImportReport> = upload("twice.csv", twice)
        .await
        .json()
        .await
        .expect("report");
    assert!(!reports[0].stored);
    let row = &reports[0].rejected[0];
    assert_eq!((row.row, row.column.as_deref()), (Some(1), Some("load")));
    assert!(
        row.reason.contains("column 3 and column 5"),
        "{}",
        row.reason
    );

    let wellness =
        "athlete_id,date,sleep_h,resting_hr\np01,2020-03-20,25,50\np01,2020-03-21,8,201\n";
    let reports: Vec<ImportReport> = server
        .upload("/api/import/wellness?team=demo", "w.csv", wellness.into())
        .await
        .json()
        .await
        .expect("report");
    let places: Vec<(Option<usize>, Option<&str>)> = reports[0]
        .rejected
        .iter()
        .map(|r| (r.row, r.column.as_deref()))
        .collect();
    assert_eq!(
        places,
        [(Some(2), Some("sleep_h")), (Some(3), Some("resting_hr"))]
    );
    let _ = server.stop().await;
}

async fn series_status(server: &TestServer, query: &str) -> (u16, serde_json::Value) {
    let response = server
        .client
        .get(server.url(&format!("/api/athletes/p01/series{query}")))
        .send()
        .await
        .expect("request");
    (
        response.status().as_u16(),
        response.json().await.expect("JSON body"),
    )
}

#[tokio::test]
async fn a_series_window_of_ten_thousand_years_is_refused_with_the_range_it_may_cover() {
    let server = TestServer::start_with_demo().await;
    let (status, body) = series_status(&server, "?from=0000-01-01&to=9999-12-31").await;
    refused(status, &body, "from", "a day from 1900-01-01 to");
    let (status, body) = series_status(&server, "?to=2500-01-01").await;
    refused(status, &body, "to", "a day from 1900-01-01 to");
    let (status, body) = series_status(&server, "?from=1900-01-01&to=2020-03-31").await;
    refused(status, &body, "from", "at most 3653 days (ten years)");
    let (status, body) = series_status(&server, "?from=2010-04-01&to=2020-03-31").await;
    assert_eq!(status, 200, "ten years is accepted: {body}");

    // A hundred distinct windows are each answered, and the cache keeps only
    // what its byte bound holds (series_cache's own tests measure the bytes).
    for day in 0..100 {
        let to = jiff::civil::date(2020, 3, 31)
            .checked_sub(jiff::Span::new().days(day))
            .expect("a day");
        let series: forma_core::api::SeriesResponse = server
            .get_json(&format!("/api/athletes/p01/series?from=2019-12-01&to={to}"))
            .await;
        assert_eq!(series.to, Some(to));
        assert_eq!(series.dates.last(), Some(&to));
    }
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_session_a_century_back_adds_one_day_of_work_not_a_century() {
    let server = TestServer::start_with_demo().await;
    let before: forma_core::api::SeriesResponse = server.get_json("/api/athletes/p01/series").await;
    let (status, _) = post_session(&server, json!({"date": "1920-01-01", "load": 300})).await;
    assert_eq!(status, 201);

    let after: forma_core::api::SeriesResponse = server.get_json("/api/athletes/p01/series").await;
    assert_eq!(after.dates, before.dates, "the current history is the same");
    assert_eq!(after.acwr_rac, before.acwr_rac);
    let team: Vec<forma_core::api::AthleteStatus> =
        server.get_json("/api/teams/demo/athletes").await;
    assert!(team.iter().any(|s| s.athlete.id.as_str() == "p01"));
    let old: forma_core::api::SeriesResponse = server
        .get_json("/api/athletes/p01/series?from=1919-12-25&to=1920-01-05")
        .await;
    assert_eq!(
        old.dates.first().map(ToString::to_string).as_deref(),
        Some("1920-01-01")
    );
    assert_eq!(old.load.first(), Some(&300.0));
    let _ = server.stop().await;
}
