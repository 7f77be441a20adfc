//! `forma train`, `forma backtest` and `forma models list|activate|rollback`: the
//! risk model registry from the command line, on the same database as `forma serve`.
//! Each team has its own model; training several teams together is the operator's
//! explicit choice (`--team A --team B`), and the version records it.

use std::fmt::Write as _;

use anyhow::Context;
use forma_core::api::ModelVersion;

use crate::store::audit::Actor;
use crate::store::models::{self, ActivationKind};
use crate::store::{athletes, Pool};
use crate::training::{self, Activate, TrainingGate};

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

/// `forma train`: trains the named teams' data together (or each team's alone),
/// stores the version, and makes it active for its teams when asked or for a team
/// with no active model yet.
///
/// # Errors
/// When the data cannot carry a model or the database fails; nothing is stored then.
pub async fn train(
    data_dir: &std::path::Path,
    teams: &[String],
    activate: bool,
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
    let gate = TrainingGate::default();
    let when = if activate {
        Activate::Yes
    } else {
        Activate::IfNone
    };
    for teams in groups {
        let started = std::time::Instant::now();
        let trained = training::train_and_store(&pool, gate.enter()?, &teams, &Actor::cli(), when)
            .await
            .with_context(|| format!("training on {} failed", teams.join(" and ")))?;
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

/// `forma backtest`: backtests a model on the stored data and prints the model
/// card (Markdown, or JSON with `json`), without storing anything.
///
/// # Errors
/// When the data cannot carry a model or the database fails.
pub async fn backtest(
    data_dir: &std::path::Path,
    teams: &[String],
    json: bool,
) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let teams = if teams.is_empty() {
        vec![one_team(&pool, None).await?]
    } else {
        teams_or_all(&pool, teams).await?
    };
    let artifact = training::train_on_store(&pool, &teams)
        .await
        .context("the backtest failed")?;
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
