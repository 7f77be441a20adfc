//! Gradient-boosted trees for a binary outcome (Friedman 2001, "Greedy function
//! approximation: a gradient boosting machine", Ann. Stat. 29:1189, algorithm 5,
//! "LK_TreeBoost"), built on smartcore 0.7's regression trees, with shrinkage
//! and a sample per tree (Friedman 2002, "Stochastic gradient boosting",
//! Comput. Stat. Data Anal. 38:367).
//!
//! The model is a log-odds `F(x) = F0 + sum_m nu * gamma_m(x)`:
//! 1. `F0 = ln(p / (1 - p))` with `p` the rows' event rate;
//! 2. for each tree m: every row's probability `p_i = sigmoid(F(x_i))` and
//!    residual `r_i = y_i - p_i` (the negative gradient of the log loss); a
//!    smartcore `DecisionTreeRegressor` is fitted to the residuals of the
//!    tree's sample by least squares; each leaf's value is then replaced by one
//!    Newton step, `gamma = sum r_i / sum p_i (1 - p_i)` over the sample's rows
//!    in it (Friedman's eq. 23), and `F` moves by `nu * gamma`.
//!
//! The sample of each tree holds every positive row and, of the negatives, a
//! share `min(subsample, max_negatives / negatives)`, each drawn negative
//! weighing the inverse of that share in the tree's fit and in its leaf values,
//! so the sample's sums estimate the whole data's. Draws hash (seed, tree,
//! athlete, day): the same rows give the same model on every run.
//!
//! Missing values take the training mean (the missingness indicators are
//! columns of their own), as in the forest ([`super::forest`]); columns that do
//! not vary are left out of the fit. Scoring walks each tree by hand, without
//! smartcore, and sums in tree order, so natively and in wasm it gives the
//! same bits. Platt scaling of `F` on a later slice gives the probability
//! ([`super::artifact`]).

use serde::{Deserialize, Serialize};

use super::calibration::sigmoid;
use super::evaluation::SplitMix64;
use super::forest::CompactTree;
use super::logistic::Standardiser;
use super::{Budget, ModelError};

/// Boosting settings; the defaults are the textbook ones (100 trees of depth
/// 3, shrinkage 0.1, half the rows per tree), not tuned to any data set.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BoostOptions {
    /// Number of trees.
    pub trees: u16,
    /// Depth of each tree.
    pub max_depth: u16,
    /// Shrinkage `nu` applied to every tree's values.
    #[serde(with = "super::exact")]
    pub learning_rate: f64,
    /// Fewest rows in a leaf.
    pub min_samples_leaf: usize,
    /// Share of the negative rows in each tree's sample (every positive is in).
    #[serde(with = "super::exact")]
    pub subsample: f64,
    /// Most negatives in a tree's sample; on a large data set the share drops.
    pub max_negatives: usize,
    /// Largest size of a leaf's Newton step, so a leaf of near-certain rows
    /// cannot send the log-odds to infinity.
    #[serde(with = "super::exact")]
    pub max_step: f64,
    /// Seed of the samples and of smartcore's tie-breaking.
    pub seed: u64,
}

impl Default for BoostOptions {
    fn default() -> Self {
        Self {
            trees: 100,
            max_depth: 3,
            learning_rate: 0.1,
            min_samples_leaf: 20,
            subsample: 0.5,
            max_negatives: 2_000,
            max_step: 4.0,
            seed: 20_200_102,
        }
    }
}

/// The fitted boosted trees: the log-odds is `intercept` plus the sum of each
/// tree's leaf value (shrinkage included).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoostedTrees {
    /// `F0`, the log-odds of the training event rate.
    #[serde(with = "super::exact")]
    pub intercept: f64,
    /// The trees; a leaf's `value` is `nu * gamma`.
    pub trees: Vec<CompactTree>,
}

// Mirrors of smartcore's serde layout of a regression tree, reading only the
// fields needed.
#[derive(Deserialize)]
struct SmartRegressor {
    tree_regressor: Option<SmartTree>,
}

#[derive(Deserialize)]
struct SmartTree {
    nodes: Vec<SmartNode>,
}

#[derive(Deserialize)]
struct SmartNode {
    split_feature: usize,
    split_value: Option<f64>,
    true_child: Option<usize>,
    false_child: Option<usize>,
}

/// One row of the fit: its imputed values (the varying columns), outcome,
/// and the key its draws hash.
struct FitRow {
    values: Vec<f64>,
    y: f64,
    key: u64,
}

