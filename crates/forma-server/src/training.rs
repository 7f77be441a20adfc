//! Training a team's risk model on what is stored of that team (or of several
//! teams, when an admin trains them together): the rows come from every
//! athlete's sessions, wellness and injury or illness reports, plus the coaches'
//! `injury` and `illness` labels (forma-core's [`Dataset::build`] turns them into
//! features and targets); days labelled `device_or_data_issue` are left out.
//! Training is CPU work, so it runs on a blocking thread; one training at a time
//! per server ([`TrainingGate`]), each within a time budget and cancellable: the
//! gate holds its forma-core [`Budget`], which the training checks all along,
//! and a stopped training stores nothing (the registry is written only after
//! the last check, [`GatePass::begin_storing`]).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use forma_core::api::{Sex, TrainingRun, TrainingState};
use forma_core::labels::LabelCode;
use forma_core::model::budget::duration_words;
use forma_core::model::fit::TrainOptions;
use forma_core::model::{
    train_within, AthleteInfo, Budget, Dataset, ModelArtifact, ModelError, TrainingData,
};
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
pub async fn gather(pool: &Pool, teams: &[String]) -> Result<TrainingInputs, TrainError> {
    gather_within(pool, teams, &Budget::unlimited()).await
}

/// [`gather`], checking `budget` before each athlete's records.
///
/// # Errors
/// As [`gather`]; [`TrainError::Cancelled`] or [`TrainError::OutOfTime`] when
/// the budget stops it.
pub async fn gather_within(
    pool: &Pool,
    teams: &[String],
    budget: &Budget,
) -> Result<TrainingInputs, TrainError> {
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
            budget.check()?;
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
    Model(ModelError),
    #[error(transparent)]
    Registry(#[from] models::RegistryError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("training stopped unexpectedly: {0}")]
    Task(String),
    #[error("a model is being trained already; wait for it to finish")]
    Busy,
    #[error("the server is shutting down; no training starts now")]
    ShuttingDown,
    #[error(
        "{rows} athlete-days are more than one training takes ({MAX_TRAINING_ROWS}); train fewer teams together"
    )]
    TooManyRows { rows: usize },
    #[error("cancelled by {by}; nothing was stored")]
    Cancelled { by: String },
    #[error(
        "the training took longer than its time budget of {} and was stopped; nothing was stored (an operator can allow more with `--training-budget`)",
        duration_words(*budget)
    )]
    OutOfTime { budget: Duration },
}

impl From<ModelError> for TrainError {
    fn from(error: ModelError) -> Self {
        match error {
            // Who cancelled is the gate's to say (`GatePass::explain`).
            ModelError::Cancelled => TrainError::Cancelled {
                by: "request".to_owned(),
            },
            ModelError::OutOfTime { budget } => TrainError::OutOfTime { budget },
            other => TrainError::Model(other),
        }
    }
}

/// The time budget of one training unless the operator says otherwise
/// (`forma serve --training-budget`). The demo team trains in seconds and the
/// training benchmark's 100,000 athlete-days in about 3.5 minutes on two
/// cores, so a quarter of an hour covers a few hundred thousand athlete-days on
/// a busy machine, while a runaway training gives the CPU back within it.
pub const DEFAULT_TRAINING_BUDGET: Duration = Duration::from_secs(15 * 60);

/// Allows one training at a time and knows where it stands: which teams it
/// learns from, its [`Budget`] (a cancel flag and the time limit), and the
/// last outcome per team. [`TrainingGate::cancel`] stops the running one at its
/// next check; [`TrainingGate::shut_down`] stops it and lets no other start.
#[derive(Debug, Clone)]
pub struct TrainingGate(Arc<GateState>);

#[derive(Debug)]
struct GateState {
    /// The time limit of each training (`None`: none).
    limit: Option<Duration>,
    inner: Mutex<GateInner>,
    /// Woken when a training ends.
    ended: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct GateInner {
    runs: u64,
    current: Option<Run>,
    /// The last finished run of each team it learnt from.
    last: BTreeMap<String, TrainingRun>,
    closed: bool,
}

#[derive(Debug)]
struct Run {
    id: u64,
    teams: Vec<String>,
    started_at: jiff::Timestamp,
    started: std::time::Instant,
    budget: Budget,
    storing: bool,
    cancelled_by: Option<String>,
}

/// Why [`TrainingGate::cancel`] did not stop a training.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelRefusal {
    /// No training of the team is running.
    NotRunning,
    /// The running training also learns from teams the caller does not manage.
    NotTheirs,
    /// It has finished learning and is storing its version.
    TooLate,
}

