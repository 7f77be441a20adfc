//! A team's model versions (coaches and admins): activate, roll back, retrain,
//! and the history of activations.

use forma_core::api::{ModelRegistry, ModelVersion};
use leptos::prelude::*;

use super::figures::figure;
use crate::api::{self, ApiFailure};

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
pub fn Versions(registry: ModelRegistry, reload: RwSignal<u32>) -> impl IntoView {
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
    let cancel = Action::new_unsync({
        let team = team.clone();
        move |(): &()| {
            let team = team.clone();
            async move {
                // The server answers once the training has stopped, or is still
                // stopping after a short wait: its run says which.
                let answer = api::cancel_training(&team).await;
                let said = answer
                    .as_ref()
                    .ok()
                    .and_then(|r| r.training_run.as_ref())
                    .map(|run| run.message.clone())
                    .unwrap_or_else(|| "Training cancelled: nothing was stored.".to_owned());
                done(answer, &said);
            }
        }
    });
    let training = registry.training;
    let run = registry.training_run.clone();
    if training {
        // Look again shortly: the training runs on the server.
        set_timeout(
            move || reload.update(|n| *n += 1),
            std::time::Duration::from_secs(2),
        );
    }
    let busy = Signal::derive(move || {
        activate.pending().get()
            || rollback.pending().get()
            || train.pending().get()
            || cancel.pending().get()
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
                <Show when=move || training>
                    <button
                        class="button secondary"
                        data-testid="cancel-training"
                        disabled=move || busy.get()
                        on:click=move |_| {
                            cancel.dispatch(());
                        }
                    >
                        "Cancel training"
                    </button>
                </Show>
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
            {run.map(|run| view! { <p class="form-note" data-testid="training-run">{run.message}</p> })}
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
