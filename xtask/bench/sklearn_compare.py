"""scikit-learn on Forma's own feature matrix, on Forma's own backtest folds.

Reads the CSV `forma export features` writes (one row per athlete and day, with
`target` and `left_out`) and `forma backtest --json`'s card, rebuilds the two
backtest schemes exactly as forma-core's `model::backtest::folds` does (forward
in time: cuts at the days of the positive rows' k/(F+1) quantiles, the 7 days
before a cut purged from training; athletes held out: athletes shuffled by
SplitMix64 with the card's seed and dealt into folds), fits scikit-learn models
on every fold and prints, beside Forma's figures from the card, the pooled ROC
AUC, PR AUC and within-athlete AUC of each. The point is to show whether Forma's
fitting (smartcore, by hand) loses skill that standard tools find on the same
rows. First it prints Forma's own figures from the card, every model and
baseline with its athlete-bootstrap interval, and it stops with an error when
the folds rebuilt here do not hold the rows and events of Forma's folds.

usage: python sklearn_compare.py FEATURES.csv CARD.json NAME
"""

import json
import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore")
MASK = (1 << 64) - 1


class SplitMix64:
    """forma-core's generator (model::evaluation::SplitMix64), bit for bit."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next_u64() % n


def forward_folds(day, label, folds, purge=7):
    events = np.sort(day[label == 1])
    if len(events) == 0:
        events = np.sort(day)
    cuts = []
    for k in range(1, folds + 1):
        cut = events[k * len(events) // (folds + 1)]
        if not cuts or cuts[-1] != cut:
            cuts.append(cut)
    out = []
    for k, cut in enumerate(cuts):
        to = cuts[k + 1] if k + 1 < len(cuts) else np.iinfo(np.int64).max
        out.append((day + purge < cut, (day >= cut) & (day < to)))
    return out


def athlete_folds(athlete_index, n_athletes, folds, seed):
    f = min(max(folds, 2), max(n_athletes, 2))
    order = list(range(n_athletes))
    rng = SplitMix64(seed)
    for i in range(n_athletes - 1, 0, -1):
        j = rng.below(i + 1)
        order[i], order[j] = order[j], order[i]
    fold_of = [0] * n_athletes
    for k, a in enumerate(order):
        fold_of[a] = k % f
    fold = np.array([fold_of[a] for a in athlete_index])
    return [(fold != k, fold == k) for k in range(f)]


def within_athlete_auc(p, y, a):
    correct = pairs = 0.0
    for g in np.unique(a):
        m = a == g
        pos = y[m].sum()
        neg = m.sum() - pos
        if pos > 0 and neg > 0:
            correct += roc_auc_score(y[m], p[m]) * pos * neg
            pairs += pos * neg
    return correct / pairs if pairs else float("nan")


def models(penalty):
    def ridge(n):
        # Forma's objective: balanced rows, lambda on the mean loss = 1 / (C n).
        return make_pipeline(
            SimpleImputer(),
            StandardScaler(),
            LogisticRegression(C=1.0 / (penalty * n), class_weight="balanced", max_iter=5000),
        )

    def lr_c1(n):
        return make_pipeline(
            SimpleImputer(), StandardScaler(), LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
        )

    return [
        ("logistic regression, Forma's penalty", ridge, False),
        ("logistic regression, C = 1", lr_c1, False),
        (
            "random forest, Forma's settings (40 trees, depth 4, leaf 20)",
            lambda n: RandomForestClassifier(
                n_estimators=40, max_depth=4, min_samples_leaf=20, class_weight="balanced_subsample", random_state=0
            ),
            True,
        ),
        (
            "random forest, 200 trees, leaf 20",
            lambda n: RandomForestClassifier(
                n_estimators=200, min_samples_leaf=20, class_weight="balanced_subsample", random_state=0
            ),
            True,
        ),
        (
            "gradient boosting, Forma's settings (100 x depth 3, 0.1, half the rows)",
            lambda n: GradientBoostingClassifier(
                n_estimators=100, max_depth=3, learning_rate=0.1, min_samples_leaf=20, subsample=0.5, random_state=0
            ),
            True,
        ),
        ("histogram gradient boosting, defaults", lambda n: HistGradientBoostingClassifier(random_state=0), False),
    ]


SCORERS = [
    ("logistic", "logistic regression"),
    ("forest", "random forest"),
    ("boosted", "gradient-boosted trees"),
    ("base_rate", "base rate"),
    ("ratio_rule", "ACWR > 1.5 rule"),
    ("acute_load", "acute load alone (LR)"),
    ("history_only", "history only (earlier episodes)"),
]
SCHEMES = [("forward_in_time", "forward in time"), ("athletes_held_out", "athletes held out")]


def cell(overall, key, digits=3):
    value, ci = overall.get(key), overall.get(key + "_ci")
    if value is None:
        return "n/a"
    if ci is None:
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} [{ci['low']:.{digits}f}, {ci['high']:.{digits}f}]"


def print_forma_card(card, name):
    """Forma's backtests as the card holds them, with 95% athlete-bootstrap intervals."""
    print(f"## {name}: Forma's backtests (`forma backtest --json`)\n")
    data = card["data"]
    print(
        f"{data['athletes']} athletes, {data['rows']} training rows, {data['positive_rows']} positive, "
        f"{data['episodes']} episodes; primary model: {card['primary']} ({card['primary_choice']['reason']})\n"
    )
    for scheme, title in SCHEMES:
        result = card["backtests"][scheme]
        print(f"{title}:\n")
        print("| model | rows | positive | ROC AUC [95% CI] | PR AUC [95% CI] | Brier [95% CI] | within-athlete AUC [95% CI] (athletes) |")
        print("| --- | --- | --- | --- | --- | --- | --- |")
        by_key = {r["scorer"]: r["overall"] for r in result["scorers"]}
        for key, label in SCORERS:
            o = by_key.get(key)
            if o is None:
                continue
            within = cell(o, "within_athlete_auc")
            print(
                f"| {label} | {o['rows']} | {o['events']} | {cell(o, 'roc_auc')} | {cell(o, 'pr_auc')} | "
                f"{cell(o, 'brier', 4)} | {within} ({o.get('athletes_with_both', 'n/a')}) |"
            )
        print()


