//! Floods against a running `forma serve` with the demo team, for `cargo xtask
//! bench`: the server's memory (RSS, from /proc) before and after a flood of
//! series windows and a flood of sign-ins, the cost of one session a century
//! back, and `/api/health` latency, measured from outside (request to answer, a
//! new connection each), while slow clients hold connections open.
//!
//! Usage: `cargo bench -p forma-server --bench floods -- URL PID [slow:N | idle:N]...`:
//! `slow:N` holds N clients that dribble a header byte a second, `idle:N` N that
//! connect and say nothing; both connect again when cut off.
//! Only ever pointed at a server on this machine; every loop is bounded.

use std::time::{Duration, Instant};

use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (Some(url), Some(pid)) = (args.first(), args.get(1)) else {
        eprintln!("usage: floods URL PID [slow:N | idle:N]...");
        std::process::exit(2);
    };
    assert!(
        url.starts_with("http://127.0.0.1:"),
        "the flood generator only targets this machine's loopback"
    );
    let crowds: Vec<(bool, usize)> = args[2..]
        .iter()
        .filter_map(|arg| {
            let (kind, n) = arg.split_once(':')?;
            Some((kind == "slow", n.parse().ok()?))
        })
        .collect();
    let rss = || rss_mb(pid);
    println!(
        "RSS at start (demo team loaded, first model trained): {:.0} MB",
        rss()
    );

    let coach = signed_in(url, "coach@demo.forma", "demo-coach").await;
    let p01 = signed_in(url, "p01@demo.forma", "demo-athlete").await;
    let p02 = signed_in(url, "p02@demo.forma", "demo-athlete").await;

    // The attack: 20 windows ending in 2500, then 1,000 distinct valid ones.
    let before = rss();
    let started = Instant::now();
    let mut refused = 0;
    for day in 1..=20 {
        let status = p02
            .client
            .get(format!("{url}/api/athletes/p02/series?to=2500-01-{day:02}"))
            .send()
            .await
            .expect("request")
            .status();
        refused += usize::from(status == 422);
    }
    let attack = started.elapsed();
    let started = Instant::now();
    let mut answered = 0;
    for k in 0..1000 {
        let to = jiff::civil::date(2020, 3, 31)
            .checked_sub(jiff::Span::new().days(k % 120))
            .expect("a day");
        let from = jiff::civil::date(2010, 4, 1)
            .checked_add(jiff::Span::new().days(k / 120))
            .expect("a day");
        let status = p02
            .client
            .get(format!("{url}/api/athletes/p02/series?from={from}&to={to}"))
            .send()
            .await
            .expect("request")
            .status();
        answered += usize::from(status == 200);
    }
    let windows = started.elapsed();
    let (window_ms, window_status) = timed(
        &p02.client,
        &format!("{url}/api/athletes/p02/series?from=0000-01-01&to=9999-12-31"),
    )
    .await;
    println!("\nSeries-window flood (athlete p02):");
    println!(
        "  20 windows ending 2500-01-01..20: {refused} refused (422) in {:.0} ms",
        ms(attack)
    );
    println!(
        "  1000 distinct windows within ten years: {answered} answered in {:.1} s",
        windows.as_secs_f64()
    );
    println!("  a 10,000-year window: {window_status} in {window_ms:.1} ms");
    println!("  RSS before {before:.0} MB, after {:.0} MB", rss());

    // One session a century back (the earliest accepted day) by p01.
    let series = format!("{url}/api/athletes/p01/series");
    let recommendation = format!("{url}/api/athletes/p01/recommendation");
    let team = format!("{url}/api/teams/demo/athletes");
    let (series_before, _) = timed(&p01.client, &series).await;
    let (team_before, _) = timed(&coach.client, &team).await;
    let posted = p01
        .client
        .post(format!("{url}/api/athletes/p01/sessions"))
        .header("x-csrf-token", &p01.csrf)
        .json(&serde_json::json!({"date": "1900-01-01", "load": 300}))
        .send()
        .await
        .expect("request")
        .status();
    let zero = p01
        .client
        .post(format!("{url}/api/athletes/p01/sessions"))
        .header("x-csrf-token", &p01.csrf)
        .json(&serde_json::json!({"date": "0000-01-01", "load": 300}))
        .send()
        .await
        .expect("request")
        .status();
    let (series_after, _) = timed(&p01.client, &series).await;
    let (recommendation_after, _) = timed(&p01.client, &recommendation).await;
    let (team_after, _) = timed(&coach.client, &team).await;
    println!("\nOne session of p01 dated 1900-01-01 ({posted}; 0000-01-01: {zero}):");
    println!("  p01's series: {series_before:.1} ms before, {series_after:.1} ms after");
    println!("  p01's recommendation after: {recommendation_after:.1} ms");
    println!("  the coach's team list: {team_before:.1} ms before, {team_after:.1} ms after");

    // Sign-in flood: 10,000 wrong passwords for distinct emails, 100 with 1.5 MB emails.
    let before = rss();
    let anonymous = reqwest::Client::new();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let started = Instant::now();
    for k in 0..10_000 {
        let status = anonymous
            .post(format!("{url}/api/auth/login"))
            .json(&serde_json::json!({"email": format!("guess{k}@flood.test"), "password": "wrong-password"}))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16();
        *statuses.entry(status).or_default() += 1;
    }
    let huge = "g".repeat(1_500_000);
    for _ in 0..100 {
        let status = anonymous
            .post(format!("{url}/api/auth/login"))
            .json(&serde_json::json!({"email": format!("{huge}@flood.test"), "password": "x"}))
            .send()
            .await
            .expect("request")
            .status()
            .as_u16();
        *statuses.entry(status).or_default() += 1;
    }
    println!(
        "\nSign-in flood (10,000 distinct emails, then 100 of 1.5 MB), {:.1} s:",
        started.elapsed().as_secs_f64()
    );
    println!("  answers by status: {statuses:?}");
    println!("  RSS before {before:.0} MB, after {:.0} MB", rss());

    let (quiet, _) = health_latencies(url, 200).await;
    println!(
        "\n/api/health, a new connection each, no slow clients: {}",
        summary(&quiet)
    );
    for (dribbles, count) in crowds {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let opened = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let address = url.trim_start_matches("http://").to_owned();
        let mut holders = Vec::new();
        for _ in 0..count {
            let (stop, opened, address) = (stop.clone(), opened.clone(), address.clone());
            holders.push(tokio::spawn(slow_client(address, stop, opened, dribbles)));
        }
        // Let them all connect.
        tokio::time::sleep(Duration::from_secs(3)).await;
        let (latencies, failed) = health_latencies(url, 300).await;
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        for holder in holders {
            let _ = holder.await;
        }
        println!(
            "/api/health with {count} {} clients ({}, reconnecting when cut; {} connections opened in all): {}, {failed} failed; RSS {:.0} MB",
            if dribbles { "slow" } else { "idle" },
            if dribbles { "each dribbling a header byte a second" } else { "each connected and silent" },
            opened.load(std::sync::atomic::Ordering::SeqCst),
            summary(&latencies),
            rss()
        );
    }
}

