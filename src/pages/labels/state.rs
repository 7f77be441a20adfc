//! The label queue as the page works on it, as plain data: the cursor, the code
//! and note being given, saving (with a confirmation when a label also covers
//! other items) and undo of the labels saved here.

use forma_core::labels::{also_labelled, Label, LabelCode, NewLabel, QueueItem};
use forma_core::types::AthleteId;
use serde::{Deserialize, Serialize};

/// A label saved on this page, for undo. Kept in this browser, so undo works
/// after a reload too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedHere {
    /// The key of the item it was saved for.
    pub item_key: String,
    pub athlete: AthleteId,
    pub label_id: String,
}

/// How many saved labels undo can take back, newest first.
pub const UNDO_DEPTH: usize = 50;

/// The queue as the page works on it: the items, the one under the cursor, the
/// code and note being given, the item whose save waits for a confirmation, and
/// the labels saved here (newest last).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueueState {
    pub items: Vec<QueueItem>,
    pub cursor: usize,
    pub code: Option<LabelCode>,
    pub note: String,
    /// The item a save was asked for whose label also covers other items.
    pub confirming: Option<usize>,
    pub saved: Vec<SavedHere>,
}

/// What [`QueueState::save`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum SaveStep {
    /// The label also covers these other items: saving again confirms.
    Confirm(Vec<usize>),
    /// Saved.
    Saved(Box<Saved>),
}

/// A label saved on the queue: what to send, the label, and the other items it
/// also labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Saved {
    pub athlete: AthleteId,
    pub new: NewLabel,
    pub label: Label,
    pub also: Vec<usize>,
}

impl QueueState {
    pub fn new(items: Vec<QueueItem>) -> QueueState {
        QueueState {
            items,
            ..QueueState::default()
        }
    }

    /// The items other than the current one that its label would also cover.
    pub fn also_covered(&self) -> Vec<usize> {
        also_labelled(&self.items, self.cursor)
    }

    pub fn current(&self) -> Option<&QueueItem> {
        self.items.get(self.cursor)
    }

