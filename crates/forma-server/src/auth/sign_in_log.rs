//! Failed and refused sign-ins, for the audit log. They are counted in memory per
//! outcome, email and address and written in one transaction every
//! [`FLUSH_EVERY`]: a flood of refused attempts then costs one write a period, not
//! one each, and every attempt is still accounted for (with its count, first and
//! last time).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Duration;

use crate::store::audit::{Actor, Change};
use crate::store::{now, Pool};

/// How often counted attempts are written.
pub const FLUSH_EVERY: Duration = Duration::from_secs(2);
/// Distinct (outcome, email, address) keys kept between writes; attempts beyond
/// are counted together under the email `*`.
const MAX_KEYS: usize = 10_000;

/// How a sign-in that did not start a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// A wrong password or an unknown email (401).
    Failed,
    /// Refused by the limiter (429).
    Refused,
    /// Refused because too many sign-ins were being checked (503).
    Busy,
}

impl Outcome {
    fn action(self) -> &'static str {
        match self {
            Outcome::Failed => "sign_in_failed",
            Outcome::Refused => "sign_in_refused",
            Outcome::Busy => "sign_in_busy",
        }
    }
}

type Key = (Outcome, String, Option<IpAddr>);

#[derive(Debug, Clone)]
struct Counted {
    attempts: u64,
    first_at: String,
    last_at: String,
    /// The longest wait a refusal asked for, in seconds.
    retry_after: Option<u64>,
}

/// Attempts waiting to be written.
#[derive(Debug, Default)]
pub struct SignInLog {
    pending: Mutex<HashMap<Key, Counted>>,
}

impl SignInLog {
    /// Counts one attempt of `email` (normalised) from `ip`.
    pub fn note(
        &self,
        outcome: Outcome,
        email: &str,
        ip: Option<IpAddr>,
        retry_after: Option<u64>,
    ) {
        let at = now();
        let mut pending = self.lock();
        let mut key = (outcome, email.to_owned(), ip);
        if pending.len() >= MAX_KEYS && !pending.contains_key(&key) {
            key = (outcome, "*".to_owned(), None);
        }
        let counted = pending.entry(key).or_insert_with(|| Counted {
            attempts: 0,
            first_at: at.clone(),
            last_at: at.clone(),
            retry_after: None,
        });
        counted.attempts += 1;
        counted.last_at = at;
        counted.retry_after = counted.retry_after.max(retry_after);
    }

    /// Writes what was counted since the last write, in one transaction, as one
    /// audit entry per outcome, email and address. Nothing is lost when the write
    /// fails: the counts go back for the next one.
    ///
    /// # Errors
    /// When the database fails.
    pub async fn flush(&self, pool: &Pool) -> Result<usize, sqlx::Error> {
        let taken: Vec<(Key, Counted)> = self.lock().drain().collect();
        if taken.is_empty() {
            return Ok(0);
        }
        match write(pool, &taken).await {
            Ok(()) => Ok(taken.len()),
            Err(error) => {
                let mut pending = self.lock();
                for (key, counted) in taken {
                    let entry = pending.entry(key).or_insert(Counted {
                        attempts: 0,
                        ..counted.clone()
                    });
                    entry.attempts += counted.attempts;
                    entry.first_at = entry.first_at.clone().min(counted.first_at);
                    entry.retry_after = entry.retry_after.max(counted.retry_after);
                }
                Err(error)
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<Key, Counted>> {
        self.pending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

async fn write(pool: &Pool, entries: &[(Key, Counted)]) -> Result<(), sqlx::Error> {
    let mut write = crate::store::AuditedWrite::begin(pool, Actor::system("sign-in")).await?;
    for ((outcome, email, ip), counted) in entries {
        write
            .audit(Change {
                action: outcome.action(),
                entity: "user",
                entity_id: email,
                athlete_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "ip": ip.map(|ip| ip.to_string()),
                    "attempts": counted.attempts,
                    "first_at": counted.first_at,
                    "last_at": counted.last_at,
                    "retry_after": counted.retry_after,
                })),
            })
            .await?;
    }
    write.commit().await
}
