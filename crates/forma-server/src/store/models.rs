//! The model registry: trained model versions (the artifact as JSON, its card
//! apart), which one is active, and every activation. The database keeps at most
//! one active row (a partial unique index, migration 0004); every change here runs
//! in one transaction with its audit entry.

use forma_core::api::{ModelActivation, ModelVersion};
use forma_core::model::backtest::{SchemeResult, Scorer};
use forma_core::model::card::ModelCard;
use forma_core::model::ModelArtifact;
use sqlx::Row;

use super::audit::{self, Actor, Change};
use super::{new_id, now, Pool, Tx};

/// Why an activation was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationKind {
    /// The first model of an install, made active without asking.
    FirstModel,
    /// A person chose this version.
    Activate,
    /// A person went back to the version active before.
    Rollback,
}

impl ActivationKind {
    fn as_str(self) -> &'static str {
        match self {
            ActivationKind::FirstModel => "first_model",
            ActivationKind::Activate => "activate",
            ActivationKind::Rollback => "rollback",
        }
    }
}

/// What went wrong changing the registry.
#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error("there is no model version `{0}`; `forma models list` shows the stored ones")]
    UnknownVersion(String),
    #[error("there is no earlier active model to roll back to")]
    NothingToRollBackTo,
    #[error("the stored model `{id}` cannot be read: {message}")]
    Unreadable { id: String, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores a trained artifact unless the same version is already stored. Returns
/// whether it was new. `json` is `artifact.to_json()`.
///
/// # Errors
/// When the database refuses the write; then nothing is stored.
pub async fn insert(
    pool: &Pool,
    artifact: &ModelArtifact,
    json: &str,
    actor: &Actor,
) -> Result<bool, RegistryError> {
    let card =
        serde_json::to_string(&artifact.card).map_err(|error| RegistryError::Unreadable {
            id: artifact.version_id.clone(),
            message: error.to_string(),
        })?;
    let mut tx = crate::store::begin_write(pool).await?;
    let inserted = sqlx::query(
        "INSERT INTO model_versions (id, created_at, feature_schema_hash, artifact, card, active)
         VALUES ($1, $2, $3, $4, $5, 0) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&artifact.version_id)
    .bind(artifact.created_at.to_string())
    .bind(&artifact.schema.hash)
    .bind(json)
    .bind(&card)
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        audit::record(
            &mut tx,
            actor,
            Change {
                action: "train",
                entity: "model",
                entity_id: &artifact.version_id,
                athlete_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "training_data_fingerprint": artifact.training_data_fingerprint,
                    "rows": artifact.card.data.rows,
                    "schema": artifact.schema.version,
                })),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(inserted)
}

/// Every stored version, newest first.
///
/// # Errors
/// When the database fails or a stored card cannot be read.
pub async fn versions(pool: &Pool) -> Result<Vec<ModelVersion>, RegistryError> {
    let rows = sqlx::query(
        "SELECT id, created_at, card, active, activated_at FROM model_versions
         ORDER BY created_at DESC, id",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let card: String = row.try_get("card")?;
            let card: ModelCard =
                serde_json::from_str(&card).map_err(|error| RegistryError::Unreadable {
                    id: id.clone(),
                    message: error.to_string(),
                })?;
            Ok(summary(
                id,
                row.try_get("created_at")?,
                row.try_get::<i64, _>("active")? == 1,
                row.try_get("activated_at")?,
                &card,
            ))
        })
        .collect()
}

fn summary(
    id: String,
    created_at: String,
    active: bool,
    activated_at: Option<String>,
    card: &ModelCard,
) -> ModelVersion {
    let primary = match card.primary {
        forma_core::model::artifact::ModelKind::Logistic => Scorer::Logistic,
        forma_core::model::artifact::ModelKind::Forest => Scorer::Forest,
    };
    let auc = |scheme: &SchemeResult, which: Scorer| {
        scheme
            .scorers
            .iter()
            .find(|s| s.scorer == which)
            .and_then(|s| s.overall.roc_auc)
    };
    let best_baseline = |scheme: &SchemeResult| {
        scheme
            .scorers
            .iter()
            .filter(|s| s.scorer.is_baseline())
            .filter_map(|s| s.overall.roc_auc)
            .max_by(f64::total_cmp)
    };
    let backtests = &card.backtests;
    ModelVersion {
        id,
        created_at,
        active,
        activated_at,
        schema_version: card.schema_version.clone(),
        primary: primary.label().to_owned(),
        athletes: card.data.athletes,
        rows: card.data.rows,
        positive_rows: card.data.positive_rows,
        first_day: card.window.first_day,
        last_day: card.window.last_day,
        forward_roc_auc: auc(&backtests.forward_in_time, primary),
        athletes_roc_auc: auc(&backtests.athletes_held_out, primary),
        forward_best_baseline_roc_auc: best_baseline(&backtests.forward_in_time),
        athletes_best_baseline_roc_auc: best_baseline(&backtests.athletes_held_out),
    }
}

