//! Keeping teams and athletes through the API: create and rename a team, add an
//! athlete, edit the profile with its history, archive, move; and correcting
//! records by hand (sessions, wellness, injuries closed).

use forma_core::api::{
    AthleteProfile, AthleteStatus, AuditEntry, EventRecord, SessionRecord, TeamSummary,
};
use forma_core::roster::{ProfileView, RosterAthlete};
use serde_json::{json, Value};

use crate::helpers::TestServer;

async fn send(
    server: &TestServer,
    client: &reqwest::Client,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = client.request(method, server.url(path));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn as_coach(
    server: &TestServer,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    send(server, &server.client, method, path, body).await
}

fn field(error: &Value) -> &str {
    error["field"].as_str().unwrap_or_default()
}

async fn audit_count(server: &TestServer, entity: &str, action: &str) -> i64 {
    let pool = server.pool().await;
    let count =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND action = $2")
            .bind(entity)
            .bind(action)
            .fetch_one(&pool)
            .await
            .expect("count");
    pool.close().await;
    count
}

async fn team_ids(server: &TestServer, team: &str) -> Vec<String> {
    let statuses: Vec<AthleteStatus> = server
        .get_json(&format!("/api/teams/{team}/athletes"))
        .await;
    statuses
        .into_iter()
        .map(|status| status.athlete.id.as_str().to_owned())
        .collect()
}

#[tokio::test]
async fn a_coach_creates_a_team_they_then_coach_and_renames_it() {
    let server = TestServer::start_with_demo().await;
    let (status, created) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/teams",
        Some(json!({"name": " U19 Women "})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let team: TeamSummary = serde_json::from_value(created).expect("team");
    assert_eq!(
        (team.id.as_str(), team.name.as_str()),
        ("u19-women", "U19 Women")
    );
    let (status, again) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/teams",
        Some(json!({"name": "U19 women"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(again["id"], "u19-women-2", "a taken id gets a number");
    let (status, taken) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/teams",
        Some(json!({"id": "demo", "name": "Another"})),
    )
    .await;
    assert_eq!(status, 409, "{taken}");

    let teams: Vec<TeamSummary> = server.get_json("/api/teams").await;
    let ids: Vec<&str> = teams.iter().map(|t| t.id.as_str()).collect();
    assert!(
        ids.contains(&"u19-women") && ids.contains(&"demo"),
        "{ids:?}"
    );
    assert_eq!(team_ids(&server, "u19-women").await, Vec::<String>::new());

    let (status, blank) = as_coach(
        &server,
        reqwest::Method::PATCH,
        "/api/teams/u19-women",
        Some(json!({"name": "   "})),
    )
    .await;
    assert_eq!((status, field(&blank)), (422, "name"), "{blank}");
    let (status, renamed) = as_coach(
        &server,
        reqwest::Method::PATCH,
        "/api/teams/u19-women",
        Some(json!({"name": "U19 Women Oslo"})),
    )
    .await;
    assert_eq!(
        (status, renamed["name"].as_str()),
        (200, Some("U19 Women Oslo"))
    );
    assert_eq!(audit_count(&server, "team", "create").await, 2);
    assert_eq!(audit_count(&server, "team", "update").await, 1);

    let athlete = server
        .sign_in("p01@demo.forma", "demo-athlete")
        .await
        .client;
    let (status, refused) = send(
        &server,
        &athlete,
        reqwest::Method::POST,
        "/api/teams",
        Some(json!({"name": "Mine"})),
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_athlete_added_by_hand_is_checked_edited_with_history_and_each_change_bumps_the_data_version(
) {
    let server = TestServer::start_with_demo().await;
    let add = |body: Value| {
        as_coach(
            &server,
            reqwest::Method::POST,
            "/api/teams/demo/athletes",
            Some(body),
        )
    };
    let good = json!({
        "name": "Ada Lovelace", "time_zone": "Europe/Oslo", "sex": "female",
        "birth_year": 1995, "sport": "running", "hr_max": 190, "hr_rest": 48
    });
    for (change, expected) in [
        (json!({"time_zone": "Mars/Olympus"}), "time_zone"),
        (json!({"birth_year": 1850}), "birth_year"),
        (json!({"hr_rest": 195}), "hr_rest"),
        (json!({"hr_max": 20}), "hr_max"),
        (json!({"name": ""}), "name"),
        (json!({"id": "has space"}), "id"),
    ] {
        let mut body = good.clone();
        for (key, value) in change.as_object().expect("object") {
            body[key] = value.clone();
        }
        let (status, error) = add(body).await;
        assert_eq!((status, field(&error)), (422, expected), "{error}");
    }
    let (status, created) = add(good.clone()).await;
    assert_eq!(status, 201, "{created}");
    let ada: AthleteProfile = serde_json::from_value(created).expect("profile");
    assert_eq!(ada.id.as_str(), "ada-lovelace");
    assert_eq!((ada.hr_max, ada.team_id.as_str()), (Some(190.0), "demo"));
    assert!(team_ids(&server, "demo")
        .await
        .contains(&"ada-lovelace".to_owned()));

    let mut edited = good.clone();
    edited["hr_max"] = json!(186);
    edited["sport"] = json!("");
    let (status, after) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/ada-lovelace/profile",
        Some(edited.clone()),
    )
    .await;
    assert_eq!(status, 200, "{after}");
    let after: AthleteProfile = serde_json::from_value(after).expect("profile");
    assert_eq!((after.hr_max, after.sport.as_deref()), (Some(186.0), None));
    assert!(
        after.data_version > ada.data_version,
        "the edit bumps the data version"
    );
    // The same profile again changes nothing and writes no entry.
    let (status, same) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/ada-lovelace/profile",
        Some(edited),
    )
    .await;
    assert_eq!(
        (status, same["data_version"].as_i64()),
        (200, Some(after.data_version))
    );
    let mut bad = good.clone();
    bad["hr_rest"] = json!(200);
    let (status, error) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/ada-lovelace/profile",
        Some(bad),
    )
    .await;
    assert_eq!((status, field(&error)), (422, "hr_rest"), "{error}");

    let view: ProfileView = server.get_json("/api/athletes/ada-lovelace/profile").await;
    let actions: Vec<&str> = view.history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["update", "create"], "newest first");
    let update = &view.history[0];
    assert_eq!(
        update.before,
        Some(json!({"sport": "running", "hr_max": 190.0}))
    );
    assert_eq!(update.after, Some(json!({"sport": null, "hr_max": 186.0})));
    assert_eq!(view.profile.hr_max, Some(186.0));

    let athlete = server
        .sign_in("p01@demo.forma", "demo-athlete")
        .await
        .client;
    let (status, _) = send(
        &server,
        &athlete,
        reqwest::Method::PUT,
        "/api/athletes/p01/profile",
        Some(good),
    )
    .await;
    assert_eq!(status, 403, "an athlete does not edit their own profile");
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_archived_athlete_is_kept_but_left_out_of_the_team_page_and_training_and_a_move_takes_their_history(
) {
    let server = TestServer::start_with_demo().await;
    let before: Vec<TeamSummary> = server.get_json("/api/teams").await;
    let sessions_before: Vec<SessionRecord> = server.get_json("/api/athletes/p03/sessions").await;
    assert!(!sessions_before.is_empty());

    let (status, archived) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p03/archived",
        Some(json!({"archived": true})),
    )
    .await;
    assert_eq!(status, 200, "{archived}");
    let archived: RosterAthlete = serde_json::from_value(archived).expect("roster athlete");
    assert!(archived.archived_at.is_some());
    assert!(!team_ids(&server, "demo").await.contains(&"p03".to_owned()));
    let after: Vec<TeamSummary> = server.get_json("/api/teams").await;
    assert_eq!(after[0].athletes + 1, before[0].athletes);
    let roster: Vec<RosterAthlete> = server.get_json("/api/teams/demo/roster").await;
    let p03 = roster
        .iter()
        .find(|a| a.profile.id.as_str() == "p03")
        .expect("archived athletes stay on the roster");
    assert!(p03.archived_at.is_some());
    let kept: Vec<SessionRecord> = server.get_json("/api/athletes/p03/sessions").await;
    assert_eq!(
        kept.len(),
        sessions_before.len(),
        "nothing of theirs is lost"
    );
    let pool = server.pool().await;
    let inputs = forma_server::training::gather(&pool, &["demo".to_owned()])
        .await
        .expect("gather");
    assert!(!inputs.athletes.is_empty());
    assert!(inputs
        .athletes
        .iter()
        .all(|a| a.athlete_id.as_str() != "p03"));
    assert!(inputs
        .sessions
        .iter()
        .all(|s| s.athlete_id.as_str() != "p03"));
    pool.close().await;
    let queue: Value = server.get_json("/api/labels/queue?team=demo").await;
    assert!(
        !queue.to_string().contains("\"p03\""),
        "the label queue leaves them out"
    );

    let (status, restored) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p03/archived",
        Some(json!({"archived": false})),
    )
    .await;
    assert_eq!((status, &restored["archived_at"]), (200, &Value::Null));
    assert!(team_ids(&server, "demo").await.contains(&"p03".to_owned()));

    // Moving: to a team the coach coaches (made here), not to another coach's.
    let (status, _) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/teams",
        Some(json!({"id": "reserves", "name": "Reserves"})),
    )
    .await;
    assert_eq!(status, 201);
    server.arrange_other_team_and_admin().await;
    let (status, refused) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/athletes/p03/move",
        Some(json!({"team": "other"})),
    )
    .await;
    assert_eq!((status, field(&refused)), (422, "team"), "{refused}");
    let (status, moved) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/athletes/p03/move",
        Some(json!({"team": "reserves"})),
    )
    .await;
    assert_eq!(
        (status, moved["team_id"].as_str()),
        (200, Some("reserves")),
        "{moved}"
    );
    assert_eq!(team_ids(&server, "reserves").await, ["p03"]);
    assert!(!team_ids(&server, "demo").await.contains(&"p03".to_owned()));
    let moved_sessions: Vec<SessionRecord> = server.get_json("/api/athletes/p03/sessions").await;
    assert_eq!(
        moved_sessions.len(),
        sessions_before.len(),
        "their history moves with them"
    );
    let view: ProfileView = server.get_json("/api/athletes/p03/profile").await;
    let history = view.history;
    let actions: Vec<&str> = history.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["move", "restore", "archive"]);
    assert_eq!(history[0].before, Some(json!({"team_id": "demo"})));
    let _ = server.stop().await;
}

