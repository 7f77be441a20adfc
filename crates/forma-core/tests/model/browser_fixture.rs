//! The native half of the model's browser parity check
//! (`tests/common/model_parity.rs`): the committed artifact and probabilities are
//! what this build trains and scores on PMData, so the browser compares against
//! the native bits of today's code, not of some older one.

use std::path::PathBuf;

use forma_core::model::fit::TrainOptions;
use forma_core::model::train;

use crate::model_parity::{self, ARTIFACT_FILE, CREATED_AT, SCORES_FILE};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/common")).join(name)
}

#[test]
fn the_browser_fixture_is_what_this_build_trains_and_scores() {
    let rows = model_parity::pmdata_dataset();
    let artifact = train(&rows, &TrainOptions::default(), CREATED_AT.parse().unwrap()).unwrap();
    let files = [
        (ARTIFACT_FILE, artifact.to_json().unwrap()),
        (SCORES_FILE, model_parity::render_scores(&artifact, &rows)),
    ];
    let update = std::env::var_os("FORMA_UPDATE_FIXTURES").is_some();
    for (name, fresh) in files {
        let path = fixture(name);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed == fresh {
            continue;
        }
        if update {
            std::fs::write(&path, fresh).unwrap();
            eprintln!("rewrote {}", path.display());
        } else {
            panic!(
                "{} is stale: training or scoring changed. Rewrite it with \
                 `FORMA_UPDATE_FIXTURES=1 cargo test -p forma-core --test model browser_fixture`, \
                 run the tests again, and commit it",
                path.display()
            );
        }
    }
}

#[test]
fn the_committed_artifact_gives_the_committed_probabilities_natively() {
    model_parity::check_scores(&model_parity::pmdata_dataset());
}
