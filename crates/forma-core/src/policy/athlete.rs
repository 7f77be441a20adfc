//! What the athlete reads, from one place: the headline (the action's label), one
//! paragraph that says what to do and why, and the reasons that point the way of
//! the decision. The rules, each tested below:
//!
//! - the paragraph never repeats the headline or a reason shown beside it;
//! - a reason that points against the decision (a factor that lowers the risk
//!   under advice to take it easier) is left out of the athlete's words: it is
//!   true, but read beside the advice it reads as a contradiction;
//! - a change of load is a share a person can read: "about 40% more" up to
//!   doubling, then "about 3 times as much", never "500% more";
//! - after a week or more without training the advice is a comeback, not a cut
//!   of a load that was never done.

use super::recommendation::{Action, Direction, MeasuredBy, Reason, Recommendation, Stage};
use super::words::{days, num};

/// How much `v` is against `b`, for a person: "about 40% more than", "about the
/// same as", "about 3 times", "a small part of". `None` without a baseline.
pub fn share_of(v: f64, b: f64) -> Option<String> {
    if !(v.is_finite() && b.is_finite()) || b <= 0.0 || v < 0.0 {
        return None;
    }
    let r = v / b;
    Some(if r >= 1.95 {
        let times = if r < 3.0 { num(r, 1) } else { num(r, 0) };
        format!("about {times} times")
    } else if r > 1.05 {
        format!("about {}% more than", num((r - 1.0) * 100.0, 0))
    } else if r >= 0.95 {
        "about the same as".to_owned()
    } else if r >= 0.3 {
        format!("about {}% less than", num((1.0 - r) * 100.0, 0))
    } else if r > 0.0 {
        "a small part of".to_owned()
    } else {
        "far below".to_owned()
    })
}

/// Whether the day follows a week or more without training while there was
/// training before it (the 7-day load is nothing, the 28-day load is not).
fn comeback(rec: &Recommendation) -> bool {
    rec.figures
        .as_ref()
        .is_some_and(|f| f.acute == Some(0.0) && f.chronic.is_some_and(|c| c > 0.0))
}

/// What to do, in the second person.
fn what_to_do(rec: &Recommendation) -> Option<String> {
    let a = &rec.adjustment;
    let lighter = num((1.0 - a.today_load_factor).abs() * 100.0, 0);
    match rec.action {
        Action::Maintain => None,
        Action::ManualReview => Some("Train as your coach says until they have looked.".to_owned()),
        Action::ReduceIntensity if comeback(rec) => Some(format!(
            "You are coming back after a week or more without training: start easier than planned (about {lighter}% less today) and build up over the next days."
        )),
        Action::ReduceIntensity => Some(format!(
            "Make today's session about {lighter}% lighter than planned: shorter, or at an easier effort."
        )),
        Action::SwapSession => {
            Some("Do an easy session today and move the hard one later in the week.".to_owned())
        }
        Action::ExtendRecovery => Some(format!(
            "Rest for {} starting today, then train lighter for a week.",
            days(i64::from(a.extra_rest_days))
        )),
        Action::IncreaseVolume => Some(format!(
            "You can train about {}% more over the next 7 days, a little each day.",
            num((a.next_7_days_load_factor - 1.0).abs() * 100.0, 0)
        )),
    }
}

/// The reasons the athlete reads: those that point the way of the decision (for a
/// decision to proceed, those that lower the risk; otherwise those that raise
/// it), and the rule's reasons, which are the decision's own.
pub fn reasons(rec: &Recommendation) -> Vec<&Reason> {
    let caution = !matches!(rec.action, Action::Maintain | Action::IncreaseVolume);
    rec.reasons
        .iter()
        .filter(|r| {
            r.measured_by == MeasuredBy::Rule || (r.direction == Direction::RaisesRisk) == caution
        })
        .collect()
}

/// The paragraph under the headline: what to do, then why (the guardrail that
/// decided, else the model's or the rule's step), without the headline and
/// without a sentence the reasons list shows.
pub fn summary(rec: &Recommendation) -> String {
    let shown: Vec<&str> = reasons(rec).iter().map(|r| r.athlete.as_str()).collect();
    let why = rec
        .fired
        .iter()
        .find(|f| f.stage == Stage::Guardrail)
        .or_else(|| {
            rec.fired
                .iter()
                .rev()
                .find(|f| matches!(f.stage, Stage::Model | Stage::Rule))
        })
        .map(|f| f.athlete.clone());
    let headline = rec.action.athlete_label();
    let mut out: Vec<String> = Vec::new();
    let caveat = super::recommendation::model_caveat_for_athlete(rec.model_beats_baselines)
        .map(str::to_owned);
    for sentence in [what_to_do(rec), why, caveat].into_iter().flatten() {
        let bare = sentence.trim_end_matches('.');
        let repeats = bare.eq_ignore_ascii_case(headline)
            || shown.iter().any(|s| s.trim_end_matches('.') == bare)
            || out.iter().any(|s| s == &sentence);
        if !sentence.is_empty() && !repeats {
            out.push(sentence);
        }
    }
    out.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_read_as_a_person_says_them() {
        assert_eq!(share_of(600.0, 100.0).as_deref(), Some("about 6 times"));
        assert_eq!(share_of(250.0, 100.0).as_deref(), Some("about 2.5 times"));
        assert_eq!(
            share_of(140.0, 100.0).as_deref(),
            Some("about 40% more than")
        );
        assert_eq!(share_of(102.0, 100.0).as_deref(), Some("about the same as"));
        assert_eq!(
            share_of(60.0, 100.0).as_deref(),
            Some("about 40% less than")
        );
        assert_eq!(share_of(10.0, 100.0).as_deref(), Some("a small part of"));
        assert_eq!(share_of(0.0, 100.0).as_deref(), Some("far below"));
        assert_eq!(share_of(10.0, 0.0), None);
        // However large, a share stays a count of times, never a percentage.
        assert_eq!(share_of(6_000.0, 1.0).as_deref(), Some("about 6000 times"));
        assert_eq!(share_of(199.0, 100.0).as_deref(), Some("about 2 times"));
        assert_eq!(
            share_of(194.0, 100.0).as_deref(),
            Some("about 94% more than")
        );
    }
}
