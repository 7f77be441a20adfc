use forma_core::api::{ApiError, AuditEntry, UserAccount};

use crate::helpers::{TestServer, DEMO_COACH};

async fn admin(server: &TestServer) -> reqwest::Client {
    server
        .create_account(forma_core::api::NewAccount {
            email: "admin@test.forma".to_owned(),
            password: "admin-password-1".to_owned(),
            role: forma_core::api::Role::Admin,
            display_name: Some("Admin".to_owned()),
            teams: Vec::new(),
            athlete_id: None,
        })
        .await;
    server
        .sign_in("admin@test.forma", "admin-password-1")
        .await
        .client
}

#[tokio::test]
async fn an_admin_creates_accounts_under_the_same_rules_as_the_command_line() {
    let server = TestServer::start_with_demo().await;
    let admin = admin(&server).await;
    let url = server.url("/api/users");
    let post = |body: serde_json::Value| {
        let (admin, url) = (admin.clone(), url.clone());
        async move { admin.post(url).json(&body).send().await.expect("request") }
    };

    let cases = [
        (
            serde_json::json!({"email": "c@x.no", "password": "short", "role": "coach", "teams": ["demo"]}),
            "password",
        ),
        (
            serde_json::json!({"email": "c@x.no", "password": "long-enough-1", "role": "coach"}),
            "teams",
        ),
        (
            serde_json::json!({"email": "c@x.no", "password": "long-enough-1", "role": "coach", "teams": ["nope"]}),
            "teams",
        ),
        (
            serde_json::json!({"email": "a@x.no", "password": "long-enough-1", "role": "athlete"}),
            "athlete_id",
        ),
        (
            serde_json::json!({"email": "a@x.no", "password": "long-enough-1", "role": "athlete", "athlete_id": "nobody"}),
            "athlete_id",
        ),
        (
            serde_json::json!({"email": "not-an-email", "password": "long-enough-1", "role": "admin"}),
            "email",
        ),
        (
            serde_json::json!({"email": DEMO_COACH.0, "password": "long-enough-1", "role": "admin"}),
            "email",
        ),
    ];
    for (body, field) in cases {
        let response = post(body.clone()).await;
        assert_eq!(response.status(), 422, "{body}");
        let error: ApiError = response.json().await.expect("error body");
        assert_eq!(
            error.field.as_deref(),
            Some(field),
            "{body}: {}",
            error.message
        );
    }
    let created = post(serde_json::json!({"email": "New.Coach@X.no", "password": "long-enough-1", "role": "coach", "teams": ["demo"], "display_name": "New Coach"})).await;
    assert_eq!(created.status(), 201);
    let created: UserAccount = created.json().await.expect("account");
    assert_eq!(created.email, "new.coach@x.no");
    let signed_in = server.sign_in("new.coach@x.no", "long-enough-1").await;
    assert_eq!(signed_in.me.user.teams, ["demo"]);

    let listing = admin.get(&url).send().await.expect("request");
    assert_eq!(listing.status(), 200);
    let text = listing.text().await.expect("body");
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "{text}"
    );
    let accounts: Vec<UserAccount> = serde_json::from_str(&text).expect("accounts");
    assert_eq!(
        accounts.len(),
        5,
        "three demo accounts, the admin, the new coach"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn every_write_is_in_the_audit_log_with_its_author_before_and_after() {
    let server = TestServer::start_with_demo().await;
    let coach = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;
    let athlete = server.sign_in("p01@demo.forma", "demo-athlete").await;
    let url = server.url("/api/athletes/p01/wellness/2020-04-05");

    let by_athlete = athlete
        .client
        .put(&url)
        .json(&serde_json::json!({"sleep_h": 7.0}))
        .send()
        .await
        .expect("request");
    let by_coach = coach
        .client
        .put(&url)
        .json(&serde_json::json!({"sleep_h": 6.5}))
        .send()
        .await
        .expect("request");
    let log: Vec<AuditEntry> = coach
        .client
        .get(server.url("/api/audit?athlete=p01"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("audit log");
    let athlete_reads_log = athlete
        .client
        .get(server.url("/api/audit?athlete=p01"))
        .send()
        .await
        .expect("request");

    assert_eq!(
        (by_athlete.status().as_u16(), by_coach.status().as_u16()),
        (200, 200)
    );
    let wellness: Vec<&AuditEntry> = log
        .iter()
        .filter(|e| e.entity == "wellness" && e.entity_id == "p01/2020-04-05")
        .collect();
    assert_eq!(wellness.len(), 2);
    assert_eq!(
        (wellness[0].actor.as_str(), wellness[0].action.as_str()),
        (athlete.me.user.id.as_str(), "create")
    );
    assert_eq!(
        (wellness[1].actor.as_str(), wellness[1].action.as_str()),
        (coach.me.user.id.as_str(), "update")
    );
    assert_eq!(
        wellness[1].before.as_ref().map(|b| &b["sleep_h"]),
        Some(&serde_json::json!(7.0))
    );
    assert_eq!(
        wellness[1].after.as_ref().map(|a| &a["sleep_h"]),
        Some(&serde_json::json!(6.5))
    );
    assert!(
        log.iter().any(|e| e.actor == "system:demo"),
        "the demo import"
    );
    assert_eq!(athlete_reads_log.status(), 403);

    let logout = coach
        .client
        .post(server.url("/api/auth/logout"))
        .send()
        .await
        .expect("request");
    assert_eq!(logout.status(), 204);
    let pool = server.pool().await;
    let account_events: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT action, actor, after_json FROM audit_log WHERE entity = 'user' ORDER BY at",
    )
    .fetch_all(&pool)
    .await
    .expect("log");
    pool.close().await;
    let actions: Vec<&str> = account_events.iter().map(|(a, _, _)| a.as_str()).collect();
    assert!(
        actions.contains(&"sign_in") && actions.contains(&"sign_out"),
        "{actions:?}"
    );
    assert!(account_events
        .iter()
        .any(|(action, actor, _)| action == "sign_out" && *actor == coach.me.user.id));
    for (_, _, after) in &account_events {
        let after = after.clone().unwrap_or_default();
        assert!(
            !after.contains("demo-") && !after.contains("argon2"),
            "{after}"
        );
    }
    let _ = server.stop().await;
}
