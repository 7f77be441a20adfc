//! The authorization matrix: every route of the API's route table, called as each
//! kind of caller, with the status each must get, and no answer that shows one
//! athlete's data to someone who may not see it. A route added to the table without
//! a row here fails the test.

use std::collections::{BTreeMap, HashMap};

use forma_server::auth::policy::{Policy, Source};

use crate::helpers::{TestServer, ADMIN, DEMO_COACH, OTHER_COACH};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Who {
    Anonymous,
    /// p01's own account.
    AthleteA,
    /// p02's own account (same team as p01).
    AthleteB,
    /// The demo coach: coach of p01's team.
    CoachOfA,
    /// Coach of another team only.
    OtherCoach,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::AthleteA,
    Who::AthleteB,
    Who::CoachOfA,
    Who::OtherCoach,
    Who::Admin,
];

/// Expected status per caller, in the order of `EVERYONE`. Every call is about
/// athlete p01 or team `demo` (the model routes with `?team=demo`).
const MATRIX: &[(&str, [u16; 6])] = &[
    //                                     anon  A    B    coach other admin
    ("GET /health", [200, 200, 200, 200, 200, 200]),
    ("POST /auth/login", [401, 200, 200, 200, 200, 200]),
    ("POST /auth/logout", [401, 204, 204, 204, 204, 204]),
    ("GET /auth/me", [401, 200, 200, 200, 200, 200]),
    ("GET /users", [401, 403, 403, 403, 403, 200]),
    ("POST /users", [401, 403, 403, 403, 403, 201]),
    ("GET /audit", [401, 403, 404, 200, 404, 200]),
    ("GET /teams", [401, 200, 200, 200, 200, 200]),
    ("GET /teams/{team}/athletes", [401, 403, 403, 200, 404, 200]),
    ("GET /athletes/{id}", [401, 200, 404, 200, 404, 200]),
    ("GET /athletes/{id}/series", [401, 200, 404, 200, 404, 200]),
    ("GET /athletes/{id}/quality", [401, 200, 404, 200, 404, 200]),
    (
        "GET /athletes/{id}/sessions",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "POST /athletes/{id}/sessions",
        [401, 201, 404, 201, 404, 403],
    ),
    (
        "GET /athletes/{id}/wellness",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "PUT /athletes/{id}/wellness/{date}",
        [401, 200, 404, 200, 404, 403],
    ),
    ("GET /athletes/{id}/events", [401, 200, 404, 200, 404, 200]),
    ("POST /athletes/{id}/events", [401, 403, 404, 201, 404, 403]),
    ("POST /import/activity", [401, 200, 404, 200, 404, 200]),
    ("POST /import/{kind}", [401, 403, 403, 200, 404, 200]),
    // A file that is no zip is answered with a report that stored nothing.
    ("POST /import/pmdata", [401, 403, 403, 200, 404, 200]),
    // Each team has its own model: its athletes fetch the active one (the browser
    // scores plans with it); its coaches and admins manage it. A coach of another
    // team finds neither team demo nor its model.
    ("GET /model/active", [401, 200, 200, 200, 404, 200]),
    ("GET /models", [401, 403, 403, 200, 404, 200]),
    ("GET /models/{id}", [401, 403, 403, 200, 404, 200]),
    ("POST /models/{id}/activate", [401, 403, 403, 200, 404, 200]),
    // Only one model was ever active for the team: nothing to roll back to.
    ("POST /models/rollback", [401, 403, 403, 409, 404, 409]),
    // The coach's call starts a training (seconds long); the admin's finds it running.
    ("POST /models/train", [401, 403, 403, 202, 404, 409]),
    // The coach cancels the training their call started (the answer waits for it
    // to stop); the admin's call then finds none running.
    ("DELETE /models/train", [401, 403, 403, 200, 404, 409]),
    // Labels: the athlete reads their own; their team's coach writes and takes back
    // their own (the label the coach's POST made); the export holds the caller's teams.
    ("GET /athletes/{id}/labels", [401, 200, 404, 200, 404, 200]),
    ("POST /athletes/{id}/labels", [401, 403, 404, 201, 404, 403]),
    (
        "DELETE /athletes/{id}/labels/{label}",
        [401, 403, 404, 204, 404, 403],
    ),
    ("GET /labels/queue", [401, 403, 403, 200, 404, 200]),
    ("GET /labels/export", [401, 403, 403, 200, 200, 200]),
    ("GET /athletes/{id}/plan", [401, 200, 404, 200, 404, 200]),
    ("PUT /athletes/{id}/plan", [401, 403, 404, 200, 404, 403]),
    (
        "POST /athletes/{id}/plan/projection",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "GET /athletes/{id}/performance-tests",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "POST /athletes/{id}/performance-tests",
        [401, 403, 404, 201, 404, 403],
    ),
    (
        "GET /athletes/{id}/recommendation",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "POST /athletes/{id}/recommendation/decision",
        [401, 403, 404, 201, 404, 403],
    ),
    // Only the decision's author (the demo coach) may undo it.
    (
        "DELETE /athletes/{id}/recommendation/decision/{decision}",
        [401, 403, 404, 204, 404, 403],
    ),
    (
        "GET /athletes/{id}/recommendations",
        [401, 200, 404, 200, 404, 200],
    ),
    (
        "GET /teams/{team}/recommendations",
        [401, 403, 403, 200, 404, 200],
    ),
    // Keeping teams and athletes: a coach's own teams and admins; an athlete is
    // told their coach does it. Each caller's new team and athlete has an id of
    // its own; the profile, archive and move calls leave p01 as it was.
    ("POST /teams", [401, 403, 403, 201, 201, 201]),
    ("PATCH /teams/{team}", [401, 403, 403, 200, 404, 200]),
    ("GET /teams/{team}/roster", [401, 403, 403, 200, 404, 200]),
    (
        "POST /teams/{team}/athletes",
        [401, 403, 403, 201, 404, 201],
    ),
    ("GET /athletes/{id}/profile", [401, 403, 404, 200, 404, 200]),
    ("PUT /athletes/{id}/profile", [401, 403, 404, 200, 404, 200]),
    (
        "PUT /athletes/{id}/archived",
        [401, 403, 404, 200, 404, 200],
    ),
    ("POST /athletes/{id}/move", [401, 403, 404, 200, 404, 200]),
    // Correcting records: the coach; the athlete adds but does not change them.
    // The coach's calls change the session and event made for the matrix, then
    // delete them (the admin's find the policy first).
    (
        "PUT /athletes/{id}/sessions/{session}",
        [401, 403, 404, 200, 404, 403],
    ),
    (
        "DELETE /athletes/{id}/sessions/{session}",
        [401, 403, 404, 204, 404, 403],
    ),
    (
        "DELETE /athletes/{id}/wellness/{date}",
        [401, 403, 404, 204, 404, 403],
    ),
    (
        "PUT /athletes/{id}/events/{event}",
        [401, 403, 404, 200, 404, 403],
    ),
    (
        "PUT /athletes/{id}/events/{event}/closed",
        [401, 403, 404, 200, 404, 403],
    ),
    (
        "DELETE /athletes/{id}/events/{event}",
        [401, 403, 404, 204, 404, 403],
    ),
    // Accounts from the app: p01 has an account already, so a coach's or an
    // admin's invitation is a 409; an unknown code is a 404 for everyone; a wrong
    // current password is a 422 naming it.
    ("POST /athletes/{id}/invite", [401, 403, 404, 409, 404, 409]),
    ("GET /invites/{code}", [404, 404, 404, 404, 404, 404]),
    (
        "POST /invites/{code}/accept",
        [404, 404, 404, 404, 404, 404],
    ),
    ("POST /auth/password", [401, 422, 422, 422, 422, 422]),
    // Admins keep accounts; the matrix's id (p01) is no account's, so the admin's
    // calls find none. Resets with an unknown code are a 404 for everyone.
    ("PUT /users/{id}/teams", [401, 403, 403, 403, 403, 404]),
    ("PUT /users/{id}/disabled", [401, 403, 403, 403, 403, 404]),
    ("POST /users/{id}/reset", [401, 403, 403, 403, 403, 404]),
    ("GET /resets/{code}", [404, 404, 404, 404, 404, 404]),
    ("POST /resets/{code}/accept", [404, 404, 404, 404, 404, 404]),
];