def check_folds(card, scheme, folds, y):
    """The folds rebuilt here hold the rows and events of Forma's, fold by fold."""
    theirs = [
        (f["train_rows"], f["train_events"], f["test_rows"], f["test_events"])
        for f in card["backtests"][scheme]["folds"]
    ]
    ours = [(int(tr.sum()), int(y[tr].sum()), int(te.sum()), int(y[te].sum())) for tr, te in folds]
    if theirs != ours:
        sys.exit(f"{scheme}: the folds rebuilt here {ours} are not Forma's {theirs}")


def forma_figures(card, scheme):
    out = {}
    for r in card["backtests"][scheme]["scorers"]:
        o = r["overall"]
        out[r["scorer"]] = (o["roc_auc"], o["pr_auc"], o["within_athlete_auc"])
    return out


def main():
    features, card_path, name = sys.argv[1], sys.argv[2], sys.argv[3]
    card = json.load(open(card_path))
    df = pd.read_csv(features)
    athletes = sorted(df.athlete_id.unique())
    index_of = {a: i for i, a in enumerate(athletes)}
    df = df[df.left_out.isna()].copy()
    df["day"] = (pd.to_datetime(df.date) - pd.Timestamp("1970-01-01")).dt.days
    columns = [c for c in df.columns if c not in ("athlete_id", "date", "target", "left_out", "day")]
    x = df[columns].values.astype(float)
    # Columns with nothing in them carry nothing (and trip the imputer).
    keep = ~np.all(np.isnan(x), axis=0)
    x = x[:, keep]
    x_trees = np.where(np.isnan(x), -1e9, x)
    y = df.target.values.astype(int)
    day = df.day.values
    athlete = df.athlete_id.map(index_of).values
    # forma-core's TrainOptions::default(), which `forma backtest` uses.
    penalty, forward, by_athlete, seed = 0.1, 3, 4, 7
    print_forma_card(card, name)
    schemes = [
        ("forward_in_time", forward_folds(day, y, forward)),
        ("athletes_held_out", athlete_folds(athlete, len(athletes), by_athlete, seed)),
    ]
    for scheme, folds in schemes:
        check_folds(card, scheme, folds, y)
    print(f"## {name}: scikit-learn on `forma export features`, Forma's folds\n")
    print(
        f"{len(df)} training rows, {int(y.sum())} positive, {len(athletes)} athletes, {x.shape[1]} columns "
        "(the export's columns with any value); the folds hold the same rows and events as Forma's\n"
    )
    print(
        "| model | forward ROC AUC | forward PR AUC | forward within-athlete "
        "| held-out ROC AUC | held-out PR AUC | held-out within-athlete |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    forma = {s: forma_figures(card, s) for s, _ in schemes}
    for key, label in SCORERS:
        if key in ("base_rate", "ratio_rule", "acute_load"):
            continue
        cells = []
        for s, _ in schemes:
            figures = forma[s].get(key, (None, None, None))
            cells += [f"{v:.3f}" if v is not None else "n/a" for v in figures]
        print(f"| Forma: {label} | " + " | ".join(cells) + " |")
    for label, make, trees in models(penalty):
        cells = []
        for _, folds in schemes:
            scores, labels, who = [], [], []
            for train, test in folds:
                if y[train].sum() == 0 or y[train].sum() == train.sum() or y[test].sum() == 0:
                    continue
                model = make(int(train.sum()))
                data = x_trees if trees else x
                model.fit(data[train], y[train])
                scores.append(model.predict_proba(data[test])[:, 1])
                labels.append(y[test])
                who.append(athlete[test])
            p, t, a = np.concatenate(scores), np.concatenate(labels), np.concatenate(who)
            cells += [
                f"{roc_auc_score(t, p):.3f}",
                f"{average_precision_score(t, p):.3f}",
                f"{within_athlete_auc(p, t, a):.3f}",
            ]
        print(f"| scikit-learn: {label} | " + " | ".join(cells) + " |", flush=True)
    print()


if __name__ == "__main__":
    main()