impl BoostedTrees {
    /// Fits on `rows` (full feature vectors) with outcomes `y`; `keys` name each
    /// row for the per-tree draws (the same row always has the same key).
    /// `budget` is checked before each tree.
    ///
    /// # Errors
    /// [`ModelError::Fit`] when the rows hold one class only, no column
    /// varies, or smartcore fails or changes its serde layout; the budget's
    /// error when it stops the fit.
    pub fn fit(
        rows: &[&[f64]],
        y: &[bool],
        keys: &[u64],
        standardiser: &Standardiser,
        options: &BoostOptions,
        budget: &Budget,
    ) -> Result<Self, ModelError> {
        use smartcore::linalg::basic::matrix::DenseMatrix;
        use smartcore::tree::decision_tree_regressor::{
            DecisionTreeRegressor, DecisionTreeRegressorParameters,
        };

        if rows.len() != y.len() || rows.len() != keys.len() {
            return Err(ModelError::Fit(format!(
                "{} rows, {} outcomes and {} keys",
                rows.len(),
                y.len(),
                keys.len()
            )));
        }
        let positives = y.iter().filter(|v| **v).count();
        if positives == 0 || positives == y.len() {
            return Err(ModelError::Fit(
                "boosting needs both events and non-events".into(),
            ));
        }
        let p = standardiser.means.len();
        let varying: Vec<usize> = (0..p)
            .filter(|j| {
                let first = rows.first().map(|r| standardiser.imputed(r, *j));
                rows.iter()
                    .any(|r| Some(standardiser.imputed(r, *j)) != first)
            })
            .collect();
        if varying.is_empty() {
            return Err(ModelError::Fit(
                "no feature varies in the boosting rows".into(),
            ));
        }
        let data: Vec<FitRow> = rows
            .iter()
            .zip(y)
            .zip(keys)
            .map(|((r, y), key)| FitRow {
                values: varying
                    .iter()
                    .map(|j| standardiser.imputed(r, *j))
                    .collect(),
                y: f64::from(u8::from(*y)),
                key: *key,
            })
            .collect();
        let rate = positives as f64 / y.len() as f64;
        let intercept = libm::log(rate / (1.0 - rate));
        let negatives = y.len() - positives;
        let share = options
            .subsample
            .min(options.max_negatives as f64 / negatives.max(1) as f64)
            .clamp(1e-6, 1.0);
        let negative_weight = 1.0 / share;
        // Draw a negative when its 53-bit hash falls below the share.
        let threshold = (share * (1u64 << 53) as f64) as u64;
        let mut f: Vec<f64> = vec![intercept; data.len()];
        let mut trees = Vec::with_capacity(usize::from(options.trees));
        let (mut values, mut residuals, mut weights, mut members) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for m in 0..options.trees {
            budget.check()?;
            values.clear();
            residuals.clear();
            weights.clear();
            members.clear();
            for (i, row) in data.iter().enumerate() {
                let weight = if row.y > 0.5 {
                    1.0
                } else {
                    let draw = SplitMix64(options.seed ^ (u64::from(m) << 48) ^ row.key).next_u64();
                    if (draw >> 11) >= threshold {
                        continue;
                    }
                    negative_weight
                };
                values.extend_from_slice(&row.values);
                residuals.push(row.y - sigmoid(f[i]));
                weights.push(weight);
                members.push(i);
            }
            let x = DenseMatrix::new(members.len(), varying.len(), values.clone(), false)
                .map_err(|e| ModelError::Fit(e.to_string()))?;
            let parameters = DecisionTreeRegressorParameters {
                max_depth: Some(options.max_depth),
                min_samples_leaf: options.min_samples_leaf,
                min_samples_split: 2 * options.min_samples_leaf,
                seed: Some(options.seed.wrapping_add(u64::from(m))),
            };
            let fitted: DecisionTreeRegressor<f64, f64, DenseMatrix<f64>, Vec<f64>> =
                DecisionTreeRegressor::fit_with_weights(&x, &residuals, &weights, parameters)
                    .map_err(|e| ModelError::Fit(e.to_string()))?;
            let mut tree = compact(&fitted)?;
            // Newton step per leaf over the sample (Friedman 2001, eq. 23).
            let leaves = tree.value.len();
            let (mut num, mut den) = (vec![0.0; leaves], vec![0.0; leaves]);
            for (k, i) in members.iter().enumerate() {
                let leaf = tree.leaf_of(&data[*i].values);
                let q = sigmoid(f[*i]);
                num[leaf] += weights[k] * residuals[k];
                den[leaf] += weights[k] * q * (1.0 - q);
            }
            for leaf in 0..leaves {
                if tree.true_child[leaf] == 0 {
                    let step = if den[leaf] > 1e-12 {
                        (num[leaf] / den[leaf]).clamp(-options.max_step, options.max_step)
                    } else {
                        0.0
                    };
                    tree.value[leaf] = options.learning_rate * step;
                }
            }
            for (i, row) in data.iter().enumerate() {
                f[i] += tree.value[tree.leaf_of(&row.values)];
            }
            // Back to feature indices for scoring full vectors.
            for node in 0..leaves {
                if tree.true_child[node] != 0 {
                    let column = usize::from(tree.feature[node]);
                    tree.feature[node] = varying
                        .get(column)
                        .and_then(|j| u16::try_from(*j).ok())
                        .ok_or_else(|| {
                        ModelError::Fit("smartcore tree: index out of range".into())
                    })?;
                }
            }
            trees.push(tree);
        }
        Ok(Self { intercept, trees })
    }