/// The active model's id and artifact JSON, when there is one.
///
/// # Errors
/// When the database fails.
pub async fn active(pool: &Pool) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, artifact FROM model_versions WHERE active = 1")
        .fetch_optional(pool)
        .await
}

/// The id of the active model, when there is one.
///
/// # Errors
/// When the database fails.
pub async fn active_id(pool: &Pool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM model_versions WHERE active = 1")
        .fetch_optional(pool)
        .await
}

/// One stored version's artifact JSON.
///
/// # Errors
/// When the database fails.
pub async fn artifact(pool: &Pool, id: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT artifact FROM model_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Whether any model is stored.
///
/// # Errors
/// When the database fails.
pub async fn any(pool: &Pool) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM model_versions")
        .fetch_one(pool)
        .await?;
    Ok(count > 0)
}

/// Makes `id` the active model (a no-op change when it already is, still logged).
///
/// # Errors
/// [`RegistryError::UnknownVersion`] when no such version is stored; then nothing changes.
pub async fn activate(
    pool: &Pool,
    id: &str,
    actor: &Actor,
    kind: ActivationKind,
) -> Result<(), RegistryError> {
    let mut tx = crate::store::begin_write(pool).await?;
    switch(&mut tx, id, actor, kind).await?;
    tx.commit().await?;
    Ok(())
}

/// Makes the model that was active before the current one active again, and
/// returns its id. Activations are kept in order, so rolling back twice returns to
/// where one started (it undoes the rollback).
///
/// # Errors
/// [`RegistryError::NothingToRollBackTo`] when no other version was ever active.
pub async fn rollback(pool: &Pool, actor: &Actor) -> Result<String, RegistryError> {
    let mut tx = crate::store::begin_write(pool).await?;
    let current: Option<String> =
        sqlx::query_scalar("SELECT id FROM model_versions WHERE active = 1")
            .fetch_optional(&mut **tx)
            .await?;
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT model_id FROM model_activations
         WHERE model_id <> $1 ORDER BY seq DESC LIMIT 1",
    )
    .bind(current.as_deref().unwrap_or(""))
    .fetch_optional(&mut **tx)
    .await?;
    let Some(previous) = previous else {
        return Err(RegistryError::NothingToRollBackTo);
    };
    switch(&mut tx, &previous, actor, ActivationKind::Rollback).await?;
    tx.commit().await?;
    Ok(previous)
}

async fn switch(
    tx: &mut Tx<'_>,
    id: &str,
    actor: &Actor,
    kind: ActivationKind,
) -> Result<(), RegistryError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM model_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(RegistryError::UnknownVersion(id.to_owned()));
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT id FROM model_versions WHERE active = 1")
            .fetch_optional(&mut **tx)
            .await?;
    let at = now();
    sqlx::query("UPDATE model_versions SET active = 0 WHERE active = 1")
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE model_versions SET active = 1, activated_at = $2 WHERE id = $1")
        .bind(id)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO model_activations (id, seq, model_id, at, actor, kind)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM model_activations), $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(id)
    .bind(&at)
    .bind(&actor.0)
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        actor,
        Change {
            action: kind.as_str(),
            entity: "model",
            entity_id: id,
            athlete_id: None,
            before: before.map(|b| serde_json::json!({ "active": b })),
            after: Some(serde_json::json!({ "active": id })),
        },
    )
    .await?;
    Ok(())
}

/// Every activation, newest first, with the actor's display name where the actor
/// is an account.
///
/// # Errors
/// When the database fails.
pub async fn activations(pool: &Pool) -> Result<Vec<ModelActivation>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.model_id, a.at, COALESCE(u.display_name, a.actor) AS actor, a.kind
         FROM model_activations a LEFT JOIN users u ON u.id = a.actor
         ORDER BY a.seq DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(ModelActivation {
                model_id: row.try_get("model_id")?,
                at: row.try_get("at")?,
                actor: row.try_get("actor")?,
                kind: row.try_get("kind")?,
            })
        })
        .collect()
}
