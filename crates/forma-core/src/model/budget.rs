//! How long a training may run, and a way to stop it from outside.
//!
//! A [`Budget`] carries a cancel flag shared by its clones (whoever holds a
//! clone can [`Budget::cancel`] the training that holds another) and, when
//! given, a time limit measured by a clock the caller provides. Training checks
//! it at natural points ([`Budget::check`]): before each model fit, between
//! calibration groups and backtest folds, between boosting rounds, at every
//! evaluation of the logistic regression's loss (one pass over the rows), and
//! between the backtests' metrics; so a stop takes effect at the end of the
//! step under way and the training returns [`ModelError::Cancelled`] or
//! [`ModelError::OutOfTime`] without a model. The longest step without a check
//! is, by the code, the forest's fit: one smartcore call for all its trees
//! (fitting them one by one would
//! change the trees' random draws, and so every artifact): on 100,000 rows on a
//! busy two-core machine `benches/training_cancel.rs` saw up to 3.6 s between
//! two checks, and a stop 5 s after the cancel at worst.
//!
//! The check reads an atomic flag and the clock and changes nothing, so a
//! training whose budget never runs out computes exactly what an unbudgeted one
//! does. `std::time::Instant` panics on `wasm32-unknown-unknown`, so the clock
//! is a closure: [`Budget::within`] uses `Instant` where it exists, and
//! [`Budget::with_clock`] takes any clock.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::ModelError;

/// Elapsed time since the budget started, as its clock tells it.
type Clock = Arc<dyn Fn() -> Duration + Send + Sync>;

/// A cancel flag and an optional time limit for one training; clones share the
/// flag and the clock. [`Budget::default`] never runs out and is never
/// cancelled unless [`Budget::cancel`] is called.
#[derive(Clone, Default)]
pub struct Budget {
    cancelled: Arc<AtomicBool>,
    limit: Option<(Duration, Clock)>,
}

impl fmt::Debug for Budget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Budget")
            .field("cancelled", &self.is_cancelled())
            .field("limit", &self.limit())
            .field("elapsed", &self.elapsed())
            .finish()
    }
}

impl Budget {
    /// No time limit, not cancelled.
    pub fn unlimited() -> Self {
        Self::default()
    }

    /// At most `limit` of time from now, by `std::time::Instant` (not on
    /// `wasm32-unknown-unknown`, which has no clock in `std`; use
    /// [`Budget::with_clock`] there).
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn within(limit: Duration) -> Self {
        let started = std::time::Instant::now();
        Self::with_clock(limit, move || started.elapsed())
    }

    /// At most `limit`, as `elapsed` (time since the start) tells it.
    pub fn with_clock(
        limit: Duration,
        elapsed: impl Fn() -> Duration + Send + Sync + 'static,
    ) -> Self {
        Self {
            cancelled: Arc::default(),
            limit: Some((limit, Arc::new(elapsed))),
        }
    }

    /// Stops the training holding this budget (or a clone of it) at its next check.
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    /// Whether [`Budget::cancel`] was called on it or a clone.
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The time limit, when there is one.
    pub fn limit(&self) -> Option<Duration> {
        self.limit.as_ref().map(|(limit, _)| *limit)
    }

    /// Time since the start, when there is a time limit.
    pub fn elapsed(&self) -> Option<Duration> {
        self.limit.as_ref().map(|(_, clock)| clock())
    }

    /// Whether the training may go on.
    ///
    /// # Errors
    /// [`ModelError::Cancelled`] once cancelled; [`ModelError::OutOfTime`] once
    /// the time limit has passed.
    pub fn check(&self) -> Result<(), ModelError> {
        if self.is_cancelled() {
            return Err(ModelError::Cancelled);
        }
        match &self.limit {
            Some((limit, clock)) if clock() > *limit => {
                Err(ModelError::OutOfTime { budget: *limit })
            }
            _ => Ok(()),
        }
    }
}

/// A duration in words: `15 minutes`, `90 seconds`, `2.5 seconds`, `50 milliseconds`.
pub fn duration_words(d: Duration) -> String {
    let plural = |n: u128, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    let whole_seconds = d.subsec_nanos() == 0;
    if whole_seconds && d.as_secs() >= 60 && d.as_secs().is_multiple_of(60) {
        plural(u128::from(d.as_secs() / 60), "minute")
    } else if whole_seconds {
        plural(u128::from(d.as_secs()), "second")
    } else if d.as_secs() >= 1 {
        format!("{:.1} seconds", d.as_secs_f64())
    } else {
        plural(d.as_millis(), "millisecond")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicU64;

    #[test]
    fn a_budget_stops_when_cancelled_or_out_of_time_and_not_before() {
        let unlimited = Budget::unlimited();
        assert_eq!(unlimited.check(), Ok(()));
        let clone = unlimited.clone();
        clone.cancel();
        assert_eq!(unlimited.check(), Err(ModelError::Cancelled));

        let now = Arc::new(AtomicU64::new(0));
        let clock = now.clone();
        let timed = Budget::with_clock(Duration::from_secs(60), move || {
            Duration::from_secs(clock.load(Ordering::SeqCst))
        });
        assert_eq!(timed.check(), Ok(()));
        now.store(60, Ordering::SeqCst);
        assert_eq!(timed.check(), Ok(()), "at the limit, not past it");
        now.store(61, Ordering::SeqCst);
        assert_eq!(
            timed.check(),
            Err(ModelError::OutOfTime {
                budget: Duration::from_secs(60)
            })
        );
        // A cancel says so even when the time is up too.
        timed.cancel();
        assert_eq!(timed.check(), Err(ModelError::Cancelled));
    }

    #[test]
    fn durations_read_as_words() {
        assert_eq!(duration_words(Duration::from_secs(900)), "15 minutes");
        assert_eq!(duration_words(Duration::from_secs(90)), "90 seconds");
        assert_eq!(duration_words(Duration::from_secs(1)), "1 second");
        assert_eq!(
            duration_words(Duration::from_millis(200)),
            "200 milliseconds"
        );
        assert_eq!(duration_words(Duration::from_millis(2500)), "2.5 seconds");
        assert_eq!(duration_words(Duration::from_secs(60)), "1 minute");
    }
}
