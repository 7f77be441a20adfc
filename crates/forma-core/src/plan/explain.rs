//! A projection in words: what the plan does to load, ratio, form and risk, and
//! what the policy would do on its days.

use jiff::civil::Date;

use super::edit::Plan;
use super::project::Projection;
use crate::types::{epoch_day, Session};

/// What a plan does, in words a coach and an athlete both read: the load against
/// the same number of days before it, where the ratio goes, fitness and form at
/// the end, the model's highest risk, what the policy would recommend day by
/// day, and the warnings.
pub fn explain(plan: &Plan, projection: &Projection, history: &[Session]) -> String {
    let days = plan.days.len();
    let total: f64 = plan.loads().iter().sum::<f64>() + 0.0;
    let sessions: usize = plan.days.iter().map(Vec::len).sum();
    let first = epoch_day(plan.start);
    let before: f64 = history
        .iter()
        .filter(|s| (first - days as i32..first).contains(&epoch_day(s.date)))
        .map(|s| s.load)
        .sum();
    let mut out = format!(
        "{days} days from {}: {total:.0} load units over {sessions} sessions",
        plan.start
    );
    if before > 0.0 {
        let change = (total / before - 1.0) * 100.0;
        out.push_str(&if change.abs() < 0.5 {
            format!(", the same as the {days} days before.")
        } else {
            format!(
                ", {:.0}% {} than the {days} days before.",
                change.abs(),
                if change > 0.0 { "more" } else { "less" }
            )
        });
    } else {
        out.push('.');
    }
    let ratios: Vec<f64> = projection
        .days
        .iter()
        .filter_map(|d| d.acwr_coupled)
        .filter(|r| r.is_finite())
        .collect();
    if let (Some(lo), Some(hi)) = (
        ratios.iter().copied().reduce(f64::min),
        ratios.iter().copied().reduce(f64::max),
    ) {
        out.push_str(&format!(
            " The acute:chronic ratio stays between {lo:.2} and {hi:.2}."
        ));
    }
    if let (Some(a), Some(b)) = (projection.days.first(), projection.days.last()) {
        out.push_str(&format!(
            " Fitness goes from {:.0} to {:.0}; form ends at {:+.0}.",
            a.ctl, b.ctl, b.tsb
        ));
    }
    if let Some((day, risk)) = projection
        .days
        .iter()
        .filter_map(|d| d.risk.map(|r| (d.date, r.p)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
    {
        out.push_str(&format!(
            " The model's risk is highest on {day}, at {:.0}%.",
            risk * 100.0
        ));
    }
    out.push_str(&policy_words(projection));
    let warned = projection
        .days
        .iter()
        .filter(|d| !d.warnings.is_empty())
        .count();
    out.push_str(&match warned {
        0 => " No day carries a warning.".to_owned(),
        1 => " One day carries a warning.".to_owned(),
        n => format!(" {n} days carry warnings."),
    });
    out
}

/// How many days the policy would give each action, in the order of first
/// appearance, with the first day of any action other than maintain.
fn policy_words(projection: &Projection) -> String {
    let mut counts: Vec<(crate::policy::Action, usize, Date)> = Vec::new();
    for d in &projection.days {
        match counts.iter_mut().find(|(a, _, _)| *a == d.policy.action) {
            Some((_, n, _)) => *n += 1,
            None => counts.push((d.policy.action, 1, d.date)),
        }
    }
    if counts.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|(action, n, first)| {
            let days = if *n == 1 { "day" } else { "days" };
            let label = action.label().to_lowercase();
            if *action == crate::policy::Action::Maintain {
                format!("{label} on {n} {days}")
            } else {
                format!("{label} on {n} {days} (from {first})")
            }
        })
        .collect();
    let list = match parts.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    format!(" Followed as written, the policy would recommend {list}.")
}
