//! Training a team's risk model on what is stored of that team (or of several
//! teams, when an admin trains them together): the rows come from every
//! athlete's sessions, wellness and injury or illness reports, plus the coaches'
//! `injury` and `illness` labels (forma-core's [`Dataset::build`] turns them into
//! features and targets); days labelled `device_or_data_issue` are left out.
//! Training is CPU work, so it runs on a blocking thread; one training at a time
//! per server ([`TrainingGate`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use forma_core::api::Sex;
use forma_core::labels::LabelCode;
use forma_core::model::artifact::TrainOptions;
use forma_core::model::{train, AthleteInfo, Dataset, ModelArtifact, ModelError, TrainingData};
use forma_core::targets::CoachLabel;
use forma_core::types::{AthleteId, Event, Session, WellnessEntry};
use jiff::civil::Date;

use crate::store::audit::Actor;
use crate::store::models::{self, ActivationKind};
use crate::store::{athletes, labels, records, Pool};

/// Everything training reads, gathered from the store.
#[derive(Debug, Default)]
pub struct TrainingInputs {
    pub sessions: Vec<Session>,
    pub wellness: Vec<WellnessEntry>,
    pub events: Vec<Event>,
    pub labels: Vec<CoachLabel>,
    pub athletes: Vec<AthleteInfo>,
}

impl TrainingInputs {
    /// What forma-core reads, up to the end of `until` when given.
    pub fn data(&self, until: Option<Date>) -> TrainingData<'_> {
        TrainingData {
            sessions: &self.sessions,
            wellness: &self.wellness,
            events: &self.events,
            labels: &self.labels,
            athletes: &self.athletes,
            until,
        }
    }

    /// The rows a model is trained and backtested on.
    pub fn dataset(&self, until: Option<Date>) -> Dataset {
        Dataset::build(&self.data(until))
    }
}

/// Reads the records of every athlete of `teams` and every coach label of theirs
/// that counts. A label over a range reports each of its days; days labelled
/// `device_or_data_issue` are unreliable, so their sessions and wellness are left
/// out.
///
/// # Errors
/// When the database fails or holds a value Forma cannot read.
pub async fn gather(pool: &Pool, teams: &[String]) -> Result<TrainingInputs, sqlx::Error> {
    let mut inputs = TrainingInputs::default();
    let stored_labels = labels::of_teams(pool, Some(teams)).await?;
    let mut unreliable: BTreeMap<&AthleteId, BTreeSet<Date>> = BTreeMap::new();
    for label in &stored_labels {
        if label.code == LabelCode::DeviceOrDataIssue {
            unreliable
                .entry(&label.athlete_id)
                .or_default()
                .extend(label.days());
        }
        inputs.labels.extend(label.coach_labels());
    }
    for team in teams {
        for athlete in athletes::athletes_of_team(pool, team).await? {
            let data = records::athlete_data(pool, &athlete.id, None, None).await?;
            let reliable = |date: &Date| {
                unreliable
                    .get(&athlete.id)
                    .is_none_or(|days| !days.contains(date))
            };
            inputs.sessions.extend(
                data.sessions
                    .into_iter()
                    .map(|record| record.session)
                    .filter(|session| reliable(&session.date)),
            );
            inputs
                .wellness
                .extend(data.wellness.into_iter().filter(|w| reliable(&w.date)));
            inputs.events.extend(data.events);
            inputs.athletes.push(AthleteInfo {
                athlete_id: athlete.id,
                sex: athlete.sex.map(|sex| {
                    match sex {
                        Sex::Female => "female",
                        Sex::Male => "male",
                    }
                    .to_owned()
                }),
                sport: athlete.sport,
                birth_year: athlete.birth_year,
            });
        }
    }
    Ok(inputs)
}

/// What a training did.
#[derive(Debug, Clone)]
pub struct Trained {
    pub artifact: ModelArtifact,
    /// Whether this version was not stored before (the same data gives the same id).
    pub new: bool,
    /// The teams it was made active for.
    pub activated: Vec<String>,
}

/// When a newly trained model becomes active for the teams it learnt from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activate {
    /// Only for a team with no active model yet.
    IfNone,
    /// Always.
    Yes,
}

/// Why a training did not give a model.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error(transparent)]
    Registry(#[from] models::RegistryError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("training stopped unexpectedly: {0}")]
    Task(String),
    #[error("a model is being trained already; wait for it to finish")]
    Busy,
    #[error(
        "{rows} athlete-days are more than one training takes ({MAX_TRAINING_ROWS}); train fewer teams together"
    )]
    TooManyRows { rows: usize },
}

/// Allows one training at a time; [`TrainingGate::running`] says whether one is,
/// and [`TrainingGate::last_error`] why the last one failed, if it did.
#[derive(Debug, Default, Clone)]
pub struct TrainingGate(Arc<GateState>);

#[derive(Debug, Default)]
struct GateState {
    running: AtomicBool,
    last_error: Mutex<Option<String>>,
}

impl TrainingGate {
    pub fn running(&self) -> bool {
        self.0.running.load(Ordering::SeqCst)
    }

    /// Why the last training failed (`None` after a success or before any).
    pub fn last_error(&self) -> Option<String> {
        self.0
            .last_error
            .lock()
            .map(|e| e.clone())
            .unwrap_or_default()
    }

