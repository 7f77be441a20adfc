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
//!   [`AthleteResamples`] gives the same figures as [`bootstrap_athletes`] in
//!   O(n) per resample: a resample is a weight per athlete (how often it was
//!   drawn), and the rank metrics sweep one sort of the rows made beforehand.
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
    percentile_interval(values, resamples)
}

/// Percentile interval of sorted metric values, as [`bootstrap_athletes`] takes it.
fn percentile_interval(mut values: Vec<f64>, resamples: usize) -> Option<Interval> {
    if values.len() * 2 < resamples.max(1) {
        return None;
    }
    values.sort_by(f64::total_cmp);
    Some(Interval {
        low: crate::stats::sorted_nearest_rank(&values, 0.025),
        high: crate::stats::sorted_nearest_rank(&values, 0.975),
    })
}

/// Bounds (from, to) of a run of rows with equal scores in a sorted order.
type Run = (usize, usize);

/// The athlete resamples of [`bootstrap_athletes`] (same seed, same draws), made
/// once and shared by every metric of a set of rows.
///
/// A resample is a count per athlete: how often it was drawn. ROC AUC and
/// average precision then come from one sort of the rows, each row weighted by
/// its athlete's count, in O(n) per resample instead of sorting a materialised
/// copy. The figures are bit for bit those of [`bootstrap_athletes`]: the AUC
/// is the same exact rational (`U / (n+ n-)`, with integer and half-integer
/// sums that `f64` holds exactly) divided once, average precision sums the same
/// terms in the same order, and the Brier score walks the draws in order.
#[derive(Debug, Clone)]
pub struct AthleteResamples {
    /// Dense athlete number of each row.
    athlete_of_row: Vec<usize>,
    /// Rows of each athlete, in input order.
    rows_of_athlete: Vec<Vec<usize>>,
    /// Each resample's drawn athletes, in draw order.
    draws: Vec<Vec<usize>>,
}

impl AthleteResamples {
    /// Draws `resamples` resamples of the athletes of `rows` with `seed`.
    pub fn draw(rows: &[Scored], resamples: usize, seed: u64) -> Self {
        let mut athletes: Vec<usize> = rows.iter().map(|r| r.athlete).collect();
        athletes.sort_unstable();
        athletes.dedup();
        let mut rows_of_athlete = vec![Vec::new(); athletes.len()];
        let mut athlete_of_row = Vec::with_capacity(rows.len());
        for (i, r) in rows.iter().enumerate() {
            let a = athletes
                .binary_search(&r.athlete)
                .expect("every row's athlete is listed");
            rows_of_athlete[a].push(i);
            athlete_of_row.push(a);
        }
        let mut rng = SplitMix64(seed);
        let draws = if athletes.is_empty() {
            Vec::new()
        } else {
            (0..resamples)
                .map(|_| {
                    (0..athletes.len())
                        .map(|_| rng.below(athletes.len()))
                        .collect()
                })
                .collect()
        };
        Self {
            athlete_of_row,
            rows_of_athlete,
            draws,
        }
    }

    fn resamples(&self) -> usize {
        self.draws.len()
    }

    /// How often each athlete was drawn in resample `k`.
    fn counts(&self, k: usize, counts: &mut Vec<usize>) {
        counts.clear();
        counts.resize(self.rows_of_athlete.len(), 0);
        for a in &self.draws[k] {
            counts[*a] += 1;
        }
    }

    /// The rows in ascending score order, as (athlete number, outcome), and
    /// the bounds of each run of equal scores. Sweeping these in order reads
    /// memory in sequence; only the small table of counts is looked up.
    fn tie_groups(&self, rows: &[Scored]) -> (Vec<(usize, bool)>, Vec<Run>) {
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by(|a, b| rows[*a].p.total_cmp(&rows[*b].p));
        let mut groups = Vec::new();
        let mut i = 0;
        while i < order.len() {
            let mut j = i + 1;
            while j < order.len() && rows[order[j]].p == rows[order[i]].p {
                j += 1;
            }
            groups.push((i, j));
            i = j;
        }
        let sorted = order
            .iter()
            .map(|i| (self.athlete_of_row[*i], rows[*i].y))
            .collect();
        (sorted, groups)
    }

    fn check(&self, rows: &[Scored]) {
        assert_eq!(
            rows.len(),
            self.athlete_of_row.len(),
            "the rows the resamples were drawn for"
        );
    }

    /// Interval of [`roc_auc`] (`None` as [`bootstrap_athletes`] gives it).
    ///
    /// # Panics
    /// When `rows` are not as many as the rows the resamples were drawn for.
    pub fn roc_auc(&self, rows: &[Scored]) -> Option<Interval> {
        self.check(rows);
        if self.rows_of_athlete.is_empty() {
            return None;
        }
        let (sorted, groups) = self.tie_groups(rows);
        let mut counts = Vec::new();
        let mut values = Vec::with_capacity(self.resamples());
        for k in 0..self.resamples() {
            self.counts(k, &mut counts);
            // U = sum over events of (non-events below + half the tied ones).
            let (mut u, mut below, mut pos) = (0.0f64, 0usize, 0usize);
            for (from, to) in &groups {
                let (mut wp, mut wn) = (0usize, 0usize);
                for (athlete, y) in &sorted[*from..*to] {
                    let w = counts[*athlete];
                    if *y {
                        wp += w;
                    } else {
                        wn += w;
                    }
                }
                u += wp as f64 * (below as f64 + wn as f64 / 2.0);
                below += wn;
                pos += wp;
            }
            if pos > 0 && below > 0 {
                values.push(u / (pos as f64 * below as f64));
            }
        }
        percentile_interval(values, self.resamples())
    }

