//! The model registry: trained model versions (the artifact as JSON, its card
//! apart, and the teams whose data it learnt from), which one is active for each
//! team, and every activation of each team. Each team has at most one active model
//! (the primary key of `team_models`, migration 0012); every change here runs in
//! one transaction with its audit entry.

use forma_core::api::{ModelActivation, ModelVersion};
use forma_core::model::backtest::{SchemeResult, Scorer};
use forma_core::model::card::ModelCard;
use forma_core::model::ModelArtifact;

use super::audit::{Actor, Change};
use super::{new_id, now, AuditedWrite, Pool, Tx};

/// Why an activation was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationKind {
    /// The first model of a team, made active without asking.
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
    #[error("there is no team `{0}`")]
    UnknownTeam(String),
    #[error("team `{0}` never had an earlier active model to roll back to")]
    NothingToRollBackTo(String),
    #[error("the stored model `{id}` cannot be read: {message}")]
    Unreadable { id: String, message: String },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// Stores a trained artifact, learnt from the data of `teams`, unless the same
/// version is already stored. Returns whether it was new. `json` is
/// `artifact.to_json()`.
///
/// # Errors
/// When the database refuses the write; then nothing is stored.
pub async fn insert(
    pool: &Pool,
    artifact: &ModelArtifact,
    json: &str,
    teams: &[String],
    actor: &Actor,
) -> Result<bool, RegistryError> {
    let unreadable = |error: serde_json::Error| RegistryError::Unreadable {
        id: artifact.version_id.clone(),
        message: error.to_string(),
    };
    let card = serde_json::to_string(&artifact.card).map_err(unreadable)?;
    let mut teams = teams.to_vec();
    teams.sort();
    teams.dedup();
    let teams_json = serde_json::to_string(&teams).map_err(unreadable)?;
    let mut write = AuditedWrite::begin(pool, actor.clone()).await?;
    let inserted = sqlx::query(
        "INSERT INTO model_versions (id, created_at, feature_schema_hash, artifact, card, teams)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
    )
    .bind(&artifact.version_id)
    .bind(artifact.created_at.to_string())
    .bind(&artifact.schema.hash)
    .bind(json)
    .bind(&card)
    .bind(&teams_json)
    .execute(&mut **write)
    .await?
    .rows_affected()
        == 1;
    if inserted {
        write
            .audit(Change {
                action: "train",
                entity: "model",
                entity_id: &artifact.version_id,
                athlete_id: None,
                before: None,
                after: Some(serde_json::json!({
                    "training_data_fingerprint": artifact.training_data_fingerprint,
                    "rows": artifact.card.data.rows,
                    "schema": artifact.schema.version,
                    "teams": teams,
                })),
            })
            .await?;
    }
    write.commit().await?;
    Ok(inserted)
}

fn parse_teams(id: &str, json: &str) -> Result<Vec<String>, RegistryError> {
    serde_json::from_str(json).map_err(|error| RegistryError::Unreadable {
        id: id.to_owned(),
        message: format!("its teams: {error}"),
    })
}

/// The teams a stored version learnt from; `None` when no such version is stored.
///
/// # Errors
/// When the database fails or the stored list cannot be read.
pub async fn teams_of(pool: &Pool, id: &str) -> Result<Option<Vec<String>>, RegistryError> {
    let json: Option<String> = sqlx::query_scalar("SELECT teams FROM model_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?;
    json.map(|json| parse_teams(id, &json)).transpose()
}

/// Every stored version that `visible` admits by the teams it learnt from, newest
/// first, with `active` and `activated_at` as they are for `team`.
///
/// # Errors
/// When the database fails or a stored card cannot be read.
pub async fn versions(
    pool: &Pool,
    team: &str,
    visible: impl Fn(&[String]) -> bool,
) -> Result<Vec<ModelVersion>, RegistryError> {
    let active = active_id(pool, team).await?;
    let rows = sqlx::query_as::<_, VersionRow>(
        "SELECT v.id, v.created_at, v.card, v.teams,
                (SELECT MAX(a.at) FROM team_model_activations a
                 WHERE a.model_id = v.id AND a.team_id = $1) AS activated_at
         FROM model_versions v
         ORDER BY v.created_at DESC, v.id",
    )
    .bind(team)
    .fetch_all(pool)
    .await?;
    let mut versions = Vec::new();
    for row in rows {
        let teams = parse_teams(&row.id, &row.teams)?;
        if !visible(&teams) {
            continue;
        }
        let card: ModelCard =
            serde_json::from_str(&row.card).map_err(|error| RegistryError::Unreadable {
                id: row.id.clone(),
                message: error.to_string(),
            })?;
        let is_active = active.as_deref() == Some(row.id.as_str());
        versions.push(summary(
            row.id,
            row.created_at,
            is_active,
            row.activated_at,
            teams,
            &card,
        ));
    }
    Ok(versions)
}

/// A stored version as the registry lists it.
#[derive(sqlx::FromRow)]
struct VersionRow {
    id: String,
    created_at: String,
    card: String,
    teams: String,
    activated_at: Option<String>,
}

fn summary(
    id: String,
    created_at: String,
    active: bool,
    activated_at: Option<String>,
    teams: Vec<String>,
    card: &ModelCard,
) -> ModelVersion {
    let primary = card.primary.scorer();
    let auc = |scheme: &SchemeResult, which: Scorer| {
        scheme
            .scorers
            .iter()
            .find(|s| s.scorer == which)
            .and_then(|s| s.overall.roc_auc)
    };
    let best_baseline = |scheme: &SchemeResult| scheme.best_baseline().map(|(auc, _)| auc);
    let backtests = &card.backtests;
    ModelVersion {
        id,
        created_at,
        active,
        activated_at,
        teams,
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

/// The id and artifact JSON of `team`'s active model, when it has one.
///
/// # Errors
/// When the database fails.
pub async fn active(pool: &Pool, team: &str) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT v.id, v.artifact FROM team_models t JOIN model_versions v ON v.id = t.model_id
         WHERE t.team_id = $1",
    )
    .bind(team)
    .fetch_optional(pool)
    .await
}

/// The id of `team`'s active model, when it has one.
///
/// # Errors
/// When the database fails.
pub async fn active_id(pool: &Pool, team: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT model_id FROM team_models WHERE team_id = $1")
        .bind(team)
        .fetch_optional(pool)
        .await
}

/// The ids of the models active for some team.
///
/// # Errors
/// When the database fails.
pub async fn active_ids(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT DISTINCT model_id FROM team_models")
        .fetch_all(pool)
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

/// The teams that have athletes but no active model.
///
/// # Errors
/// When the database fails.
pub async fn teams_without_model(pool: &Pool) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT t.id FROM teams t
         WHERE EXISTS (SELECT 1 FROM athletes a WHERE a.team_id = t.id)
           AND NOT EXISTS (SELECT 1 FROM team_models m WHERE m.team_id = t.id)
         ORDER BY t.id",
    )
    .fetch_all(pool)
    .await
}

