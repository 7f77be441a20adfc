//! The model card in plain words: what the model is for, its verdict, its data,
//! what the backtests found, and who and when it tells apart.

use forma_core::model::backtest::Scheme;
use forma_core::model::card::WhoAndWhen;
use forma_core::model::ModelArtifact;
use leptos::prelude::*;

use super::backtest::BacktestTable;
use super::calibration::{CalibrationPanel, ConfidencePanel};
use super::figures::{primary_scorer, with_interval};

#[component]
pub fn ModelCardView(artifact: ModelArtifact) -> impl IntoView {
    let card = artifact.card.clone();
    let data = card.data.clone();
    let window = card.window;
    let primary = primary_scorer(&artifact);
    let created = artifact.created_at.to_string();
    let created = created.get(..10).unwrap_or(&created).to_owned();
    let verdict = card.verdict().headline();
    let findings = card.findings.clone();
    let forward = card.backtests.forward_in_time.clone();
    let by_athlete = card.backtests.athletes_held_out.clone();
    view! {
        <section class="card model-summary" data-testid="model-card">
            <h2>"Active model " <code data-testid="model-version">{artifact.version_id.clone()}</code></h2>
            <p>{card.intended_use.clone()}</p>
            <p data-testid="model-verdict"><strong>{verdict}</strong></p>
            <dl class="facts">
                <dt>"Model"</dt>
                <dd data-testid="model-primary">
                    {primary.label()}
                    {card.primary_choice.as_ref().map(|c| view! { <span class="note">" "{c.reason.clone()}</span> })}
                </dd>
                <dt>"Trained"</dt>
                <dd>{created}</dd>
                <dt>"Training days"</dt>
                <dd>{format!("{} to {}", window.first_day, window.last_day)}</dd>
                <dt>"Athletes"</dt>
                <dd>{data.athletes}</dd>
                <dt>"Athlete-days"</dt>
                <dd>
                    {format!(
                        "{}, of which {} were followed by an injury or illness within 7 days",
                        data.rows,
                        data.positive_rows,
                    )}
                </dd>
                <dt>"Left out"</dt>
                <dd>
                    {format!(
                        "{} first-28 days, {} days while an episode was open or could still have been (up to 7 days after its last report), {} days too close to the end to know the outcome",
                        data.left_out.warm_up,
                        data.left_out.episode_open,
                        data.left_out.censored,
                    )}
                </dd>
                <dt>"Features"</dt>
                <dd>{format!("{} ({})", card.schema_version, card.schema_hash)}</dd>
            </dl>
            <h3>"What the backtests say"</h3>
            <ul class="findings" data-testid="model-findings">
                {findings.into_iter().map(|f| view! { <li>{f}</li> }).collect_view()}
            </ul>
        </section>
        <WhoAndWhenPanel items=card.who_and_when.clone()/>
        <BacktestTable title=Scheme::ForwardInTime.title() scheme=forward.clone() primary/>
        <BacktestTable title=Scheme::AthletesHeldOut.title() scheme=by_athlete.clone() primary/>
        <CalibrationPanel forward=forward.clone() by_athlete primary/>
        <ConfidencePanel forward primary base_rate=artifact.models.base_rate/>
    }
}

/// Who and when (DESIGN.md "Who and when"): per backtest, the pooled ROC AUC,
/// which on team data mostly tells injury-prone athletes apart, and the
/// within-athlete AUC, which tells an athlete's risky days from their others;
/// each with its events, athletes and interval, and what it means for a coach.
#[component]
pub fn WhoAndWhenPanel(items: Vec<WhoAndWhen>) -> impl IntoView {
    let shown = !items.is_empty();
    let rows = items
        .iter()
        .map(|w| {
            let scheme = w.scheme.title();
            view! {
                <tr>
                    <th scope="row">{scheme}</th>
                    <td>{with_interval(w.pooled_auc, w.pooled_ci)}</td>
                    <td>{format!("{} days, {} athletes", w.pooled_events, w.pooled_athletes)}</td>
                    <td>{with_interval(w.within_auc, w.within_ci)}</td>
                    <td>{format!("{} days, {} athletes", w.within_events, w.within_athletes)}</td>
                </tr>
            }
        })
        .collect_view();
    let sentences = items
        .iter()
        .flat_map(|w| [w.who.clone(), w.when.clone()])
        .map(|s| view! { <li>{s}</li> })
        .collect_view();
    shown.then(|| {
        view! {
            <section class="card" data-testid="who-and-when">
                <h2>"Who and when"</h2>
                <p class="note">
                    "Pooled over athletes, the ROC AUC says whether the model tells the athletes who get injured or ill from those who do not: who to keep an eye on (their standing risk). "
                    "Within each athlete, it says whether the model tells their risky days from their other days: when to change a session. "
                    "0.5 is a coin toss; the interval comes from resampling athletes."
                </p>
                <div class="table-scroll">
                    <table class="data-table" data-testid="who-and-when-table">
                        <thead>
                            <tr>
                                <th scope="col">"Backtest"</th>
                                <th scope="col">"Who: pooled ROC AUC (95% CI)"</th>
                                <th scope="col">"Behind it"</th>
                                <th scope="col">"When: within-athlete AUC (95% CI)"</th>
                                <th scope="col">"Behind it"</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
                <ul class="findings">{sentences}</ul>
            </section>
        }
    })
}
