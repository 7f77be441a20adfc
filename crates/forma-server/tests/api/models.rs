//! The risk model registry: the first model trained at start-up, the active
//! artifact with its caching headers, activation and rollback by coaches (audited,
//! one active model per team), retraining from the API, and models per team: a
//! coach of one team can neither see nor change another team's model, and one
//! team's change of model leaves the other's recommendations as they were.

use std::time::{Duration, Instant};

use forma_core::api::ModelRegistry;
use forma_core::model::fit::{ModelKind, TrainOptions};
use forma_core::model::{train, ModelArtifact};
use forma_server::store::audit::Actor;
use forma_server::store::models;
use reqwest::header::{CACHE_CONTROL, ETAG, IF_NONE_MATCH};
use reqwest::StatusCode;

use crate::helpers::{TestServer, ADMIN, OTHER_COACH};

fn demo() -> Vec<String> {
    vec!["demo".to_owned()]
}

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

/// A second version for team demo: a forest trained on its data (the first model
/// is the logistic regression), stored but not active. Returns it and whether it
/// was new.
async fn store_demo_forest(pool: &sqlx::SqlitePool) -> (ModelArtifact, bool) {
    let inputs = forma_server::training::gather(pool, &demo())
        .await
        .expect("gather");
    let options = TrainOptions {
        primary: Some(ModelKind::Forest),
        bootstrap: 20,
        ..TrainOptions::default()
    };
    let forest = tokio::task::spawn_blocking(move || {
        train(&inputs.dataset(None), &options, jiff::Timestamp::now()).expect("trains")
    })
    .await
    .expect("task");
    let json = forest.to_json().expect("json");
    let new = models::insert(pool, &forest, &json, &demo(), &Actor::system("test"))
        .await
        .expect("stored");
    (forest, new)
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
    assert_eq!(registry.team, "demo");
    assert_eq!(version.teams, ["demo"], "trained on the demo team alone");
    assert_eq!(version.athletes, 16, "every PMData participant");
    assert_eq!(version.rows, artifact.card.data.rows);
    assert!(version.positive_rows > 0);
    assert_eq!(registry.activations.len(), 1);
    assert_eq!(registry.activations[0].kind, "first_model");
    assert_eq!(registry.activations[0].actor, "system:first-model");

    // The same stored data trains the same model: the id is the content's.
    let pool = server.pool().await;
    let retrained = forma_server::training::train_on_store(
        &pool,
        &demo(),
        None,
        &forma_core::model::Budget::unlimited(),
    )
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
    let (forest, new) = store_demo_forest(&pool).await;
    assert!(new, "a forest is a new version");
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

    // The database itself refuses a second active model for the team.
    let both = sqlx::query(
        "INSERT INTO team_models (team_id, model_id, activated_at) VALUES ('demo', $1, 'now')",
    )
    .bind(&first)
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
    let pool = server.pool().await;
    let mut tx = forma_server::store::begin_write(&pool)
        .await
        .expect("transaction");
    forma_server::store::athletes::ensure_team(&mut tx, "new", "A new team")
        .await
        .expect("team");
    tx.commit().await.expect("commit");
    pool.close().await;
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

async fn status_of(client: &reqwest::Client, server: &TestServer, method: &str, path: &str) -> u16 {
    client
        .request(method.parse().expect("method"), server.url(path))
        .send()
        .await
        .expect("request")
        .status()
        .as_u16()
}

async fn model_of_recommendation(
    client: &reqwest::Client,
    server: &TestServer,
    athlete: &str,
) -> Option<String> {
    let view: forma_core::api::RecommendationView = client
        .get(server.url(&format!("/api/athletes/{athlete}/recommendation")))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("a recommendation");
    view.recommendation.model_version
}

#[tokio::test]
async fn each_team_has_its_own_model_which_only_its_coaches_and_admins_see_and_change() {
    let (server, first) = TestServer::start_with_demo_and_model().await;
    server.arrange_other_team_and_admin().await;
    let other = server.sign_in(OTHER_COACH.0, OTHER_COACH.1).await.client;
    let admin = server.sign_in(ADMIN.0, ADMIN.1).await.client;

    // The coach of team other sees an empty registry of their own team, and
    // nothing of team demo's: not its version, not its history, not its artifact.
    let own: ModelRegistry = other
        .get(server.url("/api/models"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("registry");
    assert_eq!(own.team, "other");
    assert!(own.versions.is_empty(), "{:?}", own.versions);
    assert!(own.activations.is_empty());
    for (method, path) in [
        ("GET", "/api/models?team=demo".to_owned()),
        ("GET", format!("/api/models/{first}")),
        ("GET", "/api/model/active?team=demo".to_owned()),
        ("POST", format!("/api/models/{first}/activate?team=demo")),
        // Not even for their own team: its card holds team demo's figures.
        ("POST", format!("/api/models/{first}/activate?team=other")),
        ("POST", "/api/models/rollback?team=demo".to_owned()),
        ("POST", "/api/models/train?team=demo".to_owned()),
        ("POST", "/api/models/train?teams=demo,other".to_owned()),
    ] {
        assert_eq!(
            status_of(&other, &server, method, &path).await,
            404,
            "{method} {path} as the coach of team other"
        );
    }
    let none = other
        .get(server.url("/api/model/active"))
        .send()
        .await
        .expect("request");
    assert_eq!(none.status(), StatusCode::NOT_FOUND);
    let why: forma_core::api::ApiError = none.json().await.expect("error body");
    assert!(why.message.contains("team `other`"), "{}", why.message);
    // Training two teams together is an admin's choice, even for their coach.
    assert_eq!(
        status_of(
            &server.client,
            &server,
            "POST",
            "/api/models/train?teams=demo,demo"
        )
        .await,
        202,
        "one team named twice is one team"
    );
    trained(&server).await;

    // An admin gives team other a model of its own; team demo's stays.
    let pool = server.pool().await;
    let (forest, _) = store_demo_forest(&pool).await;
    let second = forest.version_id.clone();
    let demo_before = model_of_recommendation(&server.client, &server, "p01").await;
    assert_eq!(demo_before.as_deref(), Some(first.as_str()));
    assert_eq!(
        model_of_recommendation(&admin, &server, "q01").await,
        None,
        "no model yet"
    );

    let answer = admin
        .post(server.url(&format!("/api/models/{second}/activate?team=other")))
        .send()
        .await
        .expect("request");
    assert_eq!(answer.status(), StatusCode::OK);
    let others: ModelRegistry = answer.json().await.expect("registry");
    assert_eq!(others.team, "other");
    assert_eq!(others.activations.len(), 1);
    assert_eq!(others.activations[0].model_id, second);

    assert_eq!(
        model_of_recommendation(&admin, &server, "q01").await,
        Some(second.clone())
    );
    assert_eq!(
        model_of_recommendation(&server.client, &server, "p01").await,
        demo_before,
        "team demo's recommendation kept its model"
    );
    assert_eq!(
        active_etag(&server).await,
        first,
        "team demo's active model"
    );
    let demo_registry = registry(&server).await;
    assert!(
        demo_registry
            .activations
            .iter()
            .all(|a| a.model_id == first),
        "team demo's history shows only its own activations: {:?}",
        demo_registry.activations
    );
    assert_eq!(
        demo_registry.versions.iter().filter(|v| v.active).count(),
        1
    );

    // Team other's coach now finds the team's model for its athletes, but its
    // card (team demo's figures) stays the admin's to read.
    assert_eq!(
        status_of(&other, &server, "GET", "/api/model/active").await,
        200
    );
    assert_eq!(
        status_of(&other, &server, "GET", &format!("/api/models/{second}")).await,
        404
    );
    pool.close().await;
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_database_from_before_models_per_team_keeps_its_model_for_every_team() {
    let dir = tempfile::tempdir().expect("temp dir");
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(dir.path().join("forma.db"))
        .create_if_missing(true);
    let pool = sqlx::SqlitePool::connect_with(options)
        .await
        .expect("database");
    let all = sqlx::migrate!("./migrations/sqlite");
    let mut before = sqlx::migrate!("./migrations/sqlite");
    before.migrations = all
        .migrations
        .iter()
        .filter(|m| m.version < 12)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.expect("the old migrations");
    for statement in [
        "INSERT INTO teams (id, name, created_at) VALUES ('demo', 'Demo', '2023-01-01'), ('other', 'Other', '2023-01-01')",
        "INSERT INTO model_versions (id, created_at, feature_schema_hash, artifact, card, active, activated_at)
         VALUES ('m-old', '2024-01-01T00:00:00Z', 'h', '{}', '{}', 1, '2024-01-02T00:00:00Z'),
                ('m-older', '2023-01-01T00:00:00Z', 'h', '{}', '{}', 0, NULL)",
        "INSERT INTO model_activations (id, seq, model_id, at, actor, kind)
         VALUES ('a1', 1, 'm-older', '2023-01-01T00:00:00Z', 'system:first-model', 'first_model'),
                ('a2', 2, 'm-old', '2024-01-02T00:00:00Z', 'cli:ops', 'activate')",
    ] {
        sqlx::query(statement).execute(&pool).await.expect(statement);
    }
    all.run(&pool).await.expect("the new migrations");

    for team in ["demo", "other"] {
        assert_eq!(
            models::active_id(&pool, team)
                .await
                .expect("active")
                .as_deref(),
            Some("m-old"),
            "team {team} keeps the model that was active"
        );
        let history: Vec<String> = models::activations(&pool, team)
            .await
            .expect("activations")
            .into_iter()
            .map(|a| a.model_id)
            .collect();
        assert_eq!(history, ["m-old", "m-older"], "team {team}'s history");
    }
    assert_eq!(
        models::teams_of(&pool, "m-old").await.expect("teams"),
        Some(vec!["demo".to_owned(), "other".to_owned()]),
        "a version from before learnt from every team"
    );
    // Rolling back one team leaves the other as it was.
    assert_eq!(
        models::rollback(&pool, "other", &Actor::system("test"))
            .await
            .expect("rollback"),
        "m-older"
    );
    assert_eq!(
        models::active_id(&pool, "demo")
            .await
            .expect("active")
            .as_deref(),
        Some("m-old")
    );
    pool.close().await;
}
