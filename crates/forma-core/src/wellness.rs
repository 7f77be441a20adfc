//! Writing one day's wellness without erasing anything: a write carries only the
//! items it knows, every other stored item stays, and emptying an item is an
//! explicit [`WellnessUpdate::clear`]. Each stored value keeps where it came from
//! (the athlete's check-in, a coach, a watch import, a file), so a check-in on a
//! morning the watch already synced keeps the watch's resting heart rate and
//! says whose each number is.
//!
//! ```
//! use forma_core::types::WellnessEntry;
//! use forma_core::wellness::{merge, Sources, WellnessField, WellnessUpdate};
//! let day = jiff::civil::date(2020, 3, 31);
//! let athlete: forma_core::types::AthleteId = "p01".parse().unwrap();
//! // The watch import stored a resting heart rate.
//! let mut stored = WellnessEntry::empty(athlete.clone(), day);
//! stored.resting_hr = Some(52.6);
//! let sources = Sources::from([(WellnessField::RestingHr, "pmdata:fitbit".to_owned())]);
//! // The check-in carries sleep only.
//! let mut sent = WellnessEntry::empty(athlete, day);
//! sent.sleep_h = Some(7.5);
//! let merged = merge(Some((&stored, &sources)), &WellnessUpdate::values(sent), "athlete");
//! assert_eq!(merged.entry.resting_hr, Some(52.6));
//! assert_eq!(merged.entry.sleep_h, Some(7.5));
//! assert_eq!(merged.sources[&WellnessField::RestingHr], "pmdata:fitbit");
//! assert_eq!(merged.changes.len(), 1);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::types::{ValueError, WellnessEntry};

/// One item of a day's wellness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WellnessField {
    SleepH,
    SleepQuality,
    Fatigue,
    Soreness,
    Stress,
    Mood,
    Readiness,
    HrvRmssdMs,
    RestingHr,
}

impl WellnessField {
    /// Every item, in the order of the canonical wellness file's columns.
    pub const ALL: [WellnessField; 9] = [
        WellnessField::SleepH,
        WellnessField::SleepQuality,
        WellnessField::Fatigue,
        WellnessField::Soreness,
        WellnessField::Stress,
        WellnessField::Mood,
        WellnessField::Readiness,
        WellnessField::HrvRmssdMs,
        WellnessField::RestingHr,
    ];

    /// The column and JSON name, such as `resting_hr`.
    pub fn as_str(self) -> &'static str {
        match self {
            WellnessField::SleepH => "sleep_h",
            WellnessField::SleepQuality => "sleep_quality",
            WellnessField::Fatigue => "fatigue",
            WellnessField::Soreness => "soreness",
            WellnessField::Stress => "stress",
            WellnessField::Mood => "mood",
            WellnessField::Readiness => "readiness",
            WellnessField::HrvRmssdMs => "hrv_rmssd_ms",
            WellnessField::RestingHr => "resting_hr",
        }
    }

    /// The item in words, for a sentence ("resting heart rate").
    pub fn words(self) -> &'static str {
        match self {
            WellnessField::SleepH => "hours of sleep",
            WellnessField::SleepQuality => "sleep quality",
            WellnessField::Fatigue => "fatigue",
            WellnessField::Soreness => "soreness",
            WellnessField::Stress => "stress",
            WellnessField::Mood => "mood",
            WellnessField::Readiness => "readiness",
            WellnessField::HrvRmssdMs => "HRV (rMSSD)",
            WellnessField::RestingHr => "resting heart rate",
        }
    }

    /// The item's value in `entry`.
    pub fn get(self, entry: &WellnessEntry) -> Option<f64> {
        match self {
            WellnessField::SleepH => entry.sleep_h,
            WellnessField::SleepQuality => entry.sleep_quality,
            WellnessField::Fatigue => entry.fatigue,
            WellnessField::Soreness => entry.soreness,
            WellnessField::Stress => entry.stress,
            WellnessField::Mood => entry.mood,
            WellnessField::Readiness => entry.readiness,
            WellnessField::HrvRmssdMs => entry.hrv_rmssd_ms,
            WellnessField::RestingHr => entry.resting_hr,
        }
    }

    /// The item's place in `entry`.
    pub fn slot(self, entry: &mut WellnessEntry) -> &mut Option<f64> {
        match self {
            WellnessField::SleepH => &mut entry.sleep_h,
            WellnessField::SleepQuality => &mut entry.sleep_quality,
            WellnessField::Fatigue => &mut entry.fatigue,
            WellnessField::Soreness => &mut entry.soreness,
            WellnessField::Stress => &mut entry.stress,
            WellnessField::Mood => &mut entry.mood,
            WellnessField::Readiness => &mut entry.readiness,
            WellnessField::HrvRmssdMs => &mut entry.hrv_rmssd_ms,
            WellnessField::RestingHr => &mut entry.resting_hr,
        }
    }
}