const ATHLETE_A: (&str, &str) = ("p01@demo.forma", "demo-athlete");
const ATHLETE_B: (&str, &str) = ("p02@demo.forma", "demo-athlete");

fn credentials(who: Who) -> Option<(&'static str, &'static str)> {
    match who {
        Who::Anonymous => None,
        Who::AthleteA => Some(ATHLETE_A),
        Who::AthleteB => Some(ATHLETE_B),
        Who::CoachOfA => Some(DEMO_COACH),
        Who::OtherCoach => Some(OTHER_COACH),
        Who::Admin => Some(ADMIN),
    }
}

/// The request for a route: its path with parameters filled in (and the query
/// parameters its policy reads), and a body.
struct Call {
    method: reqwest::Method,
    url_path: String,
    body: Body,
}

enum Body {
    Empty,
    Json(serde_json::Value),
    File(&'static str, &'static str),
}

fn call(
    route: &str,
    method: &str,
    path: &str,
    policy: Policy,
    who: Who,
    subject: &Subject,
) -> Call {
    let mut url_path = format!("/api{path}");
    if path.starts_with("/models/") {
        url_path = url_path.replace("{id}", &subject.model.lock().expect("model id"));
    }
    for (name, value) in [
        ("id", subject.athlete),
        ("team", subject.team),
        ("date", "2020-04-02"),
        ("kind", "sessions"),
        ("label", "matrix-label-0001"),
        ("session", MATRIX_SESSION),
        ("event", MATRIX_EVENT),
        ("code", "matrix-unknown-code"),
        (
            "decision",
            &subject.decision.lock().expect("decision id").clone(),
        ),
    ] {
        url_path = url_path.replace(&format!("{{{name}}}"), value);
    }
    let query = match policy {
        Policy::TeamRead {
            team: Source::Query(name),
        }
        | Policy::TeamWrite {
            team: Source::Query(name),
        } => Some((name, subject.team)),
        // Each team has its own model: the model routes name the team.
        Policy::ModelRead | Policy::ModelManage => Some(("team", subject.team)),
        Policy::AthleteRead {
            athlete: Source::Query(name),
        }
        | Policy::AthleteWrite {
            athlete: Source::Query(name),
            ..
        }
        | Policy::AuditRead {
            athlete: Source::Query(name),
        } => Some((name, subject.athlete)),
        _ => None,
    };
    if let Some((name, value)) = query {
        url_path.push_str(&format!("?{name}={value}"));
    }
    assert!(
        !url_path.contains('{'),
        "{route}: a path parameter left unfilled"
    );
    let body = match route {
        "POST /auth/login" => {
            let (email, password) = credentials(who).unwrap_or((ATHLETE_A.0, "wrong-password"));
            Body::Json(serde_json::json!({"email": email, "password": password}))
        }
        "POST /users" => Body::Json(serde_json::json!({
            "email": format!("new-{who:?}@test.forma").to_lowercase(),
            "password": "a-long-enough-password",
            "role": "athlete",
            "athlete_id": "p03",
        })),
        "POST /athletes/{id}/sessions" => Body::Json(
            serde_json::json!({"date": "2020-04-02", "sport": "matrix", "rpe": 5, "duration_min": 30}),
        ),
        "PUT /athletes/{id}/wellness/{date}" => Body::Json(serde_json::json!({"sleep_h": 7.5})),
        "POST /athletes/{id}/events" => {
            Body::Json(serde_json::json!({"date": "2020-04-02", "kind": "illness"}))
        }
        "POST /import/activity" => Body::File("ride.gpx", "not really a GPX file"),
        "POST /athletes/{id}/labels" => Body::Json(
            serde_json::json!({"id": "matrix-label-0001", "date": "2020-03-02", "code": "fatigue"}),
        ),
        "DELETE /athletes/{id}/labels/{label}" => Body::Empty,
        "PUT /athletes/{id}/plan" => Body::Json(serde_json::json!({
            "plan": {"start": "2020-04-01", "days": [[], [], [], [], [], [], []]},
            "note": "An easy week."
        })),
        "POST /athletes/{id}/recommendation/decision" => Body::Json(serde_json::json!({
            "recommendation_id": subject.recommendation.lock().expect("id").clone(),
            "decision": "override",
            "action": "reduce_intensity",
            "reason_code": "fatigue",
            "note": "Tired after the trip.",
            "confirmed": true
        })),
        "DELETE /athletes/{id}/recommendation/decision/{decision}" => Body::Empty,
        "DELETE /models/train" => Body::Empty,
        "POST /athletes/{id}/performance-tests" => {
            Body::Json(serde_json::json!({"date": "2020-03-20", "value": 250.0}))
        }
        "POST /athletes/{id}/plan/projection" => Body::Json(serde_json::json!({
            "start": "2020-04-01",
            "days": [[{"minutes": 60, "rpe": 5}], [], [], [], [], [], []]
        })),
        "POST /import/pmdata" => Body::File("export.zip", "not really a zip"),
        "POST /teams" => Body::Json(serde_json::json!({"name": format!("Matrix {who:?}")})),
        "PATCH /teams/{team}" => Body::Json(serde_json::json!({"name": "Demo team (PMData)"})),
        "POST /teams/{team}/athletes" => Body::Json(serde_json::json!({
            "id": format!("new-{who:?}").to_lowercase(),
            "name": format!("New {who:?}"),
            "time_zone": "Europe/Oslo",
        })),
        "PUT /athletes/{id}/profile" => Body::Json(
            serde_json::from_str(&subject.profile.lock().expect("profile")).expect("profile JSON"),
        ),
        "PUT /athletes/{id}/archived" => Body::Json(serde_json::json!({"archived": false})),
        "POST /athletes/{id}/move" => Body::Json(serde_json::json!({"team": subject.team})),
        "PUT /athletes/{id}/sessions/{session}" => Body::Json(
            serde_json::json!({"date": "2020-04-01", "sport": "matrix", "rpe": 4, "duration_min": 20}),
        ),
        "DELETE /athletes/{id}/sessions/{session}"
        | "DELETE /athletes/{id}/wellness/{date}"
        | "DELETE /athletes/{id}/events/{event}" => Body::Empty,
        "PUT /athletes/{id}/events/{event}" => {
            Body::Json(serde_json::json!({"date": "2020-04-01", "kind": "injury"}))
        }
        "PUT /athletes/{id}/events/{event}/closed" => {
            Body::Json(serde_json::json!({"closed_on": "2020-04-03"}))
        }
        "POST /athletes/{id}/invite" | "POST /users/{id}/reset" => Body::Empty,
        "PUT /users/{id}/teams" => Body::Json(serde_json::json!({"teams": ["demo"]})),
        "PUT /users/{id}/disabled" => Body::Json(serde_json::json!({"disabled": false})),
        "POST /resets/{code}/accept" => {
            Body::Json(serde_json::json!({"password": "a-long-enough-password"}))
        }
        "POST /invites/{code}/accept" => Body::Json(serde_json::json!({
            "email": format!("new-{who:?}@invite.forma").to_lowercase(),
            "password": "a-long-enough-password",
        })),
        "POST /auth/password" => Body::Json(serde_json::json!({
            "current_password": "wrong-password",
            "new_password": "a-long-enough-password",
        })),
        "POST /import/{kind}" => Body::File(
            "sessions.csv",
            "athlete_id,date,duration_min,rpe\np01,2020-04-03,30,4\n",
        ),
        _ if method == "GET"
            || method == "POST" && (path.ends_with("/logout") || path.starts_with("/models/")) =>
        {
            Body::Empty
        }
        _ => panic!("{route}: the matrix has no body for this write"),
    };
    Call {
        method: method.parse().expect("method"),
        url_path,
        body,
    }
}

