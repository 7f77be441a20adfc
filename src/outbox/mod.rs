//! Labels and check-ins that wait in this browser until the server has them.
//! Every write goes to the browser's storage first (an [`Outbox`], in
//! `queue`), then is sent; while the server cannot be reached the writes stay
//! there, the header says how many wait, and they are sent again every few
//! seconds and when the browser comes back online. Each carries a client-made id,
//! so a write sent twice (a lost answer, two tabs) is stored once.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use forma_core::api::{NewSession, NewWellness};
use forma_core::labels::NewLabel;
use forma_core::types::AthleteId;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::{use_auth, Auth};

mod queue;

pub use queue::{Outbox, OutboxOp, Undo};

/// The key of the outbox in the browser's local storage, followed by `:` and the
/// signed-in user's email: each coach's labels wait under their own name, so a
/// label is never sent under another account that signs in on the same browser.
pub const STORAGE_KEY: &str = "forma.labels.outbox";

/// How often waiting labels are tried again.
pub const RETRY: Duration = Duration::from_secs(3);

/// Rounds of sending one attempt makes at most (labels saved meanwhile join the next).
const MAX_ROUNDS: usize = 20;

thread_local! {
    /// Whether a send is under way (one at a time).
    static SENDING: Cell<bool> = const { Cell::new(false) };
    /// The label id whose write is on its way to the server right now.
    static IN_FLIGHT: RefCell<Option<String>> = const { RefCell::new(None) };
    /// Writes the server refused for good, by id, with its words, until the
    /// form that made them has read them.
    static REFUSED: RefCell<std::collections::HashMap<String, String>> = RefCell::new(std::collections::HashMap::new());
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load_from(key: Option<&str>) -> Outbox {
    key.and_then(|key| storage()?.get_item(key).ok().flatten())
        .map(|text| Outbox::from_json(&text))
        .unwrap_or_default()
}

/// A new client-made label id: time and randomness, unique enough for one user's
/// labels and safe in a URL.
pub fn new_label_id() -> String {
    let now = web_sys::js_sys::Date::now() as u64;
    let random: String = (0..10)
        .map(|_| {
            let digit = (web_sys::js_sys::Math::random() * 36.0) as u32;
            char::from_digit(digit.min(35), 36).unwrap_or('0')
        })
        .collect();
    format!("l{}-{random}", radix36(now))
}

fn radix36(mut n: u64) -> String {
    let mut digits = Vec::new();
    loop {
        digits.push(char::from_digit((n % 36) as u32, 36).unwrap_or('0'));
        n /= 36;
        if n == 0 {
            break;
        }
    }
    digits.iter().rev().collect()
}

/// The outbox as the app sees it; provided once by the app shell.
#[derive(Debug, Clone, Copy)]
pub struct LabelOutbox {
    /// How many writes wait to be sent.
    pub waiting: RwSignal<usize>,
    /// Bumped on every change, for views that show which labels wait.
    pub version: RwSignal<u64>,
    /// The last attempt found the server unreachable.
    pub offline: RwSignal<bool>,
    /// The last write the server refused for good, in words.
    pub refused: RwSignal<Option<String>>,
    auth: Auth,
}

impl LabelOutbox {
    /// Where the signed-in user's outbox is kept; `None` when nobody is signed in.
    fn key(&self) -> Option<String> {
        self.auth.user.with_untracked(|user| {
            user.as_ref()
                .map(|u| format!("{STORAGE_KEY}:{}", u.user.email))
        })
    }

    fn load(&self) -> Outbox {
        load_from(self.key().as_deref())
    }

    fn store(&self, outbox: &Outbox) {
        if let (Some(storage), Some(key)) = (storage(), self.key()) {
            let _ = if outbox.is_empty() {
                storage.remove_item(&key)
            } else {
                storage.set_item(&key, &outbox.to_json())
            };
        }
    }

    fn changed(&self) {
        self.waiting.set(self.load().len());
        self.version.update(|v| *v += 1);
    }

    /// Keeps `label` in the browser and sends it as soon as the server answers.
    pub fn save(&self, athlete: AthleteId, label: NewLabel) {
        let mut outbox = self.load();
        outbox.create(athlete, label);
        self.store(&outbox);
        self.changed();
        self.send();
    }

    /// Takes a label back: one that was never sent is simply dropped; otherwise the
    /// take-back waits in the outbox like a label.
    pub fn undo(&self, athlete: AthleteId, id: &str) -> Undo {
        let mut outbox = self.load();
        let in_flight = IN_FLIGHT.with(|f| f.borrow().as_deref() == Some(id));
        let undo = if in_flight {
            // Its write is on the way and may land: take it back after it.
            outbox.ops.push(OutboxOp::Delete {
                athlete_id: athlete,
                id: id.to_owned(),
            });
            Undo::Queued
        } else {
            outbox.undo(athlete, id)
        };
        self.store(&outbox);
        self.changed();
        self.send();
        undo
    }

    /// Whether a write about this label still waits (tracks [`Self::version`]).
    pub fn is_waiting(&self, id: &str) -> bool {
        self.version.track();
        self.load().is_waiting(id)
    }

    /// How many check-in writes wait for one athlete (tracks [`Self::version`]).
    pub fn waiting_check_ins_of(&self, athlete: &AthleteId) -> usize {
        self.version.track();
        self.load().waiting_check_ins(athlete).count()
    }

    /// The labels waiting for one athlete (tracks [`Self::version`]).
    pub fn waiting_for(&self, athlete: &AthleteId) -> Vec<NewLabel> {
        self.version.track();
        self.load()
            .waiting_labels()
            .filter(|(a, _)| *a == athlete)
            .map(|(_, label)| label.clone())
            .collect()
    }

    /// Sends what waits, in order, when someone is signed in; stops at the first
    /// write the server cannot take now (unreachable, busy, signed out) and tries
    /// again later.
    pub fn send(&self) {
        if SENDING.with(Cell::get) || self.auth.user.get_untracked().is_none() {
            return;
        }
        if self.load().is_empty() {
            return;
        }
        SENDING.with(|s| s.set(true));
        let this = *self;
        leptos::task::spawn_local(async move {
            // Labels saved while a round is on its way go in the next round.
            'rounds: for _ in 0..MAX_ROUNDS {
                let ops = this.load().ops;
                if ops.is_empty() {
                    break;
                }
                for op in ops {
                    if !this.send_one(&op).await {
                        break 'rounds;
                    }
                }
            }
            SENDING.with(|s| s.set(false));
        });
    }
}