    /// Takes the gate; the training it admits runs until the pass is dropped.
    ///
    /// # Errors
    /// [`TrainError::Busy`] while another training holds it.
    pub fn enter(&self) -> Result<GatePass, TrainError> {
        self.0
            .running
            .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
            .map_err(|_| TrainError::Busy)?;
        Ok(GatePass(self.0.clone()))
    }
}

/// A held [`TrainingGate`]; dropping it lets the next training in.
pub struct GatePass(Arc<GateState>);

impl GatePass {
    fn finish(&self, error: Option<String>) {
        if let Ok(mut last) = self.0.last_error.lock() {
            *last = error;
        }
    }
}

impl Drop for GatePass {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::SeqCst);
    }
}

/// The most athlete-days one training takes: ten times the 100,000 rows the
/// training benchmark measures, about 270 athletes over ten years. A history
/// ends after 365 days without data, so only real data reaches this.
pub const MAX_TRAINING_ROWS: usize = 1_000_000;

/// Trains on the stored data of `teams` with the default options, on a blocking
/// thread; with `until`, only on what was known by the end of that day
/// (decision days whose 7-day target window ends by then).
///
/// # Errors
/// [`TrainError::Model`] when the data cannot carry a model (no events ...).
pub async fn train_on_store(
    pool: &Pool,
    teams: &[String],
    until: Option<Date>,
) -> Result<ModelArtifact, TrainError> {
    let inputs = gather(pool, teams).await?;
    let created_at = jiff::Timestamp::now();
    tokio::task::spawn_blocking(move || {
        let dataset = inputs.dataset(until);
        if dataset.rows.len() > MAX_TRAINING_ROWS {
            return Err(TrainError::TooManyRows {
                rows: dataset.rows.len(),
            });
        }
        train(&dataset, &TrainOptions::default(), created_at).map_err(TrainError::from)
    })
    .await
    .map_err(|error| TrainError::Task(error.to_string()))?
}

/// Trains on the stored data of `teams` (up to `until`, see
/// [`train_on_store`]), stores the version and activates it for each of them
/// as `activate` says, holding `pass` (one training at a time) until done.
///
/// # Errors
/// As [`train_on_store`], or when the registry refuses the write.
pub async fn train_and_store(
    pool: &Pool,
    pass: GatePass,
    teams: &[String],
    actor: &Actor,
    activate: Activate,
    until: Option<Date>,
) -> Result<Trained, TrainError> {
    let outcome = train_store_activate(pool, teams, actor, activate, until).await;
    pass.finish(outcome.as_ref().err().map(ToString::to_string));
    outcome
}

async fn train_store_activate(
    pool: &Pool,
    teams: &[String],
    actor: &Actor,
    activate: Activate,
    until: Option<Date>,
) -> Result<Trained, TrainError> {
    let started = std::time::Instant::now();
    let artifact = train_on_store(pool, teams, until).await?;
    let json = artifact.to_json()?;
    let new = while_busy(|| models::insert(pool, &artifact, &json, teams, actor)).await?;
    let mut activated = Vec::new();
    for team in teams {
        let has_active = models::active_id(pool, team).await?.is_some();
        let kind = match (activate, has_active) {
            (_, false) => ActivationKind::FirstModel,
            (Activate::Yes, true) => ActivationKind::Activate,
            (Activate::IfNone, true) => continue,
        };
        while_busy(|| models::activate(pool, team, &artifact.version_id, actor, kind)).await?;
        activated.push(team.clone());
    }
    tracing::info!(
        version = %artifact.version_id,
        teams = ?teams,
        rows = artifact.card.data.rows,
        seconds = started.elapsed().as_secs_f64(),
        new,
        activated = ?activated,
        "trained the risk model"
    );
    Ok(Trained {
        artifact,
        new,
        activated,
    })
}

/// Tries of a trained model's registry writes while the database is busy.
const STORE_ATTEMPTS: u32 = 5;

/// A trained model is worth keeping: a registry write that found the database busy
/// (and so changed nothing) is tried again, a second later, up to [`STORE_ATTEMPTS`].
async fn while_busy<T, F, Fut>(mut write: F) -> Result<T, models::RegistryError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, models::RegistryError>>,
{
    let mut attempt = 1;
    loop {
        match write().await {
            Err(models::RegistryError::Database(error))
                if attempt < STORE_ATTEMPTS && crate::store::write::is_busy(&error) =>
            {
                tracing::info!(
                    attempt,
                    "the database is busy; storing the trained model again"
                );
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// At start-up: trains a first model for each team that has athletes but no
/// active model, on that team's data alone, and makes it the team's active model,
/// so a fresh install (and a new team) has one. Failures are logged, not fatal:
/// the rule baseline answers until a model exists.
pub async fn first_model(pool: Pool, gate: TrainingGate) {
    let teams = match models::teams_without_model(&pool).await {
        Ok(teams) => teams,
        Err(error) => {
            tracing::error!(%error, "cannot read the model registry");
            return;
        }
    };
    for team in teams {
        let Ok(pass) = gate.enter() else {
            return;
        };
        tracing::info!(team, "no risk model yet: training the team's first one");
        let actor = Actor::system("first-model");
        let teams = [team];
        if let Err(error) =
            train_and_store(&pool, pass, &teams, &actor, Activate::IfNone, None).await
        {
            tracing::warn!(%error, team = teams[0], "no first model; recommendations use the rule baseline");
        }
    }
}