/// What the calls are about.
struct Subject {
    athlete: &'static str,
    team: &'static str,
    /// A model version id, known once the server has trained its first model.
    model: std::sync::Mutex<String>,
    /// Today's recommendation id of the athlete.
    recommendation: std::sync::Mutex<String>,
    /// A decision the demo coach made on it.
    decision: std::sync::Mutex<String>,
    /// The athlete's profile as stored, the body that leaves it unchanged.
    profile: std::sync::Mutex<String>,
}

/// A session and an injury of p01 the demo coach made for the matrix.
const MATRIX_SESSION: &str = "matrix-session-0001";
const MATRIX_EVENT: &str = "matrix-event-0001";

static REAL: Subject = Subject {
    athlete: "p01",
    team: "demo",
    model: std::sync::Mutex::new(String::new()),
    recommendation: std::sync::Mutex::new(String::new()),
    decision: std::sync::Mutex::new(String::new()),
    profile: std::sync::Mutex::new(String::new()),
};
static MISSING: Subject = Subject {
    athlete: "zz99",
    team: "zz99",
    model: std::sync::Mutex::new(String::new()),
    recommendation: std::sync::Mutex::new(String::new()),
    decision: std::sync::Mutex::new(String::new()),
    profile: std::sync::Mutex::new(String::new()),
};

