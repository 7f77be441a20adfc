//! The ranges Forma accepts, one definition each. Every way in (the JSON API,
//! the canonical CSV files, PMData, FIT, TCX and GPX activity files, what-if
//! plans) checks a value against the same constant here, so that one typo (a load
//! of `1e308`, a session dated `0000-01-01`, a 1.5 MB sport name) is refused at the
//! door, with the field, the value and what is accepted, and never reaches the
//! numbers.
//!
//! - [`Bound`]: a number with its physical range and unit ([`DURATION_MIN`],
//!   [`RPE`], [`LOAD`], [`DISTANCE_KM`], [`AVG_HR`], [`RESTING_HR`], ...).
//! - [`TextLimit`]: the longest free text a field holds ([`SPORT`], [`NOTE`], ...).
//! - [`DateWindow`]: the days a record may fall on: from 1900-01-01 (and never
//!   before the athlete's birth year) to ten years after today.
//!
//! ```
//! use forma_core::bounds::{DateWindow, LOAD, RPE, SPORT};
//! use jiff::civil::date;
//!
//! assert_eq!(RPE.check(7.5), Ok(7.5));
//! let error = LOAD.check(1e308).unwrap_err();
//! assert_eq!(error.to_string(),
//!     "load `1e308` is not valid: expected a load from 0 to 15000 in the team's unit \
//!      (session RPE x minutes is at most 10 x 1440 = 14400)");
//! assert!(SPORT.check(&"x".repeat(65)).is_err());
//!
//! let window = DateWindow::new(date(2026, 5, 1)).born_in(Some(1990));
//! assert!(window.check("date", date(2036, 5, 1)).is_ok());
//! assert!(window.check("date", date(2036, 5, 2)).is_err());
//! assert!(window.check("date", date(1989, 12, 31)).is_err());
//! ```

use std::borrow::Cow;

use jiff::civil::Date;

use crate::types::{parse_date, ValueError};

/// A number's accepted range, inclusive at both ends, with the words that say so.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The field's name in errors, such as `duration_min`.
    pub field: &'static str,
    /// The smallest accepted value.
    pub min: f64,
    /// The largest accepted value.
    pub max: f64,
    /// What is accepted, in words, with the unit.
    pub accepted: &'static str,
}

impl Bound {
    /// The same range under another field name (a plan's `minutes` is a
    /// session's `duration_min`).
    #[must_use]
    pub const fn named(self, field: &'static str) -> Bound {
        Bound { field, ..self }
    }

    /// Whether `x` is a finite number within the range.
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max
    }

    /// `x` when it is within the range.
    ///
    /// # Errors
    /// A [`ValueError`] naming the field, the value and the range.
    pub fn check(&self, x: f64) -> Result<f64, ValueError> {
        if self.contains(x) {
            Ok(x)
        } else {
            Err(ValueError::new(self.field, &number_text(x), self.accepted))
        }
    }

    /// As [`Bound::check`], for a value that may be absent.
    ///
    /// # Errors
    /// As [`Bound::check`].
    pub fn check_optional(&self, x: Option<f64>) -> Result<Option<f64>, ValueError> {
        x.map(|x| self.check(x)).transpose()
    }

    /// Reads `text` as a number within the range.
    ///
    /// # Errors
    /// A [`ValueError`] with the text as given when it is not a number or out of range.
    #[inline(always)]
    pub fn parse(&self, text: &str) -> Result<f64, ValueError> {
        crate::types::parse_number(self.field, text, self.min, self.max, self.accepted)
    }
}

/// `x` as a person would write it: plain digits, or with an exponent when huge
/// or tiny (`1e308`, not 309 digits).
fn number_text(x: f64) -> String {
    if x == 0.0 || (1e-6..1e16).contains(&x.abs()) || !x.is_finite() {
        x.to_string()
    } else {
        format!("{x:?}")
    }
}

/// A session's duration. A day has 1440 minutes.
pub const DURATION_MIN: Bound = Bound {
    field: "duration_min",
    min: 0.0,
    max: 1440.0,
    accepted: "a duration from 0 to 1440 minutes (24 hours)",
};