impl Default for TrainingGate {
    /// A gate whose trainings have no time limit (the command line's default).
    fn default() -> Self {
        Self::new(None)
    }
}

impl TrainingGate {
    /// A gate whose trainings each stop after `limit`, when given.
    pub fn new(limit: Option<Duration>) -> Self {
        Self(Arc::new(GateState {
            limit,
            inner: Mutex::default(),
            ended: tokio::sync::Notify::new(),
        }))
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, GateInner> {
        // The state stays consistent under a panic (plain assignments), so a
        // poisoned lock is used as it is.
        self.0
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The time limit of each training.
    pub fn limit(&self) -> Option<Duration> {
        self.0.limit
    }

    /// Whether a training runs.
    pub fn running(&self) -> bool {
        self.inner().current.is_some()
    }

    /// Where the training of `team` stands, if one runs or ran since start-up,
    /// when `may_see` allows every team it learns from.
    pub fn status(&self, team: &str, may_see: impl Fn(&[String]) -> bool) -> Option<TrainingRun> {
        let inner = self.inner();
        if let Some(run) = &inner.current {
            if run.teams.iter().any(|t| t == team) {
                return may_see(&run.teams).then(|| self.running_view(run));
            }
        }
        inner
            .last
            .get(team)
            .filter(|run| may_see(&run.teams))
            .cloned()
    }

    /// Why the last training of `team` failed (see [`ModelRegistry`]'s
    /// `last_training_error`), as [`TrainingGate::status`] shows it.
    ///
    /// [`ModelRegistry`]: forma_core::api::ModelRegistry
    pub fn last_error(&self, team: &str, may_see: impl Fn(&[String]) -> bool) -> Option<String> {
        let inner = self.inner();
        let last = inner.last.get(team).filter(|run| may_see(&run.teams))?;
        matches!(last.state, TrainingState::Failed | TrainingState::OutOfTime)
            .then(|| last.message.clone())
    }

    fn running_view(&self, run: &Run) -> TrainingRun {
        let on = on_teams(&run.teams);
        let (state, message) = match (&run.cancelled_by, run.storing) {
            (_, true) => (
                TrainingState::Storing,
                format!("The training on {on} is done; its version is being stored."),
            ),
            (Some(by), false) => (
                TrainingState::Cancelling,
                format!("Cancelling the training on {on} (asked by {by}); nothing will be stored."),
            ),
            (None, false) => (
                TrainingState::Running,
                match self.0.limit {
                    Some(limit) => format!(
                        "Training on {on} for {} so far; it is stopped if it takes longer than {}.",
                        duration_words(whole_seconds(run.started.elapsed())),
                        duration_words(limit)
                    ),
                    None => format!(
                        "Training on {on} for {} so far.",
                        duration_words(whole_seconds(run.started.elapsed()))
                    ),
                },
            ),
        };
        TrainingRun {
            teams: run.teams.clone(),
            state,
            started_at: run.started_at.to_string(),
            finished_at: None,
            budget_seconds: self.0.limit.map(|l| l.as_secs()),
            cancelled_by: run.cancelled_by.clone(),
            version_id: None,
            message,
        }
    }

    /// Takes the gate for a training on `teams`; it runs until the pass is
    /// dropped, within the gate's time limit from now.
    ///
    /// # Errors
    /// [`TrainError::Busy`] while another training holds it,
    /// [`TrainError::ShuttingDown`] after [`TrainingGate::shut_down`].
    pub fn enter(&self, teams: &[String]) -> Result<GatePass, TrainError> {
        let mut inner = self.inner();
        if inner.closed {
            return Err(TrainError::ShuttingDown);
        }
        if inner.current.is_some() {
            return Err(TrainError::Busy);
        }
        inner.runs += 1;
        let id = inner.runs;
        let budget = self.0.limit.map_or_else(Budget::unlimited, Budget::within);
        inner.current = Some(Run {
            id,
            teams: teams.to_vec(),
            started_at: jiff::Timestamp::now(),
            started: std::time::Instant::now(),
            budget: budget.clone(),
            storing: false,
            cancelled_by: None,
        });
        Ok(GatePass {
            gate: self.clone(),
            id,
            budget,
            finished: false,
        })
    }

    /// Stops the running training of `team` at its next check, when `may_see`
    /// allows every team it learns from; `by` names who asked. Returns the
    /// run's id, for [`TrainingGate::wait_for_end`].
    ///
    /// # Errors
    /// A [`CancelRefusal`] saying why not.
    pub fn cancel(
        &self,
        team: &str,
        may_see: impl Fn(&[String]) -> bool,
        by: &str,
    ) -> Result<u64, CancelRefusal> {
        let mut inner = self.inner();
        let run = inner
            .current
            .as_mut()
            .filter(|run| run.teams.iter().any(|t| t == team))
            .ok_or(CancelRefusal::NotRunning)?;
        if !may_see(&run.teams) {
            return Err(CancelRefusal::NotTheirs);
        }
        if run.storing {
            return Err(CancelRefusal::TooLate);
        }
        if run.cancelled_by.is_none() {
            run.cancelled_by = Some(by.to_owned());
        }
        run.budget.cancel();
        Ok(run.id)
    }

    /// Stops whatever training runs (`by` says why) and lets no other start:
    /// for the end of the process.
    pub fn shut_down(&self, by: &str) {
        let mut inner = self.inner();
        inner.closed = true;
        if let Some(run) = inner.current.as_mut() {
            if !run.storing {
                run.cancelled_by.get_or_insert_with(|| by.to_owned());
                run.budget.cancel();
            }
        }
    }

    /// Waits until the training `id` (or whatever runs, for `None`) has ended,
    /// for at most `within`; whether it has.
    pub async fn wait_for_end(&self, id: Option<u64>, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let ended = self.0.ended.notified();
            tokio::pin!(ended);
            // Registered before looking, so an end in between is not missed.
            ended.as_mut().enable();
            let running = self
                .inner()
                .current
                .as_ref()
                .is_some_and(|run| id.is_none_or(|id| run.id == id));
            if !running {
                return true;
            }
            if tokio::time::timeout_at(deadline, ended).await.is_err() {
                return false;
            }
        }
    }
}

/// "team demo's data", "teams demo and other's data".
fn on_teams(teams: &[String]) -> String {
    match teams {
        [one] => format!("team {one}'s data"),
        several => format!("teams {}'s data", several.join(" and ")),
    }
}

/// A duration to the second below, for words (`12 seconds`).
fn whole_seconds(d: Duration) -> Duration {
    Duration::from_secs(d.as_secs())
}

/// A held [`TrainingGate`]; dropping it lets the next training in, and records
/// the outcome [`GatePass::finish`] was given (or that the training ended
/// without one).
#[derive(Debug)]
pub struct GatePass {
    gate: TrainingGate,
    id: u64,
    budget: Budget,
    finished: bool,
}

impl GatePass {
    /// The training's budget: pass it to forma-core's training.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Stops the training (as a cancel through the gate would, with `by`
    /// saying who): for `forma train`'s Ctrl-C.
    pub fn cancel(&self, by: &str) {
        let mut inner = self.gate.inner();
        if let Some(run) = inner.current.as_mut().filter(|run| run.id == self.id) {
            run.cancelled_by.get_or_insert_with(|| by.to_owned());
        }
        self.budget.cancel();
    }