impl LabelOutbox {
    /// Sends one write; whether to go on with the next.
    async fn send_one(&self, op: &OutboxOp) -> bool {
        if !self.load().ops.contains(op) {
            // Taken back (undo) since this round began.
            return true;
        }
        IN_FLIGHT.with(|f| *f.borrow_mut() = Some(op.label_id().to_owned()));
        let result = match op {
            OutboxOp::Create { athlete_id, label } => api::save_label(athlete_id.as_str(), label)
                .await
                .map(|_| ()),
            OutboxOp::Delete { athlete_id, id } => {
                api::take_back_label(athlete_id.as_str(), id).await
            }
            OutboxOp::Wellness {
                athlete_id,
                date,
                wellness,
                ..
            } => api::put_wellness(athlete_id.as_str(), &date.to_string(), wellness)
                .await
                .map(|_| ()),
            OutboxOp::Session {
                athlete_id,
                session,
            } => api::add_session(athlete_id.as_str(), session)
                .await
                .map(|_| ()),
        };
        IN_FLIGHT.with(|f| *f.borrow_mut() = None);
        match result {
            Ok(()) => {}
            // A take-back of a label the server never got: nothing to undo.
            Err(ApiFailure::Server { status: 404, .. })
                if matches!(op, OutboxOp::Delete { .. }) => {}
            Err(ApiFailure::Unreachable(_)) => {
                self.offline.set(true);
                return false;
            }
            Err(failure) if failure.is_server_401() => {
                self.auth.session_lost(&failure);
                return false;
            }
            Err(ApiFailure::Server { status, .. }) if status >= 500 || status == 429 => {
                return false;
            }
            Err(failure) => {
                let what = if op.is_check_in() {
                    "A check-in"
                } else {
                    "A label"
                };
                let text = format!("{what} was refused and dropped: {failure}");
                REFUSED.with(|r| {
                    r.borrow_mut()
                        .insert(op.label_id().to_owned(), failure.to_string())
                });
                self.refused.set(Some(text));
            }
        }
        self.offline.set(false);
        let mut outbox = self.load();
        outbox.done(op);
        self.store(&outbox);
        self.changed();
        true
    }