/// Rating of perceived exertion on Borg's CR-10 scale.
pub const RPE: Bound = Bound {
    field: "rpe",
    min: 0.0,
    max: 10.0,
    accepted: "an RPE from 0 to 10 (CR-10 scale)",
};

/// One session's training load, in the team's unit. Session-RPE load (Foster
/// 2001) is at most 10 x 1440 = 14,400; a day-long effort's TSS or Banister
/// TRIMP stays well below that.
pub const LOAD: Bound = Bound {
    field: "load",
    min: 0.0,
    max: 15_000.0,
    accepted: "a load from 0 to 15000 in the team's unit (session RPE x minutes is at most 10 x 1440 = 14400)",
};

/// One session's distance. The 24-hour cycling record is a little over 1000 km.
pub const DISTANCE_KM: Bound = Bound {
    field: "distance_km",
    min: 0.0,
    max: 1500.0,
    accepted: "a distance from 0 to 1500 km",
};

/// A heart rate during exercise (a session's average or highest).
pub const AVG_HR: Bound = Bound {
    field: "avg_hr",
    min: 20.0,
    max: 250.0,
    accepted: "a heart rate from 20 to 250 bpm",
};

/// Resting heart rate: the lowest recorded in trained athletes is near 30 bpm.
pub const RESTING_HR: Bound = Bound {
    field: "resting_hr",
    min: 20.0,
    max: 200.0,
    accepted: "a resting heart rate from 20 to 200 bpm",
};

/// Hours slept in one night.
pub const SLEEP_H: Bound = Bound {
    field: "sleep_h",
    min: 0.0,
    max: 24.0,
    accepted: "hours of sleep from 0 to 24",
};

/// A wellness item (sleep quality, fatigue, soreness, stress, mood, readiness):
/// teams use 1 to 5 or 0 to 10 scales. Use [`Bound::named`] for the item.
pub const WELLNESS_SCALE: Bound = Bound {
    field: "wellness",
    min: 0.0,
    max: 10.0,
    accepted: "a number from 0 to 10",
};

/// Morning heart-rate variability, rMSSD.
pub const HRV_RMSSD_MS: Bound = Bound {
    field: "hrv_rmssd_ms",
    min: 1.0,
    max: 500.0,
    accepted: "an rMSSD from 1 to 500 ms",
};

/// Training days lost to one injury or illness (ten years at most).
pub const DAYS_LOST: Bound = Bound {
    field: "days_lost",
    min: 0.0,
    max: 3650.0,
    accepted: "a whole number of days from 0 to 3650",
};

/// The longest a free-text field may be, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimit {
    /// The field's name in errors.
    pub field: &'static str,
    /// The most characters (Unicode scalar values) accepted.
    pub max_chars: usize,
    /// What is accepted, in words.
    pub accepted: &'static str,
}

impl TextLimit {
    /// The same limit under another field name.
    #[must_use]
    pub const fn named(self, field: &'static str) -> TextLimit {
        TextLimit { field, ..self }
    }

    /// Checks that `text` is not longer than the limit.
    ///
    /// # Errors
    /// A [`ValueError`] naming the field, with the text's start and length (never
    /// the whole text, which may be megabytes).
    pub fn check(&self, text: &str) -> Result<(), ValueError> {
        // Bytes bound characters from above: most texts pass without counting.
        if text.len() <= self.max_chars || text.chars().count() <= self.max_chars {
            return Ok(());
        }
        let start: String = text.chars().take(40).collect();
        let shown = format!("{start}… ({} characters)", text.chars().count());
        Err(ValueError::new(self.field, &shown, self.accepted))
    }
}

/// A sport's name, such as `running` or `strength+running`.
pub const SPORT: TextLimit = TextLimit {
    field: "sport",
    max_chars: 64,
    accepted: "a sport name of at most 64 characters",
};

/// Where a record came from, such as `pmsys` or `fit:trimp`.
pub const SOURCE: TextLimit = TextLimit {
    field: "source",
    max_chars: 64,
    accepted: "a source of at most 64 characters",
};

