//! A loopback load generator for `cargo xtask bench`: closed-loop clients against a
//! running `forma serve`, reporting throughput, p50, p99, the slowest answer and every
//! error by status.
//!
//! Usage: `cargo bench -p forma-server --bench load -- URL TEAM ATHLETE EMAIL PASSWORD
//! [--server-pid PID] [--seconds N]` (the account must coach TEAM; ATHLETE is one of
//! its athletes). With `--server-pid` the sign-in burst also reports the server's
//! resident memory, read from `/proc/PID/status`.
//!
//! Runs, in order: the team list, an athlete's series and today's recommendation at
//! 16 clients; 4 and then 8 writers (labels and check-ins, to the same and to
//! different athletes) beside 8 readers; then sign-ins: 16 at once from one address,
//! a plain read while one account signs in over and over, 64 at once with unknown
//! emails from 64 addresses, and wrong passwords from one address followed by the
//! right one from another address and from the first.
//!
//! Only ever pointed at a server on this machine; every loop is bounded in time.
//! Distinct client addresses come from binding to 127.0.0.N, which Linux routes to
//! the loopback device.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::task::JoinSet;

/// Clients of each read run.
const READERS: usize = 16;
/// Readers beside the writers.
const READERS_WITH_WRITERS: usize = 8;

#[tokio::main]
async fn main() {
    let mut positional = Vec::new();
    let mut server_pid = None;
    let mut seconds = 15u64;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--server-pid" => server_pid = args.next().and_then(|p| p.parse::<u32>().ok()),
            "--seconds" => {
                seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds);
            }
            // `cargo bench` passes `--bench` to the harness.
            other if other.starts_with("--") => {}
            _ => positional.push(arg),
        }
    }
    let [url, team, athlete, email, password] = positional.as_slice() else {
        eprintln!("usage: load URL TEAM ATHLETE EMAIL PASSWORD [--server-pid PID] [--seconds N]");
        std::process::exit(2);
    };
    assert!(
        url.starts_with("http://127.0.0.1:") || url.starts_with("http://localhost:"),
        "the load generator only targets this machine's loopback"
    );
    let run_for = Duration::from_secs(seconds);
    let bench = Bench::sign_in(url, email, password).await;
    let roster: Vec<String> = bench
        .get_json(&format!("/api/teams/{team}/athletes"))
        .await
        .as_array()
        .expect("the team list is a list")
        .iter()
        .filter_map(|status| status["athlete"]["id"].as_str().map(str::to_owned))
        .collect();
    assert!(
        roster.len() >= 3,
        "the bench team has athletes: {}",
        roster.len()
    );
    let days = bench
        .get_json(&format!("/api/athletes/{athlete}/series"))
        .await["dates"]
        .as_array()
        .map_or(0, Vec::len);
    println!(
        "team {team}: {} athletes; series of {athlete}: {days} days per answer; {seconds} s per run",
        roster.len()
    );

    let team_list = format!("/api/teams/{team}/athletes");
    let series = format!("/api/athletes/{athlete}/series");
    let recommendation = format!("/api/athletes/{athlete}/recommendation");
    for (name, path) in [
        ("GET team list", &team_list),
        ("GET series", &series),
        ("GET recommendation", &recommendation),
    ] {
        let reads = [path.clone()];
        let outcome = bench.closed_loop(&reads, READERS, &[], 0, run_for).await;
        outcome.reads.print(&format!("{name}, {READERS} clients"));
    }

    // Writers share three athletes, so some write the same athlete at once; the
    // readers read what they change.
    let written: Vec<String> = roster.iter().take(3).cloned().collect();
    let reads = [
        team_list.clone(),
        format!("/api/athletes/{}/series", written[0]),
    ];
    for writers in [4, 8] {
        let outcome = bench
            .closed_loop(&reads, READERS_WITH_WRITERS, &written, writers, run_for)
            .await;
        let title = format!("{writers} writers + {READERS_WITH_WRITERS} readers");
        outcome
            .writes
            .print(&format!("{title}: writes (labels, check-ins)"));
        outcome
            .reads
            .print(&format!("{title}: reads (team list, series)"));
    }

    sign_ins(&bench, athlete, email, password, server_pid).await;
}