impl fmt::Display for WellnessField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for WellnessField {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, ValueError> {
        WellnessField::ALL
            .into_iter()
            .find(|field| field.as_str() == text)
            .ok_or_else(|| {
                ValueError::new(
                    "clear",
                    text,
                    "wellness items: sleep_h, sleep_quality, fatigue, soreness, stress, mood, readiness, hrv_rmssd_ms, resting_hr",
                )
            })
    }
}

/// Where each stored value of a day came from, by item: `athlete` (their
/// check-in), `coach`, `admin`, `file:NAME` (a wellness file), `pmdata:fitbit`
/// or `pmdata:pmsys` (the PMData import). An item without an entry has an
/// unknown source (stored before sources were kept).
pub type Sources = BTreeMap<WellnessField, String>;

/// Where a value came from, in a reader's words ("your watch (Fitbit)").
pub fn source_words(source: &str) -> String {
    match source {
        "athlete" => "the athlete's check-in".to_owned(),
        "coach" => "a coach".to_owned(),
        "admin" => "an administrator".to_owned(),
        "pmdata:fitbit" => "the watch (Fitbit, PMData import)".to_owned(),
        "pmdata:pmsys" => "the PMSys app (PMData import)".to_owned(),
        other => match other.strip_prefix("file:") {
            Some(file) => format!("the file {file}"),
            None => other.to_owned(),
        },
    }
}

/// Whether a source is a device (a watch, a chest strap) rather than a person.
pub fn is_device(source: &str) -> bool {
    source == "pmdata:fitbit" || source.starts_with("device:")
}

/// One write of a day's wellness: the values it carries (an empty item means
/// "not in this write", never "erase") and the items to empty.
#[derive(Debug, Clone, PartialEq)]
pub struct WellnessUpdate {
    pub values: WellnessEntry,
    pub clear: Vec<WellnessField>,
}

impl WellnessUpdate {
    /// A write of `values` that empties nothing.
    pub fn values(values: WellnessEntry) -> Self {
        Self {
            values,
            clear: Vec::new(),
        }
    }

    /// Whether the write carries nothing at all.
    pub fn is_empty(&self) -> bool {
        self.clear.is_empty() && !self.values.has_any()
    }
}

/// What one item did in a write.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub field: WellnessField,
    pub before: Option<f64>,
    pub after: Option<f64>,
}

/// The day after a write.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub entry: WellnessEntry,
    pub sources: Sources,
    /// The items whose value changed, in column order (empty: nothing changed).
    pub changes: Vec<FieldChange>,
}

impl Merged {
    /// The changed items before and after, as JSON objects for the audit log
    /// (`{"resting_hr": 52.6}` and `{"resting_hr": null}`).
    pub fn audit_before_after(&self) -> (serde_json::Value, serde_json::Value) {
        let side = |pick: fn(&FieldChange) -> Option<f64>| {
            serde_json::Value::Object(
                self.changes
                    .iter()
                    .map(|c| (c.field.as_str().to_owned(), serde_json::json!(pick(c))))
                    .collect(),
            )
        };
        (side(|c| c.before), side(|c| c.after))
    }
}

/// Who a write's values come from: one source for all (a check-in), or one per
/// item (the PMData import, whose resting heart rate is Fitbit's and whose
/// survey answers are PMSys').
#[derive(Debug, Clone, Copy)]
pub enum WriteSource<'a> {
    Same(&'a str),
    PerItem(fn(WellnessField) -> &'static str),
}

impl WriteSource<'_> {
    fn of(&self, field: WellnessField) -> &str {
        match self {
            WriteSource::Same(source) => source,
            WriteSource::PerItem(source_of) => source_of(field),
        }
    }
}

impl<'a> From<&'a str> for WriteSource<'a> {
    fn from(source: &'a str) -> Self {
        WriteSource::Same(source)
    }
}

