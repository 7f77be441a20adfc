//! Many hands at once: writers to the same and to different athletes, through the
//! real server, all succeed, each write is stored once, and each athlete's data
//! version goes up by exactly one per change.

use std::collections::BTreeMap;

use forma_core::api::{AthleteProfile, SessionRecord};
use forma_core::labels::Label;
use forma_core::types::WellnessEntry;

use crate::helpers::TestServer;

const WRITERS: usize = 8;
const ROUNDS: usize = 12;
/// Writers share these athletes, so some write the same athlete at once.
const ATHLETES: [&str; 3] = ["p01", "p02", "p03"];

/// Each writer has days of its own in 2019, before the demo data, so every check-in
/// is a change.
fn day(writer: usize, round: usize) -> String {
    let offset = writer * ROUNDS + round;
    jiff::civil::date(2019, 1, 1)
        .checked_add(jiff::Span::new().days(i64::try_from(offset).expect("small")))
        .expect("a date")
        .to_string()
}

async fn data_version(server: &TestServer, athlete: &str) -> i64 {
    server
        .get_json::<AthleteProfile>(&format!("/api/athletes/{athlete}"))
        .await
        .data_version
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_at_once_all_succeed_and_each_write_is_stored_once() {
    let server = TestServer::start_with_demo().await;
    let mut before = BTreeMap::new();
    for athlete in ATHLETES {
        before.insert(athlete, data_version(&server, athlete).await);
    }

    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let (client, base) = (server.client.clone(), server.base_url.clone());
        let athlete = ATHLETES[writer % ATHLETES.len()];
        tasks.push(tokio::spawn(async move {
            let mut failures = Vec::new();
            let mut versions = Vec::new();
            for round in 0..ROUNDS {
                let date = day(writer, round);
                let label = client
                    .post(format!("{base}/api/athletes/{athlete}/labels"))
                    .json(&serde_json::json!({
                        "id": format!("conc-label-{writer}-{round}"),
                        "date": date,
                        "code": "fatigue",
                    }))
                    .send()
                    .await
                    .expect("label request");
                let check_in = client
                    .put(format!("{base}/api/athletes/{athlete}/wellness/{date}"))
                    .json(&serde_json::json!({"sleep_h": 7.5, "fatigue": (round % 10) as f64}))
                    .send()
                    .await
                    .expect("check-in request");
                let session = client
                    .post(format!("{base}/api/athletes/{athlete}/sessions"))
                    .json(&serde_json::json!({
                        "id": format!("conc-session-{writer}-{round}"),
                        "date": date,
                        "sport": "concurrency",
                        "duration_min": 30,
                        "rpe": 4,
                    }))
                    .send()
                    .await
                    .expect("session request");
                for (what, response, expected) in [
                    ("label", label, 201),
                    ("check-in", check_in, 200),
                    ("session", session, 201),
                ] {
                    let status = response.status().as_u16();
                    if status != expected {
                        let body = response.text().await.unwrap_or_default();
                        failures.push(format!("{athlete} {what} {round}: {status} {body}"));
                    }
                }
                let profile: AthleteProfile = client
                    .get(format!("{base}/api/athletes/{athlete}"))
                    .send()
                    .await
                    .expect("profile")
                    .json()
                    .await
                    .expect("profile JSON");
                versions.push(profile.data_version);
            }
            (athlete, failures, versions)
        }));
    }
    let mut written: BTreeMap<&str, usize> = BTreeMap::new();
    for task in tasks {
        let (athlete, failures, versions) = task.await.expect("writer");
        assert!(failures.is_empty(), "failed writes: {failures:#?}");
        assert!(
            versions.windows(2).all(|pair| pair[1] > pair[0]),
            "{athlete}'s data version as one writer saw it after each round of its own writes: {versions:?}"
        );
        *written.entry(athlete).or_default() += ROUNDS;
    }

    for athlete in ATHLETES {
        let rounds = written[athlete];
        let labels: Vec<Label> = server
            .get_json(&format!("/api/athletes/{athlete}/labels"))
            .await;
        let mut label_ids: Vec<&str> = labels
            .iter()
            .map(|l| l.id.as_str())
            .filter(|id| id.starts_with("conc-label-"))
            .collect();
        let count = label_ids.len();
        label_ids.dedup();
        assert_eq!(
            (count, label_ids.len()),
            (rounds, rounds),
            "{athlete}'s labels"
        );

        let sessions: Vec<SessionRecord> = server
            .get_json(&format!(
                "/api/athletes/{athlete}/sessions?from=2019-01-01&to=2019-12-31"
            ))
            .await;
        let ours = sessions
            .iter()
            .filter(|s| s.session.sport.as_deref() == Some("concurrency"))
            .count();
        assert_eq!(ours, rounds, "{athlete}'s sessions");

        let wellness: Vec<WellnessEntry> = server
            .get_json(&format!(
                "/api/athletes/{athlete}/wellness?from=2019-01-01&to=2019-12-31"
            ))
            .await;
        assert_eq!(
            wellness.iter().filter(|w| w.sleep_h == Some(7.5)).count(),
            rounds,
            "{athlete}'s check-ins"
        );

        // Three changes a round, each bumping the version by one.
        assert_eq!(
            data_version(&server, athlete).await,
            before[athlete] + i64::try_from(3 * rounds).expect("small"),
            "{athlete}'s data version"
        );
    }
    let _ = server.stop().await;
}