    /// The log-odds `F(x)` of full feature vector `x`.
    pub fn decision(&self, standardiser: &Standardiser, x: &[f64]) -> f64 {
        let imputed: Vec<f64> = (0..standardiser.means.len())
            .map(|j| standardiser.imputed(x, j))
            .collect();
        self.trees
            .iter()
            .fold(self.intercept, |acc, t| acc + t.leaf_value(&imputed))
    }

    /// Total number of nodes.
    pub fn nodes(&self) -> usize {
        self.trees.iter().map(|t| t.value.len()).sum()
    }
}

/// A smartcore regression tree in the compact layout, its split features still
/// smartcore's column numbers and its leaf values 0 (set by the caller).
fn compact(
    fitted: &smartcore::tree::decision_tree_regressor::DecisionTreeRegressor<
        f64,
        f64,
        smartcore::linalg::basic::matrix::DenseMatrix<f64>,
        Vec<f64>,
    >,
) -> Result<CompactTree, ModelError> {
    let layout = |e: serde_json::Error| ModelError::Fit(format!("smartcore tree layout: {e}"));
    let value = serde_json::to_value(fitted).map_err(layout)?;
    let tree: SmartRegressor = serde_json::from_value(value).map_err(layout)?;
    let nodes = tree.tree_regressor.map(|t| t.nodes).unwrap_or_default();
    let bad = |what: &str| ModelError::Fit(format!("smartcore tree: {what}"));
    if nodes.is_empty() || nodes.len() > usize::from(u16::MAX) {
        return Err(bad("no nodes, or too many"));
    }
    let n = nodes.len();
    let mut t = CompactTree {
        feature: Vec::with_capacity(n),
        threshold: Vec::with_capacity(n),
        true_child: Vec::with_capacity(n),
        false_child: Vec::with_capacity(n),
        value: vec![0.0; n],
    };
    for node in &nodes {
        match (node.true_child, node.false_child) {
            (Some(tc), Some(fc)) => {
                let (Ok(tc), Ok(fc), Ok(feature)) = (
                    u16::try_from(tc),
                    u16::try_from(fc),
                    u16::try_from(node.split_feature),
                ) else {
                    return Err(bad("index out of range"));
                };
                if usize::from(tc) >= n || usize::from(fc) >= n || tc == 0 {
                    return Err(bad("a child outside the tree"));
                }
                t.feature.push(feature);
                t.threshold.push(node.split_value.unwrap_or(f64::NAN));
                t.true_child.push(tc);
                t.false_child.push(fc);
            }
            _ => {
                t.feature.push(0);
                t.threshold.push(0.0);
                t.true_child.push(0);
                t.false_child.push(0);
            }
        }
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step in one column: below 0.5 the event rate is 2%, above it 30%.
    fn step_data() -> (Vec<Vec<f64>>, Vec<bool>) {
        let mut rng = SplitMix64(3);
        let mut rows = Vec::new();
        let mut y = Vec::new();
        for i in 0..4000 {
            let a = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let noise = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let rate = if a > 0.5 { 0.3 } else { 0.02 };
            rows.push(vec![a, noise, f64::from(i % 7)]);
            y.push(((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < rate);
        }
        (rows, y)
    }

    #[test]
    fn boosting_recovers_a_step_in_the_log_odds() {
        let (rows, y) = step_data();
        let refs: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
        let keys: Vec<u64> = (0..rows.len() as u64).collect();
        let s = Standardiser::fit(&refs, 3);
        let model = BoostedTrees::fit(
            &refs,
            &y,
            &keys,
            &s,
            &BoostOptions::default(),
            &Budget::unlimited(),
        )
        .unwrap();
        let p = |a: f64| sigmoid(model.decision(&s, &[a, 0.5, 3.0]));
        // The published rates, within the noise of 2,000 rows each side.
        assert!((p(0.8) - 0.3).abs() < 0.06, "{}", p(0.8));
        assert!((p(0.2) - 0.02).abs() < 0.02, "{}", p(0.2));
        // A missing value takes the mean and scores like it.
        let mean = s.means[0];
        assert_eq!(
            model.decision(&s, &[f64::NAN, 0.5, 3.0]).to_bits(),
            model.decision(&s, &[mean, 0.5, 3.0]).to_bits()
        );
        // The same rows give the same trees, bit for bit.
        let again = BoostedTrees::fit(
            &refs,
            &y,
            &keys,
            &s,
            &BoostOptions::default(),
            &Budget::unlimited(),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            serde_json::to_string(&again).unwrap()
        );
    }

    #[test]
    fn boosting_refuses_one_class() {
        let rows = [vec![1.0], vec![2.0]];
        let refs: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
        let s = Standardiser::fit(&refs, 1);
        let err = BoostedTrees::fit(
            &refs,
            &[false, false],
            &[0, 1],
            &s,
            &BoostOptions::default(),
            &Budget::unlimited(),
        );
        assert!(matches!(err, Err(ModelError::Fit(_))));
    }
}
