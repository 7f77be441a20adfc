//! `/team`: every athlete of the coach's team with the latest figures, most urgent
//! first, sortable by any column and filterable by name or by need of attention.

use forma_core::api::{AthleteStatus, TeamRecommendation, TeamSummary};
use forma_core::overview::attention;
use leptos::prelude::*;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::components::loaded::Loaded;
use crate::components::page_header::PageHeader;
use crate::team_choice::{self, use_team_choice, wanted_team, TeamChoice};

mod row;
pub mod rows;

use row::TeamRow;
use rows::{
    filter_rows, rows_needing, sort_choice, sort_rows, sort_value, Row, SortKey, SORT_CHOICES,
};

type Recommendations = std::collections::HashMap<String, TeamRecommendation>;

async fn load(
    choice: TeamChoice,
    wanted: Option<String>,
) -> Result<Option<(TeamSummary, Vec<AthleteStatus>, Recommendations)>, ApiFailure> {
    let Some(team) = team_choice::chosen(choice, wanted).await?.1 else {
        return Ok(None);
    };
    let athletes = api::team_athletes(&team.id).await?;
    // The table stands without the recommendations if they cannot be had.
    let recommendations = api::team_recommendations(&team.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.athlete_id.to_string(), r))
        .collect();
    Ok(Some((team, athletes, recommendations)))
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let auth = use_auth();
    let choice = use_team_choice();
    let wanted = wanted_team();
    let team = LocalResource::new(move || {
        let wanted = wanted.get();
        auth.when_signed_in(move || load(choice, wanted))
    });
    view! {
        <PageHeader
            title="Team"
            summary="Every athlete, most urgent first, with load ratio, form, readiness and how fresh their data is."
        />
        <Loaded data=team loading="Loading the team…" what="your team" let:team>
            {match team {
                None => view! { <NoTeam/> }.into_any(),
                Some((team, athletes, _)) if athletes.is_empty() => {
                    view! { <NoAthletes team/> }.into_any()
                }
                Some((team, athletes, recommendations)) => {
                    view! { <TeamTable team athletes recommendations/> }.into_any()
                }
            }}
        </Loaded>
    }
}

/// A new install, or an account with no team: the first step is a team.
#[component]
fn NoTeam() -> impl IntoView {
    view! {
        <section class="card empty-state" data-testid="team-none">
            <h2>"Create your first team"</h2>
            <p>
                "There is no team to show yet. Create one on the Roster page (a coach coaches the teams they create), "
                "then import its athletes' history or add them by hand, and they appear here."
            </p>
            <a class="button" href="/roster" data-testid="team-none-create">"Create a team"</a>
        </section>
    }
}

/// A team without athletes yet: import their history or add them by hand.
#[component]
fn NoAthletes(team: TeamSummary) -> impl IntoView {
    let import = format!("/import?team={}", crate::auth::percent_encode(&team.id));
    view! {
        <section class="card empty-state" data-testid="team-empty">
            <h2>{format!("{} has no athletes yet", team.name)}</h2>
            <p>
                "Import their history (sessions, wellness and injuries as CSV, watch files, a PMData export), "
                "which adds every athlete it names, or add athletes by hand and invite them."
            </p>
            <div class="actions">
                <a class="button" href=import data-testid="team-empty-import">"Import history"</a>
                <a class="button secondary" href="/roster" data-testid="team-empty-add">"Add athletes by hand"</a>
            </div>
        </section>
    }
}

