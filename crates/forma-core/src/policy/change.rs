//! Guardrails in words, and what would change the decision: the same decision
//! run again on edited copies of the day (the 7-day load at the ratio
//! thresholds, a factor at the athlete's baseline, the model's risk across its
//! threshold), reporting the edits that change the action.

use crate::features::value_index;
use crate::quality::Severity;

use super::confidence::miss_weight;
use super::day::{Day, Scoring, View};
use super::decide::{evaluate, Ctx, Outcome};
use super::reasons::FactorBaseline;
use super::recommendation::{
    Action, Branch, Check, ConfidenceBasis, Factor, FallbackReason, Fired, Sentence,
};
use super::words::{au, days, num, percent, ratio};
use super::{PolicyInput, PolicyOptions};

fn sentence(coach: String, athlete: impl Into<String>) -> Sentence {
    Sentence {
        coach,
        athlete: athlete.into(),
    }
}

/// The guardrails that withhold an automatic change, with what would lift each.
pub(super) fn guardrails(
    input: &PolicyInput<'_>,
    day: &Day<'_>,
    options: &PolicyOptions,
) -> Vec<(Fired, Sentence)> {
    let mut out = Vec::new();
    let need = i64::from(options.min_history_days);
    let short = day.history_days < need;
    if short {
        let missing = need - day.history_days;
        let unit = if missing == 1 { "day" } else { "days" };
        out.push((
            Fired::new(
                Check::ShortHistory,
                format!(
                    "Only {} of history before {}: automatic recommendations need {need} (the ratio's chronic window).",
                    days(day.history_days),
                    input.date
                ),
                format!(
                    "Forma needs {need} days of your data before it suggests changes; it has {}.",
                    day.history_days
                ),
            ),
            sentence(
                format!("{missing} more {unit} of data would allow an automatic recommendation."),
                format!("After {missing} more {unit} of logging, Forma can suggest changes to your plan."),
            ),
        ));
    }
    let stale = i64::from(options.stale_after_days);
    match (input.last_data, day.days_since_data) {
        (Some(last), Some(since)) if since > stale => out.push((
            Fired::new(
                Check::StaleData,
                format!(
                    "No data since {last} ({} ago): recommendations need data from the last {}.",
                    days(since),
                    days(stale)
                ),
                format!("Forma has no data from you since {last}."),
            ),
            sentence(
                "New data (a session, a wellness entry or a device sync) would allow an automatic recommendation.".to_owned(),
                "Log today's check-in or sync your device so Forma can suggest today's plan.",
            ),
        )),
        (None, _) | (_, None) => out.push((
            Fired::new(
                Check::StaleData,
                "No data recorded for this athlete.".to_owned(),
                "Forma has no data from you yet.",
            ),
            sentence(
                "Any data (a session, a wellness entry or a device sync) would start the history.".to_owned(),
                "Log a session or a check-in to get started.",
            ),
        )),
        _ => {}
    }
    if input.open_injury {
        out.push((
            Fired::new(
                Check::OpenInjury,
                "An injury is open: changes to the plan are for the coach and the medical team.".to_owned(),
                "You have an open injury, so your coach plans your training with you.",
            ),
            sentence(
                "Closing the injury once the athlete is cleared to train would allow automatic recommendations again.".to_owned(),
                "Once you are cleared to train, Forma will suggest changes again.",
            ),
        ));
    }
    let errors: Vec<&str> = input
        .quality_findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        // The short history is already said above.
        .filter(|f| !(short && f.check == crate::quality::Check::ShortHistory))
        .map(|f| f.message.as_str())
        .collect();
    if !errors.is_empty() {
        out.push((
            Fired::new(
                Check::QualityErrors,
                format!(
                    "Data errors make the load figures unreliable: {}",
                    errors.join(" ")
                ),
                "There is a problem in your training record that needs fixing first.",
            ),
            sentence(
                "Fixing the data errors would allow an automatic recommendation.".to_owned(),
                "Once the problem in your record is fixed, Forma can suggest changes again.",
            ),
        ));
    }
    out
}