/// Applies `update` to the stored day (`None` when nothing is stored): items the
/// update carries replace the stored ones and take their source; items it clears
/// are emptied; every other item, and its source, stays. A value written again
/// unchanged keeps its first source.
pub fn merge<'a>(
    stored: Option<(&WellnessEntry, &Sources)>,
    update: &WellnessUpdate,
    source: impl Into<WriteSource<'a>>,
) -> Merged {
    let source = source.into();
    let (mut entry, mut sources) = match stored {
        Some((entry, sources)) => (entry.clone(), sources.clone()),
        None => (
            WellnessEntry::empty(update.values.athlete_id.clone(), update.values.date),
            Sources::new(),
        ),
    };
    let mut changes = Vec::new();
    for field in WellnessField::ALL {
        let before = field.get(&entry);
        let after = if update.clear.contains(&field) {
            None
        } else {
            field.get(&update.values).or(before)
        };
        if after != before {
            changes.push(FieldChange {
                field,
                before,
                after,
            });
            *field.slot(&mut entry) = after;
            match after {
                Some(_) => {
                    sources.insert(field, source.of(field).to_owned());
                }
                None => {
                    sources.remove(&field);
                }
            }
        }
    }
    Merged {
        entry,
        sources,
        changes,
    }
}

/// The items an athlete answers in the daily check-in; the rest (HRV, resting
/// heart rate, readiness from another app) come from devices and imports.
pub const CHECK_IN_ITEMS: [WellnessField; 6] = [
    WellnessField::SleepH,
    WellnessField::SleepQuality,
    WellnessField::Fatigue,
    WellnessField::Soreness,
    WellnessField::Stress,
    WellnessField::Mood,
];

/// Whether the day's check-in has been filed: any check-in item is recorded.
pub fn is_filed(entry: &WellnessEntry) -> bool {
    CHECK_IN_ITEMS
        .iter()
        .any(|field| field.get(entry).is_some())
}

/// The write a check-in form makes against what is stored: the check-in items
/// whose answer differs from the stored value, and the items the athlete took
/// back (answered before, empty now) as `clear`. Items outside the check-in are
/// never touched. `None` when the form changes nothing.
pub fn check_in_write(
    stored: Option<&WellnessEntry>,
    form: &WellnessEntry,
) -> Option<WellnessUpdate> {
    let mut changed = WellnessEntry::empty(form.athlete_id.clone(), form.date);
    let mut clear = Vec::new();
    for field in CHECK_IN_ITEMS {
        let before = stored.and_then(|s| field.get(s));
        match (before, field.get(form)) {
            (before, Some(value)) if before != Some(value) => {
                *field.slot(&mut changed) = Some(value)
            }
            (Some(_), None) => clear.push(field),
            _ => {}
        }
    }
    (changed.has_any() || !clear.is_empty()).then_some(WellnessUpdate {
        values: changed,
        clear,
    })
}

