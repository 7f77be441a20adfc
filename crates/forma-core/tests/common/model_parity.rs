//! The model half of the browser parity check: a model artifact trained natively
//! on the PMData demo (`pmdata_model.json`, as the server stores it) and the
//! probabilities the native build gives every PMData row with it
//! (`pmdata_model_scores.txt`, `f64::to_bits` in hex).
//!
//! `tests/model` retrains and rescores natively and fails when either file is
//! stale (`FORMA_UPDATE_FIXTURES=1` rewrites them); `tests/wasm.rs` loads the
//! artifact in a browser, builds the same rows there and checks every
//! probability against the file, bit for bit. Needs `crate::parity` (the
//! embedded PMData files).

#![allow(dead_code)]

use std::fmt::Write as _;

use forma_core::model::fit::ModelKind;
use forma_core::model::{Dataset, ModelArtifact, TrainingData};

/// The artifact, as `ModelArtifact::to_json` wrote it.
pub const ARTIFACT_JSON: &str = include_str!("pmdata_model.json");

/// The expected probabilities: a header line, then one line per row.
pub const SCORES: &str = include_str!("pmdata_model_scores.txt");

/// File names beside this module.
pub const ARTIFACT_FILE: &str = "pmdata_model.json";
pub const SCORES_FILE: &str = "pmdata_model_scores.txt";

/// When the fixture's artifact was trained (fixed, so the bytes are too).
pub const CREATED_AT: &str = "2026-01-01T00:00:00Z";

/// The PMData rows, from the embedded files.
pub fn pmdata_dataset() -> Dataset {
    let all = crate::parity::converted();
    let sessions: Vec<_> = all.iter().flat_map(|(_, c)| c.sessions.clone()).collect();
    let wellness: Vec<_> = all.iter().flat_map(|(_, c)| c.wellness.clone()).collect();
    let events: Vec<_> = all.iter().flat_map(|(_, c)| c.events.clone()).collect();
    Dataset::build(&TrainingData {
        sessions: &sessions,
        wellness: &wellness,
        events: &events,
        ..TrainingData::default()
    })
}

/// The scores file for `artifact` on `rows`: a header naming the artifact and
/// the rows, then per row `<athlete> <day> <logistic> <forest> <boosted>`, the
/// three probabilities as the hex of their bits.
pub fn render_scores(artifact: &ModelArtifact, rows: &Dataset) -> String {
    let mut out = format!(
        "# {} on PMData rows {} ({} rows): athlete, day, P(logistic), P(forest) and P(boosted) as f64 bits\n",
        artifact.version_id,
        rows.fingerprint(),
        rows.rows.len()
    );
    for r in &rows.rows {
        let p = |kind| artifact.score_with(kind, &r.features).value().to_bits();
        writeln!(
            out,
            "{} {} {:016x} {:016x} {:016x}",
            rows.athletes[r.athlete].athlete_id,
            r.day,
            p(ModelKind::Logistic),
            p(ModelKind::Forest),
            p(ModelKind::Boosted)
        )
        .expect("writing to a String cannot fail");
    }
    out
}

/// Asserts that scoring `rows` with the embedded artifact gives [`SCORES`],
/// naming the first rows that differ.
pub fn check_scores(rows: &Dataset) {
    let artifact = ModelArtifact::from_json(ARTIFACT_JSON).expect("the fixture artifact loads");
    assert_eq!(
        rows.fingerprint(),
        artifact.training_data_fingerprint,
        "the PMData rows built here are not the rows the artifact was trained on"
    );
    let actual = render_scores(&artifact, rows);
    let differing: Vec<String> = actual
        .lines()
        .zip(SCORES.lines())
        .filter(|(a, e)| a != e)
        .take(5)
        .map(|(a, e)| format!("expected `{e}`, got `{a}`"))
        .collect();
    assert!(
        differing.is_empty() && actual.lines().count() == SCORES.lines().count(),
        "probabilities differ from {SCORES_FILE} ({} lines here, {} there): {differing:#?}",
        actual.lines().count(),
        SCORES.lines().count()
    );
}