#[component]
fn TeamTable(
    team: TeamSummary,
    athletes: Vec<AthleteStatus>,
    recommendations: Recommendations,
) -> impl IntoView {
    let recommendations = StoredValue::new(recommendations);
    let total = athletes.len();
    let rows: Vec<Row> = athletes
        .into_iter()
        .map(|status| Row {
            attention: attention(&status),
            status,
        })
        .collect();
    let sort = RwSignal::new((SortKey::Attention, true));
    let filter = RwSignal::new(String::new());
    let attention_only = RwSignal::new(false);
    let shown = Memo::new(move |_| {
        let mut shown = filter_rows(&rows, &filter.get(), attention_only.get());
        let (key, descending) = sort.get();
        sort_rows(&mut shown, key, descending);
        shown
    });
    let header = move |label: &'static str, key: SortKey| {
        let aria = move || match sort.get() {
            (current, true) if current == key => "descending",
            (current, false) if current == key => "ascending",
            _ => "none",
        };
        view! {
            <th scope="col" role="columnheader" aria-sort=aria>
                <button
                    class="sort"
                    on:click=move |_| {
                        sort.update(|(current, descending)| {
                            if *current == key {
                                *descending = !*descending;
                            } else {
                                *current = key;
                                *descending = matches!(key, SortKey::Attention | SortKey::Ratio | SortKey::Freshness);
                            }
                        })
                    }
                >
                    {label}
                    <span class="sort-mark" aria-hidden="true">
                        {move || match aria() {
                            "descending" => "▼",
                            "ascending" => "▲",
                            _ => "",
                        }}
                    </span>
                </button>
            </th>
        }
    };
    let as_of = team.as_of.map(|day| {
        let load_to = day
            .yesterday()
            .map(|d| d.strftime("%a %-d %b").to_string())
            .unwrap_or_default();
        format!(
            " Figures for the morning of {}, the team's last day of data: load ratios from load up to {load_to}, as today's recommendations read them.",
            day.strftime("%a %-d %b %Y")
        )
    });
    let needing = rows_needing(&shown.get_untracked());
    view! {
        <p class="team-caption">
            <strong>{team.name.clone()}</strong>
            {format!(": {total} athletes, {needing} need a look.")}
            {as_of}
        </p>
        <div class="team-tools">
            <label>
                "Find "
                <input
                    type="search"
                    placeholder="Name or id"
                    data-testid="team-filter"
                    prop:value=filter
                    on:input=move |event| filter.set(event_target_value(&event))
                />
            </label>
            <label class="check">
                <input
                    type="checkbox"
                    data-testid="attention-only"
                    prop:checked=attention_only
                    on:change=move |event| attention_only.set(event_target_checked(&event))
                />
                " Only those who need a look"
            </label>
            // On a phone the table is a list of cards without column headers, so
            // the sort is chosen here.
            <label class="team-sort">
                "Sort by "
                <select
                    data-testid="team-sort"
                    prop:value=move || sort_value(sort.get())
                    on:change=move |event| {
                        if let Some(choice) = sort_choice(&event_target_value(&event)) {
                            sort.set(choice);
                        }
                    }
                >
                    {SORT_CHOICES
                        .iter()
                        .map(|(value, label, _)| view! { <option value=*value>{*label}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        <div class="table-scroll team-scroll">
            // The roles keep the table a table for screen readers when a phone's
            // layout shows its rows as cards.
            <table class="team-table" role="table" data-testid="team-table">
                <thead role="rowgroup">
                    <tr role="row">
                        {header("Athlete", SortKey::Name)}
                        {header("Needs a look", SortKey::Attention)}
                        <th scope="col" role="columnheader">"Today"</th>
                        {header("Load ratio (coupled 7:28, to yesterday)", SortKey::Ratio)}
                        {header("Form (TSB)", SortKey::Form)}
                        <th scope="col" role="columnheader">"Readiness"</th>
                        {header("Data", SortKey::Freshness)}
                        <th scope="col" role="columnheader">"Quality"</th>
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    <For each=move || shown.get() key=|row| row.status.athlete.id.clone() let:row>
                        <TeamRow
                            recommendation=recommendations
                                .with_value(|r| r.get(row.status.athlete.id.as_str()).cloned())
                            row
                        />
                    </For>
                </tbody>
            </table>
        </div>
    }
}
