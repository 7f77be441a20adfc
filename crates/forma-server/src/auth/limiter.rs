//! Slows down password guessing: after [`MAX_FAILURES`] failed sign-ins within
//! [`WINDOW`] for one email or one client address, further attempts are refused
//! (429 with `Retry-After`) until the oldest failure leaves the window.
//!
//! The count lives in this process's memory: a restart forgets it, and several
//! servers behind a load balancer each count on their own.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

/// Failed sign-ins per key (`email:...`, `ip:...`).
#[derive(Debug, Default)]
pub struct LoginLimiter {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginLimiter {
    /// Starts a sign-in attempt: `Err(seconds to wait)` when any key has used up its
    /// failures; otherwise the attempt is counted as a failure at once (so parallel
    /// guesses cannot slip past the limit) until [`LoginLimiter::succeeded`].
    pub fn begin_attempt(&self, keys: &[String]) -> Result<(), u64> {
        self.begin_at(keys, Instant::now())
    }

    fn begin_at(&self, keys: &[String], now: Instant) -> Result<(), u64> {
        let mut failures = self.lock();
        let mut wait = None;
        for key in keys {
            let Some(times) = failures.get_mut(key) else {
                continue;
            };
            while times
                .front()
                .is_some_and(|first| now.duration_since(*first) >= WINDOW)
            {
                times.pop_front();
            }
            if times.is_empty() {
                failures.remove(key);
            } else if times.len() >= MAX_FAILURES {
                let left = WINDOW.saturating_sub(now.duration_since(times[0]));
                let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
                wait = Some(wait.map_or(seconds, |w: u64| w.max(seconds)));
            }
        }
        if let Some(seconds) = wait {
            return Err(seconds);
        }
        for key in keys {
            failures.entry(key.clone()).or_default().push_back(now);
        }
        Ok(())
    }

    /// The attempt begun with these keys succeeded: it is not a failure, and the
    /// earlier failures of `forget` (the account's email) are forgotten too.
    pub fn succeeded(&self, keys: &[String], forget: &str) {
        let mut failures = self.lock();
        for key in keys {
            if let Some(times) = failures.get_mut(key) {
                times.pop_back();
                if times.is_empty() {
                    failures.remove(key);
                }
            }
        }
        failures.remove(forget);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, VecDeque<Instant>>> {
        // A panic while holding the lock leaves plain counters: still usable.
        self.failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_within_the_window_waits_until_the_first_failure_expires() {
        let limiter = LoginLimiter::default();
        let keys = ["email:a@b.c".to_owned()];
        let start = Instant::now();
        for n in 0..MAX_FAILURES {
            assert_eq!(limiter.begin_at(&keys, start), Ok(()), "attempt {n}");
        }
        assert_eq!(limiter.begin_at(&keys, start), Err(WINDOW.as_secs()));
        assert_eq!(limiter.begin_at(&keys, start + WINDOW), Ok(()));
    }

    #[test]
    fn a_success_forgets_the_email_but_not_the_address() {
        let limiter = LoginLimiter::default();
        let keys = ["email:a@b.c".to_owned(), "ip:127.0.0.1".to_owned()];
        let now = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            limiter.begin_at(&keys, now).expect("allowed");
        }
        limiter.begin_at(&keys, now).expect("allowed");
        limiter.succeeded(&keys, &keys[0]);
        assert!(limiter.begin_at(&keys[..1], now).is_ok());
        assert!(
            limiter.begin_at(&keys[1..], now).is_ok(),
            "four failures and this"
        );
        assert!(limiter.begin_at(&keys[1..], now).is_err());
    }
}
