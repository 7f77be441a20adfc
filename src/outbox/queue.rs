//! The writes waiting in this browser for the server, as a value: labels and
//! their undos, and check-ins (a day's wellness and the session it logs), in
//! order, kept in the browser's storage as JSON. Each write carries a
//! client-made id, so sending one twice stores it once. The parent module
//! stores it and sends it.

use forma_core::api::{NewSession, NewWellness};
use forma_core::labels::NewLabel;
use forma_core::types::{AthleteId, Date};
use serde::{Deserialize, Serialize};

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
        wellness: NewWellness,
    },
    /// Store a session; its client-made `id` makes a retry store it once.
    Session {
        athlete_id: AthleteId,
        session: NewSession,
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
        wellness: Option<(String, Date, NewWellness)>,
        session: Option<NewSession>,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn new_label(id: &str, day: &str, code: &str) -> NewLabel {
        NewLabel {
            id: id.to_owned(),
            date: day.to_owned(),
            end_date: None,
            session_id: None,
            code: code.to_owned(),
            note: None,
        }
    }

    #[test]
    fn the_outbox_sends_each_label_once_and_undo_cancels_what_was_not_sent() {
        let athlete: AthleteId = "p05".parse().expect("id");
        let mut outbox = Outbox::default();
        outbox.create(
            athlete.clone(),
            new_label("label-0001", "2020-01-01", "fatigue"),
        );
        outbox.create(
            athlete.clone(),
            new_label("label-0001", "2020-01-01", "fatigue"),
        );
        outbox.create(
            athlete.clone(),
            new_label("label-0002", "2020-01-02", "travel"),
        );
        assert_eq!(outbox.len(), 2, "the same id is queued once");

        assert_eq!(outbox.undo(athlete.clone(), "label-0002"), Undo::Cancelled);
        assert!(!outbox.is_waiting("label-0002"));
        let first = outbox.ops[0].clone();
        outbox.done(&first);
        assert!(outbox.is_empty());

        assert_eq!(outbox.undo(athlete.clone(), "label-0001"), Undo::Queued);
        assert_eq!(outbox.undo(athlete.clone(), "label-0001"), Undo::Queued);
        assert_eq!(outbox.len(), 1, "one delete");
        let stored = Outbox::from_json(&outbox.to_json());
        assert_eq!(stored, outbox);
        assert_eq!(Outbox::from_json("not json"), Outbox::default());
        assert_eq!(stored.waiting_labels().count(), 0);
    }

    #[test]
    fn a_check_in_waits_in_the_outbox_once_beside_labels_and_survives_a_reload() {
        let athlete: AthleteId = "p01".parse().expect("id");
        let date = forma_core::types::parse_date("2020-03-31").expect("date");
        let wellness = forma_core::api::NewWellness {
            sleep_h: Some(7.5),
            ..Default::default()
        };
        let session = forma_core::api::NewSession {
            id: Some("checkin-p01-2020-03-30".to_owned()),
            date: "2020-03-30".to_owned(),
            sport: Some("running".to_owned()),
            duration_min: Some(45.0),
            rpe: Some(6.0),
            load: None,
            distance_km: None,
            avg_hr: None,
        };
        let mut outbox = Outbox::default();
        outbox.create(
            athlete.clone(),
            new_label("label-0001", "2020-01-01", "fatigue"),
        );
        for _ in 0..2 {
            outbox.check_in(
                &athlete,
                Some(("w-0001-abcdef".to_owned(), date, wellness.clone())),
                Some(session.clone()),
            );
        }

        assert_eq!(
            outbox.counts(),
            (1, 2),
            "one label, one wellness write and one session"
        );
        let stored = Outbox::from_json(&outbox.to_json());
        assert_eq!(stored, outbox);
        let waiting: Vec<&OutboxOp> = stored.waiting_check_ins(&athlete).collect();
        assert!(matches!(waiting[0], OutboxOp::Wellness { date: d, .. } if *d == date));
        assert!(
            matches!(waiting[1], OutboxOp::Session { session: s, .. } if s.sport.as_deref() == Some("running"))
        );
        let other: AthleteId = "p02".parse().expect("id");
        assert_eq!(stored.waiting_check_ins(&other).count(), 0);
        assert_eq!(stored.waiting_labels().count(), 1);
    }
}