    /// The last check before the registry is written: from here the training
    /// cannot be cancelled, so nothing is half-written.
    ///
    /// # Errors
    /// [`TrainError::Cancelled`] or [`TrainError::OutOfTime`] when the budget
    /// has stopped it already.
    pub fn begin_storing(&self) -> Result<(), TrainError> {
        let mut inner = self.gate.inner();
        self.budget
            .check()
            .map_err(|error| self.explain_in(&inner, error.into()))?;
        if let Some(run) = inner.current.as_mut().filter(|run| run.id == self.id) {
            run.storing = true;
        }
        Ok(())
    }

    /// `error` with who cancelled, when it is a cancel.
    pub fn explain(&self, error: TrainError) -> TrainError {
        let inner = self.gate.inner();
        self.explain_in(&inner, error)
    }

    fn explain_in(&self, inner: &GateInner, error: TrainError) -> TrainError {
        match error {
            TrainError::Cancelled { .. } => TrainError::Cancelled {
                by: inner
                    .current
                    .as_ref()
                    .filter(|run| run.id == self.id)
                    .and_then(|run| run.cancelled_by.clone())
                    .unwrap_or_else(|| "request".to_owned()),
            },
            other => other,
        }
    }

    /// Records how the training ended and lets the next one in.
    pub fn finish(mut self, outcome: &Result<Trained, TrainError>) {
        self.record(outcome.as_ref().map(|t| t.artifact.version_id.as_str()));
    }