/// A signed-in coach and the server's address.
struct Bench {
    url: String,
    client: reqwest::Client,
    csrf: String,
    /// Tells label ids of this run from those of an earlier run on the same database.
    run: u64,
}

impl Bench {
    async fn sign_in(url: &str, email: &str, password: &str) -> Bench {
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
        let run = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Bench {
            url: url.to_owned(),
            client,
            csrf,
            run,
        }
    }

    async fn get_json(&self, path: &str) -> serde_json::Value {
        self.client
            .get(format!("{}{path}", self.url))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
            .json()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// `readers` clients reading `reads` in turn and `writers` clients writing to
    /// `athletes`, each sending its next request when the last is answered, for `run_for`.
    async fn closed_loop(
        &self,
        reads: &[String],
        readers: usize,
        athletes: &[String],
        writers: usize,
        run_for: Duration,
    ) -> Outcome {
        let start = Instant::now();
        let deadline = start + run_for;
        let mut tasks = JoinSet::new();
        for reader in 0..readers {
            let (client, url, reads) = (self.client.clone(), self.url.clone(), reads.to_vec());
            tasks.spawn(async move {
                let mut run = Run::default();
                let mut n = reader;
                while Instant::now() < deadline {
                    let path = &reads[n % reads.len()];
                    n += 1;
                    let began = Instant::now();
                    let status = client
                        .get(format!("{url}{path}"))
                        .send()
                        .await
                        .map(|r| r.status().as_u16());
                    run.add(began.elapsed(), status);
                }
                (false, run)
            });
        }
        for writer in 0..writers {
            let (client, url, csrf) = (self.client.clone(), self.url.clone(), self.csrf.clone());
            let athlete = athletes[writer % athletes.len()].clone();
            let tag = format!("{}-{writers}w{writer}", self.run);
            tasks.spawn(async move {
                let mut run = Run::default();
                let mut n = 0usize;
                while Instant::now() < deadline {
                    let request = if n.is_multiple_of(2) {
                        client
                            .post(format!("{url}/api/athletes/{athlete}/labels"))
                            .json(&serde_json::json!({
                                "id": format!("load-{tag}-{n}"),
                                "date": day(writer * 131 + n),
                                "code": "fatigue",
                            }))
                    } else {
                        client
                            .put(format!(
                                "{url}/api/athletes/{athlete}/wellness/{}",
                                day(writer * 173 + n)
                            ))
                            .json(&serde_json::json!({
                                "sleep_h": 4.0 + (n % 97) as f64 / 10.0,
                                "fatigue": (n % 11) as f64,
                                "soreness": ((n / 11) % 11) as f64,
                            }))
                    };
                    n += 1;
                    let began = Instant::now();
                    let status = request
                        .header("X-CSRF-Token", &csrf)
                        .send()
                        .await
                        .map(|r| r.status().as_u16());
                    run.add(began.elapsed(), status);
                }
                (true, run)
            });
        }
        let mut outcome = Outcome::default();
        while let Some(joined) = tasks.join_next().await {
            let (is_write, run) = joined.expect("a load task");
            if is_write {
                outcome.writes.merge(run);
            } else {
                outcome.reads.merge(run);
            }
        }
        let elapsed = start.elapsed();
        outcome.reads.elapsed = elapsed;
        outcome.writes.elapsed = elapsed;
        outcome
    }
}

/// A day of the bench data (2021-01-01 plus `n` days, within three years).
fn day(n: usize) -> String {
    let start = jiff::civil::date(2021, 1, 1);
    let offset = i64::try_from(n % 1095).unwrap_or(0);
    start
        .checked_add(jiff::Span::new().days(offset))
        .unwrap_or(start)
        .to_string()
}

#[derive(Default)]
struct Outcome {
    reads: Run,
    writes: Run,
}

/// Latencies of answered requests and the count of each failure.
#[derive(Default)]
struct Run {
    latencies: Vec<Duration>,
    /// Non-2xx answers by status; `0` for requests that got no answer.
    errors: BTreeMap<u16, usize>,
    elapsed: Duration,
}

impl Run {
    fn add(&mut self, latency: Duration, status: Result<u16, reqwest::Error>) {
        self.latencies.push(latency);
        match status {
            Ok(status) if (200..300).contains(&status) => {}
            Ok(status) => *self.errors.entry(status).or_default() += 1,
            Err(_) => *self.errors.entry(0).or_default() += 1,
        }
    }

