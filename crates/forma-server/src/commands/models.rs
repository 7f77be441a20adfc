//! `forma train`, `forma backtest` and `forma models list|activate|rollback`: the
//! risk model registry from the command line, on the same database as `forma serve`.

use std::fmt::Write as _;

use anyhow::Context;
use forma_core::api::ModelVersion;

use crate::store::audit::Actor;
use crate::store::models::{self, ActivationKind};
use crate::training::{self, Activate, TrainingGate};

/// `forma train`: trains on every stored athlete, stores the version, and makes
/// it active when asked or when no model is active yet.
///
/// # Errors
/// When the data cannot carry a model or the database fails; nothing is stored then.
pub async fn train(data_dir: &std::path::Path, activate: bool) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let gate = TrainingGate::default();
    let pass = gate.enter()?;
    let when = if activate {
        Activate::Yes
    } else {
        Activate::IfNone
    };
    let started = std::time::Instant::now();
    let trained = training::train_and_store(&pool, pass, &Actor::cli(), when)
        .await
        .context("training failed")?;
    let a = &trained.artifact;
    println!(
        "Trained {} in {:.1} s on {} athletes, {} athlete-days, {} followed by an injury or illness within 7 days.",
        a.version_id,
        started.elapsed().as_secs_f64(),
        a.card.data.athletes,
        a.card.data.rows,
        a.card.data.positive_rows,
    );
    if !trained.new {
        println!("The same model was stored already (same data, same settings).");
    }
    if trained.activated {
        println!("It is now the active model.");
    } else {
        println!(
            "It is stored but not active; `forma models activate {}` makes it active.",
            a.version_id
        );
    }
    for finding in &a.card.findings {
        println!("- {finding}");
    }
    Ok(())
}

/// `forma backtest`: backtests a model on the stored data and prints the model
/// card (Markdown, or JSON with `json`), without storing anything.
///
/// # Errors
/// When the data cannot carry a model or the database fails.
pub async fn backtest(data_dir: &std::path::Path, json: bool) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let artifact = training::train_on_store(&pool)
        .await
        .context("the backtest failed")?;
    if json {
        println!("{}", serde_json::to_string_pretty(&artifact.card)?);
    } else {
        print!("{}", artifact.card.to_markdown());
    }
    Ok(())
}

/// `forma models list`.
///
/// # Errors
/// When the database fails.
pub async fn list(data_dir: &std::path::Path) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let versions = models::versions(&pool).await?;
    print!("{}", list_text(&versions));
    Ok(())
}

/// The table `forma models list` prints.
pub fn list_text(versions: &[ModelVersion]) -> String {
    if versions.is_empty() {
        return "No model is stored yet; `forma train` trains one.\n".to_owned();
    }
    let auc = |x: Option<f64>| x.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3}"));
    let mut out = format!(
        "{:<6} {:<20} {:<21} {:>8} {:>6} {:>7}  {}\n",
        "active",
        "version",
        "trained",
        "athletes",
        "rows",
        "events",
        "ROC AUC forward / by athlete (best baseline)"
    );
    for v in versions {
        let _ = writeln!(
            out,
            "{:<6} {:<20} {:<21} {:>8} {:>6} {:>7}  {} / {} ({} / {})",
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
        );
    }
    out
}

/// `forma models activate ID`.
///
/// # Errors
/// When no such version is stored or the database fails; nothing changes then.
pub async fn activate(data_dir: &std::path::Path, id: &str) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    models::activate(&pool, id, &Actor::cli(), ActivationKind::Activate).await?;
    println!("{id} is now the active model.");
    Ok(())
}

/// `forma models rollback`.
///
/// # Errors
/// When no other model was ever active or the database fails.
pub async fn rollback(data_dir: &std::path::Path) -> anyhow::Result<()> {
    let pool = crate::db::open(data_dir).await?;
    let id = models::rollback(&pool, &Actor::cli()).await?;
    println!("Rolled back: {id} is the active model again.");
    Ok(())
}
