//! One athlete's row of the team table: who, why they need a look, today's
//! action, load ratio, form, readiness, how fresh their data is and its quality.

use forma_core::api::TeamRecommendation;
use forma_core::readiness::HrvStatus;
use leptos::prelude::*;
use leptos_router::components::A;

use super::rows::Row;
use crate::charts::window::number;

fn hrv_words(status: Option<HrvStatus>) -> &'static str {
    match status {
        Some(HrvStatus::Below) => "HRV below normal",
        Some(HrvStatus::Within) => "HRV normal",
        Some(HrvStatus::Above) => "HRV above normal",
        Some(HrvStatus::Insufficient) | None => "no HRV",
    }
}
/// The Today cell: the action that stands first. When a coach decided, their
/// action leads with who decided and why, and Forma's suggestion follows as
/// "Forma suggested"; otherwise Forma's action with its confidence and reason.
fn today_cell(r: TeamRecommendation) -> impl IntoView {
    use forma_core::policy::Action;
    let caveat = forma_core::policy::model_caveat_short(r.model_beats_baselines);
    let confidence = move |action: Action| {
        if action == Action::ManualReview {
            // No automatic action, so no confidence in one to show.
            " · for the coach".to_owned()
        } else {
            format!(
                " · {:.0}%{}",
                r.confidence * 100.0,
                caveat.map(|c| format!(" ({c})")).unwrap_or_default()
            )
        }
    };
    let caveat_title = forma_core::policy::model_caveat(r.model_beats_baselines);
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
                <div class="rec-cell" data-testid="team-rec" data-decided=decision.to_owned() title=caveat_title>
                    <strong>{r.action.label()}</strong>
                    {how}
                    {suggested}
                </div>
            }
            .into_any()
        }
        None => view! {
            <div class="rec-cell" data-testid="team-rec" title=caveat_title>
                <strong>{r.action.label()}</strong>
                {confidence(r.action)}
                {r.top_reason.clone().map(|reason| view! { <div class="rec-reason">{reason}</div> })}
            </div>
        }
        .into_any(),
    }
}

#[component]
pub fn TeamRow(row: Row, recommendation: Option<TeamRecommendation>) -> impl IntoView {
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