async fn data_version(server: &TestServer, athlete: &str) -> i64 {
    let profile: AthleteProfile = server.get_json(&format!("/api/athletes/{athlete}")).await;
    profile.data_version
}

#[tokio::test]
async fn a_coach_corrects_sessions_and_wellness_each_change_audited_and_bumping_the_data_version() {
    let server = TestServer::start_with_demo().await;
    let (status, created) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/athletes/p01/sessions",
        Some(json!({"id": "hand-made-0001", "date": "2020-03-30", "sport": "run", "rpe": 5, "duration_min": 40})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let version = data_version(&server, "p01").await;
    let (status, error) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/sessions/hand-made-0001",
        Some(json!({"date": "2020-03-30", "rpe": 11, "duration_min": 40})),
    )
    .await;
    assert_eq!((status, field(&error)), (422, "rpe"), "{error}");
    let (status, edited) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/sessions/hand-made-0001",
        Some(json!({"date": "2020-03-30", "sport": "run", "rpe": 6, "duration_min": 50})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let edited: SessionRecord = serde_json::from_value(edited).expect("session");
    assert_eq!(edited.session.load, 300.0, "load is RPE x minutes again");
    assert!(data_version(&server, "p01").await > version);
    let stored: Vec<SessionRecord> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-30&to=2020-03-30")
        .await;
    assert!(stored
        .iter()
        .any(|s| s.id == "hand-made-0001" && s.session.rpe == Some(6.0)));
    assert_eq!(audit_count(&server, "session", "update").await, 1);

    let athlete = server
        .sign_in("p01@demo.forma", "demo-athlete")
        .await
        .client;
    let (status, refused) = send(
        &server,
        &athlete,
        reqwest::Method::DELETE,
        "/api/athletes/p01/sessions/hand-made-0001",
        None,
    )
    .await;
    assert_eq!(status, 403, "{refused}");
    let version = data_version(&server, "p01").await;
    let (status, _) = as_coach(
        &server,
        reqwest::Method::DELETE,
        "/api/athletes/p01/sessions/hand-made-0001",
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(data_version(&server, "p01").await > version);
    let (status, gone) = as_coach(
        &server,
        reqwest::Method::DELETE,
        "/api/athletes/p01/sessions/hand-made-0001",
        None,
    )
    .await;
    assert_eq!(status, 404, "{gone}");
    // Another athlete's session is not found under p01.
    let p02: Vec<SessionRecord> = server.get_json("/api/athletes/p02/sessions").await;
    let (status, _) = as_coach(
        &server,
        reqwest::Method::DELETE,
        &format!("/api/athletes/p01/sessions/{}", p02[0].id),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(audit_count(&server, "session", "delete").await, 1);

    let day = "2020-03-29";
    let (status, _) = as_coach(
        &server,
        reqwest::Method::PUT,
        &format!("/api/athletes/p01/wellness/{day}"),
        Some(json!({"sleep_h": 7.5})),
    )
    .await;
    assert_eq!(status, 200);
    let version = data_version(&server, "p01").await;
    let (status, _) = as_coach(
        &server,
        reqwest::Method::DELETE,
        &format!("/api/athletes/p01/wellness/{day}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    assert!(data_version(&server, "p01").await > version);
    let days: Vec<Value> = server
        .get_json(&format!("/api/athletes/p01/wellness?from={day}&to={day}"))
        .await;
    assert!(days.is_empty(), "{days:?}");
    let (status, missing) = as_coach(
        &server,
        reqwest::Method::DELETE,
        &format!("/api/athletes/p01/wellness/{day}"),
        None,
    )
    .await;
    assert_eq!(status, 404, "{missing}");
    let (status, bad) = as_coach(
        &server,
        reqwest::Method::DELETE,
        "/api/athletes/p01/wellness/2020-13-01",
        None,
    )
    .await;
    assert_eq!((status, field(&bad)), (422, "date"), "{bad}");
    assert_eq!(audit_count(&server, "wellness", "delete").await, 1);
    let _ = server.stop().await;
}

fn open_injury(view: &Value) -> bool {
    view["recommendation"]["fired"]
        .as_array()
        .is_some_and(|fired| fired.iter().any(|f| f["check"] == "open_injury"))
}

#[tokio::test]
async fn closing_an_injury_lets_automatic_recommendations_back_and_is_audited() {
    let server = TestServer::start_with_demo().await;
    // The demo team's day is 2020-03-31.
    let (status, created) = as_coach(
        &server,
        reqwest::Method::POST,
        "/api/athletes/p01/events",
        Some(json!({"id": "knee-0000001", "date": "2020-03-28", "kind": "injury", "body_part": "knee"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let today: Value = server.get_json("/api/athletes/p01/recommendation").await;
    assert!(open_injury(&today), "{today}");

    let (status, error) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/events/knee-0000001/closed",
        Some(json!({"closed_on": "2020-03-27"})),
    )
    .await;
    assert_eq!((status, field(&error)), (422, "closed_on"), "{error}");
    let version = data_version(&server, "p01").await;
    let (status, closed) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/events/knee-0000001/closed",
        Some(json!({"closed_on": "2020-03-31"})),
    )
    .await;
    assert_eq!(status, 200, "{closed}");
    assert!(data_version(&server, "p01").await > version);
    let events: Vec<EventRecord> = server.get_json("/api/athletes/p01/events").await;
    let knee = events
        .iter()
        .find(|e| e.id == "knee-0000001")
        .expect("kept");
    assert_eq!(
        knee.event.closed_on.map(|d| d.to_string()).as_deref(),
        Some("2020-03-31")
    );
    let today: Value = server.get_json("/api/athletes/p01/recommendation").await;
    assert!(!open_injury(&today), "{today}");
    assert_eq!(audit_count(&server, "event", "close").await, 1);

    // Editing the report keeps it closed; a date after the closing day is refused.
    let (status, error) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/events/knee-0000001",
        Some(json!({"date": "2020-04-02", "kind": "injury"})),
    )
    .await;
    assert_eq!((status, field(&error)), (422, "date"), "{error}");
    let (status, edited) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/events/knee-0000001",
        Some(json!({"date": "2020-03-28", "kind": "injury", "severity": "minor", "body_part": "left knee"})),
    )
    .await;
    assert_eq!(
        (status, edited["closed_on"].as_str()),
        (200, Some("2020-03-31")),
        "{edited}"
    );
    assert_eq!(edited["body_part"], "left knee");

    let (status, reopened) = as_coach(
        &server,
        reqwest::Method::PUT,
        "/api/athletes/p01/events/knee-0000001/closed",
        Some(json!({"closed_on": null})),
    )
    .await;
    assert_eq!(status, 200, "{reopened}");
    let today: Value = server.get_json("/api/athletes/p01/recommendation").await;
    assert!(open_injury(&today), "open again");
    let (status, _) = as_coach(
        &server,
        reqwest::Method::DELETE,
        "/api/athletes/p01/events/knee-0000001",
        None,
    )
    .await;
    assert_eq!(status, 204);
    let events: Vec<EventRecord> = server.get_json("/api/athletes/p01/events").await;
    assert!(events.iter().all(|e| e.id != "knee-0000001"));
    let audit: Vec<AuditEntry> = server.get_json("/api/audit?athlete=p01").await;
    let actions: Vec<&str> = audit
        .iter()
        .filter(|e| e.entity_id == "knee-0000001")
        .map(|e| e.action.as_str())
        .collect();
    assert_eq!(actions, ["create", "close", "update", "reopen", "delete"]);
    let _ = server.stop().await;
}
