//! A small random forest (Breiman 2001) for the browser: fitted by smartcore 0.7,
//! then re-encoded compactly so that scoring needs neither smartcore nor its
//! serde layout.
//!
//! smartcore keeps its trees private; a serde round trip (`serde_json::to_value`)
//! reads each node's split feature, split value, children and Gini impurity. A
//! tree sends a row to the *true* child when `x[feature] <= threshold`, as
//! smartcore does. smartcore's leaves store only the majority class, so each
//! leaf's share of positives is recovered from its Gini impurity: for two classes
//! `g = 2 q (1 - q)` with q the majority share, hence
//! `q = (1 + sqrt(1 - 2 g)) / 2`, and the positive share is q or 1 - q. (Shares
//! are of the tree's bootstrap sample, counted with multiplicity.) The forest's
//! score is the mean positive share over the trees, a smoother quantity than the
//! share of trees voting yes; Platt scaling turns it into a probability.
//!
//! Missing values (`NaN`) take the training mean before a tree sees them; each
//! missingness indicator is a column of its own. Columns that do not vary in
//! the rows are left out of the fit: no tree can split on them, a node whose
//! drawn candidates were all constant could not split at all, and smartcore
//! sorts every column it is given for every tree (the fit's main cost).

use serde::{Deserialize, Serialize};

use super::logistic::Standardiser;
use super::ModelError;

/// Forest settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ForestOptions {
    /// Number of trees.
    pub trees: u16,
    /// Maximum depth (a depth-d tree has at most 2^(d+1) - 1 nodes).
    pub max_depth: u16,
    /// Fewest (bootstrap-weighted) rows in a leaf.
    pub min_samples_leaf: usize,
    /// Seed of smartcore's generator (native builds only give the same forest)
    /// and of the sample of negatives.
    pub seed: u64,
    /// Most negative rows the forest is fitted on; above it, a fixed sample
    /// (`None`, in artifacts trained before this setting existed: all of them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_negatives: Option<usize>,
}

impl Default for ForestOptions {
    fn default() -> Self {
        Self {
            trees: 40,
            max_depth: 4,
            min_samples_leaf: 20,
            seed: 20_200_101,
            max_negatives: Some(2_000),
        }
    }
}

/// One tree as parallel arrays indexed by node (node 0 is the root).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompactTree {
    /// Split feature of each node (0 for a leaf).
    pub feature: Vec<u16>,
    /// Split threshold: go to `true_child` when `x <= threshold` (0 for a leaf).
    #[serde(with = "super::exact_vec")]
    pub threshold: Vec<f64>,
    /// Child for `x <= threshold`; 0 marks a leaf (the root is never a child).
    pub true_child: Vec<u16>,
    /// Child for `x > threshold`.
    pub false_child: Vec<u16>,
    /// Share of positives at a leaf (0 for an inner node).
    #[serde(with = "super::exact_vec")]
    pub value: Vec<f64>,
}

impl CompactTree {
    /// The index of the leaf `x` falls into; `x` already imputed. A malformed
    /// tree (a child out of range) stops at the node it reached.
    pub(crate) fn leaf_of(&self, x: &[f64]) -> usize {
        let mut node = 0usize;
        // At most as many steps as nodes, so a malformed tree cannot loop forever.
        for _ in 0..self.value.len() {
            let t = usize::from(self.true_child[node]);
            if t == 0 {
                return node;
            }
            let v = x
                .get(usize::from(self.feature[node]))
                .copied()
                .unwrap_or(0.0);
            let next = if v <= self.threshold[node] {
                t
            } else {
                usize::from(self.false_child[node])
            };
            if next >= self.value.len() {
                return node;
            }
            node = next;
        }
        node
    }

    /// The value of the leaf `x` falls into (0 when a malformed tree ends at
    /// an inner node); `x` already imputed.
    pub(crate) fn leaf_value(&self, x: &[f64]) -> f64 {
        let node = self.leaf_of(x);
        if self.true_child[node] == 0 {
            self.value[node]
        } else {
            0.0
        }
    }
}

/// The compact forest: the mean positive share of its trees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompactForest {
    /// The trees.
    pub trees: Vec<CompactTree>,
}

// Mirrors of smartcore's serde layout, reading only the fields needed.
#[derive(Deserialize)]
struct SmartForest {
    trees: Option<Vec<SmartTree>>,
}

#[derive(Deserialize)]
struct SmartTree {
    nodes: Vec<SmartNode>,
    classes: Vec<i32>,
}

#[derive(Deserialize)]
struct SmartNode {
    output: usize,
    split_feature: usize,
    split_value: Option<f64>,
    true_child: Option<usize>,
    false_child: Option<usize>,
    impurity: Option<f64>,
}