async fn send(server: &TestServer, client: &reqwest::Client, call: &Call) -> (u16, String) {
    let mut request = client.request(call.method.clone(), server.url(&call.url_path));
    request = match &call.body {
        Body::Empty => request,
        Body::Json(value) => request.json(value),
        Body::File(name, text) => request.multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(text.as_bytes().to_vec()).file_name(*name),
        )),
    };
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn every_route_answers_each_kind_of_caller_as_the_policy_says_and_shows_nobody_else_s_data() {
    let (server, model) = TestServer::start_with_demo_and_model().await;
    *REAL.model.lock().expect("model id") = model;
    *MISSING.model.lock().expect("model id") = "m-0000000000000000".to_owned();
    let today: forma_core::api::RecommendationView =
        server.get_json("/api/athletes/p01/recommendation").await;
    *REAL.recommendation.lock().expect("id") = today.id.clone();
    let decided: forma_core::api::DecisionRecord = server
        .client
        .post(server.url("/api/athletes/p01/recommendation/decision"))
        .json(&serde_json::json!({"recommendation_id": today.id, "decision": "accept"}))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("a decision");
    *REAL.decision.lock().expect("id") = decided.id.clone();
    *MISSING.decision.lock().expect("id") = decided.id;
    *MISSING.recommendation.lock().expect("id") = today.id;
    let profile: serde_json::Value = server.get_json("/api/athletes/p01").await;
    *REAL.profile.lock().expect("profile") = profile.to_string();
    *MISSING.profile.lock().expect("profile") = profile.to_string();
    for (path, body) in [
        (
            "/api/athletes/p01/sessions",
            serde_json::json!({"id": MATRIX_SESSION, "date": "2020-04-01", "rpe": 3, "duration_min": 30}),
        ),
        (
            "/api/athletes/p01/events",
            serde_json::json!({"id": MATRIX_EVENT, "date": "2020-04-01", "kind": "injury"}),
        ),
    ] {
        let response = server
            .client
            .post(server.url(path))
            .json(&body)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201, "{path}");
    }
    server.arrange_other_team_and_admin().await;
    let mut clients = HashMap::new();
    for who in EVERYONE {
        let client = match credentials(who) {
            Some((email, password)) => server.sign_in(email, password).await.client,
            None => server.anonymous.clone(),
        };
        clients.insert(who, client);
    }
    let expectations: BTreeMap<&str, [u16; 6]> = MATRIX.iter().copied().collect();
    let table = forma_server::api::route_table();
    let routes: Vec<String> = table
        .iter()
        .map(|(method, path, _)| format!("{method} {path}"))
        .collect();
    for route in &routes {
        assert!(
            expectations.contains_key(route.as_str()),
            "route `{route}` is in the route table but has no row in the authorization matrix"
        );
    }
    for route in expectations.keys() {
        assert!(
            routes.iter().any(|r| r == route),
            "the matrix has a row for `{route}`, which is not a route"
        );
    }

    // Signing out ends the session the other calls use: those calls go last.
    let mut order: Vec<usize> = (0..table.len()).collect();
    order.sort_by_key(|&n| table[n].1 == "/auth/logout");
    let mut failures = Vec::new();
    for n in order {
        let (method, path, policy) = &table[n];
        let route = &routes[n];
        let expected = expectations[route.as_str()];
        for (column, who) in EVERYONE.iter().enumerate() {
            let client = &clients[who];
            let request = call(route, method.as_str(), path, *policy, *who, &REAL);
            let (status, body) = send(&server, client, &request).await;
            if status != expected[column] {
                failures.push(format!(
                    "{route} as {who:?}: {status}, expected {} ({body})",
                    expected[column]
                ));
            }
            let forbidden_athlete = match who {
                Who::AthleteA => Some("p02"),
                Who::AthleteB | Who::OtherCoach if (200..300).contains(&status) => Some("p01"),
                _ => None,
            };
            if let Some(athlete) = forbidden_athlete {
                if body.contains(athlete) {
                    failures.push(format!("{route} as {who:?} shows {athlete}: {body}"));
                }
            }
            if *who == Who::OtherCoach && body.contains("\"demo\"") {
                failures.push(format!("{route} as {who:?} shows team demo: {body}"));
            }
            if !(200..300).contains(&status) {
                let error: Result<forma_core::api::ApiError, _> = serde_json::from_str(&body);
                if error.is_err() {
                    failures.push(format!("{route} as {who:?}: not an error body: {body}"));
                }
            }
            if status == 404 {
                // A team or athlete the caller may not see answers exactly like a missing one.
                let missing = call(route, method.as_str(), path, *policy, *who, &MISSING);
                let (missing_status, missing_body) = send(&server, client, &missing).await;
                let missing_model = MISSING.model.lock().expect("model id").clone();
                let real_model = REAL.model.lock().expect("model id").clone();
                if (
                    missing_status,
                    missing_body
                        .replace("zz99", "p01")
                        .replace("p01", "demo")
                        .replace(&missing_model, &real_model),
                ) != (404, body.replace("p01", "demo"))
                {
                    failures.push(format!(
                        "{route} as {who:?}: hidden and missing differ: {body} / {missing_body}"
                    ));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn the_team_list_holds_only_the_caller_s_teams() {
    let server = TestServer::start_with_demo().await;
    server.arrange_other_team_and_admin().await;
    let teams = |client: reqwest::Client| {
        let url = server.url("/api/teams");
        async move {
            let teams: Vec<forma_core::api::TeamSummary> = client
                .get(url)
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("teams");
            teams.into_iter().map(|t| t.id).collect::<Vec<_>>()
        }
    };

    let coach = teams(server.client.clone()).await;
    let other = teams(server.sign_in(OTHER_COACH.0, OTHER_COACH.1).await.client).await;
    let admin = teams(server.sign_in(ADMIN.0, ADMIN.1).await.client).await;
    let athlete = teams(server.sign_in(ATHLETE_A.0, ATHLETE_A.1).await.client).await;

    assert_eq!(coach, ["demo"]);
    assert_eq!(other, ["other"]);
    assert_eq!(admin, ["demo", "other"]);
    assert!(athlete.is_empty());
    let _ = server.stop().await;
}