    fn record(&mut self, outcome: Result<&str, &TrainError>) {
        self.finished = true;
        let mut inner = self.gate.inner();
        let Some(run) = inner.current.take_if(|run| run.id == self.id) else {
            return;
        };
        let on = on_teams(&run.teams);
        let took = duration_words(whole_seconds(run.started.elapsed()));
        let (state, message, version_id) = match outcome {
            Ok(version) => (
                TrainingState::Done,
                format!("Trained version {version} on {on} in {took}."),
                Some(version.to_owned()),
            ),
            Err(TrainError::Cancelled { by }) => (
                TrainingState::Cancelled,
                format!(
                    "The training on {on} was cancelled by {by} after {took}; nothing was stored."
                ),
                None,
            ),
            Err(error @ TrainError::OutOfTime { .. }) => {
                (TrainingState::OutOfTime, error.to_string(), None)
            }
            Err(error) => (TrainingState::Failed, error.to_string(), None),
        };
        let report = TrainingRun {
            teams: run.teams.clone(),
            state,
            started_at: run.started_at.to_string(),
            finished_at: Some(jiff::Timestamp::now().to_string()),
            budget_seconds: self.gate.0.limit.map(|l| l.as_secs()),
            cancelled_by: run.cancelled_by.clone(),
            version_id,
            message,
        };
        for team in &run.teams {
            inner.last.insert(team.clone(), report.clone());
        }
        drop(inner);
        self.gate.0.ended.notify_waiters();
    }
}

impl Drop for GatePass {
    fn drop(&mut self) {
        if !self.finished {
            let error = TrainError::Task("the training ended without an outcome".to_owned());
            self.record(Err(&error));
        }
    }
}

/// The most athlete-days one training takes: ten times the 100,000 rows the
/// training benchmark measures, about 270 athletes over ten years. A history
/// ends after 365 days without data, so only real data reaches this. The time
/// budget ([`DEFAULT_TRAINING_BUDGET`]) bounds the CPU a training takes; this
/// cap bounds its memory (each row's 108 features are 864 bytes, so the rows
/// alone are about 1 GB here, and each logistic fit makes a standardised copy
/// as large) and refuses at once, rather than after the whole budget, a
/// training that would need most of an hour at the benchmark's speed.
pub const MAX_TRAINING_ROWS: usize = 1_000_000;

/// Trains on the stored data of `teams` with the default options, within
/// `budget`, on a blocking thread; with `until`, only on what was known by the
/// end of that day (decision days whose 7-day target window ends by then).
///
/// # Errors
/// [`TrainError::Model`] when the data cannot carry a model (no events ...);
/// [`TrainError::Cancelled`] or [`TrainError::OutOfTime`] when the budget
/// stops it.
pub async fn train_on_store(
    pool: &Pool,
    teams: &[String],
    until: Option<Date>,
    budget: &Budget,
) -> Result<ModelArtifact, TrainError> {
    let inputs = gather_within(pool, teams, budget).await?;
    let created_at = jiff::Timestamp::now();
    let budget = budget.clone();
    tokio::task::spawn_blocking(move || {
        let dataset = Dataset::build_within(&inputs.data(until), &budget)?;
        if dataset.rows.len() > MAX_TRAINING_ROWS {
            return Err(TrainError::TooManyRows {
                rows: dataset.rows.len(),
            });
        }
        train_within(&dataset, &TrainOptions::default(), created_at, &budget)
            .map_err(TrainError::from)
    })
    .await
    .map_err(|error| TrainError::Task(error.to_string()))?
}

/// Trains on the stored data of `teams` (up to `until`, see
/// [`train_on_store`]) within the pass's budget, stores the version and
/// activates it for each of them as `activate` says, holding `pass` (one
/// training at a time) until done. A training stopped by its budget stores
/// nothing; once it is storing, it can no longer be stopped.
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
    let outcome = train_store_activate(pool, &pass, teams, actor, activate, until)
        .await
        .map_err(|error| pass.explain(error));
    pass.finish(&outcome);
    outcome
}

async fn train_store_activate(
    pool: &Pool,
    pass: &GatePass,
    teams: &[String],
    actor: &Actor,
    activate: Activate,
    until: Option<Date>,
) -> Result<Trained, TrainError> {
    let started = std::time::Instant::now();
    let artifact = train_on_store(pool, teams, until, pass.budget()).await?;
    let json = artifact.to_json()?;
    pass.begin_storing()?;
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
        let Ok(pass) = gate.enter(std::slice::from_ref(&team)) else {
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
