//! `forma train`, `forma backtest`, `forma score`, `forma export features` and
//! `forma models list|activate|rollback`: the risk model from the command line,
//! on the same database as `forma serve`. Each team has its own model; training
//! several teams together is the operator's explicit choice (`--team A --team
//! B`), and the version records it.

use std::fmt::Write as _;

use anyhow::Context;
use forma_core::api::ModelVersion;
use forma_core::model::ModelArtifact;
use forma_core::policy::{model_risk, PolicyOptions};
use forma_core::types::{date_from_epoch_day, epoch_day, AthleteId, Date};

use crate::recommend::PolicyRecords;
use crate::store::audit::Actor;
use crate::store::models::{self, ActivationKind};
use crate::store::{athletes, Pool};
use crate::training::{self, Activate, TrainError, TrainingGate};

/// The teams a command is about: those named (each must exist), or every team.
async fn teams_or_all(pool: &Pool, named: &[String]) -> anyhow::Result<Vec<String>> {
    let all: Vec<String> = athletes::teams(pool)
        .await?
        .into_iter()
        .map(|team| team.id)
        .collect();
    if let Some(unknown) = named.iter().find(|team| !all.contains(team)) {
        anyhow::bail!(
            "there is no team `{unknown}`; the teams are: {}",
            all.join(", ")
        );
    }
    Ok(if named.is_empty() {
        all
    } else {
        named.to_vec()
    })
}

/// The one team a command is about: the one named, or the only one.
async fn one_team(pool: &Pool, named: Option<&str>) -> anyhow::Result<String> {
    let named: Vec<String> = named.into_iter().map(str::to_owned).collect();
    match teams_or_all(pool, &named).await?.as_slice() {
        [one] => Ok(one.clone()),
        [] => anyhow::bail!("there is no team yet; `forma import` brings one in"),
        several => anyhow::bail!("say which team with --team (one of {})", several.join(", ")),
    }
}

/// Calls `stop` with what was received on Ctrl-C (SIGINT) or SIGTERM, once:
/// a training stops at its next check and stores nothing. Abort the handle
/// when the work is done.
fn stop_on_signal(stop: impl FnOnce(&str) + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        #[cfg(unix)]
        let terminate = async {
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(mut signal) => {
                    signal.recv().await;
                }
                Err(_) => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        let what = tokio::select! {
            Ok(()) = tokio::signal::ctrl_c() => "Ctrl-C",
            () = terminate => "SIGTERM",
        };
        eprintln!("{what} received: stopping the training; nothing will be stored.");
        stop(what);
    })
}

/// `forma train`: trains the named teams' data together (or each team's alone),
/// stores the version, and makes it active for its teams when asked or for a team
/// with no active model yet. With `until`, it learns only from decision days
/// whose 7-day target window ends by then, reading nothing dated later. With
/// `budget`, each training stops after that long; Ctrl-C or SIGTERM stops it
/// (and the trainings after it).
///
/// # Errors
/// When the data cannot carry a model, the database fails, the budget runs
/// out or a signal stops it; nothing is stored then.
pub async fn train(
    data_dir: &std::path::Path,
    teams: &[String],
    activate: bool,
    until: Option<Date>,
    budget: Option<std::time::Duration>,
) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let groups: Vec<Vec<String>> = if teams.is_empty() {
        teams_or_all(&pool, &[])
            .await?
            .into_iter()
            .map(|t| vec![t])
            .collect()
    } else {
        vec![teams_or_all(&pool, teams).await?]
    };
    if groups.is_empty() {
        anyhow::bail!("there is no team to train on; `forma import` brings one in");
    }
    let gate = TrainingGate::new(budget);
    let when = if activate {
        Activate::Yes
    } else {
        Activate::IfNone
    };
    let listener = {
        let gate = gate.clone();
        stop_on_signal(move |what| gate.shut_down(what))
    };
    let outcome = train_groups(&pool, &gate, groups, when, until).await;
    listener.abort();
    outcome
}

async fn train_groups(
    pool: &Pool,
    gate: &TrainingGate,
    groups: Vec<Vec<String>>,
    when: Activate,
    until: Option<Date>,
) -> anyhow::Result<()> {
    for teams in groups {
        let started = std::time::Instant::now();
        let on = teams.join(" and ");
        let pass = gate
            .enter(&teams)
            .with_context(|| format!("training on {on} did not start"))?;
        eprintln!("Training on team {on}; Ctrl-C stops it without storing anything.");
        let trained = training::train_and_store(pool, pass, &teams, &Actor::cli(), when, until)
            .await
            .map_err(|error| {
                let what = match error {
                    TrainError::Cancelled { .. } | TrainError::OutOfTime { .. } => "stopped",
                    _ => "failed",
                };
                anyhow::Error::new(error).context(format!("training on {on} {what}"))
            })?;
        let a = &trained.artifact;
        println!(
            "Trained {} on team {} in {:.1} s: {} athletes, {} athlete-days, {} followed by an injury or illness within 7 days.",
            a.version_id,
            teams.join(" and "),
            started.elapsed().as_secs_f64(),
            a.card.data.athletes,
            a.card.data.rows,
            a.card.data.positive_rows,
        );
        if !trained.new {
            println!("The same model was stored already (same data, same settings).");
        }
        if trained.activated.is_empty() {
            println!(
                "It is stored but not active; `forma models activate {}` makes it active.",
                a.version_id
            );
        } else {
            println!(
                "It is now the active model of team {}.",
                trained.activated.join(" and ")
            );
        }
        for finding in &a.card.findings {
            println!("- {finding}");
        }
    }
    Ok(())
}

