//! A training's time budget and its cancel: the registry says where a training
//! stands; a coach of the team cancels it (`DELETE /api/models/train`), a coach
//! of another team cannot, and nothing is stored; a training past its budget
//! stops by itself and says so.

use std::time::{Duration, Instant};

use forma_core::api::{ApiError, ModelRegistry, TrainingState};
use reqwest::{Method, StatusCode};

use crate::helpers::{TestServer, ADMIN, OTHER_COACH};

async fn registry_of(client: &reqwest::Client, server: &TestServer, team: &str) -> ModelRegistry {
    let response = client
        .get(server.url(&format!("/api/models?team={team}")))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.expect("registry")
}

async fn send(
    client: &reqwest::Client,
    server: &TestServer,
    method: Method,
    path: &str,
) -> reqwest::Response {
    client
        .request(method, server.url(path))
        .send()
        .await
        .expect("request")
}

/// Waits until no training runs and returns team demo's registry.
async fn finished(server: &TestServer) -> ModelRegistry {
    let started = Instant::now();
    loop {
        let registry = registry_of(&server.client, server, "demo").await;
        if !registry.training {
            return registry;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "the training never ended"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_coach_cancels_the_running_training_of_their_team_and_nothing_is_stored() {
    let server = TestServer::start_with_demo().await;
    server.arrange_other_team_and_admin().await;
    let other = server.sign_in(OTHER_COACH.0, OTHER_COACH.1).await.client;
    let admin = server.sign_in(ADMIN.0, ADMIN.1).await.client;
    let nothing = send(
        &server.client,
        &server,
        Method::DELETE,
        "/api/models/train?team=demo",
    )
    .await;
    assert_eq!(nothing.status(), StatusCode::CONFLICT);
    let error: ApiError = nothing.json().await.expect("error body");
    assert!(
        error
            .message
            .contains("No training of team `demo` is running"),
        "{}",
        error.message
    );

    let started = send(
        &server.client,
        &server,
        Method::POST,
        "/api/models/train?team=demo",
    )
    .await;
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let running: ModelRegistry = started.json().await.expect("registry");
    let run = running.training_run.expect("the run is shown");
    assert_eq!(run.state, TrainingState::Running);
    assert_eq!(run.teams, ["demo"]);
    assert_eq!(run.budget_seconds, Some(15 * 60));
    assert!(
        run.message
            .contains("it is stopped if it takes longer than 15 minutes"),
        "{}",
        run.message
    );

    // A coach of another team finds no team demo, exactly as on the other model
    // routes, sees nothing of demo's training on their own registry, and has no
    // training of their own to cancel.
    let hidden = send(
        &other,
        &server,
        Method::DELETE,
        "/api/models/train?team=demo",
    )
    .await;
    assert_eq!(hidden.status(), StatusCode::NOT_FOUND);
    let own = registry_of(&other, &server, "other").await;
    assert!(own.training, "the server is busy training");
    assert_eq!(own.training_run, None);
    let none = send(
        &other,
        &server,
        Method::DELETE,
        "/api/models/train?team=other",
    )
    .await;
    assert_eq!(none.status(), StatusCode::CONFLICT);
    assert!(registry_of(&server.client, &server, "demo").await.training);

    let asked = Instant::now();
    let cancelled = send(
        &server.client,
        &server,
        Method::DELETE,
        "/api/models/train?team=demo",
    )
    .await;
    let took = asked.elapsed();
    eprintln!("cancel answered in {took:?}");
    assert_eq!(
        cancelled.status(),
        StatusCode::OK,
        "stopped within the wait"
    );
    let registry: ModelRegistry = cancelled.json().await.expect("registry");
    assert!(!registry.training);
    assert!(registry.versions.is_empty(), "nothing was stored");
    assert_eq!(registry.last_training_error, None, "a cancel is no failure");
    let run = registry.training_run.expect("the last run is shown");
    assert_eq!(run.state, TrainingState::Cancelled);
    assert_eq!(run.cancelled_by.as_deref(), Some("Demo Coach"));
    assert!(run.finished_at.is_some());
    assert!(
        run.message
            .starts_with("The training on team demo's data was cancelled by Demo Coach after ")
            && run.message.ends_with("; nothing was stored."),
        "{}",
        run.message
    );

    // Later looks say the same; the admin sees it too; nothing is active.
    assert_eq!(
        registry_of(&admin, &server, "demo").await.training_run,
        Some(run)
    );
    let active = send(
        &server.client,
        &server,
        Method::GET,
        "/api/model/active?team=demo",
    )
    .await;
    assert_eq!(active.status(), StatusCode::NOT_FOUND);
    let again = send(
        &server.client,
        &server,
        Method::DELETE,
        "/api/models/train?team=demo",
    )
    .await;
    assert_eq!(again.status(), StatusCode::CONFLICT);

    // The gate is free again: the next training starts, and the admin cancels it.
    let next = send(&admin, &server, Method::POST, "/api/models/train?team=demo").await;
    assert_eq!(next.status(), StatusCode::ACCEPTED);
    let stopped = send(
        &admin,
        &server,
        Method::DELETE,
        "/api/models/train?team=demo",
    )
    .await;
    assert_eq!(stopped.status(), StatusCode::OK);
    let registry: ModelRegistry = stopped.json().await.expect("registry");
    let run = registry.training_run.expect("run");
    assert_eq!(run.state, TrainingState::Cancelled);
    assert_eq!(run.cancelled_by.as_deref(), Some("admin"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_training_past_its_time_budget_stops_by_itself_and_says_so() {
    let server = TestServer::start_with_demo_configured(|config| {
        config.training_budget = Some(Duration::from_millis(1));
    })
    .await;
    let started = server
        .client
        .post(server.url("/api/models/train?team=demo"))
        .send()
        .await
        .expect("request");
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let registry = finished(&server).await;
    assert!(registry.versions.is_empty(), "nothing was stored");
    let run = registry.training_run.expect("the last run is shown");
    assert_eq!(run.state, TrainingState::OutOfTime);
    assert_eq!(run.cancelled_by, None);
    assert_eq!(
        run.message,
        "the training took longer than its time budget of 1 millisecond and was stopped; nothing was stored (an operator can allow more with `--training-budget`)"
    );
    assert_eq!(registry.last_training_error, Some(run.message));
    let _ = server.stop().await;
}