struct SignedIn {
    client: reqwest::Client,
    csrf: String,
}

async fn signed_in(url: &str, email: &str, password: &str) -> SignedIn {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    let answer: serde_json::Value = client
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the demo account signs in")
        .json()
        .await
        .expect("sign-in answer");
    SignedIn {
        client,
        csrf: answer["csrf_token"].as_str().unwrap_or_default().to_owned(),
    }
}

/// Milliseconds for one GET, and its status.
async fn timed(client: &reqwest::Client, url: &str) -> (f64, u16) {
    let started = Instant::now();
    let response = client.get(url).send().await.expect("request");
    let status = response.status().as_u16();
    let _ = response.bytes().await;
    (ms(started.elapsed()), status)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The server's resident memory in MB, from /proc.
fn rss_mb(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|kb| kb.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// `count` health requests, one after another, each on a new connection.
async fn health_latencies(url: &str, count: usize) -> (Vec<f64>, usize) {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut latencies = Vec::with_capacity(count);
    let mut failed = 0;
    for _ in 0..count {
        let started = Instant::now();
        match client.get(format!("{url}/api/health")).send().await {
            Ok(response) if response.status().is_success() => {
                let _ = response.bytes().await;
                latencies.push(ms(started.elapsed()));
            }
            _ => failed += 1,
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    (latencies, failed)
}

fn summary(latencies: &[f64]) -> String {
    let mut sorted = latencies.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| {
        sorted
            .get(((sorted.len() as f64 - 1.0) * q).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} requests)",
        at(0.5),
        at(0.99),
        at(1.0),
        sorted.len()
    )
}

/// A slowloris client: sends a request line and then a header byte a second
/// (`dribbles`) or nothing at all, never finishing; when the server cuts it off,
/// it connects again.
async fn slow_client(
    address: String,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    opened: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    dribbles: bool,
) {
    use std::sync::atomic::Ordering;
    while !stop.load(Ordering::SeqCst) {
        let Ok(mut stream) = TcpStream::connect(&address).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        opened.fetch_add(1, Ordering::SeqCst);
        if dribbles
            && stream
                .write_all(b"GET /api/health HTTP/1.1\r\nHost: forma\r\nX-Slow: ")
                .await
                .is_err()
        {
            continue;
        }
        while !stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let alive = if dribbles {
                stream.write_all(b"x").await.is_ok()
            } else {
                // A silent client notices the close by reading end-of-file.
                let mut byte = [0u8; 1];
                !matches!(
                    tokio::time::timeout(
                        Duration::from_millis(1),
                        tokio::io::AsyncReadExt::read(&mut stream, &mut byte)
                    )
                    .await,
                    Ok(Ok(0)) | Ok(Err(_))
                )
            };
            if !alive {
                break;
            }
        }
    }
}
