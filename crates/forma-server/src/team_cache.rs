//! The team list (`GET /api/teams/{team}/athletes`), computed once per change.
//!
//! Each athlete's status is kept by athlete with the data version and the day it was
//! computed for; the team's whole answer, serialised, is kept with the key it was
//! made from: every athlete's id, data version and day. Every write bumps the
//! athlete's `data_version` (read fresh from the store on each request), and the day
//! moves on by itself, so a kept answer is never stale; a request with nothing
//! changed computes and serialises nothing. Requests that find the same new key
//! at once compute it once: the others wait for that answer.
//!
//! Memory: one status per athlete and one answer per team, replaced as they change.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use forma_core::api::AthleteStatus;
use forma_core::types::{AthleteId, Date};
use tokio::sync::OnceCell;

/// What a team's answer is made from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TeamKey {
    pub team: String,
    /// Each athlete, in the answer's order, with their data version and day.
    pub athletes: Vec<(AthleteId, i64, Date)>,
}

/// An athlete's status with the data version and day it was computed for.
type KeptStatus = (i64, Date, Arc<AthleteStatus>);

/// Statuses and team answers; cheap to share.
#[derive(Debug, Default)]
pub struct TeamCache {
    statuses: Mutex<HashMap<AthleteId, KeptStatus>>,
    answers: Mutex<HashMap<String, (TeamKey, Bytes)>>,
    computing: Mutex<HashMap<TeamKey, Arc<OnceCell<Bytes>>>>,
}

impl TeamCache {
    /// The athlete's status computed for this data version and day, if kept.
    pub fn status(
        &self,
        athlete: &AthleteId,
        data_version: i64,
        day: Date,
    ) -> Option<Arc<AthleteStatus>> {
        let statuses = self.statuses.lock().ok()?;
        statuses
            .get(athlete)
            .filter(|(version, kept_day, _)| *version == data_version && *kept_day == day)
            .map(|(_, _, status)| status.clone())
    }

    /// Keeps an athlete's status, replacing one of an older version or day.
    pub fn keep_status(
        &self,
        athlete: AthleteId,
        data_version: i64,
        day: Date,
        status: Arc<AthleteStatus>,
    ) {
        if let Ok(mut statuses) = self.statuses.lock() {
            statuses.insert(athlete, (data_version, day, status));
        }
    }

    /// The team's answer for `key`: the kept one, or `compute`'s, computed once
    /// however many requests ask for the same key at the same time.
    ///
    /// # Errors
    /// `compute`'s error; nothing is kept then, and the next request computes again.
    pub async fn answer<E, F>(&self, key: TeamKey, compute: F) -> Result<Bytes, E>
    where
        F: std::future::Future<Output = Result<Bytes, E>>,
    {
        if let Some(answer) = self.kept(&key) {
            return Ok(answer);
        }
        let cell = match self.computing.lock() {
            Ok(mut computing) => computing.entry(key.clone()).or_default().clone(),
            Err(_) => Arc::default(),
        };
        let answer = cell.get_or_try_init(|| compute).await.cloned();
        if let (Ok(answer), Ok(mut answers)) = (&answer, self.answers.lock()) {
            answers.insert(key.team.clone(), (key.clone(), answer.clone()));
        }
        if let Ok(mut computing) = self.computing.lock() {
            computing.remove(&key);
        }
        answer
    }

    fn kept(&self, key: &TeamKey) -> Option<Bytes> {
        let answers = self.answers.lock().ok()?;
        answers
            .get(&key.team)
            .filter(|(kept, _)| kept == key)
            .map(|(_, answer)| answer.clone())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn key(version: i64) -> TeamKey {
        TeamKey {
            team: "demo".to_owned(),
            athletes: vec![(
                "p01".parse().expect("id"),
                version,
                jiff::civil::date(2020, 3, 31),
            )],
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_at_once_compute_once_and_a_new_version_computes_again() {
        let cache = Arc::new(TeamCache::default());
        let computed = Arc::new(AtomicUsize::new(0));
        let asks: Vec<_> = (0..16)
            .map(|_| {
                let (cache, computed) = (cache.clone(), computed.clone());
                tokio::spawn(async move {
                    cache
                        .answer(key(1), async {
                            computed.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                            Ok::<_, ()>(Bytes::from_static(b"v1"))
                        })
                        .await
                })
            })
            .collect();
        for ask in asks {
            assert_eq!(ask.await.expect("task").as_deref(), Ok(&b"v1"[..]));
        }
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        let again = cache
            .answer(key(2), async { Ok::<_, ()>(Bytes::from_static(b"v2")) })
            .await;
        assert_eq!(again.as_deref(), Ok(&b"v2"[..]));
        let failed = cache.answer(key(3), async { Err::<Bytes, _>("no") }).await;
        assert_eq!(failed, Err("no"));
        assert_eq!(
            cache.kept(&key(2)).as_deref(),
            Some(&b"v2"[..]),
            "a failure keeps the last answer"
        );
    }
}
