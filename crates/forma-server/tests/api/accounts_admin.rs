//! Admins keep accounts from the app: a coach's teams given and taken, an
//! account disabled (no sign-in, sessions ended) and enabled, and a password
//! reset through a one-time link.

use forma_core::api::{NewAccount, Role, SignedInUser, UserAccount};
use forma_core::roster::Invitation;
use serde_json::{json, Value};

use crate::helpers::{session_cookie_token, TestServer, ADMIN, DEMO_COACH, OTHER_COACH};

async fn call(
    client: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    body: Value,
) -> (u16, Value) {
    let response = client
        .request(method, url)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn account(server: &TestServer, admin: &reqwest::Client, email: &str) -> UserAccount {
    let accounts: Vec<UserAccount> = admin
        .get(server.url("/api/users"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("accounts");
    accounts
        .into_iter()
        .find(|a| a.email == email)
        .expect("the account")
}

#[tokio::test]
async fn an_admin_gives_and_takes_teams_disables_and_resets_with_a_one_time_link() {
    let server = TestServer::start_with_demo().await;
    server.arrange_other_team_and_admin().await;
    let admin = server.sign_in(ADMIN.0, ADMIN.1).await.client;
    let other = account(&server, &admin, OTHER_COACH.0).await;
    let put = reqwest::Method::PUT;

    let (status, error) = call(
        &admin,
        put.clone(),
        server.url(&format!("/api/users/{}/teams", other.id)),
        json!({"teams": ["nowhere"]}),
    )
    .await;
    assert_eq!(
        (status, error["field"].as_str()),
        (422, Some("teams")),
        "{error}"
    );
    let (status, given) = call(
        &admin,
        put.clone(),
        server.url(&format!("/api/users/{}/teams", other.id)),
        json!({"teams": ["other", "demo"]}),
    )
    .await;
    assert_eq!(status, 200, "{given}");
    assert_eq!(given["teams"], json!(["demo", "other"]));
    let coach = server.sign_in(OTHER_COACH.0, OTHER_COACH.1).await.client;
    let demo = coach
        .get(server.url("/api/teams/demo/athletes"))
        .send()
        .await
        .expect("request");
    assert_eq!(demo.status(), 200, "the coach now coaches demo");
    let (status, _) = call(
        &admin,
        put.clone(),
        server.url(&format!("/api/users/{}/teams", other.id)),
        json!({"teams": ["other"]}),
    )
    .await;
    assert_eq!(status, 200);
    let demo = coach
        .get(server.url("/api/teams/demo/athletes"))
        .send()
        .await
        .expect("request");
    assert_eq!(demo.status(), 404, "and no longer");

    // Disabled: no sign-in, the session ends; enabled again: signs in.
    let (status, disabled) = call(
        &admin,
        put.clone(),
        server.url(&format!("/api/users/{}/disabled", other.id)),
        json!({"disabled": true}),
    )
    .await;
    assert_eq!(
        (status, disabled["disabled"].as_bool()),
        (200, Some(true)),
        "{disabled}"
    );
    let me = coach
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), 401);
    let refused = server.login(OTHER_COACH.0, OTHER_COACH.1).await;
    assert_eq!(refused.status(), 403);
    let (status, _) = call(
        &admin,
        put.clone(),
        server.url(&format!("/api/users/{}/disabled", other.id)),
        json!({"disabled": false}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        server.login(OTHER_COACH.0, OTHER_COACH.1).await.status(),
        200
    );
    let me_admin = account(&server, &admin, ADMIN.0).await;
    let (status, _) = call(
        &admin,
        put,
        server.url(&format!("/api/users/{}/disabled", me_admin.id)),
        json!({"disabled": true}),
    )
    .await;
    assert_eq!(status, 409, "an admin does not lock themself out");

    // A reset link: works once, sets the password, signs in, ends other sessions.
    let coach = server.sign_in(OTHER_COACH.0, OTHER_COACH.1).await.client;
    let response = admin
        .post(server.url(&format!("/api/users/{}/reset", other.id)))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 201);
    let link: Invitation = response.json().await.expect("link");
    assert_eq!(link.path, format!("/reset/{}", link.code));
    let accept = server.url(&format!("/api/resets/{}/accept", link.code));
    let (status, short) = call(
        &server.anonymous,
        reqwest::Method::POST,
        accept.clone(),
        json!({"password": "short"}),
    )
    .await;
    assert_eq!((status, short["field"].as_str()), (422, Some("password")));
    let response = server
        .anonymous
        .post(accept.clone())
        .json(&json!({"password": "a-brand-new-password"}))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    assert!(session_cookie_token(&response).is_some());
    let signed: SignedInUser = response.json().await.expect("user");
    assert_eq!(signed.user.email, OTHER_COACH.0);
    let me = coach
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(me.status(), 401, "the sessions from before the reset end");
    assert_eq!(
        server.login(OTHER_COACH.0, OTHER_COACH.1).await.status(),
        401
    );
    assert_eq!(
        server
            .login(OTHER_COACH.0, "a-brand-new-password")
            .await
            .status(),
        200
    );
    let (status, used) = call(
        &server.anonymous,
        reqwest::Method::POST,
        accept,
        json!({"password": "yet-another-password"}),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        used["message"]
            .as_str()
            .unwrap_or_default()
            .contains("was used on"),
        "{used}"
    );

    let pool = server.pool().await;
    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE entity = 'user' AND entity_id = $1 ORDER BY at, id",
    )
    .bind(&other.id)
    .fetch_all(&pool)
    .await
    .expect("audit");
    pool.close().await;
    for action in [
        "update",
        "disable",
        "enable",
        "password_reset_link",
        "password_reset",
    ] {
        assert!(
            actions.iter().any(|a| a == action),
            "{action} in {actions:?}"
        );
    }

    // A coach does none of it, nor creates an admin.
    let demo_coach = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await.client;
    let (status, _) = call(
        &demo_coach,
        reqwest::Method::POST,
        server.url("/api/users"),
        serde_json::to_value(NewAccount {
            email: "boss@demo.forma".to_owned(),
            password: "a-long-enough-password".to_owned(),
            role: Role::Admin,
            display_name: None,
            teams: Vec::new(),
            athlete_id: None,
        })
        .expect("json"),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(
        &demo_coach,
        reqwest::Method::PUT,
        server.url(&format!("/api/users/{}/teams", other.id)),
        json!({"teams": ["demo"]}),
    )
    .await;
    assert_eq!(status, 403);
    let _ = server.stop().await;
}
