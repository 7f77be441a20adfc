//! `/model[?team=T]`: a team's active risk model (each team has its own): its
//! card in plain words, its backtests against the simple baselines, a calibration
//! plot, the cohort table, and (for coaches and admins) the versions they may see
//! with activate, roll back and retrain for the team, and the other teams they
//! manage to choose from.

use forma_core::api::{ModelRegistry, ModelVersion};
use forma_core::model::backtest::{Metrics, Scheme, SchemeResult, Scorer};
use forma_core::model::card::WhoAndWhen;
use forma_core::model::evaluation::{CalibrationBin, Interval};
use forma_core::model::ModelArtifact;
use forma_core::policy::confidence::{backtest_table, risk_threshold, BacktestRow};
use forma_core::policy::PolicyOptions;
use leptos::html::Canvas;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::{self, ApiFailure};
use crate::auth::use_auth;
use crate::charts::calibration::{calibration_legend, draw_calibration, CalibrationSeries, SERIES};
use crate::charts::legend::ChartLegend;
use crate::components::page_header::PageHeader;
use crate::components::sign_in_required::SignInRequired;

/// What the page shows: the active model (if any) and the registry (coaches and
/// admins only).
#[derive(Debug, Clone)]
struct Loaded {
    artifact: Option<ModelArtifact>,
    registry: Option<ModelRegistry>,
}

/// The registry first: for staff it names the team (the one asked for, or their
/// only one) whose active model the card shows; an athlete sees their own team's.
async fn load(team: Option<String>) -> Result<Loaded, ApiFailure> {
    let registry = api::model_registry(team.as_deref()).await?;
    let team = registry.as_ref().map(|r| r.team.clone()).or(team);
    let artifact = api::active_model(team.as_deref()).await?;
    Ok(Loaded { artifact, registry })
}

/// A probability-like figure with three decimals, or "n/a".
pub fn figure(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"))
}

/// A figure with its 95% interval, such as `0.652 (0.409 to 0.889)`.
pub fn with_interval(x: Option<f64>, ci: Option<Interval>) -> String {
    match (x, ci) {
        (Some(v), Some(i)) => format!("{v:.3} ({:.3} to {:.3})", i.low, i.high),
        (x, _) => figure(x),
    }
}

/// A share as a percentage with one decimal.
pub fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "n/a".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

fn primary_scorer(artifact: &ModelArtifact) -> Scorer {
    artifact.primary.scorer()
}

fn metrics_of(scheme: &SchemeResult, scorer: Scorer) -> Option<&Metrics> {
    scheme
        .scorers
        .iter()
        .find(|s| s.scorer == scorer)
        .map(|s| &s.overall)
}

/// The headline: forma-core's verdict on the card (whether the primary model
/// ranks days above the best baseline, whether its 95% interval leaves chance
/// out, whether its probabilities beat the base rate's Brier score), in one
/// sentence per backtest after the answer, as the Markdown card has it. Never
/// better news than the numbers carry.
pub fn verdict(artifact: &ModelArtifact) -> String {
    let verdict = artifact.card.verdict();
    format!(
        "{}: {}",
        if verdict.beats_baselines {
            "Beats its baselines"
        } else {
            "Does NOT beat its baselines"
        },
        verdict.summary()
    )
}

#[component]
pub fn ModelPage() -> impl IntoView {
    let auth = use_auth();
    let reload = RwSignal::new(0_u32);
    let query = use_query_map();
    let model = LocalResource::new(move || {
        reload.track();
        let team = query.with(|q| q.get("team"));
        auth.when_signed_in(move || load(team))
    });
    view! {
        <PageHeader
            title="Model"
            summary="The injury and illness risk model behind the recommendations: how it was tested, against what, where it works and where it does not."
        />
        <Transition fallback=|| view! { <p class="loading">"Loading the model…"</p> }>
            {move || {
                if !auth.checked.get() {
                    return Some(view! { <p class="loading">"Checking your sign-in…"</p> }.into_any());
                }
                model
                    .get()
                    .map(|answer| match answer {
                        Err(failure) if failure.is_unauthenticated() => {
                            auth.session_lost(&failure);
                            view! { <SignInRequired what="the model card"/> }.into_any()
                        }
                        Err(failure) => {
                            view! {
                                <p class="card error" role="alert">{failure.to_string()}</p>
                            }
                                .into_any()
                        }
                        Ok(loaded) => view! { <ModelView loaded reload/> }.into_any(),
                    })
            }}
        </Transition>
    }
}

