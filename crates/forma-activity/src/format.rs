//! Which of the three formats a file is: by its extension, confirmed by its
//! first bytes (the FIT header's `.FIT` tag, or the XML root element).

use std::fmt;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::ActivityError;

/// The activity file formats Forma reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ActivityFormat {
    /// Garmin's binary Flexible and Interoperable Data Transfer format.
    Fit,
    /// Garmin's Training Center XML.
    Tcx,
    /// The GPS Exchange Format (XML).
    Gpx,
}

/// How far into an XML file to look for the root element before giving up.
const XML_SNIFF_LIMIT: usize = 64 * 1024;

impl ActivityFormat {
    /// Every format, in the order they are listed to coaches.
    pub const ALL: [ActivityFormat; 3] = [Self::Fit, Self::Tcx, Self::Gpx];

    /// The file extension, lower case and without the dot: `fit`, `tcx`, `gpx`.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Fit => "fit",
            Self::Tcx => "tcx",
            Self::Gpx => "gpx",
        }
    }

    /// Finds the format from the file name's extension (any case) and checks
    /// that the content agrees.
    ///
    /// # Errors
    ///
    /// - [`ActivityError::EmptyFile`] when `bytes` is empty;
    /// - [`ActivityError::UnknownFormat`] when the extension is not `.fit`,
    ///   `.tcx` or `.gpx`;
    /// - [`ActivityError::WrongExtension`] when the content is one of the other
    ///   two formats (a TCX file saved as `.gpx`);
    /// - [`ActivityError::Corrupt`] when the content is none of the three.
    ///
    /// ```
    /// use forma_activity::{ActivityError, ActivityFormat};
    ///
    /// let gpx = br#"<?xml version="1.0"?><gpx version="1.1"></gpx>"#;
    /// assert_eq!(ActivityFormat::detect("Lunch_Run.GPX", gpx)?, ActivityFormat::Gpx);
    ///
    /// let err = ActivityFormat::detect("Lunch_Run.tcx", gpx).unwrap_err();
    /// assert!(matches!(err, ActivityError::WrongExtension { found: ActivityFormat::Gpx, .. }));
    /// # Ok::<(), ActivityError>(())
    /// ```
    pub fn detect(file_name: &str, bytes: &[u8]) -> Result<Self, ActivityError> {
        let file = file_name.to_owned();
        if bytes.is_empty() {
            return Err(ActivityError::EmptyFile { file });
        }
        let named = Self::from_file_name(file_name).ok_or_else(|| {
            let reason = match extension_of(file_name) {
                Some(ext) => format!("files ending in .{ext} are not activity recordings"),
                None => "the name has no extension".to_owned(),
            };
            ActivityError::UnknownFormat {
                file: file.clone(),
                reason,
            }
        })?;
        match sniff(bytes) {
            Some(found) if found == named => Ok(named),
            Some(found) => Err(ActivityError::WrongExtension { file, named, found }),
            None => Err(ActivityError::Corrupt {
                file,
                format: named,
                detail: match named {
                    Self::Fit => "its header lacks the '.FIT' tag at bytes 8 to 11".to_owned(),
                    Self::Tcx => {
                        "it does not start with a <TrainingCenterDatabase> element".to_owned()
                    }
                    Self::Gpx => "it does not start with a <gpx> element".to_owned(),
                },
            }),
        }
    }

    /// The format the file name's extension names, if any.
    fn from_file_name(file_name: &str) -> Option<Self> {
        let ext = extension_of(file_name)?;
        Self::ALL
            .into_iter()
            .find(|format| ext.eq_ignore_ascii_case(format.extension()))
    }
}

impl fmt::Display for ActivityFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Fit => "FIT",
            Self::Tcx => "TCX",
            Self::Gpx => "GPX",
        })
    }
}

fn extension_of(file_name: &str) -> Option<&str> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => Some(ext),
        _ => None,
    }
}

/// The format the content shows, or `None` when it is none of the three.
fn sniff(bytes: &[u8]) -> Option<ActivityFormat> {
    // FIT file header: byte 0 is the header size (12 or 14), bytes 8..12 are ".FIT".
    if bytes.len() >= 12 && matches!(bytes[0], 12 | 14) && &bytes[8..12] == b".FIT" {
        return Some(ActivityFormat::Fit);
    }
    let head = &bytes[..bytes.len().min(XML_SNIFF_LIMIT)];
    let mut reader = Reader::from_reader(head);
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) => {
                return match element.local_name().as_ref() {
                    "gpx" => Some(ActivityFormat::Gpx),
                    "TrainingCenterDatabase" => Some(ActivityFormat::Tcx),
                    _ => None,
                };
            }
            Ok(Event::Eof) | Err(_) => return None,
            // A BOM, the XML declaration, comments and whitespace come first.
            Ok(_) => {}
        }
    }
}
