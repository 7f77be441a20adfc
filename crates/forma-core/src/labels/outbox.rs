//! The app's outbox: labels and check-ins waiting in the browser for the server,
//! sent exactly once by id.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::vocabulary::NewLabel;
use crate::types::AthleteId;

/// A write waiting in the browser for the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum OutboxOp {
    /// Store a label.
    Create {
        athlete_id: AthleteId,
        label: NewLabel,
    },
    /// Take back a label the server has.
    Delete { athlete_id: AthleteId, id: String },
    /// Write a day's wellness (a check-in). Wellness writes merge, so sending one
    /// twice, or after a later one, leaves the same day.
    Wellness {
        athlete_id: AthleteId,
        /// A client-made id for this write, so the outbox can tell writes apart.
        id: String,
        date: Date,
        wellness: crate::api::NewWellness,
    },
    /// Store a session; its client-made `id` makes a retry store it once.
    Session {
        athlete_id: AthleteId,
        session: crate::api::NewSession,
    },
}

impl OutboxOp {
    /// The id of what the write is about: the label's, the wellness write's or
    /// the session's.
    pub fn label_id(&self) -> &str {
        match self {
            OutboxOp::Create { label, .. } => &label.id,
            OutboxOp::Delete { id, .. } | OutboxOp::Wellness { id, .. } => id,
            OutboxOp::Session { session, .. } => session.id.as_deref().unwrap_or_default(),
        }
    }

    /// Whether the write is part of an athlete's check-in (wellness or a session).
    pub fn is_check_in(&self) -> bool {
        matches!(self, OutboxOp::Wellness { .. } | OutboxOp::Session { .. })
    }
}

/// What [`Outbox::undo`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Undo {
    /// The label had not been sent yet: it is gone from the outbox.
    Cancelled,
    /// The label may be on the server: a delete waits to be sent.
    Queued,
}

/// The labels (and undos) and check-ins a browser has not been able to send yet,
/// in order. Kept in the browser's storage as JSON; each write carries a
/// client-made id, so sending one twice stores it once.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Outbox {
    pub ops: Vec<OutboxOp>,
}

impl Outbox {
    /// Reads a stored outbox; text that is not one gives an empty outbox.
    pub fn from_json(text: &str) -> Outbox {
        serde_json::from_str(text).unwrap_or_default()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an outbox serialises")
    }

    /// Queues a label, unless one with its id waits already.
    pub fn create(&mut self, athlete_id: AthleteId, label: NewLabel) {
        if !self.ops.iter().any(|op| op.label_id() == label.id) {
            self.ops.push(OutboxOp::Create { athlete_id, label });
        }
    }

    /// Takes a label back: drops it when it was never sent, else queues a delete.
    pub fn undo(&mut self, athlete_id: AthleteId, id: &str) -> Undo {
        let waiting = self
            .ops
            .iter()
            .position(|op| matches!(op, OutboxOp::Create { label, .. } if label.id == id));
        match waiting {
            Some(index) => {
                self.ops.remove(index);
                Undo::Cancelled
            }
            None => {
                if !self
                    .ops
                    .iter()
                    .any(|op| matches!(op, OutboxOp::Delete { id: queued, .. } if queued == id))
                {
                    self.ops.push(OutboxOp::Delete {
                        athlete_id,
                        id: id.to_owned(),
                    });
                }
                Undo::Queued
            }
        }
    }

    /// Removes `op` once the server has it.
    pub fn done(&mut self, op: &OutboxOp) {
        if let Some(index) = self.ops.iter().position(|queued| queued == op) {
            self.ops.remove(index);
        }
    }

    /// Whether a write about this label waits.
    pub fn is_waiting(&self, id: &str) -> bool {
        self.ops.iter().any(|op| op.label_id() == id)
    }

    /// How many writes wait.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The labels waiting to be stored, for showing them before the server has them.
    pub fn waiting_labels(&self) -> impl Iterator<Item = (&AthleteId, &NewLabel)> {
        self.ops.iter().filter_map(|op| match op {
            OutboxOp::Create { athlete_id, label } => Some((athlete_id, label)),
            _ => None,
        })
    }

    /// Queues a check-in: the day's wellness write (when it carries anything) and
    /// the session it logs (when there is one), unless a write with the same id
    /// waits already.
    pub fn check_in(
        &mut self,
        athlete_id: &AthleteId,
        wellness: Option<(String, Date, crate::api::NewWellness)>,
        session: Option<crate::api::NewSession>,
    ) {
        if let Some((id, date, wellness)) = wellness {
            if !self.is_waiting(&id) {
                self.ops.push(OutboxOp::Wellness {
                    athlete_id: athlete_id.clone(),
                    id,
                    date,
                    wellness,
                });
            }
        }
        if let Some(session) = session {
            let waiting = session.id.as_deref().is_some_and(|id| self.is_waiting(id));
            if !waiting {
                self.ops.push(OutboxOp::Session {
                    athlete_id: athlete_id.clone(),
                    session,
                });
            }
        }
    }

    /// How many labels (and undos) wait, and how many check-in writes.
    pub fn counts(&self) -> (usize, usize) {
        let check_ins = self.ops.iter().filter(|op| op.is_check_in()).count();
        (self.ops.len() - check_ins, check_ins)
    }

    /// The check-in writes waiting for one athlete, oldest first.
    pub fn waiting_check_ins<'a>(
        &'a self,
        athlete: &'a AthleteId,
    ) -> impl Iterator<Item = &'a OutboxOp> + 'a {
        self.ops.iter().filter(move |op| match op {
            OutboxOp::Wellness { athlete_id, .. } | OutboxOp::Session { athlete_id, .. } => {
                athlete_id == athlete
            }
            _ => false,
        })
    }
}
