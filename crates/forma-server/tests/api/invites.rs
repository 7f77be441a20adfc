//! Accounts from the app: a coach's one-time invitation, accepted once before it
//! expires, and changing one's own password with the current one.

use forma_core::api::{AuditEntry, SignedInUser};
use forma_core::roster::Invitation;
use serde_json::{json, Value};

use crate::helpers::{session_cookie_token, signed_in_client, TestServer, DEMO_COACH};

async fn post(client: &reqwest::Client, url: String, body: Value) -> reqwest::Response {
    client.post(url).json(&body).send().await.expect("request")
}

async fn status_and_json(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn an_invited_athlete_sets_a_password_once_and_lands_signed_in_on_their_own_data() {
    let server = TestServer::start_with_demo().await;
    let (status, _) = status_and_json(
        post(
            &server.client,
            server.url("/api/teams/demo/athletes"),
            json!({"name": "Ada Lovelace", "time_zone": "Europe/Oslo"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 201);
    let response = post(
        &server.client,
        server.url("/api/athletes/ada-lovelace/invite"),
        json!(null),
    )
    .await;
    assert_eq!(response.status(), 201);
    let invitation: Invitation = response.json().await.expect("invitation");
    assert_eq!(invitation.code.len(), 64);
    assert_eq!(invitation.path, format!("/invite/{}", invitation.code));

    let preview: Value = server
        .anonymous
        .get(server.url(&format!("/api/invites/{}", invitation.code)))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("preview");
    assert_eq!(preview["athlete_name"], "Ada Lovelace");

    let accept = server.url(&format!("/api/invites/{}/accept", invitation.code));
    let (status, short) = status_and_json(
        post(
            &server.anonymous,
            accept.clone(),
            json!({"email": "ada@club.no", "password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, short["field"].as_str()),
        (422, Some("password")),
        "{short}"
    );
    let response = post(
        &server.anonymous,
        accept.clone(),
        json!({"email": "Ada@Club.no", "password": "analytical-engine"}),
    )
    .await;
    assert_eq!(response.status(), 200);
    let token = session_cookie_token(&response).expect("signed in by the answer");
    let me: SignedInUser = response.json().await.expect("user");
    assert_eq!(me.user.athlete_id.as_deref(), Some("ada-lovelace"));
    assert_eq!(me.user.email, "ada@club.no");
    let ada = signed_in_client(&token, Some(&me.csrf_token));
    let own = ada
        .get(server.url("/api/athletes/ada-lovelace"))
        .send()
        .await
        .expect("request");
    assert_eq!(own.status(), 200);
    let other = ada
        .get(server.url("/api/athletes/p01"))
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 404);
    assert_eq!(
        server
            .login("ada@club.no", "analytical-engine")
            .await
            .status(),
        200
    );

    let (status, used) = status_and_json(
        post(
            &server.anonymous,
            accept,
            json!({"email": "eve@club.no", "password": "another-password"}),
        )
        .await,
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
    let again = post(
        &server.client,
        server.url("/api/athletes/ada-lovelace/invite"),
        json!(null),
    )
    .await;
    assert_eq!(
        again.status(),
        409,
        "an athlete with an account is not invited again"
    );

    let audit: Vec<AuditEntry> = server.get_json("/api/audit?athlete=ada-lovelace").await;
    let actions: Vec<&str> = audit.iter().map(|e| e.action.as_str()).collect();
    for action in ["invite", "accept_invite"] {
        assert!(actions.contains(&action), "{actions:?}");
    }
    assert!(!serde_json::to_string(&audit)
        .expect("json")
        .contains("analytical-engine"));

    // An athlete does not invite.
    let p01 = server
        .sign_in("p01@demo.forma", "demo-athlete")
        .await
        .client;
    let refused = post(&p01, server.url("/api/athletes/p01/invite"), json!(null)).await;
    assert_eq!(refused.status(), 403);
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_expired_or_unknown_invitation_is_refused_with_what_to_do() {
    let server = TestServer::start_with_demo().await;
    let pool = server.pool().await;
    let code = "e".repeat(64);
    let mut write = forma_server::store::begin_write(&pool)
        .await
        .expect("write");
    forma_server::store::invites::insert(
        &mut write,
        &forma_server::auth::token_hash(&code),
        "p03",
        "test",
        "2020-01-01T00:00:00Z",
    )
    .await
    .expect("invite");
    write.commit().await.expect("commit");
    pool.close().await;
    let (status, expired) = status_and_json(
        server
            .anonymous
            .get(server.url(&format!("/api/invites/{code}")))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        expired["message"]
            .as_str()
            .unwrap_or_default()
            .contains("expired on 2020-01-01"),
        "{expired}"
    );
    let (status, _) = status_and_json(
        post(
            &server.anonymous,
            server.url(&format!("/api/invites/{code}/accept")),
            json!({"email": "p03@club.no", "password": "a-long-enough-password"}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "an expired invitation makes no account");
    assert_eq!(
        server
            .login("p03@club.no", "a-long-enough-password")
            .await
            .status(),
        401
    );
    let (status, unknown) = status_and_json(
        server
            .anonymous
            .get(server.url(&format!("/api/invites/{}", "f".repeat(64))))
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert_eq!(status, 404);
    assert!(unknown["message"]
        .as_str()
        .unwrap_or_default()
        .contains("ask your coach"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn everyone_changes_their_own_password_with_the_current_one_and_other_sessions_end() {
    let server = TestServer::start_with_demo().await;
    let session = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;
    let url = server.url("/api/auth/password");
    let (status, wrong) = status_and_json(
        post(
            &session.client,
            url.clone(),
            json!({"current_password": "not-it-at-all", "new_password": "a-new-long-password"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, wrong["field"].as_str()),
        (422, Some("current_password")),
        "{wrong}"
    );
    let (status, short) = status_and_json(
        post(
            &session.client,
            url.clone(),
            json!({"current_password": DEMO_COACH.1, "new_password": "short"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, short["field"].as_str()),
        (422, Some("new_password")),
        "{short}"
    );
    let changed = post(
        &session.client,
        url,
        json!({"current_password": DEMO_COACH.1, "new_password": "a-new-long-password"}),
    )
    .await;
    assert_eq!(changed.status(), 204);
    assert_eq!(server.login(DEMO_COACH.0, DEMO_COACH.1).await.status(), 401);
    assert_eq!(
        server
            .login(DEMO_COACH.0, "a-new-long-password")
            .await
            .status(),
        200
    );
    let this = session
        .client
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(this.status(), 200, "the session that changed it stays");
    let other = server
        .client
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request");
    assert_eq!(other.status(), 401, "the other sessions end");
    let pool = server.pool().await;
    let entries: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'password_change'")
            .fetch_one(&pool)
            .await
            .expect("count");
    assert_eq!(entries, 1);
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn one_invitation_makes_one_account_even_when_accepted_twice_at_once() {
    let server = TestServer::start_with_demo().await;
    let response = post(
        &server.client,
        server.url("/api/athletes/p03/invite"),
        json!(null),
    )
    .await;
    assert_eq!(response.status(), 201);
    let invitation: Invitation = response.json().await.expect("invitation");
    let accept = server.url(&format!("/api/invites/{}/accept", invitation.code));

    // An email already taken refuses the account and leaves the link usable.
    let (status, taken) = status_and_json(
        post(
            &server.anonymous,
            accept.clone(),
            json!({"email": "coach@demo.forma", "password": "a-long-password-3"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, taken["field"].as_str()),
        (422, Some("email")),
        "{taken}"
    );

    let other_browser = reqwest::Client::new();
    let (first, second) = tokio::join!(
        post(
            &server.anonymous,
            accept.clone(),
            json!({"email": "p03-a@club.no", "password": "a-long-password-3"}),
        ),
        post(
            &other_browser,
            accept.clone(),
            json!({"email": "p03-b@club.no", "password": "a-long-password-3"}),
        ),
    );
    let mut statuses = [first.status().as_u16(), second.status().as_u16()];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "one accept makes the account");
    let pool = server.pool().await;
    let linked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE athlete_id = 'p03'")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(linked, 1, "one account for the athlete");
    pool.close().await;
    let _ = server.stop().await;
}