/// The sentence saying why the model did not score.
pub(super) fn fallback_fired(
    reason: FallbackReason,
    input: &PolicyInput<'_>,
    scoring: &Scoring<'_>,
) -> Fired {
    let rates = matches!(scoring, Scoring::Rates { .. });
    let coach = match reason {
        FallbackReason::NoModel => "No model is active: the rule baseline answered.".to_owned(),
        FallbackReason::SchemaMismatch => {
            let here = crate::features::FeatureSchema::default();
            let (version, hash) = input
                .model
                .map(|m| (m.schema.version.as_str(), m.schema.hash.as_str()))
                .unwrap_or(("?", "?"));
            format!(
                "The active model was trained on features {version} ({hash}), not this build's {} ({}): the rule baseline answered.",
                here.version, here.hash
            )
        }
        FallbackReason::NoFeatures => format!(
            "No feature vector for {}, so the model could not score: the rule baseline answered{}.",
            input.date,
            if rates {
                ", with the ratio rule's record on the model's training data as its confidence"
            } else {
                ""
            }
        ),
        FallbackReason::UnusableModel => {
            "The active model has no usable training event rate: the rule baseline answered."
                .to_owned()
        }
    };
    Fired::new(
        Check::ModelFallback,
        coach,
        "Today's suggestion comes from simple load rules rather than the full model.",
    )
}

/// The day with the 7-day load set to `s7` (the 21 days before it unchanged),
/// so that the coupled ratio is `r`.
fn with_seven_day_load(view: &View, s7: f64, r: f64) -> View {
    let s21 = view.prior_21;
    let old = view.acute.unwrap_or(0.0) * 7.0;
    let mut v = view.clone();
    v.acute = Some(s7 / 7.0);
    v.chronic = Some((s7 + s21) / 28.0);
    v.ratio = Some(r);
    v.last_21 = view.last_21 - old + s7;
    if let Some(x) = v.x.as_mut() {
        let mut set = |name: &str, value: f64| {
            if let Some(k) = value_index(name) {
                x[k] = value;
                x[crate::features::VALUE_FEATURE_COUNT + k] = 0.0;
            }
        };
        set("acute_load", s7 / 7.0);
        set("chronic_load", (s7 + s21) / 28.0);
        set("acwr_coupled", r);
        set("acwr_uncoupled", (s7 / 7.0) / (s21 / 21.0));
    }
    v
}

fn names(factor: Factor) -> (&'static str, &'static str) {
    match factor {
        Factor::SevenDayLoad => ("the 7-day load", "your training over the last 7 days"),
        Factor::LoadRatio => ("the load ratio", "your recent training against your usual"),
        Factor::WeekChange => ("the week-to-week change", "your week-to-week change"),
        Factor::Monotony => ("training monotony", "how alike your training days are"),
        Factor::Fitness => ("fitness (CTL)", "your long-term training level"),
        Factor::Form => ("form (TSB)", "your fatigue"),
        Factor::SessionCount => ("the sessions in 7 days", "how often you trained this week"),
        Factor::DaysSinceHard => (
            "the days since the last hard day",
            "the time since your last hard session",
        ),
        Factor::Hrv => ("HRV", "your heart-rate variability"),
        Factor::RestingHr => ("resting heart rate", "your resting heart rate"),
        Factor::SleepHours => ("sleep duration", "your sleep"),
        Factor::SleepQuality => ("the sleep quality rating", "your sleep quality rating"),
        Factor::Fatigue => ("the fatigue rating", "your fatigue rating"),
        Factor::Soreness => ("the soreness rating", "your soreness rating"),
        Factor::Stress => ("the stress rating", "your stress rating"),
        Factor::Mood => ("the mood rating", "your mood rating"),
        Factor::Readiness => ("the readiness rating", "your readiness rating"),
        Factor::DaysSinceSession => (
            "the days since the last session",
            "the time since your last session",
        ),
        Factor::DataFreshness => ("data freshness", "how recently you checked in"),
        Factor::DataCompleteness => ("data completeness", "how often you log"),
    }
}

fn lower(action: Action) -> String {
    action.label().to_lowercase()
}

