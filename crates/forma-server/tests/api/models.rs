//! The risk model registry: the first model trained at start-up, the active
//! artifact with its caching headers, activation and rollback by coaches (audited,
//! one active model at a time), and retraining from the API.

use std::time::{Duration, Instant};

use forma_core::api::ModelRegistry;
use forma_core::model::artifact::{ModelKind, TrainOptions};
use forma_core::model::{train, ModelArtifact};
use forma_server::store::audit::Actor;
use forma_server::store::models;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;

use crate::helpers::TestServer;

async fn registry(server: &TestServer) -> ModelRegistry {
    server.get_json("/api/models").await
}

async fn active_etag(server: &TestServer) -> String {
    let response = server
        .client
        .get(server.url("/api/model/active"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()[ETAG]
        .to_str()
        .expect("text")
        .trim_matches('"')
        .to_owned()
}

async fn post(server: &TestServer, path: &str) -> reqwest::Response {
    server
        .client
        .post(server.url(path))
        .send()
        .await
        .expect("request")
}

/// Waits for a training started through the API to finish.
async fn trained(server: &TestServer) -> ModelRegistry {
    let started = Instant::now();
    loop {
        let registry = registry(server).await;
        if !registry.training {
            return registry;
        }
        assert!(
            started.elapsed() < Duration::from_secs(300),
            "training never finished"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

#[tokio::test]
async fn a_fresh_install_trains_its_first_model_and_serves_it_with_caching_headers() {
    let (server, id) = TestServer::start_with_demo_and_model().await;

    let response = server
        .client
        .get(server.url("/api/model/active"))
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()[CACHE_CONTROL], "private, no-cache");
    assert_eq!(response.headers()[ETAG], format!("\"{id}\"").as_str());
    let json = response.text().await.expect("body");
    let artifact = ModelArtifact::from_json(&json).expect("a valid artifact");
    assert_eq!(artifact.version_id, id);
    assert!(
        json.len() < 500 * 1024,
        "artifact of {} bytes is over 500 KB",
        json.len()
    );

    // Unchanged: the browser revalidates and gets no body.
    let again = server
        .client
        .get(server.url("/api/model/active"))
        .header(IF_NONE_MATCH, format!("\"{id}\""))
        .send()
        .await
        .expect("request");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert!(again.text().await.expect("body").is_empty());

    let registry = registry(&server).await;
    assert_eq!(registry.versions.len(), 1);
    let version = &registry.versions[0];
    assert!(version.active && version.id == id);
    assert_eq!(version.athletes, 16, "every PMData participant");
    assert_eq!(version.rows, artifact.card.data.rows);
    assert!(version.positive_rows > 0);
    assert_eq!(registry.activations.len(), 1);
    assert_eq!(registry.activations[0].kind, "first_model");
    assert_eq!(registry.activations[0].actor, "system:first-model");

    // The same stored data trains the same model: the id is the content's.
    let pool = server.pool().await;
    let retrained = forma_server::training::train_on_store(&pool)
        .await
        .expect("trains");
    assert_eq!(retrained.version_id, id);
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn coaches_activate_and_roll_back_versions_one_active_at_a_time_and_audited() {
    let (server, first) = TestServer::start_with_demo_and_model().await;
    let pool = server.pool().await;
    let inputs = forma_server::training::gather(&pool).await.expect("gather");
    let options = TrainOptions {
        primary: ModelKind::Forest,
        bootstrap: 20,
        ..TrainOptions::default()
    };
    let forest = tokio::task::spawn_blocking(move || {
        train(&inputs.dataset(), &options, jiff::Timestamp::now()).expect("trains")
    })
    .await
    .expect("task");
    let json = forest.to_json().expect("json");
    assert!(
        models::insert(&pool, &forest, &json, &Actor::system("test"))
            .await
            .expect("stored")
    );
    let second = forest.version_id.clone();
    assert_ne!(first, second);

    let answer = post(&server, &format!("/api/models/{second}/activate")).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let registry: ModelRegistry = answer.json().await.expect("registry");
    let active: Vec<&str> = registry
        .versions
        .iter()
        .filter(|v| v.active)
        .map(|v| v.id.as_str())
        .collect();
    assert_eq!(active, [second.as_str()]);
    assert_eq!(registry.activations[0].actor, "Demo Coach");
    assert_eq!(active_etag(&server).await, second);

    // The old ETag no longer matches: a full answer with the new model.
    let changed = server
        .client
        .get(server.url("/api/model/active"))
        .header(IF_NONE_MATCH, format!("\"{first}\""))
        .send()
        .await
        .expect("request");
    assert_eq!(changed.status(), StatusCode::OK);

    assert_eq!(post(&server, "/api/models/rollback").await.status(), 200);
    assert_eq!(active_etag(&server).await, first);
    // Rolling back again undoes the rollback.
    assert_eq!(post(&server, "/api/models/rollback").await.status(), 200);
    assert_eq!(active_etag(&server).await, second);

    let unknown = post(&server, "/api/models/m-0000000000000000/activate").await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(active_etag(&server).await, second, "nothing changed");

    // The database itself refuses a second active model.
    let both = sqlx::query("UPDATE model_versions SET active = 1")
        .execute(&pool)
        .await;
    assert!(both.is_err(), "two active models were accepted");

    let audit: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, entity_id FROM audit_log WHERE entity = 'model' ORDER BY at, rowid",
    )
    .fetch_all(&pool)
    .await
    .expect("audit");
    let actions: Vec<&str> = audit.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "train",
            "first_model",
            "train",
            "activate",
            "rollback",
            "rollback"
        ]
    );
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_coach_retrains_from_the_api_and_new_data_gives_a_new_inactive_version() {
    let (server, first) = TestServer::start_with_demo_and_model().await;

    let answer = post(&server, "/api/models/train").await;
    assert_eq!(answer.status(), StatusCode::ACCEPTED);
    let registry = trained(&server).await;
    assert_eq!(registry.last_training_error, None);
    assert_eq!(registry.versions.len(), 1, "same data, same model");

    let illness = server
        .client
        .post(server.url("/api/athletes/p01/events"))
        .json(&serde_json::json!({"date": "2020-02-03", "kind": "illness"}))
        .send()
        .await
        .expect("request");
    assert_eq!(illness.status(), StatusCode::CREATED);
    assert_eq!(post(&server, "/api/models/train").await.status(), 202);
    let registry = trained(&server).await;
    assert_eq!(registry.last_training_error, None);
    assert_eq!(registry.versions.len(), 2);
    let new = registry
        .versions
        .iter()
        .find(|v| v.id != first)
        .expect("a new version");
    assert!(
        !new.active,
        "a retrained model waits for a coach to activate it"
    );
    assert_eq!(active_etag(&server).await, first);
    let _ = server.stop().await;
}

#[tokio::test]
async fn without_data_there_is_no_model_and_the_answers_say_why() {
    let server = TestServer::start().await;
    server
        .create_account(forma_core::api::NewAccount {
            email: "admin@test.forma".to_owned(),
            password: "admin-password-1".to_owned(),
            role: forma_core::api::Role::Admin,
            display_name: None,
            teams: Vec::new(),
            athlete_id: None,
        })
        .await;
    let admin = server.sign_in("admin@test.forma", "admin-password-1").await;
    let none = admin
        .client
        .get(server.url("/api/model/active"))
        .send()
        .await
        .expect("request");
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let error: forma_core::api::ApiError = none.json().await.expect("error body");
    assert!(error.message.contains("forma train"), "{}", error.message);

    let started = admin
        .client
        .post(server.url("/api/models/train"))
        .send()
        .await
        .expect("request");
    assert_eq!(started.status(), StatusCode::ACCEPTED);
    let begun = Instant::now();
    let registry = loop {
        let registry: ModelRegistry = admin
            .client
            .get(server.url("/api/models"))
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("registry");
        if !registry.training {
            break registry;
        }
        assert!(begun.elapsed() < Duration::from_secs(60));
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(registry.versions.is_empty());
    let why = registry.last_training_error.expect("the failure is kept");
    assert!(why.contains("not enough data"), "{why}");
    let _ = server.stop().await;
}