/// A stored value as an athlete reads it: `7.5 h`, `4 of 5`, `52.6 bpm`.
pub fn value_words(field: WellnessField, value: f64) -> String {
    let number = if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    };
    match field {
        WellnessField::SleepH => format!("{number} h"),
        WellnessField::RestingHr => format!("{number} bpm"),
        WellnessField::HrvRmssdMs => format!("{number} ms"),
        _ => format!("{number} of 5"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::AthleteId;

    fn day() -> jiff::civil::Date {
        jiff::civil::date(2020, 3, 31)
    }

    fn athlete() -> AthleteId {
        "p01".parse().expect("a valid id")
    }

    fn imported() -> (WellnessEntry, Sources) {
        let mut entry = WellnessEntry::empty(athlete(), day());
        entry.resting_hr = Some(52.6);
        entry.readiness = Some(7.0);
        entry.sleep_h = Some(6.5);
        let sources = Sources::from([
            (WellnessField::RestingHr, "pmdata:fitbit".to_owned()),
            (WellnessField::Readiness, "pmdata:pmsys".to_owned()),
            (WellnessField::SleepH, "pmdata:pmsys".to_owned()),
        ]);
        (entry, sources)
    }

    #[test]
    fn a_check_in_keeps_every_item_it_does_not_carry() {
        let (stored, sources) = imported();
        let mut sent = WellnessEntry::empty(athlete(), day());
        sent.fatigue = Some(3.0);
        sent.sleep_h = Some(8.0);
        let merged = merge(
            Some((&stored, &sources)),
            &WellnessUpdate::values(sent),
            "athlete",
        );
        assert_eq!(merged.entry.resting_hr, Some(52.6));
        assert_eq!(merged.entry.readiness, Some(7.0));
        assert_eq!(merged.entry.fatigue, Some(3.0));
        assert_eq!(merged.entry.sleep_h, Some(8.0));
        assert_eq!(merged.sources[&WellnessField::RestingHr], "pmdata:fitbit");
        assert_eq!(merged.sources[&WellnessField::SleepH], "athlete");
        assert_eq!(merged.sources[&WellnessField::Fatigue], "athlete");
        assert_eq!(
            merged.changes,
            vec![
                FieldChange {
                    field: WellnessField::SleepH,
                    before: Some(6.5),
                    after: Some(8.0)
                },
                FieldChange {
                    field: WellnessField::Fatigue,
                    before: None,
                    after: Some(3.0)
                },
            ]
        );
        let (before, after) = merged.audit_before_after();
        assert_eq!(before, serde_json::json!({"sleep_h": 6.5, "fatigue": null}));
        assert_eq!(after, serde_json::json!({"sleep_h": 8.0, "fatigue": 3.0}));
    }

    #[test]
    fn only_an_explicit_clear_empties_an_item() {
        let (stored, sources) = imported();
        let update = WellnessUpdate {
            values: WellnessEntry::empty(athlete(), day()),
            clear: vec![WellnessField::Readiness],
        };
        let merged = merge(Some((&stored, &sources)), &update, "athlete");
        assert_eq!(merged.entry.readiness, None);
        assert!(!merged.sources.contains_key(&WellnessField::Readiness));
        assert_eq!(merged.entry.resting_hr, Some(52.6));
        assert_eq!(merged.changes.len(), 1);
    }

    #[test]
    fn the_same_value_again_changes_nothing_and_keeps_its_source() {
        let (stored, sources) = imported();
        let mut sent = WellnessEntry::empty(athlete(), day());
        sent.resting_hr = Some(52.6);
        let merged = merge(
            Some((&stored, &sources)),
            &WellnessUpdate::values(sent),
            "athlete",
        );
        assert!(merged.changes.is_empty());
        assert_eq!(merged.sources, sources);
        assert_eq!(merged.entry, stored);
    }

    #[test]
    fn a_first_write_of_the_day_starts_from_nothing() {
        let mut sent = WellnessEntry::empty(athlete(), day());
        sent.mood = Some(4.0);
        let merged = merge(None, &WellnessUpdate::values(sent.clone()), "coach");
        assert_eq!(merged.entry, sent);
        assert_eq!(merged.sources[&WellnessField::Mood], "coach");
        assert_eq!(merged.changes.len(), 1);
    }

    #[test]
    fn field_names_read_back_and_unknown_ones_are_refused() {
        for field in WellnessField::ALL {
            assert_eq!(field.as_str().parse::<WellnessField>(), Ok(field));
        }
        let error = "heart_rate"
            .parse::<WellnessField>()
            .expect_err("not an item");
        assert_eq!(error.field, "clear");
        assert!(error.to_string().contains("resting_hr"));
    }

    #[test]
    fn a_check_in_form_writes_only_what_the_athlete_changed() {
        let (stored, _) = imported();
        let mut form = WellnessEntry::empty(athlete(), day());
        form.sleep_h = Some(6.5);
        form.fatigue = Some(2.0);

        let write = check_in_write(Some(&stored), &form).expect("fatigue is new");
        assert_eq!(write.values.fatigue, Some(2.0));
        assert_eq!(write.values.sleep_h, None, "sleep is as stored");
        assert_eq!(write.values.resting_hr, None);
        assert!(write.clear.is_empty());

        form.sleep_h = None;
        let write = check_in_write(Some(&stored), &form).expect("sleep taken back");
        assert_eq!(write.clear, vec![WellnessField::SleepH]);

        let unchanged = stored.clone();
        assert_eq!(check_in_write(Some(&stored), &unchanged), None);
        assert!(!is_filed(&WellnessEntry {
            sleep_h: None,
            ..stored.clone()
        }));
        assert!(is_filed(&stored));
        assert_eq!(value_words(WellnessField::SleepH, 7.5), "7.5 h");
        assert_eq!(value_words(WellnessField::Mood, 4.0), "4 of 5");
        assert_eq!(value_words(WellnessField::RestingHr, 52.556), "52.6 bpm");
    }

    #[test]
    fn sources_read_in_words() {
        assert_eq!(
            source_words("pmdata:fitbit"),
            "the watch (Fitbit, PMData import)"
        );
        assert_eq!(source_words("file:w.csv"), "the file w.csv");
        assert!(is_device("pmdata:fitbit") && !is_device("athlete"));
    }
}