fn lower_athlete(action: Action) -> String {
    let label = action.athlete_label();
    let mut chars = label.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What would change an automatic decision (or a manual review for low confidence).
pub(super) fn counterfactuals(
    day: &Day<'_>,
    ctx: &Ctx<'_>,
    outcome: &Outcome,
    risk: Option<f64>,
    factors: &[FactorBaseline],
) -> Vec<Sentence> {
    let options = ctx.options;
    let current = outcome.action;
    let view = &day.view;
    let mut out = Vec::new();

    if outcome
        .fired
        .iter()
        .any(|f| f.check == Check::LowConfidence)
    {
        out.push(low_confidence(day, ctx, outcome));
    }

    // The model's risk across its thresholds.
    if let (Some(reference), Some(threshold), Some(p)) =
        (ctx.scoring.reference(), ctx.scoring.threshold(), risk)
    {
        let moved = |check: Check| outcome.fired.iter().any(|f| f.check == check);
        let target = if moved(Check::RiskHigh) || moved(Check::RiskVeryHigh) {
            Some(threshold)
        } else if moved(Check::RiskNotLow) {
            Some(options.low_risk_multiple * reference.level)
        } else {
            None
        };
        if let Some(limit) = target.filter(|l| *l > 0.0) {
            let other = evaluate(view, Some(limit * (1.0 - 1e-9)), ctx);
            if other.action != current {
                out.push(sentence(
                    format!(
                        "If the model's 7-day risk were below {} (now {}), the recommendation would be {}.",
                        percent(limit),
                        percent(p),
                        lower(other.action)
                    ),
                    format!(
                        "If your risk this week were lower, Forma would suggest: {}.",
                        lower_athlete(other.action)
                    ),
                ));
            }
        }
    }

    // The 7-day load at each ratio threshold, the 3 weeks before unchanged.
    let mut loads: Vec<(f64, Sentence)> = Vec::new();
    if let (Some(acute), Some(r)) = (view.acute, view.ratio.filter(|r| r.is_finite())) {
        let s21 = view.prior_21;
        let s7 = 7.0 * acute;
        let targets = [
            (options.ratio_low, false),
            (1.0, true),
            (options.ratio_raised, false),
            (options.ratio_danger, false),
        ];
        for (target, usual) in targets {
            let usable = s21 > 0.0 && target > 0.0 && target < 4.0;
            if !usable || target == r {
                continue;
            }
            let down = target < r;
            // The rules compare `ratio > danger`, `ratio > raised`, `ratio < low`:
            // land on the far side of the one being crossed.
            let eps = 1e-6;
            let landed = if usual {
                target
            } else if target == options.ratio_low {
                if down {
                    target - eps
                } else {
                    target
                }
            } else if down {
                target
            } else {
                target + eps
            };
            let s7_new = landed * s21 / (4.0 - landed);
            let edited = with_seven_day_load(view, s7_new, landed);
            let other = evaluate(&edited, ctx.scoring.risk(edited.x.as_deref()), ctx);
            if other.action == current {
                continue;
            }
            let pct = num(((s7_new / s7.max(1e-9)) - 1.0).abs() * 100.0, 0);
            let s = if usual {
                sentence(
                    format!(
                        "If the 7-day load were back at the 4-week average ({}, now {}), the recommendation would be {}.",
                        au(s7_new),
                        au(s7),
                        lower(other.action)
                    ),
                    format!(
                        "If your last 7 days had matched your usual training, Forma would suggest: {}.",
                        lower_athlete(other.action)
                    ),
                )
            } else if down {
                sentence(
                    format!(
                        "With a 7-day load of {} or less (now {}) and the same 3 weeks before it, the load ratio would be {} or lower and the recommendation would be {}.",
                        au(s7_new),
                        au(s7),
                        ratio(target),
                        lower(other.action)
                    ),
                    format!(
                        "With about {pct}% less training over the last 7 days, Forma would suggest: {}.",
                        lower_athlete(other.action)
                    ),
                )
            } else {
                sentence(
                    format!(
                        "With a 7-day load above {} (now {}) and the same 3 weeks before it, the load ratio would be over {} and the recommendation would be {}.",
                        au(s7_new),
                        au(s7),
                        ratio(target),
                        lower(other.action)
                    ),
                    format!(
                        "With about {pct}% more training over the last 7 days, Forma would suggest: {}.",
                        lower_athlete(other.action)
                    ),
                )
            };
            loads.push(((s7_new - s7).abs(), s));
        }
    }
    loads.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.extend(loads.into_iter().take(2).map(|(_, s)| s));

    // Any other factor at the athlete's baseline.
    if let Some(x) = view.x.as_deref() {
        let mut edits: Vec<(f64, Sentence)> = Vec::new();
        for f in factors {
            if matches!(f.factor, Factor::SevenDayLoad | Factor::LoadRatio) {
                continue;
            }
            let mut edited = view.clone();
            edited.x = Some(f.apply(x));
            let edited_risk = ctx.scoring.risk(edited.x.as_deref());
            let other = evaluate(&edited, edited_risk, ctx);
            if other.action == current {
                continue;
            }
            let (coach_name, athlete_name) = names(f.factor);
            let effect = match (risk, edited_risk) {
                (Some(a), Some(b)) => (a - b).abs(),
                _ => 0.0,
            };
            edits.push((
                effect,
                sentence(
                    format!(
                        "If {coach_name} were back at the athlete's baseline, the recommendation would be {}.",
                        lower(other.action)
                    ),
                    format!(
                        "If {athlete_name} were back to your usual, Forma would suggest: {}.",
                        lower_athlete(other.action)
                    ),
                ),
            ));
        }
        edits.sort_by(|a, b| b.0.total_cmp(&a.0));
        out.extend(edits.into_iter().take(2).map(|(_, s)| s));
    }
    out.truncate(4);
    out
}

/// What would lift a confidence below the minimum.
fn low_confidence(day: &Day<'_>, ctx: &Ctx<'_>, outcome: &Outcome) -> Sentence {
    let options = ctx.options;
    let m = options.min_confidence;
    let c = day.completeness;
    let observed = num(c * 28.0, 0);
    let proposed = lower(outcome.proposed);
    let athlete = "Forma's estimate is too close to call today, so your coach decides; logging sessions and check-ins every day helps.";
    match (outcome.basis, outcome.branch_p, ctx.scoring.threshold()) {
        (ConfidenceBasis::Model, Some(p), Some(t)) => {
            let q = if c > 0.0 { m / c } else { f64::INFINITY };
            if q > 1.0 {
                return sentence(
                    format!(
                        "Only a more complete record (now {observed} of the last 28 days with data) would allow an automatic {proposed}."
                    ),
                    athlete,
                );
            }
            let w = miss_weight(t);
            let caution = outcome.proposed.branch() == Some(Branch::Caution);
            // Invert p' = w p / (w p + 1 - p) at the confidence needed.
            let need = if caution { q } else { 1.0 - q };
            let p_star = need / (need + w * (1.0 - need));
            sentence(
                format!(
                    "An automatic {proposed} needs the model's 7-day risk {} {} (now {}) with {observed} of the last 28 days observed, or a more complete record.",
                    if caution { "at or above" } else { "below" },
                    percent(p_star),
                    percent(p)
                ),
                athlete,
            )
        }
        (ConfidenceBasis::RuleRates, Some(p), _) => sentence(
            format!(
                "Days like this one were followed by an episode {} of the time in the model's training data, which does not support an automatic {proposed}; a model score for the day would decide.",
                percent(p)
            ),
            athlete,
        ),
        _ => {
            let prior = options.rule_prior_confidence;
            let needed = if prior > 0.0 {
                (28.0 * m / prior).ceil()
            } else {
                f64::INFINITY
            };
            let coach = if needed <= 28.0 {
                format!(
                    "Data on at least {} of the last 28 days (now {observed}) would allow an automatic {proposed}.",
                    num(needed, 0)
                )
            } else {
                format!(
                    "The rule's prior confidence is below {m:.2}: only a model score for the day would allow an automatic {proposed}."
                )
            };
            sentence(coach, athlete)
        }
    }
}
