//! A small streaming walk over an XML file for the TCX and GPX readers: each
//! element is reported when it opens (with its attributes) and when it closes
//! (with its text), together with the path of local names from the root.
//! Namespace prefixes are dropped: exporters disagree on them (`ns3:hr`,
//! `gpxtpx:hr`), never on the local names.

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use crate::{ActivityError, ActivityFormat};

/// What a format reader does with the elements it is shown. A returned
/// `Err(detail)` stops the walk; the walk adds the byte position.
pub(crate) trait Visitor {
    /// An element opened. `path` ends with its own local name.
    fn open(&mut self, path: &[String], element: &Element<'_>) -> Result<(), String>;
    /// An element closed; `text` is its trimmed character content.
    fn close(&mut self, path: &[String], text: &str) -> Result<(), String>;
}

/// An opening tag, for reading its attributes.
pub(crate) struct Element<'a> {
    start: &'a BytesStart<'a>,
}

impl Element<'_> {
    /// The value of the attribute with this local name, if present.
    pub(crate) fn attribute(&self, name: &str) -> Result<Option<String>, String> {
        for attribute in self.start.attributes() {
            let attribute = attribute.map_err(|e| format!("a malformed attribute: {e}"))?;
            if attribute.key.local_name().as_ref() == name {
                let value = attribute
                    .normalized_value(XmlVersion::Implicit1_0)
                    .map_err(|e| format!("the attribute {name} cannot be read: {e}"))?;
                return Ok(Some(value.into_owned()));
            }
        }
        Ok(None)
    }
}

/// Does `path` end with these local names?
pub(crate) fn ends_with(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(have, want)| have == want)
}

/// Walks the whole of `bytes`, reporting every element to `visitor`.
pub(crate) fn walk(
    file: &str,
    format: ActivityFormat,
    bytes: &[u8],
    visitor: &mut impl Visitor,
) -> Result<(), ActivityError> {
    let corrupt = |detail: String| ActivityError::Corrupt {
        file: file.to_owned(),
        format,
        detail,
    };
    let mut reader = Reader::from_reader(bytes);
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => {
                return Err(corrupt(format!("{e}, at byte {}", reader.error_position())));
            }
        };
        let at = reader.buffer_position();
        let located = |detail: String| corrupt(format!("{detail}, at byte {at}"));
        match event {
            Event::Start(start) => {
                path.push(start.local_name().as_ref().to_owned());
                text.clear();
                visitor
                    .open(&path, &Element { start: &start })
                    .map_err(located)?;
            }
            Event::Empty(start) => {
                path.push(start.local_name().as_ref().to_owned());
                text.clear();
                visitor
                    .open(&path, &Element { start: &start })
                    .map_err(located)?;
                visitor.close(&path, "").map_err(located)?;
                path.pop();
            }
            Event::End(_) => {
                visitor.close(&path, text.trim()).map_err(located)?;
                text.clear();
                path.pop();
            }
            Event::Text(content) => text.push_str(&content.xml10_content()),
            Event::CData(content) => text.push_str(&content.into_inner()),
            Event::GeneralRef(reference) => {
                if let Ok(Some(character)) = reference.resolve_char_ref() {
                    text.push(character);
                } else if let Some(resolved) = resolve_predefined_entity(&reference.xml10_content())
                {
                    text.push_str(resolved);
                }
            }
            Event::Eof => {
                return match path.last() {
                    Some(open) => Err(corrupt(format!(
                        "the file ends inside the <{open}> element, so it was cut short"
                    ))),
                    None => Ok(()),
                };
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
}