    /// Keeps a check-in's writes in the browser, then sends them at once and says
    /// what became of them: all stored, kept here for later (no connection, the
    /// server busy or the session ended), or refused with the server's words (and
    /// then dropped, so the form keeps the athlete's input to correct).
    pub async fn deliver_check_in(
        &self,
        athlete: AthleteId,
        wellness: Option<(String, forma_core::types::Date, NewWellness)>,
        session: Option<NewSession>,
    ) -> Delivery {
        let ids: Vec<String> = wellness
            .iter()
            .map(|(id, _, _)| id.clone())
            .chain(session.iter().filter_map(|s| s.id.clone()))
            .collect();
        let mut outbox = self.load();
        outbox.check_in(&athlete, wellness, session);
        self.store(&outbox);
        self.changed();
        if self.auth.user.get_untracked().is_none() {
            return Delivery::SignedOut;
        }
        for op in self.load().ops {
            if !ids.iter().any(|id| id == op.label_id()) {
                continue;
            }
            if !self.send_one(&op).await {
                return if self.auth.user.get_untracked().is_none() {
                    Delivery::SignedOut
                } else if self.offline.get_untracked() {
                    Delivery::Offline
                } else {
                    Delivery::Busy
                };
            }
            if let Some(message) = REFUSED.with(|r| r.borrow_mut().remove(op.label_id())) {
                self.refused.set(None);
                return Delivery::Refused(message);
            }
        }
        Delivery::Stored
    }
}

/// What became of a check-in handed to [`LabelOutbox::deliver_check_in`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The server has every write.
    Stored,
    /// The server could not be reached: kept in this browser, sent when it can be.
    Offline,
    /// The server answered that it is busy: kept, sent again in a few seconds.
    Busy,
    /// Nobody is signed in (the session ended): kept, sent after sign-in.
    SignedOut,
    /// The server refused a write, in its words; nothing of it is kept.
    Refused(String),
}

/// Creates the outbox for the app, sends what an earlier visit left waiting, and
/// tries again every [`RETRY`] and whenever the browser comes back online.
pub fn provide_label_outbox() -> LabelOutbox {
    let outbox = LabelOutbox {
        waiting: RwSignal::new(0),
        version: RwSignal::new(0),
        offline: RwSignal::new(false),
        refused: RwSignal::new(None),
        auth: use_auth(),
    };
    provide_context(outbox);
    if let Ok(handle) = set_interval_with_handle(move || outbox.send(), RETRY) {
        on_cleanup(move || handle.clear());
    }
    let online = window_event_listener(leptos::ev::online, move |_| outbox.send());
    on_cleanup(move || online.remove());
    // Whoever signs in (or the first answer of who is signed in) has an outbox of
    // their own, perhaps with labels from an earlier visit.
    Effect::new(move |_| {
        outbox.auth.user.track();
        outbox.changed();
        outbox.send();
    });
    outbox
}

/// The app's outbox; the app shell provides it.
pub fn use_label_outbox() -> LabelOutbox {
    expect_context::<LabelOutbox>()
}

/// The header's note of labels and check-ins waiting to be sent; nothing when
/// none wait.
#[component]
pub fn LabelsWaiting() -> impl IntoView {
    let outbox = use_label_outbox();
    let counts = move || {
        outbox.version.track();
        outbox.load().counts()
    };
    view! {
        <Show when=move || { outbox.waiting.get() > 0 }>
            <a
                class="labels-waiting"
                href=move || { if counts().0 > 0 { "/labels" } else { "#check-in" } }
                role="status"
                data-testid="labels-waiting"
                title="Kept in this browser and sent as soon as the server answers."
            >
                {move || waiting_words(counts())}
            </a>
        </Show>
    }
}

/// "2 labels waiting", "1 check-in waiting", "1 check-in and 2 labels waiting".
pub fn waiting_words((labels, check_in_writes): (usize, usize)) -> String {
    let labels =
        (labels > 0).then(|| format!("{labels} label{}", if labels == 1 { "" } else { "s" }));
    let check_in = (check_in_writes > 0).then(|| "1 check-in".to_owned());
    match (check_in, labels) {
        (Some(c), Some(l)) => format!("{c} and {l} waiting"),
        (Some(one), None) | (None, Some(one)) => format!("{one} waiting"),
        (None, None) => String::new(),
    }
}
