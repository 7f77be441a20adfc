//! Confidence against what happened: calibrated probabilities give confidences
//! that match the weighted share of right calls, and a model trained on the
//! early part of PMData is tabled on the later part as the Model page would.

use forma_core::features::value_index;
use forma_core::model::evaluation::SplitMix64;
use forma_core::model::{train, Dataset};
use forma_core::policy::confidence::{
    backtest_rows, confidence_table, risk_threshold, BacktestRow,
};
use forma_core::policy::PolicyOptions;

use crate::support::{pmdata_dataset, quick_options};

#[test]
fn calibrated_probabilities_give_confidences_that_match_what_happened() {
    // Outcomes drawn with the very probability the model states: calibrated.
    let mut rng = SplitMix64(42);
    let threshold = 0.1;
    let rows: Vec<BacktestRow> = (0..400_000)
        .map(|_| {
            let u = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
            let p = 0.3 * u * u;
            let y = ((rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p;
            BacktestRow {
                probability: p,
                outcome: y,
                completeness: 1.0,
            }
        })
        .collect();
    let table = confidence_table(&backtest_rows(&rows, threshold), 10);
    assert_eq!(table.iter().map(|b| b.rows).sum::<usize>(), rows.len());
    // With complete data no branch is chosen with less than even odds.
    assert!(table[..5].iter().all(|b| b.rows == 0));
    let mut compared = 0;
    for b in table.iter().filter(|b| b.rows >= 5_000) {
        let (c, o) = (b.mean_confidence.unwrap(), b.observed.unwrap());
        assert!(
            (c - o).abs() < 0.03,
            "bin {:.1}-{:.1}: confidence {c:.3}, observed {o:.3}",
            b.from,
            b.to
        );
        compared += 1;
    }
    assert!(compared >= 3, "{table:#?}");

    // Patchy data lowers the confidence, never the observed share: conservative.
    let patchy: Vec<BacktestRow> = rows
        .iter()
        .map(|r| BacktestRow {
            completeness: 0.7,
            ..*r
        })
        .collect();
    let table = confidence_table(&backtest_rows(&patchy, threshold), 10);
    for b in table.iter().filter(|b| b.rows >= 5_000) {
        assert!(b.observed.unwrap() > b.mean_confidence.unwrap());
    }
}

#[test]
fn pmdata_confidence_table_forward_in_time() {
    // Train on decision days before the 70th percentile day, table the rest.
    let data = pmdata_dataset();
    let mut days: Vec<i32> = data.rows.iter().map(|r| r.day).collect();
    days.sort_unstable();
    let cut = days[days.len() * 7 / 10];
    let early = Dataset {
        rows: data
            .rows
            .iter()
            // The 7 days before the cut read outcomes past it.
            .filter(|r| r.day + 7 < cut)
            .cloned()
            .collect(),
        ..data.clone()
    };
    let created: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
    let model = train(&early, &quick_options(), created).expect("the early rows carry a model");
    let completeness = value_index("observed_share_28d").unwrap();
    let later: Vec<BacktestRow> = data
        .rows
        .iter()
        .filter(|r| r.day >= cut)
        .map(|r| BacktestRow {
            probability: model.score(&r.features).value(),
            outcome: r.label,
            completeness: r.features[completeness],
        })
        .collect();
    let threshold = risk_threshold(model.models.base_rate, &PolicyOptions::default());
    let rows = backtest_rows(&later, threshold);
    let table = confidence_table(&rows, 10);
    assert_eq!(table.iter().map(|b| b.rows).sum::<usize>(), later.len());
    assert!(later.iter().any(|r| r.outcome), "no events after the cut");
    println!(
        "PMData, trained before day {cut}, {} later decision days ({} followed by an episode), threshold {threshold:.3}:",
        later.len(),
        later.iter().filter(|r| r.outcome).count()
    );
    println!("| confidence | decisions | right | mean confidence | observed (weighted) |");
    for b in table.iter().filter(|b| b.rows > 0) {
        let mean = b.mean_confidence.unwrap();
        let observed = b.observed.unwrap();
        assert!((b.from..=b.to).contains(&mean));
        assert!((0.0..=1.0).contains(&observed));
        println!(
            "| {:.1}-{:.1} | {} | {} | {mean:.3} | {observed:.3} |",
            b.from, b.to, b.rows, b.right
        );
    }
}