/// The body part of an injury, such as `left_knee`.
pub const BODY_PART: TextLimit = TextLimit {
    field: "body_part",
    max_chars: 64,
    accepted: "a body part of at most 64 characters",
};

/// A coach's note on a label.
pub const NOTE: TextLimit = TextLimit {
    field: "note",
    max_chars: 500,
    accepted: "a note of at most 500 characters",
};

/// A coach's note on a decision (why they overrode a recommendation).
pub const DECISION_NOTE: TextLimit = TextLimit {
    field: "note",
    max_chars: 1000,
    accepted: "a note of at most 1000 characters",
};

/// A coach's note to the athlete with a saved plan.
pub const PLAN_NOTE: TextLimit = TextLimit {
    field: "note",
    max_chars: 2000,
    accepted: "a note of at most 2000 characters",
};

/// The name an account shows in the app.
pub const DISPLAY_NAME: TextLimit = TextLimit {
    field: "display_name",
    max_chars: 100,
    accepted: "a name of at most 100 characters",
};

/// An email address: at most 254 characters (RFC 5321's limit on a path).
pub const EMAIL: TextLimit = TextLimit {
    field: "email",
    max_chars: 254,
    accepted: "an email address of at most 254 characters",
};

/// A password: long pass phrases are welcome, megabytes are not.
pub const PASSWORD: TextLimit = TextLimit {
    field: "password",
    max_chars: 1024,
    accepted: "a password of at most 1024 characters",
};

/// The first day any record may fall on.
pub const EARLIEST_DAY: Date = jiff::civil::date(1900, 1, 1);

/// How many years after today a record may fall on (a device with a wrong clock,
/// a time zone ahead; nothing of Forma's is planned further out).
pub const YEARS_AHEAD: i16 = 10;

/// The days a record may fall on: from [`EARLIEST_DAY`], and from the first of
/// January of the athlete's birth year when it is known, to [`YEARS_AHEAD`]
/// years after today. Forma's core reads no clock, so the caller says what today
/// is ([`DateWindow::new`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateWindow {
    first: Date,
    last: Date,
    born: Option<i16>,
}

impl DateWindow {
    /// From [`EARLIEST_DAY`] to ten years after `today`.
    pub fn new(today: Date) -> DateWindow {
        let year = today.year().saturating_add(YEARS_AHEAD).min(9999);
        // 29 February ten years on may not exist; the 28th does.
        let last = Date::new(year, today.month(), today.day())
            .or_else(|_| Date::new(year, today.month(), 28))
            .unwrap_or(Date::MAX);
        DateWindow {
            first: EARLIEST_DAY,
            last,
            born: None,
        }
    }

    /// The window for an athlete born in `year` (when known): nothing before the
    /// first of January of that year.
    #[must_use]
    pub fn born_in(self, year: Option<i32>) -> DateWindow {
        let Some(year) = year.and_then(|y| i16::try_from(y).ok()) else {
            return self;
        };
        match Date::new(year, 1, 1) {
            Ok(born) if born > self.first => DateWindow {
                first: born,
                born: Some(year),
                ..self
            },
            _ => self,
        }
    }

    /// The first accepted day.
    pub fn first(&self) -> Date {
        self.first
    }

    /// The last accepted day.
    pub fn last(&self) -> Date {
        self.last
    }

    /// Whether `date` lies in the window.
    pub fn contains(&self, date: Date) -> bool {
        (self.first..=self.last).contains(&date)
    }

    /// `date` when it lies in the window.
    ///
    /// # Errors
    /// A [`ValueError`] for `field` saying which days are accepted (and why, when
    /// the athlete's birth year is the limit).
    pub fn check(&self, field: &'static str, date: Date) -> Result<Date, ValueError> {
        if self.contains(date) {
            return Ok(date);
        }
        let accepted = match self.born {
            Some(year) if date < self.first => {
                format!(
                    "a day on or after {}: the athlete was born in {year}",
                    self.first
                )
            }
            _ => format!(
                "a day from {} to {} (ten years after today)",
                self.first, self.last
            ),
        };
        Err(ValueError {
            field,
            value: date.to_string(),
            accepted: Cow::Owned(accepted),
        })
    }

