//! The queue's keyboard: what each key does, and the list of shortcuts the page
//! shows.

use forma_core::labels::LabelCode;
use wasm_bindgen::JsCast;

/// What a key press on the queue does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyAction {
    Next,
    Previous,
    Pick(LabelCode),
    Note,
    Save,
    Undo,
    Clear,
}

/// The action of a key pressed outside the note field (`ctrl` for Ctrl or ⌘).
pub fn key_action(key: &str, ctrl: bool) -> Option<KeyAction> {
    if ctrl {
        return matches!(key, "z" | "Z").then_some(KeyAction::Undo);
    }
    match key {
        "j" | "ArrowDown" => Some(KeyAction::Next),
        "k" | "ArrowUp" => Some(KeyAction::Previous),
        "n" | "/" => Some(KeyAction::Note),
        "Enter" => Some(KeyAction::Save),
        "u" => Some(KeyAction::Undo),
        "Escape" => Some(KeyAction::Clear),
        _ => {
            let mut chars = key.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) => LabelCode::from_shortcut(c).map(KeyAction::Pick),
                _ => None,
            }
        }
    }
}

/// The shortcuts, as the page lists them.
pub const SHORTCUTS: [(&str, &str); 7] = [
    ("j / ↓", "next"),
    ("k / ↑", "previous"),
    ("1 … 9, 0", "code"),
    ("n", "note (Enter saves, Esc leaves it)"),
    ("Enter", "save"),
    ("u / Ctrl+Z", "undo the last label"),
    ("Esc", "clear"),
];

/// Whether a key press happened in a field that takes text.
pub fn typing_in(event: &web_sys::KeyboardEvent) -> Option<String> {
    let element = event.target()?.dyn_into::<web_sys::Element>().ok()?;
    Some(element.tag_name().to_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_map_to_actions_and_numbers_to_codes() {
        assert_eq!(key_action("j", false), Some(KeyAction::Next));
        assert_eq!(key_action("ArrowUp", false), Some(KeyAction::Previous));
        assert_eq!(
            key_action("1", false),
            Some(KeyAction::Pick(LabelCode::Fatigue))
        );
        assert_eq!(
            key_action("0", false),
            Some(KeyAction::Pick(LabelCode::Other))
        );
        assert_eq!(key_action("z", true), Some(KeyAction::Undo));
        assert_eq!(key_action("u", false), Some(KeyAction::Undo));
        assert_eq!(key_action("x", false), None);
        assert_eq!(key_action("j", true), None);
        assert_eq!(key_action("F1", false), None);
    }
}
