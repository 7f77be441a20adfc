//! The model card (Mitchell et al. 2019, "Model Cards for Model Reporting"): what
//! the model was trained on, how it did in honest backtests against the simple
//! baselines, for whom, and, in plain sentences, where it does not beat them.
//! As Markdown for people and as serde JSON for the Model page.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::backtest::{Backtests, Metrics, PrimaryChoice, Scheme, SchemeResult, Scorer};
use super::evaluation::Interval;
use super::fit::{ModelKind, TrainingWindow};
use super::{Dataset, LeftOutCounts};

/// What the rows held.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DataSummary {
    /// Athletes.
    pub athletes: usize,
    /// Eligible athlete-days (rows).
    pub rows: usize,
    /// Rows followed by an onset within 7 days.
    pub positive_rows: usize,
    /// Episodes found (brought-in included).
    pub episodes: usize,
    /// Episodes starting in an athlete's first 28 days (never positives).
    pub brought_in: usize,
    /// Athlete-days without a target.
    pub left_out: LeftOutCounts,
    /// Fingerprint of the rows.
    pub fingerprint: String,
}

/// Who and when for one scheme (DESIGN.md "Who and when"): the primary model's
/// pooled ROC AUC, which on team data mostly says whether it tells injury-prone
/// athletes apart, and its within-athlete AUC, which says whether it tells an
/// athlete's risky days from her other days; each with its events and 95%
/// interval from resampling athletes, and in a coach's words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WhoAndWhen {
    /// The scheme.
    pub scheme: Scheme,
    /// The model described.
    pub scorer: Scorer,
    /// Pooled ROC AUC (who, mostly).
    pub pooled_auc: Option<f64>,
    /// Its interval.
    pub pooled_ci: Option<Interval>,
    /// Positive days behind it.
    pub pooled_events: usize,
    /// Athletes behind it.
    pub pooled_athletes: usize,
    /// Within-athlete AUC (when).
    pub within_auc: Option<f64>,
    /// Its interval.
    pub within_ci: Option<Interval>,
    /// Positive days of the athletes with both kinds of days.
    pub within_events: usize,
    /// Those athletes.
    pub within_athletes: usize,
    /// What the pooled figure means for a coach.
    pub who: String,
    /// What the within-athlete figure means for a coach.
    pub when: String,
}

/// One check of the card's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerdictCheck {
    /// The scheme checked.
    pub scheme: Scheme,
    /// Whether the model passed.
    pub passed: bool,
    /// What was checked and what was found.
    pub sentence: String,
}

/// Whether the primary model earns its place over the simple baselines, read
/// from its backtests ([`ModelCard::verdict`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// Forward in time (the scheme that asks what a deployed model does), the
    /// primary model's ROC AUC is above every baseline's, its 95% interval
    /// leaves chance (0.5) out, and its Brier score is no worse than the base
    /// rate's. When false, pages showing its risk or a confidence from it
    /// should say that the model does not beat its baselines.
    pub beats_baselines: bool,
    /// Each scheme's check, in words.
    pub checks: Vec<VerdictCheck>,
}

impl Verdict {
    /// The verdict as a card and the Model page lead with it: the answer, then
    /// the checks' sentences.
    pub fn headline(&self) -> String {
        format!(
            "{}: {}",
            if self.beats_baselines {
                "Beats its baselines"
            } else {
                "Does NOT beat its baselines"
            },
            self.summary()
        )
    }

