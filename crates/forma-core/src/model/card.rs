//! The model card (Mitchell et al. 2019, "Model Cards for Model Reporting"): what
//! the model was trained on, how it did in honest backtests against the simple
//! baselines, for whom, and, in plain sentences, where it does not beat them.
//! As Markdown for people and as serde JSON for the Model page.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::artifact::{ModelKind, TrainingWindow};
use super::backtest::{Backtests, Metrics, Scheme, SchemeResult, Scorer};
use super::evaluation::Interval;
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
    /// The data.
    pub data: DataSummary,
    /// The final model's training window.
    pub window: TrainingWindow,
    /// Backtests of every model and baseline.
    pub backtests: Backtests,
    /// Plain-language findings, including every comparison a model loses.
    pub findings: Vec<String>,
}

fn scorer(s: &SchemeResult, which: Scorer) -> Option<&Metrics> {
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

fn scheme_name(s: Scheme) -> &'static str {
    match s {
        Scheme::ForwardInTime => "forward in time",
        Scheme::AthletesHeldOut => "athletes held out",
    }
}

/// Sentences comparing each model with each baseline in one scheme.
fn findings(s: &SchemeResult) -> Vec<String> {
    let mut out = Vec::new();
    let name = scheme_name(s.scheme);
    for model in [Scorer::Logistic, Scorer::Forest] {
        let Some(m) = scorer(s, model) else { continue };
        if m.events == 0 {
            out.push(format!(
                "{name}: no events in the test rows, so {} cannot be judged.",
                model.label()
            ));
            continue;
        }
        let mut lost = Vec::new();
        for base in [Scorer::BaseRate, Scorer::RatioRule, Scorer::AcuteLoad] {
            let Some(b) = scorer(s, base) else { continue };
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

impl ModelCard {
    /// The card for a model trained on `data`, from its backtests.
    pub fn new(
        data: &Dataset,
        backtests: &Backtests,
        primary: ModelKind,
        window: &TrainingWindow,
    ) -> Self {
        let mut f = findings(&backtests.forward_in_time);
        f.extend(findings(&backtests.athletes_held_out));
        for scheme in [&backtests.forward_in_time, &backtests.athletes_held_out] {
            for fold in &scheme.folds {
                if let Some(why) = &fold.skipped {
                    f.push(format!(
                        "{}: fold {} was not scored ({why}); the pooled figures leave its {} test rows out.",
                        scheme_name(scheme.scheme),
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
            "- Final model: fitted on {} to {} ({} rows, {} positive), calibrated on {} to {} ({} rows, {} positive)\n",
            w.first_day, w.fit_until, w.fit_rows, w.fit_events, w.calibration_from, w.last_day,
            w.calibration_rows, w.calibration_events
        );
        let _ = writeln!(s, "## Findings\n");
        for f in &self.findings {
            let _ = writeln!(s, "- {f}");
        }
        for scheme in [
            &self.backtests.forward_in_time,
            &self.backtests.athletes_held_out,
        ] {
            let _ = writeln!(s, "\n## Backtest: {}\n", scheme_name(scheme.scheme));
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
            let _ = writeln!(s, "\n| model | rows | positive days | base rate | ROC AUC [95% CI] | within-athlete AUC | PR AUC [95% CI] | Brier [95% CI] |");
            let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
            for r in &scheme.scorers {
                let m = &r.overall;
                let _ = writeln!(
                    s,
                    "| {} | {} | {} | {} | {}{} | {} ({} athletes) | {}{} | {}{} |",
                    r.scorer.label(),
                    m.rows,
                    m.events,
                    num(m.base_rate),
                    num(m.roc_auc),
                    ci(m.roc_auc_ci),
                    num(m.within_athlete_auc),
                    m.athletes_with_both,
                    num(m.pr_auc),
                    ci(m.pr_auc_ci),
                    num(m.brier),
                    ci(m.brier_ci)
                );
            }
            if let Some(primary) = scheme.scorers.iter().find(|r| {
                r.scorer
                    == match self.primary {
                        ModelKind::Logistic => Scorer::Logistic,
                        ModelKind::Forest => Scorer::Forest,
                    }
            }) {
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
