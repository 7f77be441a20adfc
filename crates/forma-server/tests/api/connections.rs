//! Connections are bounded: a client that sends half a request, or nothing, is cut
//! off after the header timeout while others are served; beyond the connection cap
//! new clients wait their turn instead of exhausting the server; every answer
//! carries the security headers.

use std::time::{Duration, Instant};

use forma_server::connections::Limits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::TestServer;

/// A 1 s header timeout; the idle timeout far longer, so that only the header
/// timeout can close a connection within a test.
fn short(max_connections: usize) -> Limits {
    Limits {
        max_connections,
        header_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(600),
        ..Limits::default()
    }
}

async fn start(limits: Limits) -> TestServer {
    TestServer::start_configured_empty(move |config| config.limits = limits).await
}

fn address(server: &TestServer) -> String {
    server.base_url.trim_start_matches("http://").to_owned()
}

/// Waits for the server to close `stream`; how long that took.
async fn closed_after(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    let mut buffer = [0u8; 1024];
    loop {
        match tokio::time::timeout(Duration::from_secs(60), stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return started.elapsed(),
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was still open after 60 s"),
        }
    }
}

#[tokio::test]
async fn a_half_sent_request_is_cut_off_after_the_header_timeout_while_others_are_served() {
    let server = start(short(64)).await;
    let connected = Instant::now();
    let mut half = TcpStream::connect(address(&server)).await.expect("connect");
    half.write_all(b"GET /api/health HTTP/1.1\r\nHost: forma\r\nX-Slow: ")
        .await
        .expect("write");
    let mut silent = TcpStream::connect(address(&server)).await.expect("connect");

    for _ in 0..5 {
        let health = server
            .anonymous
            .get(server.url("/api/health"))
            .send()
            .await
            .expect("health answers while the slow clients wait");
        assert_eq!(health.status(), 200);
    }
    tokio::join!(closed_after(&mut half), closed_after(&mut silent));
    let closed = connected.elapsed();
    assert!(
        closed >= Duration::from_millis(900),
        "not before the timeout: {closed:?}"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_full_server_closes_its_longest_idle_connection_for_a_newcomer() {
    let server = start(short(2)).await;
    // Two connections take both slots and say nothing.
    let mut first = TcpStream::connect(address(&server)).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut second = TcpStream::connect(address(&server)).await.expect("connect");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let health = server
        .anonymous
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("the newcomer is served");
    assert_eq!(health.status(), 200);
    // The first was closed for it; the second waits out its header timeout.
    let mut byte = [0u8; 1];
    let first_read = tokio::time::timeout(Duration::from_millis(50), first.read(&mut byte)).await;
    assert!(
        matches!(first_read, Ok(Ok(0)) | Ok(Err(_))),
        "{first_read:?}"
    );
    closed_after(&mut second).await;

    // A finished request's keep-alive connection that stays quiet is closed too.
    let mut idle = TcpStream::connect(address(&server)).await.expect("connect");
    idle.write_all(b"GET /api/health HTTP/1.1\r\nHost: forma\r\n\r\n")
        .await
        .expect("write");
    let mut answer = vec![0u8; 4096];
    let n = idle.read(&mut answer).await.expect("an answer");
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    closed_after(&mut idle).await;
    let _ = server.stop().await;
}

/// Starts a request whose body never finishes arriving.
async fn slow_upload(server: &TestServer) -> TcpStream {
    let mut slow = TcpStream::connect(address(server)).await.expect("connect");
    slow.write_all(
        b"POST /api/auth/login HTTP/1.1\r\nHost: forma\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"email\":",
    )
    .await
    .expect("write");
    slow
}

#[tokio::test]
async fn when_every_connection_is_at_work_a_newcomer_waits_for_one_to_finish() {
    let server = start(Limits {
        max_connections: 2,
        body_timeout: Duration::from_secs(2),
        idle_timeout: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    let _first = slow_upload(&server).await;
    let _second = slow_upload(&server).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let health = server
        .anonymous
        .get(server.url("/api/health"))
        .send()
        .await
        .expect("served once an upload gave up");
    assert_eq!(health.status(), 200);
    let waited = started.elapsed();
    assert!(waited >= Duration::from_millis(1000), "{waited:?}");
    let _ = server.stop().await;
}

#[tokio::test]
async fn an_answer_nobody_reads_is_cut_off_after_the_idle_timeout() {
    let server = start(Limits {
        idle_timeout: Duration::from_secs(1),
        ..Limits::default()
    })
    .await;
    let size = 64 * 1024 * 1024;
    std::fs::write(
        server._dist_dir.path().join("large-0123abcd.bin"),
        vec![7u8; size],
    )
    .expect("a large asset");
    let mut reader = TcpStream::connect(address(&server)).await.expect("connect");
    reader
        .write_all(b"GET /large-0123abcd.bin HTTP/1.1\r\nHost: forma\r\n\r\n")
        .await
        .expect("write");
    // Take nothing for a while: the server's writes stall, then it gives up.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut got = 0;
    let mut buffer = vec![0u8; 1 << 16];
    loop {
        match tokio::time::timeout(Duration::from_secs(60), reader.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => got += n,
            Err(_) => panic!("the connection stayed open"),
        }
    }
    assert!(
        got < size,
        "the connection was closed before the whole answer: {got} bytes"
    );
    let _ = server.stop().await;
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let server = start(Limits::default()).await;
    for path in ["/", "/team/demo", "/api/health", "/api/nothing"] {
        let response = server
            .anonymous
            .get(server.url(path))
            .send()
            .await
            .expect("request");
        let headers = response.headers();
        let policy = headers["content-security-policy"].to_str().expect("text");
        if path.starts_with("/api/") {
            assert_eq!(
                policy, "default-src 'none'; frame-ancestors 'none'",
                "{path}"
            );
        } else {
            assert!(
                policy.contains("script-src 'self' 'wasm-unsafe-eval'"),
                "{policy}"
            );
            assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
            assert!(!policy.contains("unsafe-inline"), "{policy}");
        }
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
    }
    let _ = server.stop().await;
}

#[tokio::test]
async fn a_body_that_stops_coming_is_refused_after_the_body_timeout() {
    let server = start(Limits {
        body_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(600),
        ..Limits::default()
    })
    .await;
    let mut slow = TcpStream::connect(address(&server)).await.expect("connect");
    slow.write_all(
        b"POST /api/auth/login HTTP/1.1\r\nHost: forma\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{\"email\":",
    )
    .await
    .expect("write");
    let started = Instant::now();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(60), slow.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(_) => panic!("no answer and still open after 60 s"),
        }
    }
    assert!(started.elapsed() >= Duration::from_millis(900));
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let _ = server.stop().await;
}