    fn merge(&mut self, other: Run) {
        self.latencies.extend(other.latencies);
        for (status, count) in other.errors {
            *self.errors.entry(status).or_default() += count;
        }
    }

    fn print(mut self, name: &str) {
        self.latencies.sort();
        let at = |q: f64| {
            let i = ((self.latencies.len() as f64 - 1.0) * q).round() as usize;
            self.latencies
                .get(i)
                .copied()
                .unwrap_or_default()
                .as_secs_f64()
                * 1000.0
        };
        let errors: usize = self.errors.values().sum();
        let by_status = if self.errors.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = self
                .errors
                .iter()
                .map(|(status, count)| {
                    if *status == 0 {
                        format!("{count} unanswered")
                    } else {
                        format!("{count} x {status}")
                    }
                })
                .collect();
            format!(" ({})", list.join(", "))
        };
        println!(
            "{name}: {} requests, {errors} errors{by_status}, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            self.latencies.len(),
            self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9),
            at(0.5),
            at(0.99),
            at(1.0)
        );
    }
}

/// A client whose connections leave from `address` (one of 127.0.0.0/8).
fn client_from(address: Ipv4Addr) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::V4(address))
        .build()
        .expect("client")
}

async fn login(client: &reqwest::Client, url: &str, email: &str, password: &str) -> Answer {
    let began = Instant::now();
    let response = client
        .post(format!("{url}/api/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .timeout(Duration::from_secs(120))
        .send()
        .await;
    match response {
        Ok(response) => Answer {
            status: response.status().as_u16(),
            retry_after: response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            took: began.elapsed(),
        },
        Err(_) => Answer {
            status: 0,
            retry_after: None,
            took: began.elapsed(),
        },
    }
}

struct Answer {
    /// 0 when no answer came.
    status: u16,
    retry_after: Option<String>,
    took: Duration,
}

fn count_statuses(answers: &[Answer]) -> String {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for answer in answers {
        *counts.entry(answer.status).or_default() += 1;
    }
    counts
        .iter()
        .map(|(status, n)| {
            if *status == 0 {
                format!("{n} unanswered")
            } else {
                format!("{n} x {status}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The server's resident memory in KiB.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|line| line.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

async fn sign_ins(
    bench: &Bench,
    athlete: &str,
    email: &str,
    password: &str,
    server_pid: Option<u32>,
) {
    let url = bench.url.as_str();

    // 16 correct sign-ins at the same moment from one address.
    let one_address = client_from(Ipv4Addr::new(127, 0, 0, 1));
    let began = Instant::now();
    let mut burst = JoinSet::new();
    for _ in 0..16 {
        let (client, url, email, password) = (
            one_address.clone(),
            url.to_owned(),
            email.to_owned(),
            password.to_owned(),
        );
        burst.spawn(async move { login(&client, &url, &email, &password).await });
    }
    let answers: Vec<Answer> = burst.join_all().await;
    println!(
        "sign-in, 16 correct at once from one address: {} in {:.0} ms",
        count_statuses(&answers),
        began.elapsed().as_secs_f64() * 1000.0
    );

    // A plain read alone, then while one account signs in again and again.
    let series = format!("{url}/api/athletes/{athlete}/series");
    let read_alone = timed_reads(&bench.client, &series, Duration::from_secs(5), None).await;
    let stop = Arc::new(AtomicBool::new(false));
    let signed_in = Arc::new(AtomicU64::new(0));
    let signer = {
        let (client, url, email, password) = (
            client_from(Ipv4Addr::new(127, 0, 0, 5)),
            url.to_owned(),
            email.to_owned(),
            password.to_owned(),
        );
        let (stop, signed_in) = (stop.clone(), signed_in.clone());
        tokio::spawn(async move {
            let mut answers = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let answer = login(&client, &url, &email, &password).await;
                if answer.status == 200 {
                    signed_in.fetch_add(1, Ordering::Relaxed);
                }
                answers.push(answer);
            }
            answers
        })
    };
    let window = Duration::from_secs(10);
    let read_during = timed_reads(&bench.client, &series, window, Some(&stop)).await;
    let answers = signer.await.expect("the sign-in task");
    println!(
        "plain read (series) alone: p50 {:.2} ms; while one account signs in: p50 {:.2} ms, p99 {:.2} ms, {:.1} sign-ins/s ({})",
        read_alone.0,
        read_during.0,
        read_during.1,
        signed_in.load(Ordering::Relaxed) as f64 / window.as_secs_f64(),
        count_statuses(&answers)
    );

    // 64 sign-ins at once with unknown emails, from 64 addresses.
    let before = server_pid.and_then(resident_kib);
    let peak = Arc::new(AtomicU64::new(before.unwrap_or(0)));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = server_pid.map(|pid| {
        let (peak, sampling) = (peak.clone(), sampling.clone());
        tokio::spawn(async move {
            while sampling.load(Ordering::Relaxed) {
                if let Some(kib) = resident_kib(pid) {
                    peak.fetch_max(kib, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        })
    });
    let mut burst = JoinSet::new();
    for n in 0..64u8 {
        let (client, url) = (client_from(Ipv4Addr::new(127, 0, 1, n + 1)), url.to_owned());
        burst.spawn(async move {
            login(
                &client,
                &url,
                &format!("nobody-{n}@unknown.forma"),
                "not-a-password",
            )
            .await
        });
    }
    let answers: Vec<Answer> = burst.join_all().await;
    sampling.store(false, Ordering::Relaxed);
    if let Some(sampler) = sampler {
        let _ = sampler.await;
    }
    let slowest = answers.iter().map(|a| a.took).max().unwrap_or_default();
    let memory = match before {
        Some(before) => format!(
            "; server memory {:.0} MiB before, peak {:.0} MiB (+{:.0} MiB)",
            before as f64 / 1024.0,
            peak.load(Ordering::Relaxed) as f64 / 1024.0,
            peak.load(Ordering::Relaxed).saturating_sub(before) as f64 / 1024.0
        ),
        None => String::new(),
    };
    println!(
        "sign-in, 64 unknown emails at once from 64 addresses: {} in {:.0} ms (slowest answer){memory}",
        count_statuses(&answers),
        slowest.as_secs_f64() * 1000.0
    );

    // Five wrong passwords from one address, then the right one from another
    // address, from the first, and in other letter case.
    let guesser = client_from(Ipv4Addr::new(127, 0, 0, 20));
    let mut wrong = Vec::new();
    for _ in 0..5 {
        wrong.push(login(&guesser, url, email, "wrong-password").await);
    }
    let elsewhere = login(
        &client_from(Ipv4Addr::new(127, 0, 0, 21)),
        url,
        email,
        password,
    )
    .await;
    let same = login(&guesser, url, email, password).await;
    let show = |answer: &Answer| match &answer.retry_after {
        Some(seconds) => format!("{} (Retry-After {seconds} s)", answer.status),
        None => answer.status.to_string(),
    };
    println!(
        "limiter, 5 wrong passwords from one address ({}): the right password from another address {}, from the same address {}",
        count_statuses(&wrong),
        show(&elsewhere),
        show(&same)
    );
}

/// Reads `url` one at a time for `window` (or until `stop` is set); p50 and p99 in ms.
async fn timed_reads(
    client: &reqwest::Client,
    url: &str,
    window: Duration,
    stop: Option<&AtomicBool>,
) -> (f64, f64) {
    let deadline = Instant::now() + window;
    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let began = Instant::now();
        let _ = client
            .get(url)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status);
        latencies.push(began.elapsed());
    }
    if let Some(stop) = stop {
        stop.store(true, Ordering::Relaxed);
    }
    latencies.sort();
    let at = |q: f64| {
        let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
        latencies.get(i).copied().unwrap_or_default().as_secs_f64() * 1000.0
    };
    (at(0.5), at(0.99))
}