#[component]
fn ModelView(loaded: Loaded, reload: RwSignal<u32>) -> impl IntoView {
    let Loaded { artifact, registry } = loaded;
    let card = match artifact {
        Some(artifact) => view! { <ModelCardView artifact/> }.into_any(),
        None => view! {
            <section class="card empty-state" data-testid="model-none">
                <h2>"No active model yet"</h2>
                <p>
                    "Until a model is active, every recommendation comes from the rule baseline and says so. "
                    "A coach can train one below, or an operator with "<code>"forma train"</code>"."
                </p>
            </section>
        }
        .into_any(),
    };
    view! {
        {registry.as_ref().map(|registry| team_picker(&registry.team, &registry.teams))}
        {card}
        {registry.map(|registry| view! { <Versions registry reload/> })}
    }
}

/// Links to the models of the other teams the caller manages (none with one team).
fn team_picker(team: &str, teams: &[String]) -> Option<impl IntoView> {
    (teams.len() > 1).then(|| {
        let links = teams
            .iter()
            .map(|t| {
                let current = (t == team).then_some("page");
                view! {
                    <li>
                        <a href=format!("/model?team={}", crate::auth::percent_encode(t)) aria-current=current>{t.clone()}</a>
                    </li>
                }
            })
            .collect_view();
        view! {
            <nav class="card team-picker" aria-label="Team" data-testid="model-teams">
                <p>{format!("Each team has its own model. Showing team {team}'s; choose a team:")}</p>
                <ul class="inline-list">{links}</ul>
            </nav>
        }
    })
}

#[component]
fn ModelCardView(artifact: ModelArtifact) -> impl IntoView {
    let card = artifact.card.clone();
    let data = card.data.clone();
    let window = card.window;
    let primary = primary_scorer(&artifact);
    let created = artifact.created_at.to_string();
    let created = created.get(..10).unwrap_or(&created).to_owned();
    let verdict = verdict(&artifact);
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
        <BacktestTable title="Forward in time" scheme=forward.clone() primary/>
        <BacktestTable title="Athletes held out" scheme=by_athlete.clone() primary/>
        <CalibrationPanel forward=forward.clone() by_athlete primary/>
        <ConfidencePanel forward primary base_rate=artifact.models.base_rate/>
    }
}