/// `forma backtest`: backtests a model on the stored data of the team (up to
/// `until`, as `forma train` reads it) and prints the model card (Markdown, or
/// JSON with `json`), without storing anything; within `budget` when given,
/// and until Ctrl-C or SIGTERM.
///
/// # Errors
/// When the data cannot carry a model, the database fails, the budget runs
/// out or a signal stops it.
pub async fn backtest(
    data_dir: &std::path::Path,
    teams: &[String],
    json: bool,
    until: Option<Date>,
    budget: Option<std::time::Duration>,
) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let teams = if teams.is_empty() {
        vec![one_team(&pool, None).await?]
    } else {
        teams_or_all(&pool, teams).await?
    };
    let gate = TrainingGate::new(budget);
    let pass = gate.enter(&teams)?;
    let listener = {
        let gate = gate.clone();
        stop_on_signal(move |what| gate.shut_down(what))
    };
    let outcome = training::train_on_store(&pool, &teams, until, pass.budget())
        .await
        .map_err(|error| pass.explain(error));
    listener.abort();
    let artifact = outcome.context("the backtest stopped")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&artifact.card)?);
    } else {
        print!("{}", artifact.card.to_markdown());
    }
    Ok(())
}

/// `forma models list`: the named team's versions, or each team's in turn.
///
/// # Errors
/// When the database fails.
pub async fn list(data_dir: &std::path::Path, team: Option<&str>) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let named: Vec<String> = team.into_iter().map(str::to_owned).collect();
    for team in teams_or_all(&pool, &named).await? {
        let versions = models::versions(&pool, &team, |_| true).await?;
        println!("Team {team}:");
        print!("{}", list_text(&versions));
    }
    Ok(())
}

/// The table `forma models list` prints.
pub fn list_text(versions: &[ModelVersion]) -> String {
    if versions.is_empty() {
        return "No model is stored yet; `forma train` trains one.\n".to_owned();
    }
    let auc = |x: Option<f64>| x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"));
    let mut out = format!(
        "{:<6} {:<20} {:<21} {:>8} {:>6} {:>7}  {}  {}\n",
        "active",
        "version",
        "trained",
        "athletes",
        "rows",
        "events",
        "ROC AUC forward / by athlete (best baseline)",
        "trained on"
    );
    for v in versions {
        let _ = writeln!(
            out,
            "{:<6} {:<20} {:<21} {:>8} {:>6} {:>7}  {} / {} ({} / {})  {}",
            if v.active { "*" } else { "" },
            v.id,
            v.created_at.get(..19).unwrap_or(&v.created_at),
            v.athletes,
            v.rows,
            v.positive_rows,
            auc(v.forward_roc_auc),
            auc(v.athletes_roc_auc),
            auc(v.forward_best_baseline_roc_auc),
            auc(v.athletes_best_baseline_roc_auc),
            v.teams.join(", "),
        );
    }
    out
}

/// `forma models activate ID [--team T]...`: for the teams named, or those it
/// was trained on.
///
/// # Errors
/// When no such version or team is stored or the database fails; nothing
/// changes then.
pub async fn activate(
    data_dir: &std::path::Path,
    id: &str,
    teams: &[String],
) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let trained_on = models::teams_of(&pool, id)
        .await?
        .ok_or_else(|| models::RegistryError::UnknownVersion(id.to_owned()))?;
    let teams = if teams.is_empty() {
        trained_on
    } else {
        teams_or_all(&pool, teams).await?
    };
    for team in &teams {
        models::activate(&pool, team, id, &Actor::cli(), ActivationKind::Activate).await?;
    }
    println!(
        "{id} is now the active model of team {}.",
        teams.join(" and ")
    );
    Ok(())
}

/// `forma models rollback [--team T]`.
///
/// # Errors
/// When the team never had another active model or the database fails.
pub async fn rollback(data_dir: &std::path::Path, team: Option<&str>) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let team = one_team(&pool, team).await?;
    let id = models::rollback(&pool, &team, &Actor::cli()).await?;
    println!("Rolled back: {id} is the active model of team {team} again.");
    Ok(())
}

