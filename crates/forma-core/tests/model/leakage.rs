//! Nothing after the morning of d changes a feature for d (sessions on or
//! after d, wellness after d, injury and illness reports on or after d), and a
//! target for d never reads an event on or before d.

use forma_core::features::{athlete_features, value_index, AthleteFeatures, FeatureInputs};
use forma_core::targets::{athlete_targets, episodes};
use forma_core::types::{date_from_epoch_day, epoch_day, AthleteId, Event, Session, WellnessEntry};

use crate::synthetic::team;

/// The features of `id` from these records, its reports read from `events`.
fn features(
    id: &AthleteId,
    sessions: &[Session],
    wellness: &[WellnessEntry],
    events: &[Event],
    end: Option<jiff::civil::Date>,
) -> Option<AthleteFeatures> {
    let reports = forma_core::targets::report_days(id, events, &[]);
    let inputs = FeatureInputs {
        sessions,
        wellness,
        reports: &reports,
    };
    athlete_features(id, &inputs, end)
}

/// Bitwise equality, `NaN` included.
fn same(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

#[test]
fn changing_sessions_on_or_after_d_wellness_after_d_or_reports_on_or_after_d_changes_no_feature_for_d(
) {
    let t = team(2, 150, 11);
    let id: AthleteId = "s00".parse().unwrap();
    let start = epoch_day(jiff::civil::date(2020, 1, 1));
    let base = features(&id, &t.sessions, &t.wellness, &t.events, None).unwrap();
    // The team has earlier episodes to read, so the history columns vary.
    let episodes_at = value_index("prior_episodes").unwrap();
    assert!(base.rows.last().unwrap()[episodes_at] >= 1.0);
    for d in [1, 7, 27, 28, 29, 60, 90, 120, 148] {
        let day = start + d;
        // Sessions on d and later: loads multiplied, one extra hard session on d.
        let mut sessions: Vec<Session> = t
            .sessions
            .iter()
            .map(|s| {
                let mut s = s.clone();
                if epoch_day(s.date) >= day {
                    s.load *= 5.0;
                    s.rpe = Some(10.0);
                }
                s
            })
            .collect();
        let mut extra = sessions[0].clone();
        extra.athlete_id = id.clone();
        extra.date = date_from_epoch_day(day);
        extra.load = 5000.0;
        sessions.push(extra);
        // Wellness after d: every item changed, and new entries on empty days.
        let mut wellness: Vec<_> = t
            .wellness
            .iter()
            .map(|w| {
                let mut w = w.clone();
                if epoch_day(w.date) > day {
                    w.fatigue = Some(1.0);
                    w.hrv_rmssd_ms = Some(20.0);
                    w.resting_hr = Some(80.0);
                    w.sleep_h = None;
                }
                w
            })
            .collect();
        let mut later = t.wellness[0].clone();
        later.athlete_id = id.clone();
        later.date = date_from_epoch_day(day + 200);
        wellness.push(later);
        // Reports on d and later: every one moved a day later, and one more on d.
        let mut events: Vec<Event> = t
            .events
            .iter()
            .map(|e| {
                let mut e = e.clone();
                if epoch_day(e.date) >= day {
                    e.date = date_from_epoch_day(epoch_day(e.date) + 1);
                }
                e
            })
            .collect();
        let mut on_d = t.events[0].clone();
        on_d.athlete_id = id.clone();
        on_d.date = date_from_epoch_day(day);
        events.push(on_d);
        let changed = features(&id, &sessions, &wellness, &events, None).unwrap();
        assert_eq!(changed.start, base.start);
        for i in 0..=d as usize {
            assert!(
                same(&changed.rows[i], &base.rows[i]),
                "day {i} changed after editing data from day {d} on"
            );
        }
        // And the edit is not a no-op: the day after d sees it.
        assert!(!same(
            &changed.rows[d as usize + 1],
            &base.rows[d as usize + 1]
        ));
        // Cutting the data at d (the morning of d, nothing after) gives the same row.
        let cut = features(
            &id,
            &t.sessions,
            &t.wellness,
            &t.events,
            Some(date_from_epoch_day(day)),
        )
        .unwrap();
        assert!(same(&cut.rows[d as usize], &base.rows[d as usize]));
    }
}

#[test]
fn a_target_for_d_reads_only_reports_after_d_and_never_the_onset_day_itself() {
    let t = team(4, 160, 5);
    let reports: Vec<(AthleteId, jiff::civil::Date)> = t
        .events
        .iter()
        .map(|e| (e.athlete_id.clone(), e.date))
        .collect();
    let start = jiff::civil::date(2020, 1, 1);
    let end = date_from_epoch_day(epoch_day(start) + 159);
    let mut checked = 0;
    for a in 0..4 {
        let id: AthleteId = format!("s{a:02}").parse().unwrap();
        let firsts = [(id.clone(), start)];
        let all = athlete_targets(&id, start, end, &episodes(&reports, &firsts));
        for (i, target) in all.iter().enumerate() {
            let Ok(y) = target else { continue };
            let d = epoch_day(start) + i as i32;
            // Without any report on or before d the target is the same ...
            let after: Vec<_> = reports
                .iter()
                .filter(|(_, date)| epoch_day(*date) > d)
                .cloned()
                .collect();
            let without_past = athlete_targets(&id, start, end, &episodes(&after, &firsts));
            assert_eq!(without_past[i], Ok(*y), "{id} day {i}");
            // ... and equals "a report of this athlete on d+1 ..= d+7".
            let any = after
                .iter()
                .any(|(a, date)| a == &id && epoch_day(*date) <= d + 7);
            assert_eq!(*y, any, "{id} day {i}");
            checked += 1;
        }
        // The onset day itself is never a training day.
        for e in episodes(&reports, &firsts)
            .iter()
            .filter(|e| e.athlete_id == id)
        {
            let i = (epoch_day(e.onset) - epoch_day(start)) as usize;
            if i < all.len() {
                assert!(all[i].is_err());
            }
        }
    }
    assert!(checked > 300, "{checked}");
}

#[test]
fn an_event_after_d_changes_no_feature_for_d_and_no_row_before_its_window() {
    use forma_core::model::{Dataset, TrainingData};
    use forma_core::types::{Event, EventKind};

    let t = team(3, 150, 21);
    let data = TrainingData {
        sessions: &t.sessions,
        wellness: &t.wellness,
        events: &t.events,
        ..TrainingData::default()
    };
    let before = Dataset::build(&data);
    let when = epoch_day(jiff::civil::date(2020, 4, 1));
    let mut events = t.events.clone();
    events.push(Event {
        athlete_id: "s01".parse().unwrap(),
        date: date_from_epoch_day(when),
        kind: EventKind::Illness,
        severity: None,
        body_part: None,
        days_lost: None,
        closed_on: None,
    });
    let after = Dataset::build(&TrainingData {
        events: &events,
        ..data
    });
    let key =
        |d: &Dataset, r: &forma_core::model::Row| (d.athletes[r.athlete].athlete_id.clone(), r.day);
    let mut compared = 0;
    for r in &before.rows {
        let Some(s) = after
            .rows
            .iter()
            .find(|s| key(&after, s) == key(&before, r))
        else {
            continue;
        };
        // The event is history from the day after it on, and nothing before.
        if r.day <= when {
            assert!(same(&r.features, &s.features));
        }
        if r.day + 7 < when {
            assert_eq!(r.label, s.label, "a row whose window ends before the event");
        }
        compared += 1;
    }
    assert!(compared > 200, "{compared}");
}

// proptest needs an operating-system random source, which wasm32-unknown-unknown
// lacks; features are computed alike on both, so the native run covers them.
#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

        // Any edit of sessions on or after d and of wellness after d, on any team
        // and any day, leaves every feature of days up to d as it was.
        #[test]
        fn features_never_read_the_future(seed in 0u64..1000, d in 0i32..89, scale in 0.0..10.0f64, drop in any::<bool>()) {
            let t = team(1, 90, seed);
            let id: AthleteId = "s00".parse().unwrap();
            let start = epoch_day(jiff::civil::date(2020, 1, 1));
            let base = features(&id, &t.sessions, &t.wellness, &t.events, None).unwrap();
            prop_assume!(base.start == jiff::civil::date(2020, 1, 1));
            let day = start + d;
            let sessions: Vec<Session> = t
                .sessions
                .iter()
                .filter(|s| !(drop && epoch_day(s.date) >= day))
                .map(|s| {
                    let mut s = s.clone();
                    if epoch_day(s.date) >= day {
                        s.load *= scale;
                    }
                    s
                })
                .collect();
            let wellness: Vec<_> = t
                .wellness
                .iter()
                .filter(|w| !(drop && epoch_day(w.date) > day))
                .map(|w| {
                    let mut w = w.clone();
                    if epoch_day(w.date) > day {
                        w.resting_hr = w.resting_hr.map(|x| x * scale);
                        w.hrv_rmssd_ms = Some(10.0 + scale);
                    }
                    w
                })
                .collect();
            // Reports on d and later dropped, or moved by `scale` days.
            let events: Vec<Event> = t
                .events
                .iter()
                .filter(|e| !(drop && epoch_day(e.date) >= day))
                .map(|e| {
                    let mut e = e.clone();
                    if epoch_day(e.date) >= day {
                        e.date = date_from_epoch_day(epoch_day(e.date) + scale as i32);
                    }
                    e
                })
                .collect();
            let changed = features(&id, &sessions, &wellness, &events, None);
            prop_assume!(changed.is_some());
            let changed = changed.unwrap();
            // Dropping everything from the first day on can only move the start later.
            prop_assume!(changed.start == base.start);
            for i in 0..=(d as usize).min(changed.rows.len() - 1) {
                prop_assert!(same(&changed.rows[i], &base.rows[i]), "day {} after an edit from day {}", i, d);
            }
        }
    }
}
