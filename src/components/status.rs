//! The server status indicator in the header, fed by `GET /api/health` (refreshed
//! every 30 seconds), by every other request (one that cannot reach the server
//! says "Offline" at once) and by the browser's own online and offline events. It
//! says its state in words, not only by colour.

use std::time::Duration;

use forma_core::api::{Health, HealthStatus};
use leptos::prelude::*;

use crate::api::{self, ApiFailure, Reach};

/// How often the indicator asks the server again.
const REFRESH: Duration = Duration::from_secs(30);

/// What the indicator shows: a state for styling and tests, and the words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusView {
    pub state: &'static str,
    pub label: String,
    pub detail: String,
}

impl StatusView {
    /// What the user sees, from the latest health answer and whether the latest
    /// request of any kind reached the server (the newer says more).
    pub fn of(answer: Option<&Result<Health, ApiFailure>>, reach: Reach) -> StatusView {
        if reach == Reach::Unreachable {
            return StatusView {
                state: "offline",
                label: "Offline".to_owned(),
                detail: "The last request could not reach the Forma server. Check your connection; what you save now is kept only where the page says so.".to_owned(),
            };
        }
        Self::from_answer(answer)
    }

    /// Turns the latest health answer into what the user sees.
    pub fn from_answer(answer: Option<&Result<Health, ApiFailure>>) -> StatusView {
        match answer {
            None => StatusView {
                state: "checking",
                label: "Checking".to_owned(),
                detail: "Asking the server whether it is up.".to_owned(),
            },
            Some(Ok(health)) if health.status == HealthStatus::Ok => StatusView {
                state: "ok",
                label: "Online".to_owned(),
                detail: format!(
                    "Server {} is up; database ({}) answers.",
                    health.version, health.database.backend
                ),
            },
            Some(Ok(health)) => StatusView {
                state: "degraded",
                label: "Degraded".to_owned(),
                detail: format!(
                    "Server {} is up but its database does not answer; changes cannot be saved.",
                    health.version
                ),
            },
            Some(Err(failure)) => StatusView {
                state: "offline",
                label: "Offline".to_owned(),
                detail: failure.to_string(),
            },
        }
    }
}

#[component]
pub fn ServerStatus() -> impl IntoView {
    let health = LocalResource::new(api::health);
    if let Ok(handle) = set_interval_with_handle(move || health.refetch(), REFRESH) {
        on_cleanup(move || handle.clear());
    }
    let reach = api::reach();
    // A request that fails asks the server again at once; so does the browser
    // coming back online, and going offline says so at once.
    Effect::new(move |previous: Option<Reach>| {
        let now = reach.get();
        if previous.is_some_and(|p| p != now) {
            health.refetch();
        }
        now
    });
    let online = window_event_listener(leptos::ev::online, move |_| health.refetch());
    let offline =
        window_event_listener(leptos::ev::offline, move |_| reach.set(Reach::Unreachable));
    on_cleanup(move || {
        online.remove();
        offline.remove();
    });
    let view_of = move || StatusView::of(health.get().as_ref(), reach.get());
    view! {
        <div
            class="server-status"
            data-testid="server-status"
            data-state=move || view_of().state
            title=move || view_of().detail
            role="status"
        >
            <span class="status-dot" aria-hidden="true"></span>
            <span class="status-label">{move || view_of().label}</span>
        </div>
    }
}