/// `forma export features [--team T]... [--from DATE] [--to DATE] --out FILE`:
/// the feature matrix of every athlete of the teams (of every team by default;
/// what training on them reads: coaches' injury and
/// illness labels as reports, days labelled as device or data issues left
/// out), with each day's target and the reason a day is left out of training
/// ([`forma_core::model::export`]). Returns the number of rows written.
///
/// # Errors
/// When the database fails or the file cannot be written.
pub async fn export_features(
    data_dir: &std::path::Path,
    teams: &[String],
    from: Option<Date>,
    to: Option<Date>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    check_range(from, to)?;
    let pool = crate::db::open(data_dir).await?;
    let teams = teams_or_all(&pool, teams).await?;
    let inputs = training::gather(&pool, &teams).await?;
    pool.close().await;
    let csv = tokio::task::spawn_blocking(move || {
        let (days, _) = forma_core::model::athlete_days(&inputs.data(None));
        forma_core::model::export::features_csv(&days, from, to)
    })
    .await?;
    super::emit(out, &csv)?;
    if let Some(out) = out {
        eprintln!(
            "Wrote {} athlete-days to {}.",
            csv.lines().count().saturating_sub(1),
            out.display()
        );
    }
    Ok(())
}

fn check_range(from: Option<Date>, to: Option<Date>) -> anyhow::Result<()> {
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            anyhow::bail!("--from {from} is after --to {to}: give a range whose start comes first");
        }
    }
    Ok(())
}

/// `forma score [--from DATE] [--to DATE] [--team T] --out FILE`: the risk of
/// every athlete (of team `T`, or of every team with an active model) and every
/// day in the range (by default each athlete's first to last day with data) by
/// their team's active model, as CSV `athlete_id,date,risk,model_version`. The
/// risk is the calibrated probability the app and today's recommendation show,
/// computed by the same code from the same records ([`PolicyRecords`],
/// [`model_risk`]); it is empty on a day the model cannot score (no data yet).
///
/// # Errors
/// When the team is unknown, it (or, without `--team`, every team) has no
/// active model, an active model cannot be read by this build, the database
/// fails or the file cannot be written.
pub async fn score(
    data_dir: &std::path::Path,
    from: Option<Date>,
    to: Option<Date>,
    team: Option<&str>,
    out: Option<&std::path::Path>,
) -> anyhow::Result<()> {
    check_range(from, to)?;
    let pool = crate::db::open(data_dir).await?;
    let teams = athletes::teams(&pool).await?;
    if let Some(team) = team {
        if !teams.iter().any(|t| t.id == team) {
            anyhow::bail!(
                "--team {team}: no such team (stored: {})",
                teams
                    .iter()
                    .map(|t| t.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    let mut scored = Vec::new();
    let mut without_model = Vec::new();
    for t in teams
        .iter()
        .filter(|t| team.is_none_or(|team| t.id == team))
    {
        let Some((id, json)) = models::active(&pool, &t.id).await? else {
            without_model.push(t.id.clone());
            continue;
        };
        let model = std::sync::Arc::new(ModelArtifact::from_json(&json).with_context(|| {
            format!(
                "the active model {id} of team {} cannot be read by this build",
                t.id
            )
        })?);
        for athlete in athletes::athletes_of_team(&pool, &t.id).await? {
            let records = PolicyRecords::read(&pool, &athlete.id, to).await?;
            scored.push((athlete.id, records, model.clone()));
        }
    }
    pool.close().await;
    if scored.is_empty() && !without_model.is_empty() {
        anyhow::bail!(
            "no model is active for team {}; `forma train --activate` trains one and makes it active",
            without_model.join(", ")
        );
    }
    for t in &without_model {
        eprintln!("Team {t} has no active model: its athletes are not scored.");
    }
    scored.sort_by(|a, b| a.0.cmp(&b.0));
    let (csv, rows) = tokio::task::spawn_blocking(move || {
        let mut csv = String::from("athlete_id,date,risk,model_version\n");
        let mut rows = 0usize;
        for (athlete, records, model) in &scored {
            rows += score_athlete(&mut csv, athlete, records, model, from, to);
        }
        (csv, rows)
    })
    .await?;
    super::emit(out, &csv)?;
    if let Some(out) = out {
        eprintln!("Wrote {rows} scored athlete-days to {}.", out.display());
    }
    Ok(())
}

/// Appends one athlete's days to `csv`; returns how many.
fn score_athlete(
    csv: &mut String,
    athlete: &AthleteId,
    records: &PolicyRecords,
    model: &ModelArtifact,
    from: Option<Date>,
    to: Option<Date>,
) -> usize {
    let days = records.sessions.iter().map(|s| s.date).chain(
        records
            .wellness
            .iter()
            .filter(|w| w.has_any())
            .map(|w| w.date),
    );
    let (Some(first), Some(last)) = (days.clone().min(), days.max()) else {
        return 0;
    };
    let (from, to) = (from.unwrap_or(first), to.unwrap_or(last));
    if from > to {
        return 0;
    }
    // Built once to the last day: a day's features read only what was known
    // that morning, so they are those the day's own recommendation reads.
    let data = records.policy_data(athlete, to);
    let options = PolicyOptions::default();
    let mut rows = 0;
    for day in epoch_day(from)..=epoch_day(to) {
        let date = date_from_epoch_day(day);
        let input = forma_core::policy::PolicyInput {
            model: Some(model),
            ..data.input(date)
        };
        let risk = model_risk(&input, &options);
        let _ = writeln!(
            csv,
            "{athlete},{date},{},{}",
            risk.map(|r| format!("{r:?}")).unwrap_or_default(),
            model.version_id
        );
        rows += 1;
    }
    rows
}