/// Who and when (DESIGN.md "Who and when"): per backtest, the pooled ROC AUC,
/// which on team data mostly tells injury-prone athletes apart, and the
/// within-athlete AUC, which tells an athlete's risky days from their others;
/// each with its events, athletes and interval, and what it means for a coach.
#[component]
fn WhoAndWhenPanel(items: Vec<WhoAndWhen>) -> impl IntoView {
    let shown = !items.is_empty();
    let rows = items
        .iter()
        .map(|w| {
            let scheme = match w.scheme {
                Scheme::ForwardInTime => "Forward in time",
                Scheme::AthletesHeldOut => "Athletes held out",
            };
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

/// Backtest rows rebuilt from a calibration table: each bin's days at the bin's
/// mean predicted probability, with its events as outcomes (completeness unknown,
/// so 1).
pub fn rows_from_bins(bins: &[CalibrationBin]) -> Vec<BacktestRow> {
    bins.iter()
        .filter_map(|b| {
            let p = b.mean_predicted?;
            Some((0..b.rows).map(move |i| BacktestRow {
                probability: p,
                outcome: i < b.events,
                completeness: 1.0,
            }))
        })
        .flatten()
        .collect()
}

/// How the policy's confidence compares with what happened, on the forward
/// backtest's predictions.
#[component]
fn ConfidencePanel(forward: SchemeResult, primary: Scorer, base_rate: f64) -> impl IntoView {
    let rows = rows_from_bins(&calibration_of(&forward, primary));
    let options = PolicyOptions::default();
    let threshold = risk_threshold(base_rate, &options);
    let table = backtest_table(&rows, base_rate, &options)
        .into_iter()
        .filter(|b| b.rows > 0)
        .map(|b| {
            view! {
                <tr>
                    <th scope="row">{format!("{:.0}% to {:.0}%", b.from * 100.0, b.to * 100.0)}</th>
                    <td>{b.rows}</td>
                    <td>{percent(b.mean_confidence)}</td>
                    <td>{percent(b.observed)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card" data-testid="confidence-check">
            <h2>"Confidence against what happened"</h2>
            <p class="note">
                {format!(
                    "A recommendation's confidence is the cost-weighted probability that its side of the decision is right: caution (less load) is right when an injury or illness follows within 7 days, proceeding is right when none does. In a recommendation the model's side switches at twice the athlete's standing risk (their usual); the backtest's days carry no standing risk, so here it switches at {}, twice the training event rate; a missed episode weighs as much as several needless cautions. Here the forward backtest's days, grouped by the confidence the policy would have given them, against the weighted share it got right. Where the two columns agree, confidence means what it says. Built from the calibration bins (each day at its bin's mean risk), before the data-completeness discount.",
                    percent(Some(threshold))
                )}
            </p>
            <div class="table-scroll">
                <table class="data-table" data-testid="confidence-table">
                    <thead>
                        <tr>
                            <th scope="col">"Confidence"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean confidence"</th>
                            <th scope="col">"Right (weighted)"</th>
                        </tr>
                    </thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
        </section>
    }
}

#[component]
fn BacktestTable(title: &'static str, scheme: SchemeResult, primary: Scorer) -> impl IntoView {
    let folds = scheme.folds.len();
    let first = scheme.scorers.first().map(|s| s.overall.clone());
    let rows = scheme
        .scorers
        .iter()
        .map(|s| {
            let m = &s.overall;
            let class = if s.scorer == primary {
                "primary"
            } else if s.scorer.is_baseline() {
                "baseline"
            } else {
                ""
            };
            view! {
                <tr class=class>
                    <th scope="row">
                        {s.scorer.label()}
                        {s.scorer.is_baseline().then_some(" (baseline)")}
                    </th>
                    <td>{with_interval(m.roc_auc, m.roc_auc_ci)}</td>
                    <td>{with_interval(m.pr_auc, m.pr_auc_ci)}</td>
                    <td>{with_interval(m.brier, m.brier_ci)}</td>
                    <td>{with_interval(m.within_athlete_auc, m.within_athlete_auc_ci)}</td>
                </tr>
            }
        })
        .collect_view();
    let cohorts = scheme
        .scorers
        .iter()
        .find(|s| s.scorer == primary)
        .map(|s| s.cohorts.clone())
        .unwrap_or_default();
    let cohort_rows = cohorts
        .into_iter()
        .map(|c| {
            let m = c.metrics;
            view! {
                <tr>
                    <th scope="row">{format!("{}: {}", c.dimension, c.value)}</th>
                    <td>{m.rows}</td>
                    <td>{m.events}</td>
                    <td>{percent(m.base_rate)}</td>
                    <td>{figure(m.roc_auc)}</td>
                    <td>{figure(m.pr_auc)}</td>
                    <td>{figure(m.brier)}</td>
                </tr>
            }
        })
        .collect_view();
    let slug = title.to_lowercase().replace(' ', "-");
    view! {
        <section class="card backtest" data-testid=format!("backtest-{slug}")>
            <h2>{format!("Backtest: {title}")}</h2>
            <p class="note">
                {first
                    .map(|m| {
                        format!(
                            "{folds} folds; {} test days of {} athletes, {} followed by an injury or illness (base rate {}). Every model and baseline is scored on the same days. Higher ROC and PR AUC are better, lower Brier is better; a PR AUC near the base rate means no skill.",
                            m.rows,
                            m.athletes,
                            m.events,
                            percent(m.base_rate),
                        )
                    })}
            </p>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Model"</th>
                            <th scope="col">"ROC AUC (95% CI)"</th>
                            <th scope="col">"PR AUC (95% CI)"</th>
                            <th scope="col">"Brier (95% CI)"</th>
                            <th scope="col">"Within-athlete AUC (95% CI)"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>{format!("By cohort ({})", primary.label())}</h3>
            <div class="table-scroll">
                <table class="data-table" data-testid=format!("cohorts-{slug}")>
                    <thead>
                        <tr>
                            <th scope="col">"Cohort"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Events"</th>
                            <th scope="col">"Base rate"</th>
                            <th scope="col">"ROC AUC"</th>
                            <th scope="col">"PR AUC"</th>
                            <th scope="col">"Brier"</th>
                        </tr>
                    </thead>
                    <tbody>{cohort_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn calibration_of(scheme: &SchemeResult, primary: Scorer) -> Vec<CalibrationBin> {
    metrics_of(scheme, primary)
        .map(|m| m.calibration.clone())
        .unwrap_or_default()
}

#[component]
fn CalibrationPanel(
    forward: SchemeResult,
    by_athlete: SchemeResult,
    primary: Scorer,
) -> impl IntoView {
    let canvas = NodeRef::<Canvas>::new();
    let forward_bins = calibration_of(&forward, primary);
    let athlete_bins = calibration_of(&by_athlete, primary);
    let error = RwSignal::new(None::<String>);
    {
        let forward_bins = forward_bins.clone();
        let athlete_bins = athlete_bins.clone();
        Effect::new(move |_| {
            if let Some(element) = canvas.get() {
                let [(forward, forward_color), (held_out, held_out_color)] = SERIES;
                let series = [
                    CalibrationSeries {
                        label: forward,
                        bins: &forward_bins,
                        color: forward_color,
                    },
                    CalibrationSeries {
                        label: held_out,
                        bins: &athlete_bins,
                        color: held_out_color,
                    },
                ];
                error.set(draw_calibration(&element, &series).err());
            }
        });
    }
    let table_rows = forward_bins
        .iter()
        .zip(&athlete_bins)
        .filter(|(f, a)| f.rows + a.rows > 0)
        .map(|(f, a)| {
            view! {
                <tr>
                    <th scope="row">{format!("{:.0}% to {:.0}%", f.from * 100.0, f.to * 100.0)}</th>
                    <td>{f.rows}</td>
                    <td>{percent(f.mean_predicted)}</td>
                    <td>{percent(f.observed_rate)}</td>
                    <td>{a.rows}</td>
                    <td>{percent(a.mean_predicted)}</td>
                    <td>{percent(a.observed_rate)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card chart-panel" data-testid="calibration">
            <h2>"Calibration"</h2>
            <p class="note">
                "When the model says 20%, about 20% of such days should be followed by an injury or illness. "
                "Dots on the grey line are calibrated; dots below it mean the model overstates the risk."
            </p>
            <ChartLegend
                items=Signal::stored(calibration_legend())
                name="legend-calibration".to_owned()
            />
            <canvas
                node_ref=canvas
                class="chart-canvas calibration-canvas"
                role="img"
                aria-label="Calibration plot: predicted risk against the observed share, per backtest"
                data-testid="canvas-calibration"
            ></canvas>
            <Show when=move || error.get().is_some()>
                <p class="error">{move || error.get().unwrap_or_default()}</p>
            </Show>
            <div class="table-scroll">
                <table class="data-table" data-testid="calibration-table">
                    <thead>
                        <tr>
                            <th scope="col" rowspan="2">"Predicted"</th>
                            <th scope="colgroup" colspan="3">"Forward in time"</th>
                            <th scope="colgroup" colspan="3">"Athletes held out"</th>
                        </tr>
                        <tr>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean predicted"</th>
                            <th scope="col">"Observed"</th>
                            <th scope="col">"Days"</th>
                            <th scope="col">"Mean predicted"</th>
                            <th scope="col">"Observed"</th>
                        </tr>
                    </thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </div>
        </section>
    }
}

fn version_row(
    version: ModelVersion,
    busy: Signal<bool>,
    activate: Action<String, ()>,
) -> impl IntoView {
    let id = version.id.clone();
    let auc_pair = |model: Option<f64>, baseline: Option<f64>| {
        format!("{} (best baseline {})", figure(model), figure(baseline))
    };
    view! {
        <tr class=if version.active { "active" } else { "" } data-testid="model-version-row">
            <th scope="row"><code>{version.id.clone()}</code></th>
            <td>{version.created_at.get(..16).unwrap_or(&version.created_at).replace('T', " ")}</td>
            <td>
                {format!("{} athletes, {} days, {} events", version.athletes, version.rows, version.positive_rows)}
                {(version.teams.len() > 1).then(|| view! { <br/><span class="note">{format!("teams {}", version.teams.join(", "))}</span> })}
            </td>
            <td>{auc_pair(version.forward_roc_auc, version.forward_best_baseline_roc_auc)}</td>
            <td>{auc_pair(version.athletes_roc_auc, version.athletes_best_baseline_roc_auc)}</td>
            <td>
                {if version.active {
                    view! { <span class="badge ok">"Active"</span> }.into_any()
                } else {
                    view! {
                        <button
                            class="button small"
                            disabled=move || busy.get()
                            data-testid="activate-model"
                            on:click=move |_| {
                                activate.dispatch(id.clone());
                            }
                        >
                            "Activate"
                        </button>
                    }
                        .into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn Versions(registry: ModelRegistry, reload: RwSignal<u32>) -> impl IntoView {
    let message = RwSignal::new(None::<String>);
    let done = move |answer: Result<ModelRegistry, ApiFailure>, ok: &str| match answer {
        Ok(_) => {
            message.set(Some(ok.to_owned()));
            reload.update(|n| *n += 1);
        }
        Err(failure) => message.set(Some(failure.to_string())),
    };
    let team = registry.team.clone();
    let activate = Action::new_unsync({
        let team = team.clone();
        move |id: &String| {
            let (id, team) = (id.clone(), team.clone());
            async move {
                done(
                    api::activate_model(&id, &team).await,
                    &format!("The model is now active for team {team}."),
                );
            }
        }
    });
    let rollback = Action::new_unsync({
        let team = team.clone();
        move |(): &()| {
            let team = team.clone();
            async move {
                done(
                    api::rollback_model(&team).await,
                    "Rolled back to the model that was active before.",
                );
            }
        }
    });
    let train = Action::new_unsync({
        let team = team.clone();
        move |(): &()| {
            let team = team.clone();
            async move {
                done(
                    api::train_model(&team).await,
                    &format!("Training started on team {team}'s current data. The new version appears here when it is done; it becomes active only when you activate it."),
                );
            }
        }
    });
    let training = registry.training;
    if training {
        // Look again shortly: the training runs on the server.
        set_timeout(
            move || reload.update(|n| *n += 1),
            std::time::Duration::from_secs(2),
        );
    }
    let busy = Signal::derive(move || {
        activate.pending().get() || rollback.pending().get() || train.pending().get()
    });
    let rows = registry
        .versions
        .into_iter()
        .map(|v| version_row(v, busy, activate))
        .collect_view();
    let history = registry
        .activations
        .into_iter()
        .map(|a| {
            let kind = match a.kind.as_str() {
                "first_model" => "first model",
                "rollback" => "rolled back to",
                _ => "activated",
            };
            view! {
                <li>
                    {format!("{} {} ", a.at.get(..16).unwrap_or(&a.at).replace('T', " "), a.actor)}
                    {kind}" "<code>{a.model_id}</code>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card versions" data-testid="model-versions">
            <h2>{format!("Versions for team {team}")}</h2>
            <p class="note">
                "Exactly one version scores a team's athletes at a time; a team's versions learn from its own data unless an admin trained several teams together, as the Data column then says. "
                "A retrained version waits here until a coach activates it; "
                "rolling back returns to the version that was active before."
            </p>
            <div class="actions">
                <button
                    class="button"
                    data-testid="train-model"
                    disabled=move || busy.get() || training
                    on:click=move |_| {
                        train.dispatch(());
                    }
                >
                    {if training { "Training…" } else { "Retrain on current data" }}
                </button>
                <button
                    class="button secondary"
                    data-testid="rollback-model"
                    disabled=move || busy.get()
                    on:click=move |_| {
                        rollback.dispatch(());
                    }
                >
                    "Roll back"
                </button>
            </div>
            {registry
                .last_training_error
                .map(|why| view! { <p class="error" role="alert">{format!("The last training failed: {why}")}</p> })}
            <Show when=move || message.get().is_some()>
                <p class="form-note" role="status" data-testid="model-message">
                    {move || message.get().unwrap_or_default()}
                </p>
            </Show>
            <div class="table-scroll">
                <table class="data-table">
                    <thead>
                        <tr>
                            <th scope="col">"Version"</th>
                            <th scope="col">"Trained (UTC)"</th>
                            <th scope="col">"Data"</th>
                            <th scope="col">"ROC AUC forward"</th>
                            <th scope="col">"ROC AUC by athlete"</th>
                            <th scope="col">"Status"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <h3>"History"</h3>
            <ul class="history" data-testid="model-history">{history}</ul>
        </section>
    }
}
