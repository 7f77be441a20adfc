use forma_core::api::{ApiError, AthleteStatus, SeriesResponse, TeamSummary};
use forma_core::metrics::MetricsOptions;
use forma_core::pipeline::{self, Inputs};
use forma_core::types::WellnessEntry;
use forma_server::store::records::SessionRecord;

use crate::helpers::{pmdata_dir, TestServer};

#[tokio::test]
async fn the_demo_team_lists_all_sixteen_pmdata_athletes_with_their_status() {
    let server = TestServer::start_with_demo().await;

    let teams: Vec<TeamSummary> = server.get_json("/api/teams").await;
    let statuses: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;

    assert_eq!(teams.len(), 1);
    assert_eq!(teams[0].athletes, 16);
    assert_eq!(
        teams[0].as_of.map(|d| d.to_string()).as_deref(),
        Some("2020-03-31")
    );
    assert_eq!(statuses.len(), 16);
    assert!(statuses
        .iter()
        .all(|s| s.athlete.time_zone == "Europe/Oslo"));
    assert!(statuses.iter().any(|s| s.acwr.is_some()));
    let _ = server.stop().await;
}

#[tokio::test]
async fn the_series_equals_forma_core_on_the_same_pmdata_after_the_database_round_trip() {
    let server = TestServer::start_with_demo().await;
    let team = forma_server::commands::convert::read_pmdata(&pmdata_dir()).expect("PMData");
    let inputs = Inputs {
        sessions: team.converted.sessions.clone(),
        wellness: team.converted.wellness.clone(),
        skipped: Vec::new(),
    };
    let end = forma_core::types::parse_date("2020-03-31").ok();
    let expected = pipeline::build_series(&inputs, end);

    for series in &expected {
        let id = series.athlete_id.as_str();
        let api: SeriesResponse = server.get_json(&format!("/api/athletes/{id}/series")).await;
        let metrics =
            forma_core::metrics::DailyMetrics::compute(series, &MetricsOptions::default());

        assert_eq!(api.dates.first(), Some(&series.start), "{id}");
        assert_eq!(api.load, series.load, "{id}");
        assert_eq!(api.observed, series.observed, "{id}");
        assert_eq!(api.acwr_rac, metrics.acwr_rac, "{id}");
        assert_eq!(api.acwr_ewma, metrics.acwr_ewma, "{id}");
        assert_eq!(api.pmc[0].tsb, metrics.tsb, "{id}");
    }
    let window: SeriesResponse = server
        .get_json("/api/athletes/p02/series?from=2020-03-01&to=2020-03-10")
        .await;
    assert_eq!(window.dates.len(), 10);
    let _ = server.stop().await;
}