impl CompactForest {
    /// Fits a forest on `rows` (full feature vectors, imputed with `standardiser`'s
    /// means) and outcomes `y`.
    ///
    /// # Errors
    /// [`ModelError::Fit`] when smartcore cannot fit, or its serde layout is not
    /// the one this module reads.
    pub fn fit(
        rows: &[&[f64]],
        y: &[bool],
        standardiser: &Standardiser,
        options: &ForestOptions,
    ) -> Result<Self, ModelError> {
        use smartcore::ensemble::random_forest_classifier::{
            RandomForestClassifier, RandomForestClassifierParameters,
        };
        use smartcore::linalg::basic::matrix::DenseMatrix;

        let p = standardiser.means.len();
        // Only the columns that vary: no tree can split on the others, and
        // smartcore sorts every column it is given for every tree.
        let varying: Vec<usize> = (0..p)
            .filter(|j| {
                let first = rows.first().map(|r| standardiser.imputed(r, *j));
                rows.iter()
                    .any(|r| Some(standardiser.imputed(r, *j)) != first)
            })
            .collect();
        if varying.is_empty() {
            return Err(ModelError::Fit(
                "no feature varies in the forest's rows".into(),
            ));
        }
        let mut values = Vec::with_capacity(rows.len() * varying.len());
        for r in rows {
            for j in &varying {
                values.push(standardiser.imputed(r, *j));
            }
        }
        let x = DenseMatrix::new(rows.len(), varying.len(), values, false)
            .map_err(|e| ModelError::Fit(e.to_string()))?;
        let labels: Vec<i32> = y.iter().map(|v| i32::from(*v)).collect();
        let parameters = RandomForestClassifierParameters {
            max_depth: Some(options.max_depth),
            min_samples_leaf: options.min_samples_leaf,
            min_samples_split: 2 * options.min_samples_leaf,
            n_trees: options.trees,
            seed: options.seed,
            ..RandomForestClassifierParameters::default()
        };
        let fitted: RandomForestClassifier<f64, i32, DenseMatrix<f64>, Vec<i32>> =
            RandomForestClassifier::fit(&x, &labels, parameters)
                .map_err(|e| ModelError::Fit(e.to_string()))?;
        let layout =
            |e: serde_json::Error| ModelError::Fit(format!("smartcore forest layout: {e}"));
        let value = serde_json::to_value(&fitted).map_err(layout)?;
        let forest: SmartForest = serde_json::from_value(value).map_err(layout)?;
        let trees = forest
            .trees
            .unwrap_or_default()
            .into_iter()
            .map(|t| compact(t, &varying))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self { trees })
    }

    /// Mean positive share over the trees for full feature vector `x`.
    pub fn score(&self, standardiser: &Standardiser, x: &[f64]) -> f64 {
        if self.trees.is_empty() {
            return 0.0;
        }
        let imputed: Vec<f64> = (0..standardiser.means.len())
            .map(|j| standardiser.imputed(x, j))
            .collect();
        let sum: f64 = self.trees.iter().map(|t| t.leaf_value(&imputed)).sum();
        sum / self.trees.len() as f64
    }

    /// Each tree's positive share for full feature vector `x`, in tree order (their
    /// mean is [`CompactForest::score`]): the spread says how much the trees agree.
    pub fn tree_scores(&self, standardiser: &Standardiser, x: &[f64]) -> Vec<f64> {
        let imputed: Vec<f64> = (0..standardiser.means.len())
            .map(|j| standardiser.imputed(x, j))
            .collect();
        self.trees.iter().map(|t| t.leaf_value(&imputed)).collect()
    }

    /// Total number of nodes.
    pub fn nodes(&self) -> usize {
        self.trees.iter().map(|t| t.value.len()).sum()
    }
}

/// One smartcore tree in the compact layout; `columns` maps smartcore's column
/// numbers to feature indices.
fn compact(tree: SmartTree, columns: &[usize]) -> Result<CompactTree, ModelError> {
    let bad = |what: &str| ModelError::Fit(format!("smartcore tree: {what}"));
    if tree.nodes.len() > usize::from(u16::MAX) {
        return Err(bad("too many nodes"));
    }
    let positive_class = tree.classes.iter().position(|c| *c == 1);
    let n = tree.nodes.len();
    let mut t = CompactTree {
        feature: Vec::with_capacity(n),
        threshold: Vec::with_capacity(n),
        true_child: Vec::with_capacity(n),
        false_child: Vec::with_capacity(n),
        value: Vec::with_capacity(n),
    };
    for node in &tree.nodes {
        match (node.true_child, node.false_child) {
            (Some(tc), Some(fc)) => {
                let (Ok(tc), Ok(fc), Ok(feature)) = (
                    u16::try_from(tc),
                    u16::try_from(fc),
                    columns
                        .get(node.split_feature)
                        .and_then(|j| u16::try_from(*j).ok())
                        .ok_or(()),
                ) else {
                    return Err(bad("index out of range"));
                };
                t.feature.push(feature);
                t.threshold.push(node.split_value.unwrap_or(f64::NAN));
                t.true_child.push(tc);
                t.false_child.push(fc);
                t.value.push(0.0);
            }
            _ => {
                let g = node.impurity.unwrap_or(0.0).clamp(0.0, 0.5);
                let majority = (1.0 + (1.0 - 2.0 * g).sqrt()) / 2.0;
                let share = if Some(node.output) == positive_class {
                    majority
                } else {
                    1.0 - majority
                };
                t.feature.push(0);
                t.threshold.push(0.0);
                t.true_child.push(0);
                t.false_child.push(0);
                t.value.push(share);
            }
        }
    }
    Ok(t)
}
