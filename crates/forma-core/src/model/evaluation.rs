//! How well predicted probabilities match what happened.
//!
//! - **ROC AUC** as the Mann–Whitney statistic (Mann & Whitney 1947; Hanley &
//!   McNeil 1982): the share of (event, non-event) pairs where the event scores
//!   higher, ties counting one half. Computed from mid-ranks in O(n log n):
//!   `AUC = (R+ - n+(n+ + 1)/2) / (n+ n-)`, with R+ the sum of the events' ranks.
//! - **PR AUC** as average precision (as scikit-learn's `average_precision_score`):
//!   `AP = sum_k (R_k - R_{k-1}) P_k` over the distinct score thresholds from the
//!   highest down, with precision P_k and recall R_k at threshold k.
//! - **Brier score** (Brier 1950): the mean of (p - y)^2.
//! - **Calibration table**: 10 equal-width bins of predicted probability, each
//!   with its rows, events, mean prediction and observed rate.
//! - **Within-athlete AUC**: the Mann–Whitney share over (event, non-event) pairs
//!   of the *same* athlete only, telling *when* rather than *who*.
//! - **Bootstrap intervals**: athletes resampled with replacement (a fixed-seed
//!   SplitMix64 generator), the metric recomputed, 2.5th and 97.5th percentiles.
//!
//! Every function returns `None` where its metric is undefined (no events, or no
//! non-events).

use serde::{Deserialize, Serialize};

/// One scored row: its athlete, prediction and outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scored {
    /// Index of the athlete (for within-athlete AUC and resampling).
    pub athlete: usize,
    /// Predicted probability (or any score, for the rank metrics).
    pub p: f64,
    /// Whether the event happened.
    pub y: bool,
}

/// Mid-ranks (1-based, ties averaged) of `scores`, in input order.
fn mid_ranks(scores: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*a].total_cmp(&scores[*b]));
    let mut ranks = vec![0.0; scores.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && scores[order[j + 1]] == scores[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for k in &order[i..=j] {
            ranks[*k] = rank;
        }
        i = j + 1;
    }
    ranks
}

/// ROC AUC by Mann–Whitney U.
///
/// ```
/// use forma_core::model::evaluation::roc_auc;
/// // Pairs (event, non-event): (0.8,0.1) (0.8,0.4) (0.35,0.1) (0.35,0.4): 3 of 4 right.
/// assert_eq!(roc_auc(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]), Some(0.75));
/// assert_eq!(roc_auc(&[0.1, 0.2], &[false, false]), None);
/// ```
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|y| **y).count();
    let neg = labels.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let ranks = mid_ranks(scores);
    let r_pos: f64 = ranks
        .iter()
        .zip(labels)
        .filter(|(_, y)| **y)
        .map(|(r, _)| r)
        .sum();
    let (p, n) = (pos as f64, neg as f64);
    Some((r_pos - p * (p + 1.0) / 2.0) / (p * n))
}

/// Average precision (PR AUC).
///
/// ```
/// use forma_core::model::evaluation::average_precision;
/// // Ranked 0.8 (event), 0.4, 0.35 (event), 0.1: P = 1 at R = 0.5, P = 2/3 at R = 1.
/// let ap = average_precision(&[0.1, 0.4, 0.35, 0.8], &[false, false, true, true]).unwrap();
/// assert!((ap - (0.5 * 1.0 + 0.5 * 2.0 / 3.0)).abs() < 1e-12);
/// ```
pub fn average_precision(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|y| **y).count();
    if pos == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    let (mut tp, mut seen, mut ap, mut last_recall) = (0usize, 0usize, 0.0, 0.0);
    let mut i = 0;
    while i < order.len() {
        // One threshold per distinct score.
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            tp += usize::from(labels[order[i]]);
            seen += 1;
            i += 1;
        }
        let recall = tp as f64 / pos as f64;
        ap += (recall - last_recall) * (tp as f64 / seen as f64);
        last_recall = recall;
    }
    Some(ap)
}

/// Brier score: mean squared difference between probability and outcome.
///
/// ```
/// use forma_core::model::evaluation::brier;
/// assert_eq!(brier(&[0.9, 0.2], &[true, false]), Some((0.01 + 0.04) / 2.0));
/// ```
pub fn brier(p: &[f64], labels: &[bool]) -> Option<f64> {
    if p.is_empty() {
        return None;
    }
    let sum: f64 = p
        .iter()
        .zip(labels)
        .map(|(p, y)| (p - f64::from(u8::from(*y))).powi(2))
        .sum();
    Some(sum / p.len() as f64)
}

/// One bin of a calibration table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    /// Lower edge of predicted probability (inclusive).
    pub from: f64,
    /// Upper edge (exclusive, except 1.0 for the last bin).
    pub to: f64,
    /// Rows predicted in the bin.
    pub rows: usize,
    /// Events among them.
    pub events: usize,
    /// Mean predicted probability (`None` when empty).
    pub mean_predicted: Option<f64>,
    /// Observed event rate (`None` when empty).
    pub observed_rate: Option<f64>,
}

/// Ten equal-width bins of predicted probability.
pub fn calibration_table(p: &[f64], labels: &[bool]) -> Vec<CalibrationBin> {
    let mut bins: Vec<(usize, usize, f64)> = vec![(0, 0, 0.0); 10];
    for (p, y) in p.iter().zip(labels) {
        let b = ((p * 10.0) as usize).min(9);
        bins[b].0 += 1;
        bins[b].1 += usize::from(*y);
        bins[b].2 += p;
    }
    bins.into_iter()
        .enumerate()
        .map(|(i, (rows, events, sum))| CalibrationBin {
            from: i as f64 / 10.0,
            to: (i + 1) as f64 / 10.0,
            rows,
            events,
            mean_predicted: (rows > 0).then(|| sum / rows as f64),
            observed_rate: (rows > 0).then(|| events as f64 / rows as f64),
        })
        .collect()
}

