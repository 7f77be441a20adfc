//! Which team a coach of several teams, or an admin, is looking at: the team
//! named in the address (`?team=ID`, or `/team/ID` for the team page, so a link
//! keeps it), else the one last chosen in this browser, else the first. A coach
//! of one team never chooses.

use forma_core::api::{Role, TeamSummary};
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};

use crate::api::{self, ApiFailure};
use crate::auth::{percent_encode, use_auth};

/// Where the last choice is kept in the browser's local storage, per account (one
/// account's team means nothing to another who signs in on the same browser).
fn key(email: &str) -> String {
    format!("forma.team:{email}")
}

/// The pages whose address carries the team; elsewhere the choice is only kept.
const TEAM_PAGES: [&str; 5] = ["/team", "/import", "/model", "/labels", "/plan"];

/// The remembered choice of the signed-in account, shared by the header and the pages.
#[derive(Debug, Clone, Copy)]
pub struct TeamChoice {
    /// Read from the browser's storage for whoever is signed in, again after a change.
    team: Memo<Option<String>>,
    changed: RwSignal<u32>,
    auth: crate::auth::Auth,
}

impl TeamChoice {
    /// Remembers `team` in this browser for the signed-in account.
    pub fn set(self, team: &str) {
        let email = self
            .auth
            .user
            .with_untracked(|u| u.as_ref().map(|u| u.user.email.clone()));
        if let (Some(storage), Some(email)) = (storage(), email) {
            let _ = storage.set_item(&key(&email), team);
        }
        self.changed.update(|n| *n = n.wrapping_add(1));
    }

    pub fn remembered(self) -> Option<String> {
        self.team.get()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn provide_team_choice() -> TeamChoice {
    let auth = use_auth();
    let changed = RwSignal::new(0_u32);
    let team = Memo::new(move |_| {
        changed.track();
        let email = auth
            .user
            .with(|u| u.as_ref().map(|u| u.user.email.clone()))?;
        storage()?.get_item(&key(&email)).ok().flatten()
    });
    let choice = TeamChoice {
        team,
        changed,
        auth,
    };
    provide_context(choice);
    choice
}

pub fn use_team_choice() -> TeamChoice {
    use_context::<TeamChoice>().unwrap_or_else(provide_team_choice)
}

/// The team asked for: the address's, else the remembered one (call it in a
/// component's body; it changes only when the team asked for does).
pub fn wanted_team() -> Memo<Option<String>> {
    let choice = use_team_choice();
    let query = use_query_map();
    // Read from the address rather than the route's parameters, which the
    // header's chooser, outside the routes, has none of.
    let location = use_location();
    Memo::new(move |_| {
        query
            .with(|q| q.get("team"))
            .or_else(|| {
                location.pathname.with(|path| {
                    path.strip_prefix("/team/")
                        .filter(|team| !team.is_empty())
                        .map(str::to_owned)
                })
            })
            .or_else(|| choice.remembered())
    })
}

/// The team of `teams` that `wanted` names, else the first; `None` without teams.
pub fn pick(teams: Vec<TeamSummary>, wanted: Option<&str>) -> Option<TeamSummary> {
    let position = wanted
        .and_then(|id| teams.iter().position(|t| t.id == id))
        .unwrap_or(0);
    teams.into_iter().nth(position)
}

/// The caller's teams and the one chosen among them (remembered when the address
/// named it, so that the other pages follow).
///
/// # Errors
/// See [`ApiFailure`].
pub async fn chosen(
    choice: TeamChoice,
    wanted: Option<String>,
) -> Result<(Vec<TeamSummary>, Option<TeamSummary>), ApiFailure> {
    let teams = api::teams().await?;
    let team = pick(teams.clone(), wanted.as_deref());
    if let Some(team) = &team {
        if wanted.as_deref() == Some(team.id.as_str()) && choice.remembered() != wanted {
            choice.set(&team.id);
        }
    }
    Ok((teams, team))
}

/// The header's team chooser: shown to a coach of several teams and to an admin
/// with several teams to see.
#[component]
pub fn TeamChooser() -> impl IntoView {
    let auth = use_auth();
    let choice = use_team_choice();
    let location = use_location();
    let wanted = wanted_team();
    let navigate = use_navigate();
    let teams = LocalResource::new(move || {
        let staff = matches!(auth.role(), Some(Role::Coach | Role::Admin));
        async move {
            if staff {
                api::teams().await.unwrap_or_default()
            } else {
                Vec::new()
            }
        }
    });
    move || {
        let teams = teams.get().unwrap_or_default();
        if teams.len() < 2 {
            return ().into_any();
        }
        let selected = wanted
            .get()
            .filter(|id| teams.iter().any(|t| &t.id == id))
            .or_else(|| teams.first().map(|t| t.id.clone()))
            .unwrap_or_default();
        let navigate = navigate.clone();
        let options = teams
            .into_iter()
            .map(|team| {
                let is = team.id == selected;
                view! { <option value=team.id.clone() selected=is>{team.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <label class="team-chooser" data-testid="team-chooser">
                <span class="team-chooser-label">"Team"</span>
                <select on:change=move |event| {
                    let team = event_target_value(&event);
                    choice.set(&team);
                    let path = location.pathname.get_untracked();
                    if path.starts_with("/team/") {
                        navigate(&format!("/team/{}", percent_encode(&team)), Default::default());
                    } else if TEAM_PAGES.contains(&path.as_str()) {
                        navigate(&format!("{path}?team={}", percent_encode(&team)), Default::default());
                    }
                }>
                    {options}
                </select>
            </label>
        }
        .into_any()
    }
}
