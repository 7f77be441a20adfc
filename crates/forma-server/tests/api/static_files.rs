use crate::helpers::{TestServer, INDEX_HTML};

#[tokio::test]
async fn client_side_routes_get_the_app_page() {
    let server = TestServer::start().await;

    for path in ["/", "/team", "/athletes/p01", "/no/such/page"] {
        let response = server
            .client
            .get(server.url(path))
            .send()
            .await
            .expect("request");

        assert_eq!(response.status(), 200, "{path}");
        let cache = response.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert_eq!(cache, "no-cache", "{path}: the page must never be cached");
        assert_eq!(response.text().await.expect("body"), INDEX_HTML, "{path}");
    }
    let _ = server.stop().await;
}

#[tokio::test]
async fn hashed_assets_are_served_with_a_long_cache() {
    let server = TestServer::start().await;

    let response = server
        .client
        .get(server.url("/forma-0123abcd.css"))
        .send()
        .await
        .expect("request");

    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.text().await.expect("body"), "body{}");
    let _ = server.stop().await;
}
