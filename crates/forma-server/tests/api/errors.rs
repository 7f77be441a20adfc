//! Every failure answers in the API's JSON error shape, including the framework's
//! own refusals (a body over the limit, no JSON content type, a method the address
//! does not take), and names the field or the limit.

use forma_core::api::ApiError;

use crate::helpers::TestServer;

async fn error_of(response: reqwest::Response) -> (u16, ApiError) {
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("application/json"),
        "{status} answered {content_type}"
    );
    (status, response.json().await.expect("an ApiError body"))
}

#[tokio::test]
async fn a_body_over_the_limit_answers_json_413_naming_the_limit() {
    let server = TestServer::start_with_demo().await;
    let big = format!(
        "{{\"date\": \"2020-03-01\", \"sport\": \"{}\"}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let response = server
        .client
        .post(server.url("/api/athletes/p01/sessions"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(big)
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(response).await;
    assert_eq!(status, 413);
    assert_eq!(error.code, "too_large");
    assert!(error.message.contains("2 MB"), "{}", error.message);
    let sessions: Vec<serde_json::Value> = server
        .get_json("/api/athletes/p01/sessions?from=2020-03-01&to=2020-03-01")
        .await;
    assert!(
        sessions.iter().all(|s| s["sport"] != "x"),
        "nothing was stored"
    );
}

#[tokio::test]
async fn bodies_that_are_not_json_or_not_readable_answer_415_400_and_422_with_the_field() {
    let server = TestServer::start_with_demo().await;
    let url = server.url("/api/athletes/p01/sessions");

    let no_type = server
        .client
        .post(&url)
        .body(r#"{"date": "2020-03-01"}"#)
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(no_type).await;
    assert_eq!(
        (status, error.code.as_str()),
        (415, "unsupported_media_type")
    );
    assert!(
        error.message.contains("application/json"),
        "{}",
        error.message
    );

    let broken = server
        .client
        .post(&url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(r#"{"date": "2020-03-01", "#)
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(broken).await;
    assert_eq!((status, error.code.as_str()), (400, "bad_request"));
    assert!(error.message.contains("line 1"), "{}", error.message);

    let wrong_type = server
        .client
        .post(&url)
        .json(&serde_json::json!({"date": "2020-03-01", "rpe": "hard"}))
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(wrong_type).await;
    assert_eq!((status, error.code.as_str()), (422, "invalid"));
    assert_eq!(error.field.as_deref(), Some("rpe"), "{}", error.message);

    let missing = server
        .client
        .post(&url)
        .json(&serde_json::json!({"sport": "run"}))
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(missing).await;
    assert_eq!((status, error.code.as_str()), (422, "invalid"));
    assert_eq!(error.field.as_deref(), Some("date"), "{}", error.message);

    let nested = server
        .client
        .put(server.url("/api/athletes/p01/plan"))
        .json(&serde_json::json!({"plan": {"start": "2020-04-01", "days": [[{"sport": "run", "minutes": "long"}]]}}))
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(nested).await;
    assert_eq!(status, 422);
    assert_eq!(
        error.field.as_deref(),
        Some("plan.days[0][0].minutes"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn a_bad_query_parameter_and_a_wrong_method_answer_in_the_json_shape() {
    let server = TestServer::start_with_demo().await;
    let bad_limit = server
        .client
        .get(server.url("/api/labels/queue?team=demo&limit=many"))
        .send()
        .await
        .expect("request");
    let (status, error) = error_of(bad_limit).await;
    assert_eq!((status, error.code.as_str()), (422, "invalid"));
    assert_eq!(error.field.as_deref(), Some("limit"), "{}", error.message);

    let wrong_method = server
        .client
        .delete(server.url("/api/teams"))
        .send()
        .await
        .expect("request");
    let allow = wrong_method
        .headers()
        .get(reqwest::header::ALLOW)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (status, error) = error_of(wrong_method).await;
    assert_eq!((status, error.code.as_str()), (405, "method_not_allowed"));
    assert_eq!(allow.as_deref(), Some("GET,HEAD,POST"));
    assert!(error.message.contains("DELETE"), "{}", error.message);
}
