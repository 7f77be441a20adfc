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
#[path = "../common/pmdata.rs"]
mod pmdata_files;

use std::path::PathBuf;

use forma_core::pmdata::Converted;
use forma_core::types::AthleteId;

/// `<workspace root>/../shared/data`: CI clones the project beside `shared/`.
pub fn data_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

/// All 16 PMData participants, converted.
pub fn pmdata() -> Vec<(AthleteId, Converted)> {
    pmdata_files::participants()
}
