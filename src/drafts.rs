//! Unsaved work kept in this browser, so that nothing typed is lost at the edges:
//! a session that expires, a reload, a tab closed by mistake. A draft is one JSON
//! value under a key made of what it is, the signed-in user's email and what it
//! is about (an athlete, a day), so one user's draft never shows for another who
//! signs in on the same browser. Signing out on purpose removes the user's drafts.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// How long after the last change a draft is written: not in the frame of a
/// keystroke, soon enough that little is lost.
pub const DELAY: Duration = Duration::from_millis(300);

/// The start of every draft's key in the browser's local storage.
pub const PREFIX: &str = "forma.draft";

/// Where one draft is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftKey(String);

impl DraftKey {
    /// The Plan page's unsaved edits of one athlete's plan, with the note.
    pub fn plan(email: &str, athlete: &str) -> DraftKey {
        DraftKey(format!("{PREFIX}:{email}:plan:{athlete}"))
    }

    /// A check-in filled for `athlete` on `day` but not yet sent.
    pub fn check_in(email: &str, athlete: &str, day: &str) -> DraftKey {
        DraftKey(format!("{PREFIX}:{email}:check-in:{athlete}:{day}"))
    }

    /// The labels a coach saved on the label queue, newest last, for undo.
    pub fn label_undo(email: &str) -> DraftKey {
        DraftKey(format!("{PREFIX}:{email}:label-undo"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this key belongs to `email`.
    pub fn is_of(key: &str, email: &str) -> bool {
        key.strip_prefix(PREFIX)
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.strip_prefix(email))
            .is_some_and(|rest| rest.starts_with(':'))
    }
}

/// A stored draft: the value and when it was kept (an ISO time, for "kept at").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft<T> {
    pub value: T,
    pub saved_at: String,
}

impl<T: Serialize + DeserializeOwned> Draft<T> {
    /// Reads a stored draft; text that is not one (an older layout) is no draft.
    pub fn from_json(text: &str) -> Option<Draft<T>> {
        serde_json::from_str(text).ok()
    }

    pub fn to_json(&self) -> Option<String> {
        serde_json::to_string(self).ok()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn now_text() -> String {
    web_sys::js_sys::Date::new_0()
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
}

/// The draft kept under `key`, if any.
pub fn load<T: Serialize + DeserializeOwned>(key: &DraftKey) -> Option<Draft<T>> {
    let text = storage()?.get_item(key.as_str()).ok()??;
    Draft::from_json(&text)
}

/// Keeps `value` under `key`, stamped with the time.
pub fn store<T: Serialize + DeserializeOwned + Clone>(key: &DraftKey, value: &T) {
    let draft = Draft {
        value: value.clone(),
        saved_at: now_text(),
    };
    if let (Some(storage), Some(text)) = (storage(), draft.to_json()) {
        // A full storage keeps the page as it is: the draft is a safety net.
        let _ = storage.set_item(key.as_str(), &text);
    }
}

/// Forgets the draft under `key` (saved, sent or discarded).
pub fn clear(key: &DraftKey) {
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key.as_str());
    }
}

/// Forgets every draft of `email`: they signed out on purpose.
pub fn clear_all_of(email: &str) {
    let Some(storage) = storage() else {
        return;
    };
    let count = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| DraftKey::is_of(key, email))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

/// Keeps a form's unsent values under a key while the form is on the page.
#[derive(Clone, Copy)]
pub struct DraftKeeper {
    write: StoredValue<Arc<dyn Fn() + Send + Sync>>,
    due: StoredValue<bool>,
}

impl DraftKeeper {
    /// Writes the draft now (before a request that may fail, such as a save).
    pub fn now(&self) {
        if let Some(write) = self.write.try_get_value() {
            self.due.try_set_value(false);
            write();
        }
    }
}

/// Follows `read` (the signals it reads are tracked) and keeps its value under
/// `key` [`DELAY`] after each change; `None` (nothing typed, or sent) removes
/// the draft. The caller reads [`load`] first to fill the form.
pub fn keep<T>(key: DraftKey, read: impl Fn() -> Option<T> + Send + Sync + 'static) -> DraftKeeper
where
    T: Serialize + DeserializeOwned + Clone + 'static,
{
    let read = Arc::new(read);
    let write: Arc<dyn Fn() + Send + Sync> = {
        let read = read.clone();
        Arc::new(move || match untrack(|| read()) {
            Some(value) => store(&key, &value),
            None => clear(&key),
        })
    };
    let keeper = DraftKeeper {
        write: StoredValue::new(write),
        due: StoredValue::new(false),
    };
    Effect::new(move |first: Option<()>| {
        // Tracks what the draft is made of; the value is read again when written.
        let _ = read();
        if first.is_some() && !keeper.due.get_value() {
            keeper.due.set_value(true);
            set_timeout(
                move || {
                    if keeper.due.try_get_value() == Some(true) {
                        keeper.now();
                    }
                },
                DELAY,
            );
        }
    });
    keeper
}

/// The time a draft was kept, in this browser's time zone: "14:05".
pub fn kept_at(saved_at: &str) -> String {
    let date = web_sys::js_sys::Date::new(&wasm_bindgen::JsValue::from_str(saved_at));
    if date.get_time().is_nan() {
        return saved_at.to_owned();
    }
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_user_and_are_told_apart_by_email() {
        let key = DraftKey::plan("coach@demo.forma", "p08");
        assert_eq!(key.as_str(), "forma.draft:coach@demo.forma:plan:p08");
        assert!(DraftKey::is_of(key.as_str(), "coach@demo.forma"));
        assert!(!DraftKey::is_of(key.as_str(), "coach@demo.form"));
        assert!(!DraftKey::is_of(key.as_str(), "other@demo.forma"));
        assert!(!DraftKey::is_of(
            "forma.labels.outbox:coach@demo.forma",
            "coach@demo.forma"
        ));
        let check_in = DraftKey::check_in("p01@demo.forma", "p01", "2020-03-31");
        assert!(DraftKey::is_of(check_in.as_str(), "p01@demo.forma"));
    }

    #[test]
    fn a_draft_round_trips_and_other_text_is_no_draft() {
        let draft = Draft {
            value: (String::from("note"), 3),
            saved_at: "2026-12-07T14:05:09.000Z".to_owned(),
        };
        let text = draft.to_json().expect("json");
        assert_eq!(Draft::<(String, i32)>::from_json(&text), Some(draft));
        assert_eq!(Draft::<(String, i32)>::from_json("{\"plan\":1}"), None);
    }
}
