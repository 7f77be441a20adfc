//! A PMData export uploaded as one zip file: only the four files Forma reads of
//! each participant (`pNN/pmsys/srpe.csv`, `wellness.csv`, `injury.csv` and
//! `pNN/fitbit/resting_heart_rate.json`) are unpacked, in memory, each within a
//! size limit, so a zip that claims one size and unpacks to another (a "zip
//! bomb") or the export's large minute-by-minute Fitbit files cost nothing.

use std::collections::BTreeMap;
use std::io::Read;

use forma_core::pmdata::{self, ParticipantFiles};
use forma_core::types::AthleteId;

use crate::commands::convert::PmdataTeam;

/// The most any one of the files Forma reads may unpack to.
pub const MAX_ENTRY_BYTES: u64 = 64 * 1024 * 1024;
/// The most all of them together may unpack to.
pub const MAX_TOTAL_BYTES: u64 = 512 * 1024 * 1024;

const WANTED: [&str; 4] = [
    "pmsys/srpe.csv",
    "pmsys/wellness.csv",
    "pmsys/injury.csv",
    "fitbit/resting_heart_rate.json",
];

#[derive(Default)]
struct Texts {
    files: [Option<String>; 4],
}

/// The participant and which of the wanted files `path` is: `…/p01/pmsys/srpe.csv`
/// gives `("p01", 0)`, whatever folders the export sits in.
fn place(path: &str) -> Option<(&str, usize)> {
    let path = path.trim_start_matches("./");
    WANTED.iter().enumerate().find_map(|(index, wanted)| {
        let folder = path.strip_suffix(wanted)?.strip_suffix('/')?;
        let participant = folder.rsplit('/').next()?;
        (!participant.is_empty()).then_some((participant, index))
    })
}

/// Reads the participants of a PMData export zip and converts them, with dates in
/// Norwegian local time. `name` names the zip in messages.
///
/// # Errors
/// A message for the coach: not a zip, no participant folders, a file over the
/// limits or not UTF-8, a participant folder whose name is not an athlete id, or a
/// file whose header lacks a column Forma needs.
pub fn read(name: &str, bytes: &[u8]) -> Result<PmdataTeam, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|error| format!("{name} is not a zip file Forma can read ({error})"))?;
    let mut participants: BTreeMap<String, Texts> = BTreeMap::new();
    let mut total = 0_u64;
    for index in 0..archive.len() {
        let mut entry = archive
            .by_index(index)
            .map_err(|error| format!("{name}: entry {index} cannot be read ({error})"))?;
        if entry.is_dir() {
            continue;
        }
        let path = entry.name().replace('\\', "/");
        let Some((participant, which)) = place(&path) else {
            continue;
        };
        let participant = participant.to_owned();
        let mut text = Vec::new();
        // Read one byte past the limit to tell "at the limit" from "over it",
        // whatever size the entry's header claims.
        let read = (&mut entry)
            .take(MAX_ENTRY_BYTES + 1)
            .read_to_end(&mut text)
            .map_err(|error| format!("{name}: {path} cannot be unpacked ({error})"))?;
        if read as u64 > MAX_ENTRY_BYTES {
            return Err(format!(
                "{name}: {path} unpacks to more than {} MB, more than Forma reads from one PMData file",
                MAX_ENTRY_BYTES / (1024 * 1024)
            ));
        }
        total += read as u64;
        if total > MAX_TOTAL_BYTES {
            return Err(format!(
                "{name} unpacks to more than {} MB of PMData files; import it in parts",
                MAX_TOTAL_BYTES / (1024 * 1024)
            ));
        }
        let text =
            String::from_utf8(text).map_err(|_| format!("{name}: {path} is not UTF-8 text"))?;
        participants.entry(participant).or_default().files[which] = Some(text);
    }
    // A participant is a folder with a pmsys/ file, as in the PMData layout.
    participants.retain(|_, texts| texts.files[..3].iter().any(Option::is_some));
    if participants.is_empty() {
        return Err(format!(
            "{name} holds no PMData participant folders (folders such as p01 with pmsys/srpe.csv, wellness.csv or injury.csv inside)"
        ));
    }
    let tz = pmdata::norway();
    let mut team = PmdataTeam::default();
    for (folder, texts) in participants {
        let id: AthleteId = folder
            .parse()
            .map_err(|error| format!("{name}: participant folder {folder}: {error}"))?;
        let [srpe, wellness, injury, resting] = &texts.files;
        let files = ParticipantFiles {
            srpe_csv: srpe.as_deref(),
            wellness_csv: wellness.as_deref(),
            injury_csv: injury.as_deref(),
            resting_heart_rate_json: resting.as_deref(),
        };
        let converted = pmdata::convert_participant(&id, &files, &tz)
            .map_err(|error| format!("{name}: {folder}: {error}"))?;
        team.converted.sessions.extend(converted.sessions);
        team.converted.wellness.extend(converted.wellness);
        team.converted.events.extend(converted.events);
        // Each participant has files of the same names: the row names its folder.
        team.converted
            .skipped
            .extend(converted.skipped.into_iter().map(|mut row| {
                row.file = format!("{folder}/{}", row.file);
                row
            }));
        team.participants.push(id);
    }
    Ok(team)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wanted_file_is_found_under_any_folder_and_others_are_not() {
        assert_eq!(place("p01/pmsys/srpe.csv"), Some(("p01", 0)));
        assert_eq!(
            place("pmdata/p12/fitbit/resting_heart_rate.json"),
            Some(("p12", 3))
        );
        assert_eq!(place("./p03/pmsys/injury.csv"), Some(("p03", 2)));
        assert_eq!(place("p01/fitbit/heart_rate.json"), None);
        assert_eq!(place("pmsys/srpe.csv"), None);
        assert_eq!(place("p01/xpmsys/srpe.csv"), None);
    }
}