    /// The checks' sentences, as one paragraph.
    pub fn summary(&self) -> String {
        self.checks
            .iter()
            .map(|c| c.sentence.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The model card.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelCard {
    /// What the model predicts, in one sentence.
    pub intended_use: String,
    /// Feature schema version.
    pub schema_version: String,
    /// Feature schema hash.
    pub schema_hash: String,
    /// The model that scores.
    pub primary: ModelKind,
    /// Why it scores (absent in cards of older builds).
    #[serde(default)]
    pub primary_choice: Option<PrimaryChoice>,
    /// Who and when, per scheme, for the primary model.
    #[serde(default)]
    pub who_and_when: Vec<WhoAndWhen>,
    /// The data.
    pub data: DataSummary,
    /// The final model's training window.
    pub window: TrainingWindow,
    /// Backtests of every model and baseline.
    pub backtests: Backtests,
    /// Plain-language findings, including every comparison a model loses.
    pub findings: Vec<String>,
}

fn scorer_of(s: &SchemeResult, which: Scorer) -> Option<&Metrics> {
    s.scorers
        .iter()
        .find(|r| r.scorer == which)
        .map(|r| &r.overall)
}

fn num(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

fn ci(x: Option<Interval>) -> String {
    x.map_or_else(String::new, |i| format!(" [{:.3}, {:.3}]", i.low, i.high))
}

/// Sentences comparing each model with each baseline in one scheme.
fn findings(s: &SchemeResult) -> Vec<String> {
    let mut out = Vec::new();
    let name = s.scheme.label();
    for model in [Scorer::Logistic, Scorer::Forest, Scorer::Boosted] {
        let Some(m) = scorer_of(s, model) else {
            continue;
        };
        if m.events == 0 {
            out.push(format!(
                "{name}: no events in the test rows, so {} cannot be judged.",
                model.label()
            ));
            continue;
        }
        let mut lost = Vec::new();
        for base in Scorer::BASELINES {
            let Some(b) = scorer_of(s, base) else {
                continue;
            };
            let cmp = |mine: Option<f64>, theirs: Option<f64>, higher_better: bool| match (
                mine, theirs,
            ) {
                (Some(a), Some(b)) => {
                    if higher_better {
                        a > b
                    } else {
                        a < b
                    }
                }
                _ => false,
            };
            for (metric, mine, theirs, hb) in [
                ("ROC AUC", m.roc_auc, b.roc_auc, true),
                ("PR AUC", m.pr_auc, b.pr_auc, true),
                ("Brier score", m.brier, b.brier, false),
            ] {
                // The base rate ranks nobody: its AUCs are no comparison.
                if base == Scorer::BaseRate && metric != "Brier score" {
                    continue;
                }
                if !cmp(mine, theirs, hb) {
                    lost.push(format!(
                        "{metric} {} vs {} {}",
                        num(mine),
                        base.label(),
                        num(theirs)
                    ));
                }
            }
        }
        if lost.is_empty() {
            out.push(format!(
                "{name}: {} beats every baseline on ROC AUC, PR AUC and Brier score ({} positive days, {} athletes).",
                model.label(),
                m.events,
                m.athletes
            ));
        } else {
            out.push(format!(
                "{name}: {} does NOT beat the baselines on: {} ({} positive days, {} athletes).",
                model.label(),
                lost.join("; "),
                m.events,
                m.athletes
            ));
        }
        if let Some(i) = m.roc_auc_ci {
            if i.low <= 0.5 {
                out.push(format!(
                    "{name}: the 95% interval of {}'s ROC AUC{} includes 0.5: not distinguishable from chance.",
                    model.label(),
                    ci(Some(i))
                ));
            }
        }
        if let (Some(pooled), Some(within)) = (m.roc_auc, m.within_athlete_auc) {
            if within + 0.05 < pooled {
                out.push(format!(
                    "{name}: {}'s within-athlete AUC {within:.3} is below its pooled AUC {pooled:.3}: much of its skill is telling athletes apart (who), not days (when).",
                    model.label()
                ));
            }
        }
    }
    out
}

/// A share of pairs as a percentage.
fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

fn interval_words(ci: Option<Interval>) -> String {
    ci.map_or_else(
        || "no interval: too few athletes".to_owned(),
        |i| format!("95% interval {} to {}", pct(i.low), pct(i.high)),
    )
}

/// Who and when for `scorer` in one scheme.
pub fn who_and_when(s: &SchemeResult, scorer: Scorer) -> Option<WhoAndWhen> {
    let m = scorer_of(s, scorer)?;
    let history = scorer_of(s, Scorer::HistoryOnly).and_then(|h| h.roc_auc);
    let name = s.scheme.label();
    let who = match m.roc_auc {
        Some(auc) => {
            let mut who = format!(
                "Who ({name}): of two days, one followed by an injury or illness within 7 days and one not, the {} gave the first the higher risk in {} of pairs ({}; {} such days of {} athletes). ",
                scorer.label(),
                pct(auc),
                interval_words(m.roc_auc_ci),
                m.events,
                m.athletes
            );
            who.push_str(if m.roc_auc_ci.is_some_and(|i| i.low > 0.5) {
                "Most of this is telling athletes apart: use the standing risk to choose whom to look at first."
            } else {
                "That is not distinguishable from chance: the standing risk is no guide to whom to look at."
            });
            if let Some(h) = history {
                who.push_str(&format!(
                    " Earlier episodes alone, what a coach remembers, reach {}.",
                    pct(h)
                ));
            }
            who
        }
        None => format!("Who ({name}): too few events to tell."),
    };
    let when = match m.within_athlete_auc {
        Some(auc) => {
            let mut when = format!(
                "When ({name}): for the same athlete, a day followed by an injury or illness scored above their other days in {} of pairs ({}; {} such days of {} athletes). ",
                pct(auc),
                interval_words(m.within_athlete_auc_ci),
                m.within_athlete_events,
                m.athletes_with_both
            );
            when.push_str(if m.within_athlete_auc_ci.is_some_and(|i| i.low > 0.5) {
                "Today's change against the athlete's own recent level carries some warning of the day."
            } else {
                "That is no better than a coin: the model does not tell which day; a change of today's session rests on what changed for the athlete, not on their standing risk."
            });
            when
        }
        None => format!(
            "When ({name}): no athlete had both kinds of days in the test rows, so the days of one athlete cannot be compared."
        ),
    };
    Some(WhoAndWhen {
        scheme: s.scheme,
        scorer,
        pooled_auc: m.roc_auc,
        pooled_ci: m.roc_auc_ci,
        pooled_events: m.events,
        pooled_athletes: m.athletes,
        within_auc: m.within_athlete_auc,
        within_ci: m.within_athlete_auc_ci,
        within_events: m.within_athlete_events,
        within_athletes: m.athletes_with_both,
        who,
        when,
    })
}

/// The verdict check of one scheme (see [`Verdict`]).
/// Whether `scorer` passes [`verdict_check`] on `s`, without its sentence: the
/// same rules, cheap enough to ask for every scored day.
fn passes(s: &SchemeResult, scorer: Scorer) -> bool {
    let Some(model) = scorer_of(s, scorer).filter(|m| m.events > 0) else {
        return false;
    };
    let ranks_above = matches!(
        (model.roc_auc, s.best_baseline()),
        (Some(m), Some((b, _))) if m > b
    );
    let interval_clear = model.roc_auc_ci.is_some_and(|ci| ci.low > 0.5);
    let base_brier = scorer_of(s, Scorer::BaseRate).and_then(|m| m.brier);
    let accurate = !matches!((model.brier, base_brier), (Some(m), Some(b)) if m > b);
    ranks_above && interval_clear && accurate
}

fn verdict_check(s: &SchemeResult, scorer: Scorer) -> VerdictCheck {
    // Each check is a sentence of its own, and the page shows them as one paragraph.
    let name = s.scheme.title();
    let Some(model) = scorer_of(s, scorer).filter(|m| m.events > 0) else {
        return VerdictCheck {
            scheme: s.scheme,
            passed: false,
            sentence: format!("{name}: too few events to judge the {}.", scorer.label()),
        };
    };
    let best = s.best_baseline();
    let base_brier = scorer_of(s, Scorer::BaseRate).and_then(|m| m.brier);
    let mut passed = true;
    let mut sentence = match (model.roc_auc, best) {
        (Some(m), Some((b, which))) if m > b => format!(
            "{name}, the {} ranks risky days above the best baseline ({}): ROC AUC {m:.3} against {b:.3}",
            scorer.label(),
            which.label()
        ),
        (Some(m), Some((b, which))) => {
            passed = false;
            format!(
                "{name}, the {} does not rank risky days above the best baseline ({}): ROC AUC {m:.3} against {b:.3}",
                scorer.label(),
                which.label()
            )
        }
        _ => {
            passed = false;
            format!("{name}, there were too few events to tell")
        }
    };
    match model.roc_auc_ci {
        Some(ci) if ci.low <= 0.5 => {
            passed = false;
            sentence.push_str(&format!(
                ", but its 95% interval ({:.3} to {:.3}) includes 0.5, so this is not distinguishable from chance",
                ci.low, ci.high
            ));
        }
        Some(_) => {}
        None => {
            passed = false;
            sentence.push_str(", with no interval (too few athletes)");
        }
    }
    if let (Some(m), Some(b)) = (model.brier, base_brier) {
        if m > b {
            passed = false;
            sentence.push_str(&format!(
                "; its probabilities are less accurate than the base rate (Brier {m:.4} against {b:.4})"
            ));
        }
    }
    sentence.push('.');
    VerdictCheck {
        scheme: s.scheme,
        passed,
        sentence,
    }
}

impl ModelCard {
    /// Whether the primary model beats its baselines (see [`Verdict`]): decided
    /// forward in time; the athletes-held-out check is said alongside.
    pub fn verdict(&self) -> Verdict {
        let scorer = self.primary.scorer();
        let forward = verdict_check(&self.backtests.forward_in_time, scorer);
        let held_out = verdict_check(&self.backtests.athletes_held_out, scorer);
        Verdict {
            beats_baselines: forward.passed,
            checks: vec![forward, held_out],
        }
    }

    /// [`Verdict::beats_baselines`] alone, without the sentences: what the
    /// policy reads for every scored day.
    pub fn beats_baselines(&self) -> bool {
        passes(&self.backtests.forward_in_time, self.primary.scorer())
    }

    /// The card for a model trained on `data`, from its backtests.
    pub fn new(
        data: &Dataset,
        backtests: &Backtests,
        choice: PrimaryChoice,
        window: &TrainingWindow,
    ) -> Self {
        let primary = choice.model;
        let mut f = vec![choice.reason.clone()];
        f.extend(findings(&backtests.forward_in_time));
        f.extend(findings(&backtests.athletes_held_out));
        for scheme in [&backtests.forward_in_time, &backtests.athletes_held_out] {
            for fold in &scheme.folds {
                if let Some(why) = &fold.skipped {
                    f.push(format!(
                        "{}: fold {} was not scored ({why}); the pooled figures leave its {} test rows out.",
                        scheme.scheme.label(),
                        fold.fold,
                        fold.test_rows
                    ));
                }
            }
        }
        let onsets = data.episodes - data.brought_in;
        if onsets < 100 {
            f.push(format!(
                "Only {onsets} episode onsets ({} positive athlete-days) lie behind these figures: every one is uncertain; read the intervals.",
                data.events()
            ));
        }
        Self {
            intended_use: "Probability that an injury or illness episode starts in the 7 days after the decision day, from what was known that morning. A prompt for a coach's review, not a diagnosis.".to_owned(),
            schema_version: data.schema.version.clone(),
            schema_hash: data.schema.hash.clone(),
            primary,
            primary_choice: Some(choice),
            who_and_when: [&backtests.forward_in_time, &backtests.athletes_held_out]
                .into_iter()
                .filter_map(|s| who_and_when(s, primary.scorer()))
                .collect(),
            data: DataSummary {
                athletes: data.athletes.len(),
                rows: data.rows.len(),
                positive_rows: data.events(),
                episodes: data.episodes,
                brought_in: data.brought_in,
                left_out: data.left_out,
                fingerprint: data.fingerprint(),
            },
            window: *window,
            backtests: backtests.clone(),
            findings: f,
        }
    }

    /// The card as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let d = &self.data;
        let _ = writeln!(s, "# Model card\n\n{}\n", self.intended_use);
        let _ = writeln!(
            s,
            "- Features: `{}` (hash `{}`); primary model: {:?}",
            self.schema_version, self.schema_hash, self.primary
        );
        let _ = writeln!(
            s,
            "- Data: {} athletes, {} athlete-days, {} followed by an onset; {} episodes ({} brought in); left out: {} warm-up, {} episode open, {} censored; fingerprint `{}`",
            d.athletes, d.rows, d.positive_rows, d.episodes, d.brought_in,
            d.left_out.warm_up, d.left_out.episode_open, d.left_out.censored, d.fingerprint
        );
        let w = &self.window;
        let _ = writeln!(
            s,
            "- Final model: fitted on {} to {} ({} rows, {} positive); calibrated on the out-of-athlete scores of {} rows ({} positive) in {} groups of athletes\n",
            w.first_day, w.last_day, w.fit_rows, w.fit_events, w.calibration_rows,
            w.calibration_events, w.calibration_folds
        );
        let verdict = self.verdict();
        let _ = writeln!(s, "## Verdict\n\n{}\n", verdict.headline());
        if !self.who_and_when.is_empty() {
            let _ = writeln!(s, "## Who and when\n");
            for w in &self.who_and_when {
                let _ = writeln!(s, "- {}\n- {}", w.who, w.when);
            }
            let _ = writeln!(s);
        }
        let _ = writeln!(s, "## Findings\n");
        for f in &self.findings {
            let _ = writeln!(s, "- {f}");
        }
        for scheme in [
            &self.backtests.forward_in_time,
            &self.backtests.athletes_held_out,
        ] {
            let _ = writeln!(s, "\n## Backtest: {}\n", scheme.scheme.label());
            let _ = writeln!(s, "| fold | train rows | train positive days | test rows | test positive days | test days | athletes | note |");
            let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
            for f in &scheme.folds {
                let days = match (f.test_from, f.test_to) {
                    (Some(a), Some(b)) => format!("{a} to {b}"),
                    _ => String::new(),
                };
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    f.fold,
                    f.train_rows,
                    f.train_events,
                    f.test_rows,
                    f.test_events,
                    days,
                    f.test_athletes,
                    f.skipped.as_deref().unwrap_or("")
                );
            }
            let _ = writeln!(s, "\n| model | rows | positive days | base rate | ROC AUC [95% CI] | within-athlete AUC [95% CI] | PR AUC [95% CI] | Brier [95% CI] |");
            let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
            for r in &scheme.scorers {
                let m = &r.overall;
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {}{} | {}{} ({} days of {} athletes) | {}{} | {}{} |",
                    r.scorer.label(),
                    m.rows,
                    m.events,
                    num(m.base_rate),
                    num(m.roc_auc),
                    ci(m.roc_auc_ci),
                    num(m.within_athlete_auc),
                    ci(m.within_athlete_auc_ci),
                    m.within_athlete_events,
                    m.athletes_with_both,
                    num(m.pr_auc),
                    ci(m.pr_auc_ci),
                    num(m.brier),
                    ci(m.brier_ci)
                );
            }
            if let Some(primary) = scheme
                .scorers
                .iter()
                .find(|r| r.scorer == self.primary.scorer())
            {
                let _ = writeln!(
                    s,
                    "\nCalibration of the {} (pooled test rows):\n",
                    primary.scorer.label()
                );
                let _ = writeln!(
                    s,
                    "| predicted | rows | positive days | mean predicted | observed |"
                );
                let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
                for b in primary.overall.calibration.iter().filter(|b| b.rows > 0) {
                    let _ = writeln!(
                        s,
                        "| {:.1} to {:.1} | {} | {} | {} | {} |",
                        b.from,
                        b.to,
                        b.rows,
                        b.events,
                        num(b.mean_predicted),
                        num(b.observed_rate)
                    );
                }
                let _ = writeln!(s, "\nCohorts of the {}:\n", primary.scorer.label());
                let _ = writeln!(
                    s,
                    "| cohort | rows | positive days | base rate | ROC AUC | PR AUC | Brier |"
                );
                let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- |");
                for c in &primary.cohorts {
                    let m = &c.metrics;
                    let _ = writeln!(
                        s,
                        "| {} = {} | {} | {} | {} | {} | {} | {} |",
                        c.dimension,
                        c.value,
                        m.rows,
                        m.events,
                        num(m.base_rate),
                        num(m.roc_auc),
                        num(m.pr_auc),
                        num(m.brier)
                    );
                }
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(scheme: Scheme, passed: bool, sentence: &str) -> VerdictCheck {
        VerdictCheck {
            scheme,
            passed,
            sentence: sentence.to_owned(),
        }
    }

    #[test]
    fn the_headline_gives_the_answer_then_every_check() {
        let verdict = Verdict {
            beats_baselines: false,
            checks: vec![
                check(Scheme::ForwardInTime, false, "Forward: no."),
                check(Scheme::AthletesHeldOut, true, "Held out: yes."),
            ],
        };
        assert_eq!(
            verdict.headline(),
            "Does NOT beat its baselines: Forward: no. Held out: yes."
        );
        let passed = Verdict {
            beats_baselines: true,
            checks: vec![check(Scheme::ForwardInTime, true, "Forward: yes.")],
        };
        assert_eq!(passed.headline(), "Beats its baselines: Forward: yes.");
    }
}
