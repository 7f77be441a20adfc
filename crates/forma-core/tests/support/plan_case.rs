//! One what-if case computed the same way natively (`tests/plan_parity.rs`) and in
//! headless Chromium (the app's `tests/plan_browser.rs`): an athlete with two
//! years of daily sessions and wellness, made by a fixed arithmetic recipe, and a
//! 28-day plan after it.

use forma_core::plan::{Plan, PlannedSession};
use forma_core::types::{
    date_from_epoch_day, epoch_day, AthleteId, Date, Event, EventKind, EventSeverity, Session,
    WellnessEntry,
};

pub const DAYS: i32 = 730;

pub fn athlete() -> AthleteId {
    "w2y".parse().expect("a valid id")
}

pub fn first_day() -> Date {
    "2022-01-03".parse().expect("a date")
}

/// A weekly pattern with a slow build and a deload every fourth week; RPE from
/// the day of the week; every seventh day rest; a session missed every 23 days.
pub fn sessions() -> Vec<Session> {
    let start = epoch_day(first_day());
    (0..DAYS)
        .filter(|d| d % 7 != 6 && d % 23 != 5)
        .map(|d| {
            let week = d / 7;
            let build = 1.0 + f64::from(week % 4) * 0.08 - if week % 4 == 3 { 0.3 } else { 0.0 };
            let minutes = (40.0 + f64::from((d * 37) % 50)) * build;
            let rpe = f64::from(3 + (d * 5) % 6);
            Session {
                athlete_id: athlete(),
                date: date_from_epoch_day(start + d),
                sport: Some(if d % 3 == 0 { "strength" } else { "running" }.to_owned()),
                duration_min: Some(minutes.round()),
                rpe: Some(rpe),
                load: minutes.round() * rpe,
                distance_km: None,
                avg_hr: None,
                source: Some("test".to_owned()),
            }
        })
        .collect()
}

/// Wellness on most mornings, with HRV and resting heart rate.
pub fn wellness() -> Vec<WellnessEntry> {
    let start = epoch_day(first_day());
    (0..DAYS)
        .filter(|d| d % 11 != 4)
        .map(|d| WellnessEntry {
            athlete_id: athlete(),
            date: date_from_epoch_day(start + d),
            sleep_h: Some(6.0 + f64::from(d % 5) * 0.5),
            sleep_quality: Some(f64::from(2 + d % 4)),
            fatigue: Some(f64::from(1 + (d * 3) % 5)),
            soreness: Some(f64::from(1 + (d * 7) % 5)),
            stress: Some(f64::from(1 + (d * 2) % 5)),
            mood: Some(f64::from(2 + d % 4)),
            readiness: Some(f64::from(4 + (d * 3) % 7)),
            hrv_rmssd_ms: Some(55.0 + f64::from((d * 13) % 30)),
            resting_hr: Some(48.0 + f64::from((d * 5) % 9)),
        })
        .collect()
}

/// 28 days after the history: the last four weeks' pattern, one day doubled.
pub fn plan() -> Plan {
    let start = date_from_epoch_day(epoch_day(first_day()) + DAYS);
    let history = sessions();
    let mut plan = forma_core::plan::apply_preset(
        &Plan::empty(start, 28),
        forma_core::plan::Preset::CopyLastWeek,
        &history,
    );
    plan.days[10].push(PlannedSession {
        sport: Some("intervals".to_owned()),
        minutes: Some(60.0),
        rpe: Some(9.0),
        load: None,
    });
    plan
}

/// A minor injury reported three days before the plan: open on the plan's first
/// days, so the policy's guardrail fires there and not later.
pub fn events() -> Vec<Event> {
    vec![Event {
        athlete_id: athlete(),
        date: date_from_epoch_day(epoch_day(first_day()) + DAYS - 3),
        kind: EventKind::Injury,
        severity: Some(EventSeverity::Minor),
        body_part: Some("left_calf".to_owned()),
        days_lost: None,
        closed_on: None,
    }]
}

/// A coach's illness label in the first year: an earlier episode for the
/// model's history features.
pub fn labels() -> Vec<forma_core::targets::CoachLabel> {
    vec![forma_core::targets::CoachLabel {
        athlete_id: athlete(),
        date: date_from_epoch_day(epoch_day(first_day()) + 300),
        code: "illness".to_owned(),
    }]
}
