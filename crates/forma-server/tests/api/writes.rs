//! Writes that never erase: every write route leaves what it does not carry as it
//! was, and the audit log holds the changed fields before and after.

use forma_core::api::{ApiError, AuditEntry, SavedPlan, WellnessRecord};
use forma_core::types::Event;
use forma_core::wellness::WellnessField;
use forma_server::store::records::SessionRecord;

use crate::helpers::TestServer;

/// p01's resting heart rate on 30 March 2020, from the Fitbit import; the day
/// also has the PMSys survey's answers.
const P01_RESTING_HR: f64 = 52.17508316040039;

async fn day(server: &TestServer, athlete: &str, date: &str) -> WellnessRecord {
    let days: Vec<WellnessRecord> = server
        .get_json(&format!(
            "/api/athletes/{athlete}/wellness?from={date}&to={date}"
        ))
        .await;
    assert_eq!(days.len(), 1, "one stored day {date}");
    days.into_iter().next().expect("one day")
}

#[tokio::test]
async fn a_check_in_keeps_the_imported_resting_heart_rate_and_readiness() {
    let server = TestServer::start_with_demo().await;
    let before = day(&server, "p01", "2020-03-30").await;
    let athlete = server.sign_in("p01@demo.forma", "demo-athlete").await;

    let answer = athlete
        .client
        .put(server.url("/api/athletes/p01/wellness/2020-03-30"))
        .json(&serde_json::json!({
            "sleep_h": 7.5, "sleep_quality": 4, "fatigue": 2, "soreness": 2, "stress": 1, "mood": 4
        }))
        .send()
        .await
        .expect("request");

    assert_eq!(answer.status(), 200);
    let written: WellnessRecord = answer.json().await.expect("the stored day");
    let after = day(&server, "p01", "2020-03-30").await;
    assert_eq!(written, after);
    assert_eq!(after.entry.resting_hr, Some(P01_RESTING_HR));
    assert_eq!(after.entry.readiness, before.entry.readiness);
    assert!(
        before.entry.readiness.is_some(),
        "the demo day has readiness"
    );
    assert_eq!(after.entry.sleep_h, Some(7.5));
    assert_eq!(
        after
            .sources
            .get(&WellnessField::RestingHr)
            .map(String::as_str),
        Some("pmdata:fitbit")
    );
    assert_eq!(
        after
            .sources
            .get(&WellnessField::SleepH)
            .map(String::as_str),
        Some("athlete")
    );
    assert_eq!(
        after
            .sources
            .get(&WellnessField::Readiness)
            .map(String::as_str),
        Some("pmdata:pmsys")
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn only_an_explicit_clear_empties_a_wellness_item_and_the_log_shows_what_changed() {
    let server = TestServer::start_with_demo().await;
    let url = server.url("/api/athletes/p01/wellness/2020-03-30");
    let before = day(&server, "p01", "2020-03-30").await;

    let cleared = server
        .client
        .put(&url)
        .json(&serde_json::json!({"clear": ["readiness"]}))
        .send()
        .await
        .expect("request");
    let both = server
        .client
        .put(&url)
        .json(&serde_json::json!({"mood": 3, "clear": ["mood"]}))
        .send()
        .await
        .expect("request");
    let unknown = server
        .client
        .put(&url)
        .json(&serde_json::json!({"clear": ["heart"]}))
        .send()
        .await
        .expect("request");
    let empty = server
        .client
        .put(&url)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("request");

    assert_eq!(cleared.status(), 200);
    let after = day(&server, "p01", "2020-03-30").await;
    assert_eq!(after.entry.readiness, None);
    assert_eq!(after.entry.resting_hr, Some(P01_RESTING_HR));
    assert_eq!(after.entry.mood, before.entry.mood);
    for (response, field) in [(both, "clear"), (unknown, "clear"), (empty, "wellness")] {
        assert_eq!(response.status(), 422);
        let error: ApiError = response.json().await.expect("error body");
        assert_eq!(error.field.as_deref(), Some(field));
    }
    let log: Vec<AuditEntry> = server.get_json("/api/audit?athlete=p01").await;
    let change = log
        .iter()
        .rev()
        .find(|e| e.entity == "wellness" && e.entity_id == "p01/2020-03-30")
        .expect("the clear is logged");
    assert_eq!(
        change.before,
        Some(serde_json::json!({"readiness": before.entry.readiness}))
    );
    assert_eq!(change.after, Some(serde_json::json!({"readiness": null})));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_new_session_leaves_the_days_other_sessions_as_they_were() {
    let server = TestServer::start_with_demo().await;
    let before: Vec<SessionRecord> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-01&to=2020-03-31")
        .await;
    let date = before
        .first()
        .expect("p01 trained")
        .session
        .date
        .to_string();

    let answer = server
        .client
        .post(server.url("/api/athletes/p01/sessions"))
        .json(&serde_json::json!({"date": date, "sport": "run", "rpe": 5, "duration_min": 30}))
        .send()
        .await
        .expect("request");

    assert_eq!(answer.status(), 201);
    let after: Vec<SessionRecord> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-01&to=2020-03-31")
        .await;
    assert_eq!(after.len(), before.len() + 1);
    assert!(before.iter().all(|s| after.contains(s)));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_new_event_leaves_the_earlier_events_as_they_were() {
    let server = TestServer::start_with_demo().await;
    let before: Vec<Event> = server.get_json("/api/athletes/p05/events").await;

    let answer = server
        .client
        .post(server.url("/api/athletes/p05/events"))
        .json(&serde_json::json!({"date": "2020-03-30", "kind": "illness"}))
        .send()
        .await
        .expect("request");

    assert_eq!(answer.status(), 201);
    let after: Vec<Event> = server.get_json("/api/athletes/p05/events").await;
    assert_eq!(after.len(), before.len() + 1);
    assert!(before.iter().all(|e| after.contains(e)));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_saved_plan_keeps_the_earlier_plans_in_the_history() {
    let server = TestServer::start_with_demo().await;
    let plan = |minutes: f64| {
        serde_json::json!({
            "plan": {"start": "2020-04-01", "days": [
                [{"sport": "run", "minutes": minutes, "rpe": 5.0, "load": null}],
                [], [], [], [], [], []
            ]},
            "note": format!("{minutes} minutes")
        })
    };
    for minutes in [40.0, 50.0] {
        let answer = server
            .client
            .put(server.url("/api/athletes/p02/plan"))
            .json(&plan(minutes))
            .send()
            .await
            .expect("request");
        assert_eq!(answer.status(), 200, "{minutes}");
    }

    let pool = server.pool().await;
    let kept: Vec<(String,)> =
        sqlx::query_as("SELECT id FROM plans WHERE athlete_id = 'p02' ORDER BY created_at")
            .fetch_all(&pool)
            .await
            .expect("plans");
    pool.close().await;
    let latest: forma_core::api::AthletePlan = server.get_json("/api/athletes/p02/plan").await;
    let latest: SavedPlan = latest.saved.expect("a saved plan");
    assert_eq!(kept.len(), 2, "both saves kept");
    assert_eq!(latest.note.as_deref(), Some("50 minutes"));
    assert_eq!(latest.id, kept[1].0);
    let _ = server.stop().await;
}