#[tokio::test]
async fn written_sessions_are_validated_and_a_retry_with_the_same_id_stores_one() {
    let server = TestServer::start_with_demo().await;
    let url = server.url("/api/athletes/p01/sessions");
    let session = serde_json::json!({"id": "phone-0001-abcd", "date": "2020-03-30", "sport": "run", "rpe": 6, "duration_min": 45});

    let first = server
        .client
        .post(&url)
        .json(&session)
        .send()
        .await
        .expect("request");
    let retry = server
        .client
        .post(&url)
        .json(&session)
        .send()
        .await
        .expect("request");
    let invalid = server
        .client
        .post(&url)
        .json(&serde_json::json!({"date": "2020-03-30", "rpe": 11, "duration_min": 45}))
        .send()
        .await
        .expect("request");
    let unknown = server
        .client
        .post(server.url("/api/athletes/nobody/sessions"))
        .json(&session)
        .send()
        .await
        .expect("request");

    assert_eq!(first.status(), 201);
    assert_eq!(retry.status(), 200);
    assert_eq!(invalid.status(), 422);
    let error: ApiError = invalid.json().await.expect("error body");
    assert_eq!(error.field.as_deref(), Some("rpe"));
    assert!(error.message.contains("0 to 10"));
    assert_eq!(unknown.status(), 404);
    let stored: Vec<SessionRecord> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-30&to=2020-03-30")
        .await;
    assert_eq!(
        stored.iter().filter(|s| s.id == "phone-0001-abcd").count(),
        1
    );
    assert_eq!(
        stored
            .iter()
            .find(|s| s.id == "phone-0001-abcd")
            .map(|s| s.session.load),
        Some(270.0)
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn wellness_of_a_day_is_updated_item_by_item_not_duplicated() {
    let server = TestServer::start_with_demo().await;
    let url = server.url("/api/athletes/p03/wellness/2020-04-01");

    let first = server
        .client
        .put(&url)
        .json(&serde_json::json!({"sleep_h": 7.5, "fatigue": 3}))
        .send()
        .await
        .expect("request");
    let second = server
        .client
        .put(&url)
        .json(&serde_json::json!({"sleep_h": 6.0, "mood": 4}))
        .send()
        .await
        .expect("request");
    let invalid = server
        .client
        .put(&url)
        .json(&serde_json::json!({"sleep_h": 30}))
        .send()
        .await
        .expect("request");

    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (200, 200)
    );
    assert_eq!(invalid.status(), 422);
    let entries: Vec<WellnessEntry> = server
        .get_json("/api/athletes/p03/wellness?from=2020-04-01")
        .await;
    assert_eq!(entries.len(), 1);
    assert_eq!(
        (entries[0].sleep_h, entries[0].fatigue, entries[0].mood),
        (Some(6.0), Some(3.0), Some(4.0))
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn bad_query_dates_name_the_parameter() {
    let server = TestServer::start_with_demo().await;

    let response = server
        .client
        .get(server.url("/api/athletes/p01/series?from=March"))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 422);
    let error: ApiError = response.json().await.expect("error body");
    assert_eq!(error.field.as_deref(), Some("from"));
    assert!(error.message.contains("YYYY-MM-DD"));
    let _ = server.stop().await;
}

/// The audit entries about one record.
async fn audit_entries_of(server: &TestServer, entity_id: &str) -> i64 {
    let pool = server.pool().await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity_id = $1")
        .bind(entity_id)
        .fetch_one(&pool)
        .await
        .expect("count");
    pool.close().await;
    count
}

#[tokio::test]
async fn a_session_id_of_another_athlete_answers_409_and_stores_nothing() {
    let server = TestServer::start_with_demo().await;
    let first = server
        .client
        .post(server.url("/api/athletes/p01/sessions"))
        .json(&serde_json::json!({"id": "shared-id-0001", "date": "2020-03-30", "sport": "run", "rpe": 6, "duration_min": 45}))
        .send()
        .await
        .expect("request");
    assert_eq!(first.status(), 201);
    let version_before = server
        .get_json::<forma_core::api::AthleteProfile>("/api/athletes/p02")
        .await
        .data_version;

    let foreign = server
        .client
        .post(server.url("/api/athletes/p02/sessions"))
        .json(&serde_json::json!({"id": "shared-id-0001", "date": "2020-03-30", "sport": "bike", "rpe": 3, "duration_min": 20}))
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 409);
    let error: ApiError = foreign.json().await.expect("error body");
    assert_eq!(error.code, "conflict");
    assert!(
        !error.message.contains("p01") && !error.message.contains("demo"),
        "the answer says nothing about whose id it is: {}",
        error.message
    );
    let p02: Vec<SessionRecord> = server
        .get_json("/api/athletes/p02/sessions?from=2020-03-30&to=2020-03-30")
        .await;
    assert!(
        p02.iter().all(|s| s.id != "shared-id-0001"),
        "nothing stored for p02"
    );
    let p01: Vec<SessionRecord> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-30&to=2020-03-30")
        .await;
    let kept = p01
        .iter()
        .find(|s| s.id == "shared-id-0001")
        .expect("p01's session");
    assert_eq!(
        kept.session.sport.as_deref(),
        Some("run"),
        "p01's session is unchanged"
    );
    assert_eq!(
        server
            .get_json::<forma_core::api::AthleteProfile>("/api/athletes/p02")
            .await
            .data_version,
        version_before
    );
    assert_eq!(audit_entries_of(&server, "shared-id-0001").await, 1);

    // A retry for the same athlete answers with the session as stored, not as sent.
    let retry = server
        .client
        .post(server.url("/api/athletes/p01/sessions"))
        .json(&serde_json::json!({"id": "shared-id-0001", "date": "2020-03-30", "sport": "swim", "rpe": 2, "duration_min": 10}))
        .send()
        .await
        .expect("request");
    assert_eq!(retry.status(), 200);
    let answered: SessionRecord = retry.json().await.expect("session");
    assert_eq!(answered.session.sport.as_deref(), Some("run"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_event_retried_with_its_client_id_is_stored_once() {
    let server = TestServer::start_with_demo().await;
    let event = serde_json::json!({"id": "event-0001-abcd", "date": "2020-03-25", "kind": "injury", "severity": "minor", "body_part": "left calf"});
    let url = server.url("/api/athletes/p04/events");
    let first = server
        .client
        .post(&url)
        .json(&event)
        .send()
        .await
        .expect("request");
    assert_eq!(first.status(), 201);
    let created: forma_core::api::EventRecord = first.json().await.expect("event");
    assert_eq!(created.id, "event-0001-abcd");
    let retry = server
        .client
        .post(&url)
        .json(&event)
        .send()
        .await
        .expect("request");
    assert_eq!(retry.status(), 200);
    let events: Vec<forma_core::types::Event> = server
        .get_json("/api/athletes/p04/events?from=2020-03-25&to=2020-03-25")
        .await;
    assert_eq!(
        events
            .iter()
            .filter(|e| e.body_part.as_deref() == Some("left calf"))
            .count(),
        1
    );
    assert_eq!(audit_entries_of(&server, "event-0001-abcd").await, 1);

    let foreign = server
        .client
        .post(server.url("/api/athletes/p05/events"))
        .json(&event)
        .send()
        .await
        .expect("request");
    assert_eq!(foreign.status(), 409);
    let bad_id = server
        .client
        .post(&url)
        .json(&serde_json::json!({"id": "no", "date": "2020-03-25", "kind": "injury"}))
        .send()
        .await
        .expect("request");
    assert_eq!(bad_id.status(), 422);
    let error: ApiError = bad_id.json().await.expect("error body");
    assert_eq!(error.field.as_deref(), Some("id"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn the_team_list_follows_a_write_at_once_and_keeps_every_athlete() {
    let server = TestServer::start_with_demo().await;
    let before: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;
    let again: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;
    assert_eq!(before, again, "nothing changed, the same answer");
    let p05 = |list: &[AthleteStatus]| {
        list.iter()
            .find(|s| s.athlete.id.as_str() == "p05")
            .cloned()
            .expect("p05 listed")
    };
    let readiness = if p05(&before).readiness == Some(2.0) {
        9.0
    } else {
        2.0
    };
    let put = server
        .client
        .put(server.url("/api/athletes/p05/wellness/2020-03-31"))
        .json(&serde_json::json!({"readiness": readiness}))
        .send()
        .await
        .expect("request");
    assert_eq!(put.status(), 200);
    let after: Vec<AthleteStatus> = server.get_json("/api/teams/demo/athletes").await;
    assert_eq!(after.len(), before.len());
    assert_eq!(
        p05(&after).readiness,
        Some(readiness),
        "the new check-in shows"
    );
    assert_eq!(
        p05(&after).athlete.data_version,
        p05(&before).athlete.data_version + 1
    );
    for (old, new) in before.iter().zip(&after) {
        if old.athlete.id.as_str() != "p05" {
            assert_eq!(old, new, "the others are as they were");
        }
    }
    let _ = server.stop().await;
}
