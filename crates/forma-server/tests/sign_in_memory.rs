//! A burst of sign-ins cannot exhaust the server's memory: 64 at once with unknown
//! emails, from 64 addresses, raise a freshly started `forma serve`'s resident
//! memory by less than the documented bound, one argon2 buffer (19 MiB) per
//! password thread and 32 MiB (see `forma_server::auth::passwords`), and every one
//! gets an answer.

use std::io::{BufRead, BufReader};
use std::net::{IpAddr, Ipv4Addr};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use forma_server::auth::passwords::{PasswordPool, MEMORY_PER_HASH};

/// Room for everything but the argon2 buffers: the database connections a burst
/// opens, buffers of 64 requests and answers, allocator slack.
const MARGIN_BYTES: u64 = 32 * 1024 * 1024;

fn resident_bytes(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with("VmRSS:"))?
                .split_whitespace()
                .nth(1)?
                .parse::<u64>()
                .ok()
        })
        .map_or(0, |kib| kib * 1024)
}

async fn sign_in(url: &str, from: Ipv4Addr, email: &str) -> u16 {
    let client = reqwest::Client::builder()
        .local_address(IpAddr::V4(from))
        .build()
        .expect("client");
    client
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": "not-the-password"}))
        .timeout(Duration::from_secs(60))
        .send()
        .await
        .map_or(0, |response| response.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixty_four_sign_ins_at_once_stay_under_the_memory_bound() {
    let data = tempfile::tempdir().expect("temp dir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_forma"))
        .args([
            "serve",
            "--no-demo",
            "--no-first-model",
            "--port",
            "0",
            "--data-dir",
        ])
        .arg(data.path())
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .spawn()
        .expect("forma serve starts");
    let pid = child.id();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next().expect("an address line").expect("utf-8");
        if let Some(url) = line.strip_prefix("Forma is serving on ") {
            break url.to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});

    // The figure of a server that has just started and answered nothing.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle = resident_bytes(pid);
    assert!(idle > 0, "the server's memory can be read");

    let peak = Arc::new(AtomicU64::new(idle));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                peak.fetch_max(resident_bytes(pid), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        })
    };
    let attempts: Vec<_> = (1..=64u8)
        .map(|n| {
            let url = url.clone();
            tokio::spawn(async move {
                sign_in(
                    &url,
                    Ipv4Addr::new(127, 0, 3, n),
                    &format!("nobody{n}@unknown.forma"),
                )
                .await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for attempt in attempts {
        statuses.push(attempt.await.expect("task"));
    }
    sampling.store(false, Ordering::Relaxed);
    sampler.await.expect("sampler");
    child.kill().expect("stop");
    child.wait().expect("reaped");

    assert!(
        statuses
            .iter()
            .all(|status| *status == 401 || *status == 503),
        "every sign-in is answered, as a wrong one or as busy: {statuses:?}"
    );
    assert!(
        statuses.iter().filter(|status| **status == 401).count() >= 32,
        "most are checked: {statuses:?}"
    );
    let threads = u64::try_from(PasswordPool::threads_for_this_machine()).expect("small");
    let bound = threads * u64::try_from(MEMORY_PER_HASH).expect("small") + MARGIN_BYTES;
    let grew = peak.load(Ordering::Relaxed).saturating_sub(idle);
    println!(
        "64 sign-ins at once: idle {} MiB, peak +{} MiB, bound {} MiB ({threads} password thread(s))",
        idle >> 20,
        grew >> 20,
        bound >> 20
    );
    assert!(
        grew < bound,
        "the server grew by {} MiB, over the bound of {} MiB",
        grew >> 20,
        bound >> 20
    );
}
