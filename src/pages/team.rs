//! `/team`: every athlete of the coach's team with the latest figures, most urgent
//! first, sortable by any column and filterable by name or by need of attention.

use forma_core::api::{AthleteStatus, TeamRecommendation, TeamSummary};
use forma_core::overview::{attention, Attention};
use forma_core::readiness::HrvStatus;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::charts::window::number;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::SignInRequired;

type Recommendations = std::collections::HashMap<String, TeamRecommendation>;

async fn load() -> Result<Option<(TeamSummary, Vec<AthleteStatus>, Recommendations)>, ApiFailure> {
    let Some(team) = api::teams().await?.into_iter().next() else {
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

/// One row of the table: the status and why it needs attention.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: AthleteStatus,
    pub attention: Attention,
}

/// The columns a coach can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Attention,
    Name,
    Ratio,
    Form,
    Freshness,
}

/// Sorts rows by `key`; undefined values go last either way. Attention sorts most
/// urgent first; ties keep name order.
pub fn sort_rows(rows: &mut [Row], key: SortKey, descending: bool) {
    rows.sort_by(|a, b| a.status.athlete.name.cmp(&b.status.athlete.name));
    let number = |row: &Row| -> Option<f64> {
        match key {
            SortKey::Attention => Some(f64::from(row.attention.level)),
            SortKey::Ratio => row.status.acwr,
            SortKey::Form => row.status.form,
            SortKey::Freshness => row.status.days_since_data.map(|d| d as f64),
            SortKey::Name => None,
        }
    };
    if key == SortKey::Name {
        if descending {
            rows.reverse();
        }
        return;
    }
    rows.sort_by(|a, b| match (number(a), number(b)) {
        (Some(x), Some(y)) => {
            let order = x.total_cmp(&y);
            if descending {
                order.reverse()
            } else {
                order
            }
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// Rows whose name contains `filter` (any case) and, when asked, that need attention.
pub fn filter_rows(rows: &[Row], filter: &str, attention_only: bool) -> Vec<Row> {
    let filter = filter.trim().to_lowercase();
    rows.iter()
        .filter(|row| {
            filter.is_empty()
                || row.status.athlete.name.to_lowercase().contains(&filter)
                || row.status.athlete.id.as_str().contains(&filter)
        })
        .filter(|row| !attention_only || row.attention.level > 0)
        .cloned()
        .collect()
}

fn hrv_words(status: Option<HrvStatus>) -> &'static str {
    match status {
        Some(HrvStatus::Below) => "HRV below normal",
        Some(HrvStatus::Within) => "HRV normal",
        Some(HrvStatus::Above) => "HRV above normal",
        Some(HrvStatus::Insufficient) | None => "no HRV",
    }
}

#[component]
pub fn TeamPage() -> impl IntoView {
    let auth = use_auth();
    let team = LocalResource::new(move || auth.when_signed_in(load));
    view! {
        <PageHeader
            title="Team"
            summary="Every athlete, most urgent first, with load ratio, form, readiness and how fresh their data is."
        />
        <Transition fallback=|| view! { <p class="loading">"Loading the team…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                team.get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="your team"/> }.into_any()
                        }
                        Err(failure) => {
                            view! {
                                <p class="card error" role="alert">
                                    {failure.to_string()}
                                    " Reload the page to try again."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(None) => {
                            view! {
                                <p class="card empty-state">
                                    "You coach no team yet. Ask the person who runs Forma to add you to one."
                                </p>
                            }
                                .into_any()
                        }
                        Ok(Some((team, athletes, recommendations))) => {
                            view! { <TeamTable team athletes recommendations/> }.into_any()
                        }
                    })
            }}
        </Transition>
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

/// The phone's sort choices, every column both ways: (value, label, sort).
const SORT_CHOICES: [(&str, &str, (SortKey, bool)); 10] = [
    ("attention", "Most urgent first", (SortKey::Attention, true)),
    (
        "attention-low",
        "Least urgent first",
        (SortKey::Attention, false),
    ),
    ("name", "Name, A to Z", (SortKey::Name, false)),
    ("name-desc", "Name, Z to A", (SortKey::Name, true)),
    ("ratio-high", "Highest load ratio", (SortKey::Ratio, true)),
    ("ratio-low", "Lowest load ratio", (SortKey::Ratio, false)),
    ("form-high", "Highest form", (SortKey::Form, true)),
    ("form-low", "Lowest form", (SortKey::Form, false)),
    ("stale", "Oldest data first", (SortKey::Freshness, true)),
    ("fresh", "Newest data first", (SortKey::Freshness, false)),
];

fn sort_choice(value: &str) -> Option<(SortKey, bool)> {
    SORT_CHOICES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, _, sort)| *sort)
}

fn sort_value(sort: (SortKey, bool)) -> &'static str {
    SORT_CHOICES
        .iter()
        .find(|(_, _, s)| *s == sort)
        .map_or("attention", |(v, _, _)| *v)
}