/// Makes `id` the active model of `team` (a no-op change when it already is,
/// still logged).
///
/// # Errors
/// [`RegistryError::UnknownVersion`] or [`RegistryError::UnknownTeam`]; then
/// nothing changes.
pub async fn activate(
    pool: &Pool,
    team: &str,
    id: &str,
    actor: &Actor,
    kind: ActivationKind,
) -> Result<(), RegistryError> {
    let mut write = AuditedWrite::begin(pool, actor.clone()).await?;
    switch(&mut write, team, id, kind).await?;
    write.commit().await?;
    Ok(())
}

/// Makes the model that was active for `team` before the current one active
/// again, and returns its id. Activations are kept in order, so rolling back twice
/// returns to where one started (it undoes the rollback).
///
/// # Errors
/// [`RegistryError::NothingToRollBackTo`] when the team never had another model.
pub async fn rollback(pool: &Pool, team: &str, actor: &Actor) -> Result<String, RegistryError> {
    let mut write = AuditedWrite::begin(pool, actor.clone()).await?;
    let current: Option<String> =
        sqlx::query_scalar("SELECT model_id FROM team_models WHERE team_id = $1")
            .bind(team)
            .fetch_optional(&mut **write)
            .await?;
    let previous: Option<String> = sqlx::query_scalar(
        "SELECT model_id FROM team_model_activations
         WHERE team_id = $1 AND model_id <> $2 ORDER BY seq DESC LIMIT 1",
    )
    .bind(team)
    .bind(current.as_deref().unwrap_or(""))
    .fetch_optional(&mut **write)
    .await?;
    let Some(previous) = previous else {
        return Err(RegistryError::NothingToRollBackTo(team.to_owned()));
    };
    switch(&mut write, team, &previous, ActivationKind::Rollback).await?;
    write.commit().await?;
    Ok(previous)
}

async fn switch(
    write: &mut AuditedWrite,
    team: &str,
    id: &str,
    kind: ActivationKind,
) -> Result<(), RegistryError> {
    let actor = write.actor().clone();
    let tx: &mut Tx<'static> = write;
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM model_versions WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    if exists.is_none() {
        return Err(RegistryError::UnknownVersion(id.to_owned()));
    }
    let team_exists: Option<String> = sqlx::query_scalar("SELECT id FROM teams WHERE id = $1")
        .bind(team)
        .fetch_optional(&mut **tx)
        .await?;
    if team_exists.is_none() {
        return Err(RegistryError::UnknownTeam(team.to_owned()));
    }
    let before: Option<String> =
        sqlx::query_scalar("SELECT model_id FROM team_models WHERE team_id = $1")
            .bind(team)
            .fetch_optional(&mut **tx)
            .await?;
    let at = now();
    sqlx::query(
        "INSERT INTO team_models (team_id, model_id, activated_at) VALUES ($1, $2, $3)
         ON CONFLICT (team_id) DO UPDATE SET model_id = excluded.model_id,
                                             activated_at = excluded.activated_at",
    )
    .bind(team)
    .bind(id)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO team_model_activations (id, seq, team_id, model_id, at, actor, kind)
         VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM team_model_activations),
                 $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(team)
    .bind(id)
    .bind(&at)
    .bind(&actor.0)
    .bind(kind.as_str())
    .execute(&mut **tx)
    .await?;
    write
        .audit(Change {
            action: kind.as_str(),
            entity: "model",
            entity_id: id,
            athlete_id: None,
            before: before.map(|b| serde_json::json!({ "team": team, "active": b })),
            after: Some(serde_json::json!({ "team": team, "active": id })),
        })
        .await?;
    Ok(())
}

/// Every activation for `team`, newest first, with the actor's display name
/// where the actor is an account.
///
/// # Errors
/// When the database fails.
pub async fn activations(pool: &Pool, team: &str) -> Result<Vec<ModelActivation>, sqlx::Error> {
    sqlx::query_as::<_, (String, String, String, String)>(
        "SELECT a.model_id, a.at, COALESCE(u.display_name, a.actor) AS actor, a.kind
         FROM team_model_activations a LEFT JOIN users u ON u.id = a.actor
         WHERE a.team_id = $1
         ORDER BY a.seq DESC",
    )
    .bind(team)
    .fetch_all(pool)
    .await
    .map(|rows| {
        rows.into_iter()
            .map(|(model_id, at, actor, kind)| ModelActivation {
                model_id,
                at,
                actor,
                kind,
            })
            .collect()
    })
}
