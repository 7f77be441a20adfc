//! The one reader of PMData (Thambawita et al., MMSys 2020, CC BY 4.0) for the
//! native tests: the 16 participants from `shared/data/pmdata` beside the project,
//! through Forma's own converter. `common/parity.rs` embeds the same files at
//! compile time instead, because the browser test cannot read a folder.

use std::path::PathBuf;

use forma_core::pmdata::{convert_participant, norway, Converted, ParticipantFiles};
use forma_core::types::AthleteId;

fn read_optional(path: PathBuf) -> Option<String> {
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// All 16 participants, p01 to p16, converted with Norway's local dates.
pub fn participants() -> Vec<(AthleteId, Converted)> {
    let root = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/pmdata"
    ));
    assert!(
        root.is_dir(),
        "PMData not found at {}: shared/data must sit beside the project",
        root.display()
    );
    (1..=16)
        .map(|n| {
            let id: AthleteId = format!("p{n:02}").parse().expect("a valid id");
            let dir = root.join(id.as_str());
            let srpe = read_optional(dir.join("pmsys/srpe.csv"));
            let wellness = read_optional(dir.join("pmsys/wellness.csv"));
            let injury = read_optional(dir.join("pmsys/injury.csv"));
            let rhr = read_optional(dir.join("fitbit/resting_heart_rate.json"));
            let files = ParticipantFiles {
                srpe_csv: srpe.as_deref(),
                wellness_csv: wellness.as_deref(),
                injury_csv: injury.as_deref(),
                resting_heart_rate_json: rhr.as_deref(),
            };
            let converted =
                convert_participant(&id, &files, &norway()).unwrap_or_else(|e| panic!("{id}: {e}"));
            (id, converted)
        })
        .collect()
}