    /// Interval of [`average_precision`].
    ///
    /// # Panics
    /// When `rows` are not as many as the rows the resamples were drawn for.
    pub fn average_precision(&self, rows: &[Scored]) -> Option<Interval> {
        self.check(rows);
        if self.rows_of_athlete.is_empty() {
            return None;
        }
        let (sorted, groups) = self.tie_groups(rows);
        let mut events_of_athlete = vec![0usize; self.rows_of_athlete.len()];
        for (athlete, y) in &sorted {
            events_of_athlete[*athlete] += usize::from(*y);
        }
        let mut counts = Vec::new();
        let mut values = Vec::with_capacity(self.resamples());
        for k in 0..self.resamples() {
            self.counts(k, &mut counts);
            let pos: usize = counts
                .iter()
                .zip(&events_of_athlete)
                .map(|(c, e)| c * e)
                .sum();
            if pos == 0 {
                continue;
            }
            // From the highest score down, one threshold per run of equal scores
            // present in the resample.
            let (mut tp, mut seen, mut ap, mut last_recall) = (0usize, 0usize, 0.0, 0.0);
            for (from, to) in groups.iter().rev() {
                let before = seen;
                for (athlete, y) in &sorted[*from..*to] {
                    let w = counts[*athlete];
                    seen += w;
                    if *y {
                        tp += w;
                    }
                }
                if seen == before {
                    continue;
                }
                let recall = tp as f64 / pos as f64;
                ap += (recall - last_recall) * (tp as f64 / seen as f64);
                last_recall = recall;
            }
            values.push(ap);
        }
        percentile_interval(values, self.resamples())
    }

    /// Interval of [`within_athlete_auc`]: each drawn athlete adds its own
    /// pairs, so an athlete drawn twice counts twice (each draw a cluster of
    /// its own, as in the cluster bootstrap).
    ///
    /// # Panics
    /// When `rows` are not as many as the rows the resamples were drawn for.
    pub fn within_athlete_auc(&self, rows: &[Scored]) -> Option<Interval> {
        self.check(rows);
        // Per athlete: (pairs ordered right, pairs), once.
        let per: Vec<(f64, f64)> = self
            .rows_of_athlete
            .iter()
            .map(|idx| {
                let scores: Vec<f64> = idx.iter().map(|i| rows[*i].p).collect();
                let labels: Vec<bool> = idx.iter().map(|i| rows[*i].y).collect();
                let pos = labels.iter().filter(|y| **y).count() as f64;
                let neg = labels.len() as f64 - pos;
                roc_auc(&scores, &labels).map_or((0.0, 0.0), |auc| (auc * pos * neg, pos * neg))
            })
            .collect();
        if per.iter().all(|(_, pairs)| *pairs == 0.0) {
            return None;
        }
        let mut values = Vec::with_capacity(self.resamples());
        for draw in &self.draws {
            let (mut correct, mut pairs) = (0.0, 0.0);
            for a in draw {
                correct += per[*a].0;
                pairs += per[*a].1;
            }
            if pairs > 0.0 {
                values.push(correct / pairs);
            }
        }
        percentile_interval(values, self.resamples())
    }

    /// Interval of [`brier`] (of `rows`' `p` as a probability).
    ///
    /// # Panics
    /// When `rows` are not as many as the rows the resamples were drawn for.
    pub fn brier(&self, rows: &[Scored]) -> Option<Interval> {
        self.check(rows);
        if self.rows_of_athlete.is_empty() {
            return None;
        }
        let mut values = Vec::with_capacity(self.resamples());
        for draw in &self.draws {
            let mut n = 0usize;
            let sum: f64 = draw
                .iter()
                .flat_map(|a| &self.rows_of_athlete[*a])
                .map(|i| {
                    n += 1;
                    let r = &rows[*i];
                    (r.p - f64::from(u8::from(r.y))).powi(2)
                })
                .sum();
            if n > 0 {
                values.push(sum / n as f64);
            }
        }
        percentile_interval(values, self.resamples())
    }
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

    #[test]
    fn resamples_give_the_intervals_of_materialised_resamples_to_the_bit() {
        // Scores on a coarse grid (many ties, some across athletes), events rare,
        // athletes of unequal size, one athlete without events.
        let mut rng = SplitMix64(42);
        let rows: Vec<Scored> = (0..3000)
            .map(|i| {
                let athlete = [3, 3, 3, 5, 8, 8, 13, 21, 21, 21, 34][i % 11];
                let p = (rng.below(40) as f64) / 40.0;
                let y = athlete != 34 && rng.below(100) < 4 + (p * 20.0) as usize;
                Scored { athlete, p, y }
            })
            .collect();
        for seed in [7, 8] {
            let resamples = AthleteResamples::draw(&rows, 200, seed);
            let bits = |i: Option<Interval>| i.map(|i| (i.low.to_bits(), i.high.to_bits()));
            assert_eq!(
                bits(resamples.roc_auc(&rows)),
                bits(bootstrap_athletes(&rows, 200, seed, roc_auc))
            );
            assert_eq!(
                bits(resamples.average_precision(&rows)),
                bits(bootstrap_athletes(&rows, 200, seed, average_precision))
            );
            assert_eq!(
                bits(resamples.brier(&rows)),
                bits(bootstrap_athletes(&rows, 200, seed, brier))
            );
            assert!(resamples.roc_auc(&rows).is_some());
        }
        // Too few resamples define the metric: none, as before.
        let no_events: Vec<Scored> = rows.iter().map(|r| Scored { y: false, ..*r }).collect();
        assert_eq!(
            AthleteResamples::draw(&no_events, 50, 7).roc_auc(&no_events),
            None
        );
        assert_eq!(AthleteResamples::draw(&[], 50, 7).brier(&[]), None);
    }
}
