//! Durability: writes acknowledged before a SIGKILL are all there after a restart,
//! and retrying the unacknowledged ones stores each exactly once.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use forma_server::store::records::SessionRecord;

struct Server {
    child: Child,
    url: String,
}

fn start(data_dir: &Path) -> Server {
    let pmdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pmdata");
    let mut child = Command::new(env!("CARGO_BIN_EXE_forma"))
        .args(["serve", "--port", "0", "--data-dir"])
        .arg(data_dir)
        .arg("--demo-data")
        .arg(pmdata)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("forma serve starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines
            .next()
            .expect("the server prints its address")
            .expect("utf-8");
        if let Some(url) = line.strip_prefix("Forma is serving on ") {
            break url.to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, url }
}

/// Signs in as the demo coach; the client sends the session cookie and CSRF token.
async fn sign_in(url: &str) -> reqwest::Client {
    let response = reqwest::Client::new()
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": "coach@demo.forma", "password": "demo-coach"}))
        .send()
        .await
        .expect("sign-in");
    assert_eq!(response.status(), 200, "the demo coach signs in");
    let cookie = response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find_map(|value| value.split(';').next()?.strip_prefix("forma_session="))
        .expect("a session cookie")
        .to_owned();
    let me: serde_json::Value = response.json().await.expect("signed-in user");
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::COOKIE,
        format!("forma_session={cookie}").parse().expect("header"),
    );
    headers.insert(
        "x-csrf-token",
        me["csrf_token"]
            .as_str()
            .expect("csrf token")
            .parse()
            .expect("header"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("client")
}

fn body(id: &str, minute: u32) -> serde_json::Value {
    serde_json::json!({"id": id, "date": "2020-03-20", "sport": "crash-test", "rpe": 5, "duration_min": minute})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_sigkill_and_retries_store_each_once() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut server = start(data.path());
    let client = sign_in(&server.url).await;
    let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
    let attempted: Vec<String> = (0..2000).map(|n| format!("crash-{n:05}")).collect();

    let mut writers = Vec::new();
    for writer in 0..8 {
        let ids: Vec<String> = attempted.iter().skip(writer).step_by(8).cloned().collect();
        let (client, url, acknowledged) =
            (client.clone(), server.url.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for (n, id) in ids.iter().enumerate() {
                let sent = client
                    .post(format!("{url}/api/athletes/p01/sessions"))
                    .json(&body(id, 10 + (n % 50) as u32))
                    .timeout(Duration::from_secs(5))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status().is_success() => {
                        acknowledged.lock().expect("lock").insert(id.clone());
                    }
                    _ => return,
                }
            }
        }));
    }
    // Kill mid-way: once some writes are in, well before all 2,000 are.
    for _ in 0..200 {
        if acknowledged.lock().expect("lock").len() >= 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    for writer in writers {
        writer.await.expect("writer ends");
    }
    let acknowledged = acknowledged.lock().expect("lock").clone();
    assert!(
        acknowledged.len() >= 100 && acknowledged.len() < attempted.len(),
        "killed mid-way: {}",
        acknowledged.len()
    );

    let mut server = start(data.path());
    // Sessions are stored: the one from before the crash still works.
    let stored = |sessions: Vec<SessionRecord>| -> Vec<String> {
        sessions
            .into_iter()
            .filter(|s| s.session.sport.as_deref() == Some("crash-test"))
            .map(|s| s.id)
            .collect()
    };
    let url = format!(
        "{}/api/athletes/p01/sessions?from=2020-03-20&to=2020-03-20",
        server.url
    );
    let after_restart = stored(
        client
            .get(&url)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json"),
    );
    let after_restart_set: BTreeSet<String> = after_restart.iter().cloned().collect();
    assert!(
        acknowledged.is_subset(&after_restart_set),
        "an acknowledged write was lost"
    );

    // The client retries everything it did not see acknowledged.
    for (n, id) in attempted.iter().enumerate() {
        if !acknowledged.contains(id) {
            let response = client
                .post(format!("{}/api/athletes/p01/sessions", server.url))
                .json(&body(id, 10 + ((n / 8) % 50) as u32))
                .send()
                .await
                .expect("retry");
            assert!(
                response.status().is_success(),
                "{id}: {}",
                response.status()
            );
        }
    }
    let mut finally = stored(
        client
            .get(&url)
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json"),
    );
    finally.sort();
    let mut expected = attempted.clone();
    expected.sort();
    assert_eq!(finally, expected, "every write stored exactly once");
    server.child.kill().expect("stop");
    server.child.wait().expect("reaped");
}