    /// Reads `text` (YYYY-MM-DD) as a day in the window.
    ///
    /// # Errors
    /// As [`parse_date`] and [`DateWindow::check`].
    pub fn parse(&self, field: &'static str, text: &str) -> Result<Date, ValueError> {
        let date = parse_date(text).map_err(|error| ValueError { field, ..error })?;
        self.check(field, date)
    }
}

/// From [`EARLIEST_DAY`] with no end: for files read where no clock is at hand
/// (tests, benchmarks). What people send goes through [`DateWindow::new`].
impl Default for DateWindow {
    fn default() -> Self {
        DateWindow {
            first: EARLIEST_DAY,
            last: Date::MAX,
            born: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// Every bound with its limits and one step past each.
    #[test]
    fn each_bound_accepts_its_limits_and_refuses_one_past_them_naming_the_unit() {
        let units = [
            (DURATION_MIN, "minutes"),
            (RPE, "CR-10"),
            (LOAD, "unit"),
            (DISTANCE_KM, "km"),
            (AVG_HR, "bpm"),
            (RESTING_HR, "bpm"),
            (SLEEP_H, "hours"),
            (WELLNESS_SCALE, "0 to 10"),
            (HRV_RMSSD_MS, "ms"),
            (DAYS_LOST, "days"),
        ];
        for (bound, unit) in units {
            assert_eq!(bound.check(bound.min), Ok(bound.min), "{}", bound.field);
            assert_eq!(bound.check(bound.max), Ok(bound.max), "{}", bound.field);
            for past in [bound.min - 0.5, bound.max + 0.5, f64::NAN, f64::INFINITY] {
                let error = bound.check(past).unwrap_err();
                assert_eq!(error.field, bound.field);
                assert!(error.to_string().contains(unit), "{error}");
                assert!(error.accepted.contains(&bound.max.to_string()), "{error}");
            }
            assert_eq!(bound.parse(&bound.max.to_string()), Ok(bound.max));
            assert!(bound.parse(&(bound.max + 1.0).to_string()).is_err());
        }
        assert_eq!(
            RPE.named("plan.rpe").check(11.0).unwrap_err().field,
            "plan.rpe"
        );
    }

    #[test]
    fn a_text_over_its_limit_is_refused_showing_only_its_start_and_length() {
        assert!(SPORT.check(&"é".repeat(64)).is_ok());
        let long = "r".repeat(1_500_000);
        let error = SPORT.check(&long).unwrap_err();
        assert_eq!(error.field, "sport");
        assert!(error.value.len() < 100, "{}", error.value);
        assert!(
            error.value.contains("1500000 characters"),
            "{}",
            error.value
        );
        assert!(error.to_string().contains("at most 64"), "{error}");
    }

    #[test]
    fn the_date_window_runs_from_1900_or_the_birth_year_to_ten_years_ahead() {
        let window = DateWindow::new(date(2024, 2, 29));
        assert_eq!(window.first(), date(1900, 1, 1));
        assert_eq!(window.last(), date(2034, 2, 28));
        assert!(window.check("date", date(1899, 12, 31)).is_err());
        assert!(window.check("date", date(1900, 1, 1)).is_ok());
        let error = window.check("date", date(2034, 3, 1)).unwrap_err();
        assert!(
            error.to_string().contains("1900-01-01 to 2034-02-28"),
            "{error}"
        );
        let error = window.parse("to", "0000-01-01").unwrap_err();
        assert_eq!(error.field, "to");

        let athlete = window.born_in(Some(1995));
        assert!(athlete.check("date", date(1995, 1, 1)).is_ok());
        let error = athlete.check("date", date(1994, 12, 31)).unwrap_err();
        assert!(error.to_string().contains("born in 1995"), "{error}");
        assert_eq!(window.born_in(Some(1850)), window);
        assert_eq!(window.born_in(None), window);
    }
}
