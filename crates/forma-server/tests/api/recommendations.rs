//! Recommendations: computed once per athlete, day, data version and model
//! version; the rule baseline answers without a model and says so; a coach
//! accepts or overrides with a reason from the label vocabulary (checked, audited,
//! kept in the history); athletes cannot decide.

use forma_core::api::{
    ApiError, DecisionRecord, RecommendationHistoryItem, RecommendationView, TeamRecommendation,
};
use forma_core::policy::{Action, FallbackReason, POLICY_VERSION};
use reqwest::StatusCode;

use crate::helpers::TestServer;

async fn decide(
    server: &TestServer,
    client: &reqwest::Client,
    body: serde_json::Value,
) -> reqwest::Response {
    client
        .post(server.url("/api/athletes/p02/recommendation/decision"))
        .json(&body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn without_a_model_the_rule_baseline_answers_says_so_and_is_stored_per_data_version() {
    let server = TestServer::start_with_demo().await;
    let first: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let r = &first.recommendation;
    assert_eq!(r.fallback, Some(FallbackReason::NoModel));
    assert_eq!(r.model_version, None);
    assert_eq!(r.policy_version, POLICY_VERSION);
    assert_eq!(r.date.to_string(), "2020-03-31", "the demo team's day");
    assert!((0.0..=1.0).contains(&r.confidence));
    assert!(!r.coach_summary.is_empty());
    // The athlete's paragraph says what to do and why, under the headline,
    // without saying the headline again.
    assert!(
        !r.athlete_summary.contains(r.action.athlete_label()),
        "{}",
        r.athlete_summary
    );

    let again: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    assert_eq!(again.id, first.id, "read back, not recomputed");

    let session = server
        .client
        .post(server.url("/api/athletes/p02/sessions"))
        .json(&serde_json::json!({"date": "2020-03-31", "sport": "run", "rpe": 9, "duration_min": 120}))
        .send()
        .await
        .expect("request");
    assert_eq!(session.status(), StatusCode::CREATED);
    let newer: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    assert_ne!(newer.id, first.id, "new data, new recommendation");
    assert_eq!(newer.data_version, first.data_version + 1);

    let team: Vec<TeamRecommendation> = server.get_json("/api/teams/demo/recommendations").await;
    assert_eq!(team.len(), 16);
    assert!(team.iter().all(|t| t.fallback));
    let _ = server.stop().await;
}

#[tokio::test]
async fn with_the_active_model_every_recommendation_names_it() {
    let (server, model) = TestServer::start_with_demo_and_model().await;
    let view: RecommendationView = server.get_json("/api/athletes/p08/recommendation").await;
    assert_eq!(
        view.recommendation.model_version.as_deref(),
        Some(model.as_str())
    );
    if view.recommendation.fallback.is_none() {
        assert!(
            view.recommendation.risk.is_some(),
            "a model answer carries its risk"
        );
    }
    let _ = server.stop().await;
}

/// `forma score`'s risk for one athlete and day, from its CSV.
fn scored(csv: &str, athlete: &str, date: &str) -> (Option<f64>, String) {
    let line = csv
        .lines()
        .find(|l| l.starts_with(&format!("{athlete},{date},")))
        .unwrap_or_else(|| panic!("no row for {athlete} on {date}:\n{csv}"));
    let cells: Vec<&str> = line.split(',').collect();
    (cells[2].parse().ok(), cells[3].to_owned())
}

#[tokio::test]
async fn forma_score_gives_the_risk_of_the_stored_recommendation_and_of_the_plan_projection() {
    let (server, model) = TestServer::start_with_demo_and_model().await;
    // An illness label a month before: history that every path must read.
    let labelled = server
        .client
        .post(server.url("/api/athletes/p08/labels"))
        .json(
            &serde_json::json!({"id": "score-test-0001", "date": "2020-03-02", "code": "illness"}),
        )
        .send()
        .await
        .expect("request");
    assert_eq!(labelled.status(), StatusCode::CREATED);

    let view: RecommendationView = server.get_json("/api/athletes/p08/recommendation").await;
    let r = &view.recommendation;
    let risk = r.risk.expect("the model scores p08 on the demo day");
    let reading = r
        .risk_reading
        .as_ref()
        .expect("standing and today's change");
    assert_eq!(reading.today.to_bits(), risk.to_bits());

    let plan = forma_core::plan::apply_preset(
        &forma_core::plan::Plan::empty(r.date, 7),
        forma_core::plan::Preset::CopyLastWeek,
        &[],
    );
    let projection: forma_core::api::PlanProjection = server
        .client
        .post(server.url("/api/athletes/p08/plan/projection"))
        .json(&plan)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("projection");
    let first = &projection.projection.days[0];
    assert_eq!(first.date, r.date);
    let planned = first
        .risk
        .as_ref()
        .expect("the plan's first day is scored")
        .p;
    assert_eq!(planned.to_bits(), risk.to_bits(), "the plan page's risk");

    let out = server.data_dir.path().join("scores.csv");
    let date = r.date.to_string();
    forma_server::commands::models::score(
        server.data_dir.path(),
        Some("2020-03-25".parse().expect("date")),
        Some(r.date),
        Some("demo"),
        Some(&out),
    )
    .await
    .expect("forma score runs");
    let csv = std::fs::read_to_string(&out).expect("scores written");
    assert_eq!(
        csv.lines().next(),
        Some("athlete_id,date,risk,model_version")
    );
    assert_eq!(csv.lines().count(), 1 + 16 * 7, "16 athletes x 7 days");
    let (score, version) = scored(&csv, "p08", &date);
    assert_eq!(version, model);
    assert_eq!(
        score.expect("a risk").to_bits(),
        risk.to_bits(),
        "forma score's risk is the recommendation's"
    );
    // Without the label the history differs, and so does the risk: the label is read.
    let without = server
        .client
        .delete(server.url("/api/athletes/p08/labels/score-test-0001"))
        .send()
        .await
        .expect("request");
    assert!(without.status().is_success(), "{}", without.status());
    forma_server::commands::models::score(
        server.data_dir.path(),
        Some(r.date),
        Some(r.date),
        Some("demo"),
        Some(&out),
    )
    .await
    .expect("forma score runs");
    let csv = std::fs::read_to_string(&out).expect("scores written");
    let (unlabelled, _) = scored(&csv, "p08", &date);
    assert_ne!(unlabelled.map(f64::to_bits), Some(risk.to_bits()));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_coach_overrides_with_a_reason_the_decision_is_checked_audited_and_in_the_history() {
    let server = TestServer::start_with_demo().await;
    let today: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let instead = if today.recommendation.action == Action::ExtendRecovery {
        Action::Maintain
    } else {
        Action::ExtendRecovery
    };

    let no_action = decide(
        &server,
        &server.client,
        serde_json::json!({
            "recommendation_id": today.id, "decision": "override", "reason_code": "travel"
        }),
    )
    .await;
    assert_eq!(no_action.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = no_action.json().await.expect("error");
    assert_eq!(error.field.as_deref(), Some("action"));

    let bad_code = decide(&server, &server.client, serde_json::json!({
        "recommendation_id": today.id, "decision": "override", "action": instead, "reason_code": "jetlag"
    }))
    .await;
    assert_eq!(bad_code.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = bad_code.json().await.expect("error");
    assert_eq!(error.field.as_deref(), Some("reason_code"));
    assert!(
        error.message.contains("`jetlag`") && error.message.contains("travel"),
        "{}",
        error.message
    );

    let other_without_note = decide(&server, &server.client, serde_json::json!({
        "recommendation_id": today.id, "decision": "override", "action": instead, "reason_code": "other"
    }))
    .await;
    assert_eq!(
        other_without_note.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );

    let athlete = server.sign_in("p02@demo.forma", "demo-athlete").await;
    let refused = decide(
        &server,
        &athlete.client,
        serde_json::json!({
            "recommendation_id": today.id, "decision": "accept"
        }),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let elsewhere: RecommendationView = server.get_json("/api/athletes/p01/recommendation").await;
    let wrong_athlete = decide(
        &server,
        &server.client,
        serde_json::json!({
            "recommendation_id": elsewhere.id, "decision": "accept"
        }),
    )
    .await;
    assert_eq!(
        wrong_athlete.status(),
        StatusCode::NOT_FOUND,
        "p01's recommendation is not p02's"
    );

    let stored = decide(
        &server,
        &server.client,
        serde_json::json!({
            "recommendation_id": today.id, "decision": "override", "action": instead,
            "reason_code": "travel", "note": "Away game on Thursday.", "confirmed": true
        }),
    )
    .await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let stored: DecisionRecord = stored.json().await.expect("decision");
    assert_eq!(stored.author, "Demo Coach");
    assert_eq!(stored.action, instead);

    let shown: RecommendationView = athlete
        .client
        .get(server.url("/api/athletes/p02/recommendation"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("view");
    let decision = shown
        .decision
        .expect("the athlete sees the coach's decision");
    assert_eq!(decision.decision, "override");
    assert_eq!(decision.note.as_deref(), Some("Away game on Thursday."));

    let history: Vec<RecommendationHistoryItem> =
        server.get_json("/api/athletes/p02/recommendations").await;
    let entry = history
        .iter()
        .find(|h| h.id == today.id)
        .expect("in the history");
    assert_eq!(entry.decisions.len(), 1);
    assert_eq!(entry.decisions[0].reason_code.as_deref(), Some("travel"));

    let audit: Vec<forma_core::api::AuditEntry> = server.get_json("/api/audit?athlete=p02").await;
    let logged = audit
        .iter()
        .find(|e| e.entity == "decision")
        .expect("the decision is in the audit log");
    assert_eq!(logged.entity_id, stored.id);
    assert_eq!(
        logged.after.as_ref().expect("after")["reason_code"],
        "travel"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_decision_stands_for_the_day_when_a_label_written_afterwards_recomputes_it() {
    let server = TestServer::start_with_demo().await;
    let first: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let decided = decide(
        &server,
        &server.client,
        serde_json::json!({
            "recommendation_id": first.id, "decision": "override", "action": "extend_recovery",
            "reason_code": "fatigue", "note": "Heavy legs after the weekend.", "confirmed": true
        }),
    )
    .await;
    assert_eq!(decided.status(), StatusCode::CREATED);
    let decided: DecisionRecord = decided.json().await.expect("decision");
    assert_eq!(
        decided.date.map(|d| d.to_string()).as_deref(),
        Some("2020-03-31")
    );

    let label = server
        .client
        .post(server.url("/api/athletes/p02/labels"))
        .json(&serde_json::json!({"id": "after-decision-0001", "date": "2020-03-31", "code": "fatigue"}))
        .send()
        .await
        .expect("request");
    assert_eq!(label.status(), StatusCode::CREATED);

    let later: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    assert_ne!(later.id, first.id, "the label bumped the data version");
    assert_eq!(later.versions, 2);
    let standing = later.decision.expect("the decision carried forward");
    assert_eq!(standing.id, decided.id);
    assert_eq!(standing.action, Action::ExtendRecovery);
    let on = later.decided_on.expect("made on the earlier version");
    assert_eq!(on.recommendation_id, first.id);
    assert_eq!(on.action, first.recommendation.action);

    let team: Vec<TeamRecommendation> = server.get_json("/api/teams/demo/recommendations").await;
    let row = team
        .iter()
        .find(|t| t.athlete_id.as_str() == "p02")
        .expect("p02");
    assert_eq!(row.decision.as_deref(), Some("override"));
    assert_eq!(row.action, Action::ExtendRecovery);
    assert_eq!(row.suggested, later.recommendation.action);
    assert_eq!(row.decision_reason.as_deref(), Some("fatigue"));

    let history: Vec<RecommendationHistoryItem> =
        server.get_json("/api/athletes/p02/recommendations").await;
    let days: Vec<String> = history.iter().map(|h| h.date.to_string()).collect();
    assert_eq!(
        days.iter().filter(|d| d.as_str() == "2020-03-31").count(),
        1,
        "one entry per day: {days:?}"
    );
    assert_eq!(history[0].id, later.id, "the newest version of the day");
    assert_eq!(history[0].decisions.len(), 1);
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_override_against_the_flags_waits_for_a_confirmation_that_names_them() {
    let server = TestServer::start_with_demo().await;
    let today: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let expected = forma_core::policy::override_warnings(
        &today.recommendation,
        Action::IncreaseVolume,
        Some(forma_core::labels::LabelCode::Fatigue),
    );
    assert!(
        !expected.is_empty(),
        "an increase for fatigue is always asked about"
    );
    let body = |confirmed: bool| {
        serde_json::json!({
            "recommendation_id": today.id, "decision": "override", "action": "increase_volume",
            "reason_code": "fatigue", "confirmed": confirmed
        })
    };

    let unconfirmed = decide(&server, &server.client, body(false)).await;
    assert_eq!(unconfirmed.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: ApiError = unconfirmed.json().await.expect("error");
    assert_eq!(error.field.as_deref(), Some("confirmed"));
    for warning in &expected {
        assert!(
            error.message.contains(warning.as_str()),
            "{}",
            error.message
        );
    }
    let nothing: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    assert_eq!(nothing.decision, None, "nothing stored");

    let confirmed = decide(&server, &server.client, body(true)).await;
    assert_eq!(confirmed.status(), StatusCode::CREATED);
    let _ = server.stop().await;
}

#[tokio::test]
async fn its_author_undoes_a_decision_and_the_one_before_stands_again() {
    let server = TestServer::start_with_demo().await;
    let today: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let accept = decide(
        &server,
        &server.client,
        serde_json::json!({"recommendation_id": today.id, "decision": "accept"}),
    )
    .await;
    let accepted: DecisionRecord = accept.json().await.expect("decision");
    let change = decide(
        &server,
        &server.client,
        serde_json::json!({
            "recommendation_id": today.id, "decision": "override", "action": "manual_review",
            "reason_code": "schedule_conflict", "confirmed": true
        }),
    )
    .await;
    let changed: DecisionRecord = change.json().await.expect("decision");
    assert!(
        changed.undo_until.is_some(),
        "its author may undo it for a while"
    );

    let athlete = server.sign_in("p02@demo.forma", "demo-athlete").await;
    let by_athlete = athlete
        .client
        .delete(server.url(&format!(
            "/api/athletes/p02/recommendation/decision/{}",
            changed.id
        )))
        .send()
        .await
        .expect("request");
    let undone = server
        .client
        .delete(server.url(&format!(
            "/api/athletes/p02/recommendation/decision/{}",
            changed.id
        )))
        .send()
        .await
        .expect("request");

    assert_eq!(by_athlete.status(), StatusCode::FORBIDDEN);
    assert_eq!(undone.status(), StatusCode::NO_CONTENT);
    let now: RecommendationView = server.get_json("/api/athletes/p02/recommendation").await;
    let standing = now.decision.expect("the accept stands again");
    assert_eq!(standing.id, accepted.id);
    let history: Vec<RecommendationHistoryItem> =
        server.get_json("/api/athletes/p02/recommendations").await;
    let kept: Vec<(String, bool)> = history[0]
        .decisions
        .iter()
        .map(|d| (d.id.clone(), d.undone))
        .collect();
    assert_eq!(kept, vec![(changed.id, true), (accepted.id, false)]);
    let _ = server.stop().await;
}