    /// Moves the cursor by `delta` items, staying in the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.items.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.confirming = None;
    }

    /// Points at item `index`, keeping the code and note being given.
    pub fn go_to(&mut self, index: usize) {
        if index < self.items.len() {
            if index != self.cursor {
                self.confirming = None;
            }
            self.cursor = index;
        }
    }

    /// Labels the item under the cursor with the chosen code and note. When the
    /// label also covers other items (a range over day and session items), the
    /// first call only asks for a confirmation ([`SaveStep::Confirm`]) and the
    /// second saves. Saving shows the label on every item it covers at once,
    /// remembers it for undo, clears the code and note and moves to the next item.
    ///
    /// # Errors
    /// In words: no item, no code chosen, or a label the server would refuse (such
    /// as `other` without a note).
    pub fn save(
        &mut self,
        id: String,
        author: &str,
        author_name: &str,
        now: &str,
    ) -> Result<SaveStep, String> {
        let item = self
            .current()
            .ok_or_else(|| "The queue is empty: nothing to label.".to_owned())?;
        let code = self
            .code
            .ok_or_else(|| "Pick a code first: press its number, 1 to 9 or 0.".to_owned())?;
        let note = Some(self.note.trim().to_owned()).filter(|n| !n.is_empty());
        let new = item.new_label(id, code, note);
        let athlete = item.athlete_id.clone();
        let label = new
            .clone()
            .into_label(athlete.clone(), author, author_name, now)
            .map_err(|e| match e.field {
                "note" => "Add a note (press n): the code Other needs one.".to_owned(),
                _ => e.to_string(),
            })?;
        let index = self.cursor;
        let also = self.also_covered();
        if !also.is_empty() && self.confirming != Some(index) {
            self.confirming = Some(index);
            return Ok(SaveStep::Confirm(also));
        }
        self.confirming = None;
        for i in std::iter::once(index).chain(also.iter().copied()) {
            self.items[i].labels.push(label.clone());
        }
        self.saved.push(SavedHere {
            item_key: self.items[index].key.clone(),
            athlete: athlete.clone(),
            label_id: label.id.clone(),
        });
        if self.saved.len() > UNDO_DEPTH {
            self.saved.remove(0);
        }
        self.code = None;
        self.note.clear();
        self.move_by(1);
        Ok(SaveStep::Saved(Box::new(Saved {
            athlete,
            new,
            label,
            also,
        })))
    }

    /// Takes back the last label saved here (on this page or before a reload):
    /// removes it from every item it shows on and moves the cursor to the item it
    /// was saved for. Returns it, or `None` when nothing was saved here.
    pub fn undo(&mut self) -> Option<(SavedHere, Option<Label>)> {
        let last = self.saved.pop()?;
        let mut removed = None;
        for item in &mut self.items {
            if let Some(at) = item.labels.iter().position(|l| l.id == last.label_id) {
                removed = Some(item.labels.remove(at));
            }
        }
        if let Some(index) = self.items.iter().position(|i| i.key == last.item_key) {
            self.go_to(index);
        }
        self.confirming = None;
        Some((last, removed))
    }

    /// How many items have no label yet.
    pub fn unlabelled(&self) -> usize {
        self.items.iter().filter(|i| i.labels.is_empty()).count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use forma_core::labels::QueueKind;

    fn item(key: &str, day: &str) -> QueueItem {
        QueueItem {
            key: key.to_owned(),
            athlete_id: "p05".parse().expect("id"),
            athlete_name: "Participant P05".to_owned(),
            kind: QueueKind::UnusualLoad,
            date: forma_core::types::parse_date(day).expect("date"),
            end_date: None,
            session_id: None,
            reason: String::new(),
            priority: 50.0,
            labels: Vec::new(),
        }
    }

    fn queue() -> QueueState {
        QueueState::new(vec![
            item("a", "2020-01-01"),
            item("b", "2020-01-02"),
            item("c", "2020-01-03"),
        ])
    }

    #[test]
    fn saving_labels_the_current_item_moves_on_and_undo_takes_it_back() {
        let mut state = queue();
        state.move_by(-1);
        assert_eq!(state.cursor, 0);
        assert!(
            state.save("label-0001".into(), "c@x", "C", "t").is_err(),
            "no code yet"
        );

        state.code = Some(LabelCode::Travel);
        let Ok(SaveStep::Saved(saved)) =
            state.save("label-0001".into(), "c@x", "C", "2020-01-05T00:00:00Z")
        else {
            panic!("saved at once: the label covers no other item");
        };
        let Saved {
            athlete,
            new,
            label,
            also,
        } = *saved;
        assert!(also.is_empty());
        assert_eq!(
            (athlete.as_str(), new.date.as_str(), new.code.as_str()),
            ("p05", "2020-01-01", "travel")
        );
        assert_eq!(label.author_name, "C");
        assert_eq!(state.cursor, 1, "moves to the next item");
        assert_eq!(state.items[0].labels.len(), 1);
        assert_eq!((state.code, state.note.as_str()), (None, ""));
        assert_eq!(state.unlabelled(), 2);

        state.code = Some(LabelCode::Other);
        let refused = state
            .save("label-0002".into(), "c@x", "C", "t")
            .expect_err("needs a note");
        assert!(refused.contains("note"), "{refused}");
        state.note = "moved house".into();
        state
            .save("label-0002".into(), "c@x", "C", "t")
            .expect("saved");
        state.move_by(5);
        assert_eq!(state.cursor, 2, "stays in the list");

        let (undone, removed) = state.undo().expect("undo");
        assert_eq!(undone.label_id, "label-0002");
        assert_eq!(removed.map(|l| l.code), Some(LabelCode::Other));
        assert_eq!(state.cursor, 1, "back on the item");
        assert!(state.items[1].labels.is_empty());
        state.undo().expect("undo");
        assert!(state.undo().is_none());
        assert_eq!(state.unlabelled(), 3);
    }

    fn range(key: &str, from: &str, to: &str) -> QueueItem {
        QueueItem {
            end_date: Some(forma_core::types::parse_date(to).expect("date")),
            kind: QueueKind::LowLoad,
            ..item(key, from)
        }
    }

    #[test]
    fn a_range_label_asks_before_it_also_labels_other_items_and_undo_takes_it_from_all() {
        let mut state = QueueState::new(vec![
            range("r", "2020-01-01", "2020-01-07"),
            item("a", "2020-01-02"),
            item("b", "2020-01-09"),
            item("c", "2020-01-05"),
        ]);
        assert_eq!(state.also_covered(), [1, 3]);
        state.code = Some(LabelCode::Travel);
        let first = state
            .save("label-0001".into(), "c@x", "C", "t")
            .expect("asks");
        assert_eq!(first, SaveStep::Confirm(vec![1, 3]));
        assert_eq!(state.confirming, Some(0));
        assert!(
            state.items.iter().all(|i| i.labels.is_empty()),
            "nothing saved yet"
        );
        // Moving away drops the question; coming back asks again.
        state.move_by(1);
        state.move_by(-1);
        assert_eq!(state.confirming, None);
        assert!(matches!(
            state.save("label-0001".into(), "c@x", "C", "t"),
            Ok(SaveStep::Confirm(_))
        ));
        let Ok(SaveStep::Saved(saved)) = state.save("label-0001".into(), "c@x", "C", "t") else {
            panic!("the second save saves");
        };
        assert_eq!(saved.also, [1, 3]);
        let labelled: Vec<_> = state.items.iter().map(|i| i.labels.len()).collect();
        assert_eq!(labelled, [1, 1, 0, 1]);

        // After a reload the server's queue shows the label on the same items and
        // the undo list comes from the browser's storage.
        let saved = state.saved.clone();
        let mut reloaded = QueueState::new(state.items.clone());
        reloaded.items.reverse();
        reloaded.saved = saved;
        let (undone, removed) = reloaded.undo().expect("undo after a reload");
        assert_eq!(undone.label_id, "label-0001");
        assert_eq!(removed.map(|l| l.code), Some(LabelCode::Travel));
        assert!(reloaded.items.iter().all(|i| i.labels.is_empty()));
        assert_eq!(reloaded.items[reloaded.cursor].key, "r", "back on its item");
    }
}
