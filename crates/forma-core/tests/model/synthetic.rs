//! A small synthetic team with a known link between load spikes and events, so
//! that the models have something to find and the tests run in milliseconds.

use forma_core::model::evaluation::SplitMix64;
use forma_core::types::{
    date_from_epoch_day, epoch_day, AthleteId, Event, EventKind, Session, WellnessEntry,
};

/// Sessions, wellness and events of a synthetic team.
pub struct Team {
    pub sessions: Vec<Session>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
}

fn uniform(rng: &mut SplitMix64) -> f64 {
    (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// `athletes` athletes over `days` days from 2020-01-01: training most days,
/// wellness most mornings, occasional load spikes followed (often) by an injury
/// report repeated over a few days.
pub fn team(athletes: usize, days: i32, seed: u64) -> Team {
    let mut rng = SplitMix64(seed);
    let first = epoch_day(jiff::civil::date(2020, 1, 1));
    let mut t = Team {
        sessions: Vec::new(),
        wellness: Vec::new(),
        events: Vec::new(),
    };
    for a in 0..athletes {
        let id: AthleteId = format!("s{a:02}").parse().expect("a valid id");
        let base = 200.0 + 300.0 * uniform(&mut rng);
        let mut pending_event: Option<i32> = None;
        for d in 0..days {
            let date = date_from_epoch_day(first + d);
            let spike = uniform(&mut rng) < 0.06;
            if uniform(&mut rng) < 0.75 {
                let minutes = 30.0 + 60.0 * uniform(&mut rng);
                let rpe = (3.0 + 5.0 * uniform(&mut rng)).round();
                let factor = if spike { 3.5 } else { 1.0 };
                t.sessions.push(Session {
                    athlete_id: id.clone(),
                    date,
                    sport: Some("running".into()),
                    duration_min: Some(minutes),
                    rpe: Some(rpe),
                    load: (base / 300.0) * rpe * minutes * factor,
                    distance_km: None,
                    avg_hr: None,
                    source: None,
                });
                if spike && pending_event.is_none() && uniform(&mut rng) < 0.5 {
                    pending_event = Some(d + 2 + (rng.below(4) as i32));
                }
            }
            if uniform(&mut rng) < 0.85 {
                let tired = pending_event.is_some_and(|e| e - d <= 5);
                t.wellness.push(WellnessEntry {
                    sleep_h: Some(6.0 + 2.0 * uniform(&mut rng)),
                    fatigue: Some(if tired {
                        1.0
                    } else {
                        2.0 + rng.below(3) as f64
                    }),
                    soreness: Some(2.0 + rng.below(3) as f64),
                    mood: Some(2.0 + rng.below(3) as f64),
                    hrv_rmssd_ms: (uniform(&mut rng) < 0.7)
                        .then(|| 50.0 + 30.0 * uniform(&mut rng)),
                    resting_hr: Some(50.0 + 8.0 * uniform(&mut rng)),
                    ..WellnessEntry::empty(id.clone(), date)
                });
            }
            if pending_event == Some(d) {
                // Re-reported for a few days, as athletes do.
                for k in 0..(1 + rng.below(3) as i32) {
                    t.events.push(Event {
                        athlete_id: id.clone(),
                        date: date_from_epoch_day(first + d + 2 * k),
                        kind: EventKind::Injury,
                        severity: None,
                        body_part: None,
                        days_lost: None,
                        closed_on: None,
                    });
                }
                pending_event = None;
            }
        }
    }
    t
}