/// Mann–Whitney AUC over pairs of the same athlete only.
pub fn within_athlete_auc(rows: &[Scored]) -> Option<f64> {
    let mut by_athlete: std::collections::BTreeMap<usize, (Vec<f64>, Vec<bool>)> =
        std::collections::BTreeMap::new();
    for r in rows {
        let e = by_athlete.entry(r.athlete).or_default();
        e.0.push(r.p);
        e.1.push(r.y);
    }
    let (mut correct, mut pairs) = (0.0, 0.0);
    for (scores, labels) in by_athlete.values() {
        let pos = labels.iter().filter(|y| **y).count() as f64;
        let neg = labels.len() as f64 - pos;
        if let Some(auc) = roc_auc(scores, labels) {
            correct += auc * pos * neg;
            pairs += pos * neg;
        }
    }
    (pairs > 0.0).then(|| correct / pairs)
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny generator with the same output
/// on every platform, for resampling.
#[derive(Debug, Clone)]
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0); the slight modulo bias does not matter here.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// 2.5th percentile.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
}

/// Percentile interval of `metric` over `resamples` bootstrap samples of whole
/// athletes (rows of a drawn athlete enter as often as the athlete is drawn).
/// `None` when fewer than half the resamples define the metric.
pub fn bootstrap_athletes(
    rows: &[Scored],
    resamples: usize,
    seed: u64,
    metric: impl Fn(&[f64], &[bool]) -> Option<f64>,
) -> Option<Interval> {
    let mut athletes: Vec<usize> = rows.iter().map(|r| r.athlete).collect();
    athletes.sort_unstable();
    athletes.dedup();
    if athletes.is_empty() {
        return None;
    }
    let mut by_athlete: Vec<Vec<&Scored>> = vec![Vec::new(); athletes.len()];
    for r in rows {
        if let Ok(i) = athletes.binary_search(&r.athlete) {
            by_athlete[i].push(r);
        }
    }
    let mut rng = SplitMix64(seed);
    let mut values = Vec::with_capacity(resamples);
    let (mut p, mut y) = (Vec::new(), Vec::new());
    for _ in 0..resamples {
        p.clear();
        y.clear();
        for _ in 0..athletes.len() {
            for r in &by_athlete[rng.below(athletes.len())] {
                p.push(r.p);
                y.push(r.y);
            }
        }
        if let Some(v) = metric(&p, &y) {
            values.push(v);
        }
    }
    if values.len() * 2 < resamples.max(1) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| values[((values.len() - 1) as f64 * q).round() as usize];
    Some(Interval {
        low: at(0.025),
        high: at(0.975),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_as_half_and_matches_pair_counting() {
        // Events 0.5, 0.5; non-events 0.5, 0.2: pairs 0.5 vs 0.5 (tie) x2, 0.5 vs 0.2 x2.
        let auc = roc_auc(&[0.5, 0.5, 0.5, 0.2], &[true, true, false, false]).unwrap();
        assert_eq!(auc, (2.0 * 0.5 + 2.0) / 4.0);
        let perfect = roc_auc(&[0.9, 0.1], &[true, false]).unwrap();
        assert_eq!(perfect, 1.0);
        assert_eq!(roc_auc(&[0.1, 0.9], &[true, false]).unwrap(), 0.0);
    }

    #[test]
    fn average_precision_groups_tied_scores_into_one_threshold() {
        // All tied: one threshold, precision = base rate 1/4, recall 1.
        let ap = average_precision(&[0.3; 4], &[true, false, false, false]).unwrap();
        assert_eq!(ap, 0.25);
        assert_eq!(average_precision(&[0.3], &[false]), None);
    }

    #[test]
    fn calibration_table_puts_one_in_the_last_bin() {
        let t = calibration_table(&[0.05, 0.95, 1.0], &[false, true, true]);
        assert_eq!(t.len(), 10);
        assert_eq!((t[0].rows, t[0].events), (1, 0));
        assert_eq!((t[9].rows, t[9].events), (2, 2));
        assert_eq!(t[9].observed_rate, Some(1.0));
        assert_eq!(t[5].mean_predicted, None);
    }

    #[test]
    fn within_athlete_auc_ignores_pairs_across_athletes() {
        // Athlete 0 always scores high, athlete 1 low; within each, the event ranks last.
        let rows = [
            Scored {
                athlete: 0,
                p: 0.9,
                y: false,
            },
            Scored {
                athlete: 0,
                p: 0.8,
                y: true,
            },
            Scored {
                athlete: 1,
                p: 0.2,
                y: false,
            },
            Scored {
                athlete: 1,
                p: 0.1,
                y: true,
            },
        ];
        assert_eq!(within_athlete_auc(&rows), Some(0.0));
        let p: Vec<f64> = rows.iter().map(|r| r.p).collect();
        let y: Vec<bool> = rows.iter().map(|r| r.y).collect();
        // Pooled, only the pair (0.8 event, 0.2 non-event) is ordered right: 1 of 4.
        assert_eq!(roc_auc(&p, &y), Some(0.25));
        let ci = bootstrap_athletes(&rows, 200, 7, brier).unwrap();
        assert!(ci.low <= ci.high);
    }
}
