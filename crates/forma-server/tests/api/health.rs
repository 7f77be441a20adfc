use forma_core::api::{Health, HealthStatus};

use crate::helpers::TestServer;

#[tokio::test]
async fn health_reports_ok_version_and_migrated_database() {
    let server = TestServer::start().await;

    let response = server
        .client
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 200);
    let health: Health = response.json().await.expect("health JSON");
    assert_eq!(health.status, HealthStatus::Ok);
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert!(health.database.reachable);
    assert_eq!(health.database.backend, "sqlite");
    assert!(health.database.schema_version.is_some_and(|v| v >= 1));
    assert!(server.data_dir.path().join("forma.db").is_file());
    let _ = server.stop().await;
}

#[tokio::test]
async fn unknown_api_route_is_a_json_404_not_the_app() {
    let server = TestServer::start().await;

    let response = server
        .client
        .get(server.url("/api/no-such-thing"))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 404);
    let body: forma_core::api::ApiError = response.json().await.expect("error JSON");
    assert_eq!(body.code, "not_found");
    assert!(body.message.contains("/api/no-such-thing"));
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_restart_on_the_same_data_dir_keeps_the_database() {
    let server = TestServer::start().await;
    let first: Health = server
        .client
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("health JSON");
    let data_dir = server.stop().await;

    let restarted = TestServer::start_in(data_dir).await;
    let second: Health = restarted
        .client
        .get(restarted.url("/api/health"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("health JSON");

    assert_eq!(
        second.database.schema_version,
        first.database.schema_version
    );
    assert_eq!(second.status, HealthStatus::Ok);
    restarted.stop().await;
}