/// The Today cell: the action that stands first. When a coach decided, their
/// action leads with who decided and why, and Forma's suggestion follows as
/// "Forma suggested"; otherwise Forma's action with its confidence and reason.
fn today_cell(r: TeamRecommendation) -> impl IntoView {
    use forma_core::policy::Action;
    let confidence = |action: Action| {
        if action == Action::ManualReview {
            // No automatic action, so no confidence in one to show.
            " · for the coach".to_owned()
        } else {
            format!(" · {:.0}%", r.confidence * 100.0)
        }
    };
    let by = r.decided_by.clone().unwrap_or_else(|| "a coach".to_owned());
    match r.decision.as_deref() {
        Some(decision) => {
            let how = if decision == "accept" {
                format!(" · accepted by {by}")
            } else {
                let why = r
                    .decision_reason
                    .as_deref()
                    .and_then(|c| c.parse::<forma_core::labels::LabelCode>().ok())
                    .map(|c| format!(" ({})", c.name().to_lowercase()))
                    .unwrap_or_default();
                format!(" · {by}'s decision{why}")
            };
            let suggested = (decision != "accept").then(|| {
                view! {
                    <div class="rec-suggested" data-testid="team-rec-suggested">
                        {format!("Forma suggested: {}{}", r.suggested.label().to_lowercase(), confidence(r.suggested))}
                    </div>
                }
            });
            view! {
                <div class="rec-cell" data-testid="team-rec" data-decided=decision.to_owned()>
                    <strong>{r.action.label()}</strong>
                    {how}
                    {suggested}
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="rec-cell" data-testid="team-rec">
                <strong>{r.action.label()}</strong>
                {confidence(r.action)}
                {r.top_reason.clone().map(|reason| view! { <div class="rec-reason">{reason}</div> })}
            </div>
        }
        .into_any(),
    }
}

fn rows_needing(rows: &[Row]) -> usize {
    rows.iter().filter(|row| row.attention.level > 0).count()
}

#[component]
fn TeamRow(row: Row, recommendation: Option<TeamRecommendation>) -> impl IntoView {
    let Row { status, attention } = row;
    let today = recommendation.map(today_cell);
    let href = format!("/athletes/{}", status.athlete.id);
    let freshness = match (status.last_data, status.days_since_data) {
        (Some(day), Some(0)) => format!("up to date ({day})"),
        (Some(day), Some(days)) => format!("{days} days old ({day})"),
        _ => "no data".to_owned(),
    };
    let quality = status.quality;
    let quality_text = match (quality.errors, quality.warnings) {
        (0, 0) => "no issues".to_owned(),
        (0, w) => format!("{w} warning{}", if w == 1 { "" } else { "s" }),
        (e, w) => format!(
            "{e} error{}, {w} warning{}",
            if e == 1 { "" } else { "s" },
            if w == 1 { "" } else { "s" }
        ),
    };
    let (flag_class, flag) = match attention.level {
        0 => ("flag flag-ok", "✓ nothing to look at".to_owned()),
        1 => (
            "flag flag-watch",
            format!("! {}", attention.reasons.join("; ")),
        ),
        _ => (
            "flag flag-urgent",
            format!("⚠ {}", attention.reasons.join("; ")),
        ),
    };
    view! {
        <tr role="row" data-testid="team-row" data-athlete=status.athlete.id.to_string() data-attention=attention.level>
            <th scope="row" role="rowheader" class="cell-athlete">
                <A href=href>{status.athlete.name.clone()}</A>
            </th>
            <td role="cell" class="cell-attention" data-label="Needs a look"><span class=flag_class>{flag}</span></td>
            <td role="cell" class="cell-today" data-label="Today">{today}</td>
            <td role="cell" class="cell-number" data-label="Load ratio (7:28)">{number(status.acwr, 2)}</td>
            <td role="cell" class="cell-number" data-label="Form (TSB)">{number(status.form, 1)}</td>
            <td role="cell" class="cell-wide" data-label="Readiness">
                {hrv_words(status.hrv_status)}
                {status.readiness.map(|score| format!(", readiness {score:.0}/10"))}
            </td>
            <td role="cell" data-label="Data">{freshness}</td>
            <td role="cell" data-label="Quality">{quality_text}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use forma_core::api::{AthleteProfile, QualityCounts};

    fn row(name: &str, ratio: Option<f64>, level: u8) -> Row {
        Row {
            status: AthleteStatus {
                athlete: AthleteProfile {
                    id: name.to_lowercase().parse().expect("id"),
                    team_id: "t".to_owned(),
                    name: name.to_owned(),
                    time_zone: "UTC".to_owned(),
                    sex: None,
                    birth_year: None,
                    sport: None,
                    hr_max: None,
                    hr_rest: None,
                    data_version: 0,
                },
                as_of: forma_core::types::parse_date("2024-01-01").expect("date"),
                last_data: None,
                days_since_data: None,
                acwr: ratio,
                ratio_through: None,
                ratio_form: String::new(),
                form: None,
                fitness: None,
                hrv_status: None,
                readiness: None,
                quality: QualityCounts::default(),
                intentional_deload: false,
            },
            attention: Attention {
                level,
                reasons: Vec::new(),
            },
        }
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter()
            .map(|r| r.status.athlete.name.as_str())
            .collect()
    }

    #[test]
    fn the_most_urgent_come_first_and_ties_keep_name_order() {
        let mut rows = vec![
            row("Cleo", None, 0),
            row("Ada", None, 2),
            row("Bo", None, 2),
            row("Dan", None, 3),
        ];
        sort_rows(&mut rows, SortKey::Attention, true);
        assert_eq!(names(&rows), ["Dan", "Ada", "Bo", "Cleo"]);
    }

    #[test]
    fn undefined_ratios_sort_last_in_both_directions() {
        let mut rows = vec![
            row("A", None, 0),
            row("B", Some(1.4), 0),
            row("C", Some(0.9), 0),
        ];
        sort_rows(&mut rows, SortKey::Ratio, true);
        assert_eq!(names(&rows), ["B", "C", "A"]);
        sort_rows(&mut rows, SortKey::Ratio, false);
        assert_eq!(names(&rows), ["C", "B", "A"]);
    }

    #[test]
    fn every_column_can_be_sorted_both_ways_from_the_phone_list() {
        for key in [
            SortKey::Attention,
            SortKey::Name,
            SortKey::Ratio,
            SortKey::Form,
            SortKey::Freshness,
        ] {
            for descending in [true, false] {
                let value = sort_value((key, descending));
                assert_eq!(sort_choice(value), Some((key, descending)), "{value}");
            }
        }
        assert_eq!(sort_choice("sideways"), None);
    }

    #[test]
    fn the_filter_matches_names_and_can_keep_only_those_needing_a_look() {
        let rows = vec![
            row("Ada", None, 0),
            row("Adam", None, 1),
            row("Bo", None, 2),
        ];
        assert_eq!(names(&filter_rows(&rows, "ad", false)), ["Ada", "Adam"]);
        assert_eq!(names(&filter_rows(&rows, "", true)), ["Adam", "Bo"]);
    }
}
