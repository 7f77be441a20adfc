//! A loopback load generator for `cargo xtask bench`: fixed-rate (open-loop) requests
//! against a running `forma serve`, reporting p50, p99 and throughput.
//!
//! Usage: `cargo bench -p forma-server --bench load -- URL ATHLETE EMAIL PASSWORD`
//! (the account must be the athlete's coach).
//! Only ever pointed at a server on this machine; every loop is bounded in count and time.

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

const RATE_PER_SECOND: u32 = 200;
const SECONDS: u32 = 10;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (Some(url), Some(athlete), Some(email), Some(password)) =
        (args.first(), args.get(1), args.get(2), args.get(3))
    else {
        eprintln!("usage: load URL ATHLETE EMAIL PASSWORD");
        std::process::exit(2);
    };
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:"),
        "the load generator only targets this machine's loopback"
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .cookie_store(true)
        .build()
        .expect("client");
    let signed_in: serde_json::Value = client
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the bench account signs in")
        .json()
        .await
        .expect("sign-in answer");
    let csrf = signed_in["csrf_token"]
        .as_str()
        .expect("a CSRF token")
        .to_owned();
    let series = format!("{url}/api/athletes/{athlete}/series");
    let write = format!("{url}/api/athletes/{athlete}/sessions");

    // Warm up connections and caches.
    for _ in 0..20 {
        let _ = client
            .get(&series)
            .send()
            .await
            .and_then(|r| r.error_for_status());
    }
    let body: serde_json::Value = client
        .get(&series)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("the series answers")
        .json()
        .await
        .expect("series JSON");
    let days = body["dates"].as_array().map_or(0, Vec::len);
    assert!(
        days > 1000,
        "the bench athlete has years of data: {days} days"
    );
    println!("series: {days} days per answer");
    report(
        "GET series (3 years)",
        open_loop(&client, |_| Request::Get(series.clone())).await,
    );
    report(
        "POST session (small write)",
        open_loop(&client, |n| {
            Request::Post(
                write.clone(),
                csrf.clone(),
                serde_json::json!({"id": format!("load-{n:08}"), "date": "2023-12-31", "sport": "load-test", "rpe": 5, "duration_min": 30}),
            )
        })
        .await,
    );
    report(
        "GET series, closed loop, 8 in flight",
        closed_loop(&client, &series, 8).await,
    );
}

enum Request {
    Get(String),
    /// URL, CSRF token, body.
    Post(String, String, serde_json::Value),
}

struct Run {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

async fn send(client: &reqwest::Client, request: Request) -> Result<(), reqwest::Error> {
    let response = match request {
        Request::Get(url) => client.get(url).send().await?,
        Request::Post(url, csrf, body) => {
            client
                .post(url)
                .header("X-CSRF-Token", csrf)
                .json(&body)
                .send()
                .await?
        }
    };
    response.error_for_status()?.bytes().await?;
    Ok(())
}

/// Sends RATE_PER_SECOND requests a second for SECONDS on a fixed schedule; latency is
/// measured from the scheduled time, so a slow server cannot hide queueing.
async fn open_loop(client: &reqwest::Client, make: impl Fn(u32) -> Request) -> Run {
    let total = RATE_PER_SECOND * SECONDS;
    let interval = Duration::from_secs(1) / RATE_PER_SECOND;
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for n in 0..total {
        let scheduled = start + interval * n;
        tokio::time::sleep_until(scheduled.into()).await;
        let (client, request) = (client.clone(), make(n));
        tasks.spawn(async move {
            let outcome =
                tokio::time::timeout(Duration::from_secs(10), send(&client, request)).await;
            (scheduled.elapsed(), matches!(outcome, Ok(Ok(()))))
        });
    }
    collect(tasks, start).await
}

async fn closed_loop(client: &reqwest::Client, url: &str, in_flight: usize) -> Run {
    let start = Instant::now();
    let deadline = start + Duration::from_secs(5);
    let mut tasks = JoinSet::new();
    for _ in 0..in_flight {
        let (client, url) = (client.clone(), url.to_owned());
        tasks.spawn(async move {
            let mut results = Vec::new();
            while Instant::now() < deadline {
                let began = Instant::now();
                let ok = send(&client, Request::Get(url.clone())).await.is_ok();
                results.push((began.elapsed(), ok));
            }
            results
        });
    }
    let mut run = Run {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(joined) = tasks.join_next().await {
        for (latency, ok) in joined.expect("task") {
            run.latencies.push(latency);
            run.errors += usize::from(!ok);
        }
    }
    run.elapsed = start.elapsed();
    run
}

async fn collect(mut tasks: JoinSet<(Duration, bool)>, start: Instant) -> Run {
    let mut run = Run {
        latencies: Vec::new(),
        errors: 0,
        elapsed: Duration::ZERO,
    };
    while let Some(joined) = tasks.join_next().await {
        let (latency, ok) = joined.expect("task");
        run.latencies.push(latency);
        run.errors += usize::from(!ok);
    }
    run.elapsed = start.elapsed();
    run
}

fn report(name: &str, mut run: Run) {
    run.latencies.sort();
    let at = |q: f64| {
        let i = ((run.latencies.len() as f64 - 1.0) * q).round() as usize;
        run.latencies
            .get(i)
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1000.0
    };
    println!(
        "{name}: {} requests, {} errors, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        run.latencies.len(),
        run.errors,
        run.latencies.len() as f64 / run.elapsed.as_secs_f64(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
}
