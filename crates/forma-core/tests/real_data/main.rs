//! Tests against the real public data in `<workspace>/../shared/data`, compiled as
//! one binary: PMData conversion, agreement with the `acwr` package, the
//! Banister fit of Clarke & Skiba (2013), quality reports on real athletes, and
//! the native half of the browser parity check (`tests/wasm.rs` is the other).

mod acwr_agreement;
mod banister_fit;
mod browser_parity;
#[path = "../common/parity.rs"]
mod parity;
mod pmdata_conversion;

use std::path::PathBuf;

use forma_core::pmdata::{convert_participant, norway, Converted, ParticipantFiles};
use forma_core::types::AthleteId;

/// `<workspace root>/../shared/data`: CI clones the project beside `shared/`.
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

fn read_optional(path: PathBuf) -> Option<String> {
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => panic!("cannot read {}: {e}", path.display()),
    }
}

/// All 16 PMData participants, converted.
pub fn pmdata() -> Vec<(AthleteId, Converted)> {
    let root = data_dir().join("pmdata");
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
