//! Durability under many hands: in each of 20 trials, six writers post sessions,
//! labels, check-ins and events to three athletes at once, the server is killed
//! with SIGKILL at a random moment, and after a restart every acknowledged write is
//! there exactly once; retrying the unacknowledged ones then stores each once.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use forma_server::store::records::SessionRecord;

const TRIALS: u64 = 20;
const WRITERS: usize = 6;
const ATHLETES: [&str; 3] = ["p01", "p02", "p03"];

struct Server {
    child: Child,
    url: String,
}

fn start(data_dir: &Path, demo: bool) -> Server {
    let pmdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/pmdata");
    let mut command = Command::new(env!("CARGO_BIN_EXE_forma"));
    command
        .args(["serve", "--port", "0", "--no-first-model", "--data-dir"])
        .arg(data_dir);
    if demo {
        command.arg("--demo-data").arg(pmdata);
    } else {
        command.arg("--no-demo");
    }
    let mut child = command
        .env("RUST_LOG", "error")
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

impl Server {
    fn kill(&mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }
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

/// One write a writer makes; its `key` names it in what is stored afterwards.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Write {
    Session {
        athlete: &'static str,
        id: String,
    },
    Label {
        athlete: &'static str,
        id: String,
    },
    /// A check-in on a day of this writer's own, with this many hours of sleep.
    CheckIn {
        athlete: &'static str,
        date: String,
        sleep_tenths: u32,
    },
    /// An event with a client id, told apart by its body part.
    Event {
        athlete: &'static str,
        id: String,
    },
}

impl Write {
    fn nth(trial: u64, writer: usize, n: usize) -> Write {
        let athlete = ATHLETES[(writer + n) % ATHLETES.len()];
        let id = format!("crash-{trial}-{writer}-{n:04}");
        match n % 4 {
            0 => Write::Session { athlete, id },
            1 => Write::Label { athlete, id },
            2 => Write::CheckIn {
                athlete,
                date: day(writer, n),
                sleep_tenths: 40 + u32::try_from(n % 80).expect("small"),
            },
            _ => Write::Event { athlete, id },
        }
    }

    async fn send(&self, client: &reqwest::Client, url: &str) -> Result<u16, reqwest::Error> {
        let request = match self {
            Write::Session { athlete, id } => client
                .post(format!("{url}/api/athletes/{athlete}/sessions"))
                .json(&serde_json::json!({"id": id, "date": "2020-03-20", "sport": "crash-test", "rpe": 5, "duration_min": 30})),
            Write::Label { athlete, id } => client
                .post(format!("{url}/api/athletes/{athlete}/labels"))
                .json(&serde_json::json!({"id": id, "date": "2020-03-20", "code": "travel"})),
            Write::CheckIn {
                athlete,
                date,
                sleep_tenths,
            } => client
                .put(format!("{url}/api/athletes/{athlete}/wellness/{date}"))
                .json(&serde_json::json!({"sleep_h": f64::from(*sleep_tenths) / 10.0})),
            Write::Event { athlete, id } => client
                .post(format!("{url}/api/athletes/{athlete}/events"))
                .json(&serde_json::json!({"id": id, "date": "2020-03-20", "kind": "illness", "body_part": id})),
        };
        Ok(request
            .timeout(Duration::from_secs(10))
            .send()
            .await?
            .status()
            .as_u16())
    }
}

/// A day of 2018, before the demo data, that only this writer's `n`th write uses.
fn day(writer: usize, n: usize) -> String {
    jiff::civil::date(2018, 1, 1)
        .checked_add(jiff::Span::new().days(i64::try_from(writer * 60 + n / 4).expect("small")))
        .expect("a date")
        .to_string()
}

/// What is stored now, as the writes that made it: every session, label and event
/// id with how often it is there, and each check-in day's sleep.
async fn stored(
    client: &reqwest::Client,
    url: &str,
) -> (BTreeMap<String, usize>, BTreeMap<(String, String), u32>) {
    let mut ids = BTreeMap::new();
    let mut check_ins = BTreeMap::new();
    let get = |path: String| {
        let client = client.clone();
        async move {
            let response = client.get(path).send().await.expect("get");
            assert!(response.status().is_success(), "{}", response.status());
            response.json::<serde_json::Value>().await.expect("json")
        }
    };
    for athlete in ATHLETES {
        let sessions: Vec<SessionRecord> = serde_json::from_value(
            get(format!(
                "{url}/api/athletes/{athlete}/sessions?from=2020-03-20&to=2020-03-20"
            ))
            .await,
        )
        .expect("sessions");
        for session in sessions {
            if session.session.sport.as_deref() == Some("crash-test") {
                *ids.entry(session.id).or_default() += 1;
            }
        }
        let labels = get(format!("{url}/api/athletes/{athlete}/labels")).await;
        for label in labels.as_array().expect("labels") {
            if let Some(id) = label["id"].as_str().filter(|id| id.starts_with("crash-")) {
                *ids.entry(id.to_owned()).or_default() += 1;
            }
        }
        let events = get(format!(
            "{url}/api/athletes/{athlete}/events?from=2020-03-20&to=2020-03-20"
        ))
        .await;
        for event in events.as_array().expect("events") {
            if let Some(id) = event["body_part"]
                .as_str()
                .filter(|id| id.starts_with("crash-"))
            {
                *ids.entry(id.to_owned()).or_default() += 1;
            }
        }
        let wellness = get(format!(
            "{url}/api/athletes/{athlete}/wellness?from=2018-01-01&to=2018-12-31"
        ))
        .await;
        for entry in wellness.as_array().expect("wellness") {
            if let (Some(date), Some(sleep)) = (entry["date"].as_str(), entry["sleep_h"].as_f64()) {
                check_ins.insert(
                    (athlete.to_owned(), date.to_owned()),
                    (sleep * 10.0).round() as u32,
                );
            }
        }
    }
    (ids, check_ins)
}

/// Checks that every write in `writes` is stored exactly once.
fn assert_all_stored_once(
    trial: u64,
    writes: &BTreeSet<Write>,
    ids: &BTreeMap<String, usize>,
    check_ins: &BTreeMap<(String, String), u32>,
    when: &str,
) {
    for write in writes {
        match write {
            Write::Session { id, .. } | Write::Label { id, .. } | Write::Event { id, .. } => {
                assert_eq!(ids.get(id), Some(&1), "trial {trial}, {when}: {write:?}");
            }
            Write::CheckIn {
                athlete,
                date,
                sleep_tenths,
            } => assert_eq!(
                check_ins.get(&((*athlete).to_owned(), date.clone())),
                Some(sleep_tenths),
                "trial {trial}, {when}: {write:?}"
            ),
        }
    }
}

/// A small generator (SplitMix64) for the moment of each kill.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn copy_folder(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("read data folder") {
        let entry = entry.expect("entry");
        std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_concurrent_writes_survive_sigkill_and_retries_store_each_once() {
    // The demo team once; each trial starts from a copy of it.
    let prepared = tempfile::tempdir().expect("temp dir");
    let mut server = start(prepared.path(), true);
    sign_in(&server.url).await;
    let _ = Command::new("kill")
        .arg("-TERM")
        .arg(server.child.id().to_string())
        .status();
    server.child.wait().expect("stopped");

    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(7, |d| d.as_nanos() as u64);
    println!("kill moments from seed {seed}");
    let mut random = seed;
    let mut acknowledged_in_all = 0;
    for trial in 0..TRIALS {
        let data = tempfile::tempdir().expect("temp dir");
        copy_folder(prepared.path(), data.path());
        let mut server = start(data.path(), false);
        let client = sign_in(&server.url).await;
        let acknowledged = Arc::new(Mutex::new(BTreeSet::new()));
        let attempted = Arc::new(Mutex::new(BTreeSet::new()));
        let mut writers = Vec::new();
        for writer in 0..WRITERS {
            let (client, url) = (client.clone(), server.url.clone());
            let (acknowledged, attempted) = (acknowledged.clone(), attempted.clone());
            writers.push(tokio::spawn(async move {
                for n in 0..200 {
                    let write = Write::nth(trial, writer, n);
                    attempted.lock().expect("lock").insert(write.clone());
                    match write.send(&client, &url).await {
                        Ok(status) if (200..300).contains(&status) => {
                            acknowledged.lock().expect("lock").insert(write);
                        }
                        // Nothing after a refusal or the kill.
                        _ => return,
                    }
                }
            }));
        }
        // Kill at a random moment of the first two seconds.
        let after = Duration::from_millis(50 + next_random(&mut random) % 1950);
        tokio::time::sleep(after).await;
        server.kill();
        for writer in writers {
            writer.await.expect("writer ends");
        }
        let acknowledged = acknowledged.lock().expect("lock").clone();
        let attempted = attempted.lock().expect("lock").clone();
        acknowledged_in_all += acknowledged.len();

        let mut server = start(data.path(), false);
        let client = sign_in(&server.url).await;
        let (ids, check_ins) = stored(&client, &server.url).await;
        assert_all_stored_once(trial, &acknowledged, &ids, &check_ins, "after the restart");

        // The writers' clients retry everything not acknowledged.
        for write in attempted.difference(&acknowledged) {
            let status = write.send(&client, &server.url).await.expect("retry");
            assert!(
                (200..300).contains(&status),
                "trial {trial}: {write:?}: {status}"
            );
        }
        let (ids, check_ins) = stored(&client, &server.url).await;
        assert_all_stored_once(trial, &attempted, &ids, &check_ins, "after the retries");
        let unexpected: Vec<&String> = ids
            .keys()
            .filter(|id| {
                !attempted.iter().any(|write| match write {
                    Write::Session { id: w, .. }
                    | Write::Label { id: w, .. }
                    | Write::Event { id: w, .. } => w == *id,
                    Write::CheckIn { .. } => false,
                })
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "trial {trial}: never written: {unexpected:?}"
        );
        println!(
            "trial {trial}: killed after {} ms, {} acknowledged of {} attempted",
            after.as_millis(),
            acknowledged.len(),
            attempted.len()
        );
        server.kill();
    }
    assert!(
        acknowledged_in_all >= usize::try_from(TRIALS).expect("small") * 10,
        "the trials wrote something before the kills: {acknowledged_in_all}"
    );
}
