use std::time::Instant;

use forma_core::api::{ApiError, Role, SignedInUser};

use crate::helpers::{session_cookie_token, set_cookie, signed_in_client, TestServer, DEMO_COACH};

/// That both also take the same work is a unit test of `api::auth` (the unknown
/// email is checked against a hash with a real account's parameters), not a
/// comparison of times on a shared machine.
#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let server = TestServer::start_with_demo().await;

    let wrong = server.login(DEMO_COACH.0, "not-the-password").await;
    let unknown = server.login("nobody@demo.forma", "not-the-password").await;

    assert_eq!(
        (wrong.status().as_u16(), unknown.status().as_u16()),
        (401, 401)
    );
    assert!(set_cookie(&wrong).is_none() && set_cookie(&unknown).is_none());
    let wrong: ApiError = wrong.json().await.expect("error body");
    let unknown: ApiError = unknown.json().await.expect("error body");
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.code, "invalid_credentials");
    let _ = server.stop().await;
}

/// A client whose connections leave from `address`, one of 127.0.0.0/8 (Linux
/// routes all of it to the loopback device), so one test can be several addresses.
fn client_from(address: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(address))
        .build()
        .expect("client")
}

async fn login_from(
    server: &TestServer,
    client: &reqwest::Client,
    email: &str,
    password: &str,
) -> reqwest::Response {
    client
        .post(server.url("/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .expect("login request")
}

/// The audit entries of an action, once the server has written its counts.
async fn audited(server: &TestServer, action: &str) -> Vec<(String, serde_json::Value)> {
    let pool = server.pool().await;
    let started = Instant::now();
    let rows = loop {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT entity_id, after_json FROM audit_log WHERE action = $1 ORDER BY at, id",
        )
        .bind(action)
        .fetch_all(&pool)
        .await
        .expect("audit rows");
        if !rows.is_empty() || started.elapsed() > std::time::Duration::from_secs(10) {
            break rows;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    pool.close().await;
    rows.into_iter()
        .map(|(entity, after)| {
            (
                entity,
                serde_json::from_str(&after.unwrap_or_default()).unwrap_or_default(),
            )
        })
        .collect()
}

#[tokio::test]
async fn wrong_passwords_from_one_address_delay_that_address_but_never_the_account_elsewhere() {
    let server = TestServer::start_with_demo().await;
    let guesser = client_from([127, 0, 0, 2]);
    for attempt in 1..=5 {
        let response = login_from(&server, &guesser, DEMO_COACH.0, "guess-number-x").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }

    let elsewhere = login_from(
        &server,
        &client_from([127, 0, 0, 3]),
        DEMO_COACH.0,
        DEMO_COACH.1,
    )
    .await;
    assert_eq!(
        elsewhere.status(),
        200,
        "the coach signs in from another address"
    );

    let same_address = login_from(&server, &guesser, DEMO_COACH.0, DEMO_COACH.1).await;
    assert_eq!(same_address.status(), 429, "the guessing address waits");
    let retry_after: u64 = same_address.headers()["retry-after"]
        .to_str()
        .expect("ascii")
        .parse()
        .expect("seconds");
    assert!(
        (1..=15).contains(&retry_after),
        "the first delay is short: {retry_after}"
    );
    let error: ApiError = same_address.json().await.expect("error body");
    assert_eq!(error.code, "too_many_attempts");
    assert!(error.message.contains("seconds"), "{}", error.message);

    // The same account in other letter case is the same account.
    let upper = login_from(&server, &guesser, "COACH@demo.forma", DEMO_COACH.1).await;
    assert_eq!(upper.status(), 429);
    // Other accounts from that address go on: five failures are the account's.
    let other_account = login_from(&server, &guesser, "p01@demo.forma", "demo-athlete").await;
    assert_eq!(other_account.status(), 200);

    let refused = audited(&server, "sign_in_refused").await;
    assert!(
        refused.iter().any(|(email, after)| email == DEMO_COACH.0
            && after["ip"] == "127.0.0.2"
            && after["attempts"] == 2),
        "both refusals are in the audit log: {refused:?}"
    );
    let failed = audited(&server, "sign_in_failed").await;
    assert!(
        failed
            .iter()
            .any(|(email, after)| email == DEMO_COACH.0 && after["attempts"] == 5),
        "{failed:?}"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_wrong_password_in_other_letter_case_counts_for_the_same_account() {
    let server = TestServer::start_with_demo().await;
    let guesser = client_from([127, 0, 0, 4]);
    for (attempt, email) in ["coach@demo.forma", "COACH@demo.forma", " Coach@Demo.Forma "]
        .iter()
        .cycle()
        .take(5)
        .enumerate()
    {
        let response = login_from(&server, &guesser, email, "guess-number-x").await;
        assert_eq!(response.status(), 401, "attempt {attempt}");
    }
    let sixth = login_from(&server, &guesser, "coach@DEMO.forma", DEMO_COACH.1).await;
    assert_eq!(sixth.status(), 429);
    let right = login_from(
        &server,
        &client_from([127, 0, 0, 5]),
        "COACH@DEMO.FORMA",
        DEMO_COACH.1,
    )
    .await;
    assert_eq!(right.status(), 200, "signing in ignores letter case");
    let _ = server.stop().await;
}

#[tokio::test]
async fn guessing_many_accounts_from_one_address_delays_that_address() {
    let server = TestServer::start_with_demo().await;
    let guesser = client_from([127, 0, 0, 6]);
    for n in 0..forma_server::auth::limiter::FREE_PER_ADDRESS {
        let response =
            login_from(&server, &guesser, &format!("guess{n}@demo.forma"), "guess").await;
        assert_eq!(response.status(), 401, "guess {n}");
    }
    let next = login_from(&server, &guesser, "p02@demo.forma", "demo-athlete").await;
    assert_eq!(next.status(), 429, "the address waits, whichever account");
    let elsewhere = login_from(
        &server,
        &client_from([127, 0, 0, 7]),
        "p02@demo.forma",
        "demo-athlete",
    )
    .await;
    assert_eq!(elsewhere.status(), 200);
    let _ = server.stop().await;
}

#[tokio::test]
async fn sixteen_correct_sign_ins_at_the_same_moment_from_one_address_all_succeed() {
    let server = TestServer::start_with_demo().await;
    let client = client_from([127, 0, 0, 8]);
    let attempts: Vec<_> = (0..16)
        .map(|_| {
            let (client, url) = (client.clone(), server.url("/api/auth/login"));
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&serde_json::json!({"email": DEMO_COACH.0, "password": DEMO_COACH.1}))
                    .send()
                    .await
                    .expect("login")
                    .status()
                    .as_u16()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("task"));
    }
    assert_eq!(statuses, vec![200; 16]);
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_account_keeps_its_ten_most_recent_sessions_and_the_oldest_ends() {
    let server = TestServer::start_with_demo().await;
    let first = server.sign_in("p01@demo.forma", "demo-athlete").await;
    for _ in 0..forma_server::auth::MAX_SESSIONS_PER_USER {
        server.sign_in("p01@demo.forma", "demo-athlete").await;
    }
    let pool = server.pool().await;
    let sessions: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
    )
    .bind("p01@demo.forma")
    .fetch_one(&pool)
    .await
    .expect("count");
    pool.close().await;
    assert_eq!(
        sessions,
        i64::from(forma_server::auth::MAX_SESSIONS_PER_USER)
    );
    let ended = first
        .client
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("me");
    assert_eq!(ended.status(), 401, "the oldest session ended");
    let _ = server.stop().await;
}

async fn login_saying_https(server: &TestServer) -> reqwest::Response {
    server
        .anonymous
        .post(server.url("/api/auth/login"))
        .header("x-forwarded-proto", "https")
        .json(&serde_json::json!({"email": DEMO_COACH.0, "password": DEMO_COACH.1}))
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_strict_for_the_whole_site_and_secure_over_https()
{
    let server = TestServer::start_with_demo().await;
    let behind_proxy = TestServer::start_with_demo_configured(|config| {
        config.trusted_proxies =
            forma_server::proxy::TrustedProxies::new(vec!["127.0.0.1".parse().expect("range")]);
    })
    .await;

    let plain = server.login(DEMO_COACH.0, DEMO_COACH.1).await;
    // Any client can say https; only a trusted proxy is believed.
    let claimed = login_saying_https(&server).await;
    let proxied = login_saying_https(&behind_proxy).await;

    let plain = set_cookie(&plain).expect("cookie");
    let claimed = set_cookie(&claimed).expect("cookie");
    let proxied = set_cookie(&proxied).expect("cookie");
    assert!(!claimed.contains("Secure"), "{claimed}");
    for cookie in [&plain, &proxied] {
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        assert!(attributes.contains(&"HttpOnly"), "{cookie}");
        assert!(attributes.contains(&"SameSite=Strict"), "{cookie}");
        assert!(attributes.contains(&"Path=/"), "{cookie}");
        let token = attributes[0].strip_prefix("forma_session=").expect("name");
        assert_eq!(token.len(), 64, "32 random bytes as hex");
    }
    assert!(!plain.contains("Secure"), "{plain}");
    assert!(
        proxied.split(';').any(|a| a.trim() == "Secure"),
        "{proxied}"
    );
    let _ = server.stop().await;
    let _ = behind_proxy.stop().await;
}

#[tokio::test]
async fn me_tells_who_is_signed_in_and_the_database_keeps_only_the_token_s_hash() {
    let server = TestServer::start_with_demo().await;
    let session = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;

    let me: SignedInUser = session
        .client
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("me");

    assert_eq!(me, session.me);
    assert_eq!(me.user.email, DEMO_COACH.0);
    assert_eq!(me.user.role, Role::Coach);
    assert_eq!(me.user.teams, ["demo"]);
    assert_eq!(me.user.athlete_id, None);
    assert_eq!(me.csrf_token.len(), 64);
    let pool = server.pool().await;
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM auth_sessions")
        .fetch_all(&pool)
        .await
        .expect("sessions");
    assert!(!stored.contains(&session.token));
    assert!(stored.contains(&forma_server::auth::token_hash(&session.token)));
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn signing_out_ends_the_session_and_clears_the_cookie() {
    let server = TestServer::start_with_demo().await;
    let session = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;

    let before = session
        .client
        .get(server.url("/api/auth/me"))
        .send()
        .await
        .expect("request");
    let logout = session
        .client
        .post(server.url("/api/auth/logout"))
        .send()
        .await
        .expect("request");
    let cleared = set_cookie(&logout).expect("a cookie that clears");
    let after = session
        .client
        .get(server.url("/api/teams"))
        .send()
        .await
        .expect("request");

    assert_eq!(before.status(), 200);
    assert_eq!(logout.status(), 204);
    assert!(cleared.contains("Max-Age=0"), "{cleared}");
    assert_eq!(session_cookie_token(&logout), None);
    assert_eq!(after.status(), 401);
    let error: ApiError = after.json().await.expect("error body");
    assert_eq!(error.code, "unauthenticated");
    assert!(error.message.contains("Sign in again"), "{}", error.message);
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_expired_session_is_refused_with_a_message_to_sign_in_again() {
    let server = TestServer::start_with_demo().await;
    let session = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;
    let pool = server.pool().await;
    sqlx::query(
        "UPDATE auth_sessions SET expires_at = '2020-01-01T00:00:00Z' WHERE token_hash = $1",
    )
    .bind(forma_server::auth::token_hash(&session.token))
    .execute(&pool)
    .await
    .expect("expire the session");
    pool.close().await;

    let response = session
        .client
        .get(server.url("/api/athletes/p01"))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 401);
    let error: ApiError = response.json().await.expect("error body");
    assert_eq!(error.code, "unauthenticated");
    assert!(error.message.contains("expired"), "{}", error.message);
    assert!(error.message.contains("Sign in again"), "{}", error.message);
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_write_without_the_csrf_token_or_with_another_is_refused_with_403() {
    let server = TestServer::start_with_demo().await;
    let session = server.sign_in(DEMO_COACH.0, DEMO_COACH.1).await;
    let without = signed_in_client(&session.token, None);
    let wrong = signed_in_client(&session.token, Some(&"0".repeat(64)));
    let url = server.url("/api/athletes/p01/wellness/2020-04-02");
    let body = serde_json::json!({"sleep_h": 8});

    let missing = without.put(&url).json(&body).send().await.expect("request");
    let mismatched = wrong.put(&url).json(&body).send().await.expect("request");
    let read = without
        .get(server.url("/api/athletes/p01/wellness?from=2020-04-02"))
        .send()
        .await
        .expect("request");
    let with_token = session
        .client
        .put(&url)
        .json(&body)
        .send()
        .await
        .expect("request");

    assert_eq!(
        (missing.status().as_u16(), mismatched.status().as_u16()),
        (403, 403)
    );
    let error: ApiError = missing.json().await.expect("error body");
    assert_eq!(error.code, "csrf");
    assert_eq!(read.status(), 200, "reads need no token");
    let entries: Vec<serde_json::Value> = read.json().await.expect("entries");
    assert!(entries.is_empty(), "the refused writes stored nothing");
    assert_eq!(with_token.status(), 200);
    let _ = server.stop().await;
}

#[tokio::test]
async fn without_a_session_the_api_answers_401_but_health_and_the_app_stay_open() {
    let server = TestServer::start_with_demo().await;

    let teams = server
        .anonymous
        .get(server.url("/api/teams"))
        .send()
        .await
        .expect("request");
    let forged = signed_in_client(&"f".repeat(64), Some("x"))
        .get(server.url("/api/teams"))
        .send()
        .await
        .expect("request");
    let health = server
        .anonymous
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("request");
    let page = server
        .anonymous
        .get(server.url("/athletes/p01"))
        .send()
        .await
        .expect("request");

    assert_eq!(
        (teams.status().as_u16(), forged.status().as_u16()),
        (401, 401)
    );
    let error: ApiError = teams.json().await.expect("error body");
    assert_eq!(error.code, "unauthenticated");
    assert_eq!(
        (health.status().as_u16(), page.status().as_u16()),
        (200, 200)
    );
    let _ = server.stop().await;
}

/// The addresses recorded for sign-ins, oldest first.
async fn audited_sign_in_addresses(server: &TestServer) -> Vec<Option<String>> {
    let pool = server.pool().await;
    let rows: Vec<(Option<String>,)> =
        sqlx::query_as("SELECT after_json FROM audit_log WHERE action = 'sign_in' ORDER BY at, id")
            .fetch_all(&pool)
            .await
            .expect("audit rows");
    pool.close().await;
    rows.into_iter()
        .map(|(after,)| {
            let after: serde_json::Value =
                serde_json::from_str(&after.unwrap_or_default()).unwrap_or_default();
            after["ip"].as_str().map(str::to_owned)
        })
        .collect()
}

async fn sign_in_forwarded_for(server: &TestServer, forwarded_for: &str) {
    let response = server
        .anonymous
        .post(server.url("/api/auth/login"))
        .header("x-forwarded-for", forwarded_for)
        .json(&serde_json::json!({"email": DEMO_COACH.0, "password": DEMO_COACH.1}))
        .send()
        .await
        .expect("login");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn x_forwarded_for_names_the_client_only_behind_a_trusted_proxy() {
    let untrusting = TestServer::start_with_demo().await;
    sign_in_forwarded_for(&untrusting, "203.0.113.9").await;
    let addresses = audited_sign_in_addresses(&untrusting).await;
    assert_eq!(
        addresses.last().cloned().flatten().as_deref(),
        Some("127.0.0.1"),
        "a client cannot choose its address: {addresses:?}"
    );

    let behind_proxy = TestServer::start_with_demo_configured(|config| {
        config.trusted_proxies =
            forma_server::proxy::TrustedProxies::new(vec!["127.0.0.1".parse().expect("range")]);
    })
    .await;
    // The client forged the first entry; the proxy appended the address it saw.
    sign_in_forwarded_for(&behind_proxy, "198.51.100.1, 203.0.113.9").await;
    let addresses = audited_sign_in_addresses(&behind_proxy).await;
    assert_eq!(
        addresses.last().cloned().flatten().as_deref(),
        Some("203.0.113.9"),
        "{addresses:?}"
    );
}
