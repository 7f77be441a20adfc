//! Plans: a coach saves one, the athlete reads it with its explanation, bad plans
//! are refused naming the field, and the server's projection is forma-core's.

use forma_core::api::{AthletePlan, PlanProjection, SavedPlan};
use forma_core::plan::{self, apply_preset, Plan, PlannedSession, Preset, ProjectionInput};
use reqwest::StatusCode;

use crate::helpers::TestServer;

fn week(start: &str, minutes: f64) -> Plan {
    Plan {
        start: start.parse().expect("date"),
        days: (0..7)
            .map(|i| {
                if i % 2 == 0 {
                    vec![PlannedSession {
                        sport: Some("run".to_owned()),
                        minutes: Some(minutes),
                        rpe: Some(6.0),
                        load: None,
                    }]
                } else {
                    Vec::new()
                }
            })
            .collect(),
    }
}

#[tokio::test]
async fn a_coach_saves_a_plan_and_the_athlete_reads_it_with_its_explanation() {
    let server = TestServer::start_with_demo().await;
    let empty: AthletePlan = server.get_json("/api/athletes/p01/plan").await;
    assert!(empty.saved.is_none());
    assert_eq!(
        empty.next_day.to_string(),
        "2020-04-01",
        "the day after the demo's day"
    );

    let plan = week("2020-04-01", 60.0);
    let answer = server
        .client
        .put(server.url("/api/athletes/p01/plan"))
        .json(&serde_json::json!({"plan": plan, "note": "Keep the easy days easy."}))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::OK);
    let saved: SavedPlan = answer.json().await.expect("saved plan");
    assert_eq!(saved.plan, plan);
    assert_eq!(saved.author, "Demo Coach");
    assert!(
        saved
            .explanation
            .starts_with("7 days from 2020-04-01: 1440 load units over 4 sessions"),
        "{}",
        saved.explanation
    );

    let athlete = server.sign_in("p01@demo.forma", "demo-athlete").await;
    let seen: AthletePlan = athlete
        .client
        .get(server.url("/api/athletes/p01/plan"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("plan");
    let seen = seen.saved.expect("the athlete sees the saved plan");
    assert_eq!(seen.note.as_deref(), Some("Keep the easy days easy."));
    assert_eq!(seen.explanation, saved.explanation);
    let refused = athlete
        .client
        .put(server.url("/api/athletes/p01/plan"))
        .json(&serde_json::json!({"plan": plan}))
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    let pool = server.pool().await;
    let logged: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE entity = 'plan' AND athlete_id = 'p01'",
    )
    .fetch_one(&pool)
    .await
    .expect("audit");
    assert_eq!(logged, 1);
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_bad_plan_is_refused_naming_the_field_and_nothing_is_stored() {
    let server = TestServer::start_with_demo().await;
    let mut plan = week("2020-04-01", 60.0);
    plan.days[2][0].rpe = Some(12.0);
    let answer = server
        .client
        .put(server.url("/api/athletes/p01/plan"))
        .json(&serde_json::json!({"plan": plan}))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: forma_core::api::ApiError = answer.json().await.expect("error");
    assert_eq!(error.field.as_deref(), Some("plan.days[2][0].rpe"));
    assert!(error.message.contains("2020-04-03"), "{}", error.message);

    let past = week("2020-03-20", 60.0);
    let answer = server
        .client
        .put(server.url("/api/athletes/p01/plan"))
        .json(&serde_json::json!({"plan": past}))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let plan: AthletePlan = server.get_json("/api/athletes/p01/plan").await;
    assert!(plan.saved.is_none());
    let _ = server.stop().await;
}

/// The server's projection of `plan` for p08, with `query` (such as `?detail=DAY`).
async fn projection_of(server: &TestServer, plan: &Plan, query: &str) -> reqwest::Response {
    server
        .client
        .post(server.url(&format!("/api/athletes/p08/plan/projection{query}")))
        .json(plan)
        .send()
        .await
        .expect("request")
}

async fn projected(server: &TestServer, plan: &Plan, query: &str) -> PlanProjection {
    projection_of(server, plan, query)
        .await
        .json()
        .await
        .expect("projection")
}

#[tokio::test]
async fn the_server_projection_is_forma_core_s_and_a_deload_lowers_the_ratio() {
    let server = TestServer::start_with_demo().await;
    let pool = server.pool().await;
    let athlete: forma_core::types::AthleteId = "p08".parse().expect("id");
    let data = forma_server::store::records::athlete_data(&pool, &athlete, None, None)
        .await
        .expect("records");
    let sessions: Vec<_> = data.sessions.into_iter().map(|r| r.session).collect();
    let plan = apply_preset(
        &Plan::empty("2020-04-01".parse().expect("date"), 14),
        Preset::CopyLastWeek,
        &sessions,
    );
    assert!(
        plan.loads().iter().sum::<f64>() > 0.0,
        "p08 trained the week before"
    );
    let findings = plan::history_findings(&athlete, &sessions, &data.wellness, plan.start);
    let expected = plan::project(&ProjectionInput {
        athlete: &athlete,
        sessions: &sessions,
        wellness: &data.wellness,
        plan: &plan,
        model: None,
        warnings: plan::WarningOptions::default(),
        performance: None,
        events: &data.events,
        labels: &[],
        quality_findings: &findings,
        detail_day: Some(plan.start),
    });

    let answer = projected(&server, &plan, "").await;
    assert_eq!(
        answer.projection, expected,
        "no model is active in this server"
    );
    assert_eq!(answer.fingerprint, plan::fingerprint(&expected));

    let deload = apply_preset(&plan, Preset::Deload, &sessions);
    let lighter = projected(&server, &deload, "").await;
    let last = |p: &PlanProjection| p.projection.days.last().and_then(|d| d.acwr_coupled);
    assert!(
        last(&lighter) < last(&answer),
        "{:?} {:?}",
        last(&lighter),
        last(&answer)
    );

    // The whole recommendation of the plan's first day, or of the day asked for;
    // none for a day outside the plan, and a bad date is named.
    assert_eq!(
        answer.projection.detail.as_ref().map(|r| r.date),
        Some(plan.start)
    );
    let day5 = projected(&server, &plan, "?detail=2020-04-05").await;
    let detail = day5.projection.detail.expect("day 5 in full");
    assert_eq!(detail.date, plan.date(4));
    assert_eq!(detail.action, day5.projection.days[4].policy.action);
    assert_eq!(day5.projection.days, answer.projection.days);
    let outside = projected(&server, &plan, "?detail=2021-01-01").await;
    assert_eq!(outside.projection.detail, None);
    let bad = projection_of(&server, &plan, "?detail=April").await;
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let error: forma_core::api::ApiError = bad.json().await.expect("error");
    assert_eq!(error.field.as_deref(), Some("detail"));

    // An injury reported today holds the plan's first week to manual review.
    let injury = server
        .client
        .post(server.url("/api/athletes/p08/events"))
        .json(&serde_json::json!({"date": "2020-03-31", "kind": "injury", "severity": "minor"}))
        .send()
        .await
        .expect("request");
    assert_eq!(injury.status(), StatusCode::CREATED);
    let injured = projected(&server, &plan, "").await;
    let actions: Vec<_> = injured
        .projection
        .days
        .iter()
        .map(|d| d.policy.action)
        .collect();
    assert_eq!(
        actions[..7],
        [forma_core::policy::Action::ManualReview; 7],
        "{actions:?}"
    );
    assert!(
        answer.projection.days[..7].iter().all(|d| d.policy.action
            != forma_core::policy::Action::ManualReview
            || !d
                .policy
                .fired
                .iter()
                .any(|f| f.check == forma_core::policy::Check::OpenInjury)),
        "no injury was open before"
    );
    assert!(injured.projection.days[0]
        .warnings
        .iter()
        .any(|w| w.starts_with("Guardrail:") && w.contains("injur")));
    pool.close().await;
    let _ = server.stop().await;
}
