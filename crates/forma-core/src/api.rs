//! Request and response types of Forma's JSON API, shared by the server and the app
//! so that both compile against the same definitions.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bounds::{self, DateWindow};
use crate::readiness::HrvStatus;
use crate::types::{
    AthleteId, Event, EventKind, EventSeverity, Session, ValueError, WellnessEntry,
};

pub use crate::types::{check_client_id, EventRecord, SessionRecord};

/// `GET /api/health`: whether the server is up and its database answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// `"ok"` when the server and its database work, `"degraded"` when the database does not answer.
    pub status: HealthStatus,
    /// The server's version, as in its Cargo.toml.
    pub version: String,
    pub database: DatabaseHealth,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
    Degraded,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    /// `"sqlite"` or `"postgres"`.
    pub backend: String,
    /// True when a trivial query succeeded just now.
    pub reachable: bool,
    /// The newest schema migration applied, if any.
    pub schema_version: Option<i64>,
}

/// The error body every failing `/api` call returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// A stable, machine-readable code such as `not_found`.
    pub code: String,
    /// A sentence for the user: what went wrong and what to do.
    pub message: String,
    /// The request field at fault, when one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A team as listed to a coach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamSummary {
    pub id: String,
    pub name: String,
    pub athletes: usize,
    /// The day the team's figures are computed for, when fixed (an archived or demo
    /// team); otherwise each athlete's today.
    pub as_of: Option<Date>,
}

/// An athlete's record, without their data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthleteProfile {
    pub id: AthleteId,
    pub team_id: String,
    pub name: String,
    /// IANA time zone, such as `Europe/Oslo`; sessions belong to local dates there.
    pub time_zone: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub sport: Option<String>,
    pub hr_max: Option<f64>,
    pub hr_rest: Option<f64>,
    /// Bumped on every change to the athlete's data.
    pub data_version: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
}

/// Counts of data-quality findings by severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct QualityCounts {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

/// One athlete's row on the team page: the latest figures and how fresh they are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthleteStatus {
    pub athlete: AthleteProfile,
    /// The day the figures are for.
    pub as_of: Date,
    /// The last day with any data (session, wellness, device), if any.
    pub last_data: Option<Date>,
    /// Whole days from `last_data` to `as_of`.
    pub days_since_data: Option<i64>,
    /// Acute:chronic ratio on the morning of `as_of` (from the load up to
    /// `ratio_through`, the day before), in the form named by `ratio_form`: the
    /// figure today's recommendation reads, and the chart's value for
    /// `ratio_through`.
    pub acwr: Option<f64>,
    /// The last day of load `acwr` includes.
    #[serde(default)]
    pub ratio_through: Option<Date>,
    /// Which ratio `acwr` is, such as "coupled 7:28 rolling".
    pub ratio_form: String,
    /// Form (TSB) on `as_of`, TrainingPeaks variant.
    pub form: Option<f64>,
    /// Fitness (CTL) on `as_of`.
    pub fitness: Option<f64>,
    /// HRV status on `as_of`.
    pub hrv_status: Option<HrvStatus>,
    /// Today's wellness readiness score (0 to 10) when entered.
    pub readiness: Option<f64>,
    pub quality: QualityCounts,
    /// An intentional-deload label covers a day of the last 7 (the acute window):
    /// a low load ratio is then the plan, not detraining.
    #[serde(default)]
    pub intentional_deload: bool,
}

/// `GET /api/athletes/{id}/series`: one entry per day in each column, from `from` to `to`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeriesResponse {
    pub athlete_id: Option<AthleteId>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub dates: Vec<Date>,
    pub observed: Vec<bool>,
    pub load: Vec<f64>,
    pub sessions: Vec<u32>,
    pub acute_rac: Vec<Option<f64>>,
    pub chronic_rac: Vec<Option<f64>>,
    pub acwr_rac: Vec<Option<f64>>,
    pub chronic_rau: Vec<Option<f64>>,
    pub acwr_rau: Vec<Option<f64>>,
    pub acute_ewma: Vec<Option<f64>>,
    pub chronic_ewma: Vec<Option<f64>>,
    pub acwr_ewma: Vec<Option<f64>>,
    pub monotony: Vec<Option<f64>>,
    pub strain: Vec<Option<f64>>,
    pub week_change_pct: Vec<Option<f64>>,
    /// Fitness, fatigue and form per PMC variant: `trainingpeaks`, `goldencheetah`, `intervals`.
    pub pmc: Vec<PmcColumns>,
    pub ramp_rate: Vec<Option<f64>>,
    pub days_since_hard: Vec<Option<u32>>,
    pub sessions_7d: Vec<Option<u32>>,
    pub sleep_h: Vec<Option<f64>>,
    pub sleep_quality: Vec<Option<f64>>,
    pub fatigue: Vec<Option<f64>>,
    pub soreness: Vec<Option<f64>>,
    pub stress: Vec<Option<f64>>,
    pub mood: Vec<Option<f64>>,
    pub readiness: Vec<Option<f64>>,
    pub resting_hr: Vec<Option<f64>>,
    pub hrv_rmssd_ms: Vec<Option<f64>>,
    /// 7-day mean of ln rMSSD and the 60-day band around it (Plews 2014).
    pub hrv_rolling_ln: Vec<Option<f64>>,
    pub hrv_band_low: Vec<Option<f64>>,
    pub hrv_band_high: Vec<Option<f64>>,
    pub hrv_status: Vec<HrvStatus>,
    /// Days a coach labelled `device_or_data_issue`: shaded in charts, left out of
    /// the model's training. Empty when no day is.
    #[serde(default)]
    pub unreliable: Vec<bool>,
}

impl SeriesResponse {
    /// Marks the days that the athlete's device-or-data-issue labels cover
    /// ([`crate::labels::unreliable_days`]), which the charts shade;
    /// `unreliable` stays empty when no day of the series is.
    pub fn mark_unreliable(&mut self, labels: &[crate::labels::Label]) {
        let marked = crate::labels::unreliable_days(labels, &self.dates);
        self.unreliable = if marked.contains(&true) {
            marked
        } else {
            Vec::new()
        };
    }
}

/// CTL, ATL and TSB of one PMC variant.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct PmcColumns {
    pub variant: String,
    pub ctl: Vec<f64>,
    pub atl: Vec<f64>,
    pub tsb: Vec<f64>,
}

/// The answer to an import: what landed, and every row or file that could not be read.
/// When `rejected` is non-empty and `complete` is false, nothing was stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportReport {
    /// Whether the import was stored. False when any row could not be read and bad
    /// rows were not to be skipped: then nothing was stored.
    pub stored: bool,
    pub file: String,
    /// Records new to Forma.
    pub added: usize,
    /// Records Forma already had (the same file imported again adds nothing).
    pub unchanged: usize,
    /// Records that replaced an earlier version (wellness of the same day).
    pub updated: usize,
    /// Athletes created by this import.
    pub new_athletes: Vec<AthleteId>,
    pub rejected: Vec<RejectedRow>,
    /// Present on a preview (`?preview=true`), which stores nothing: what the file
    /// holds. A preview's counts are those an import that skips the bad rows would
    /// have, so that a coach sees what `skip_bad` would keep.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<ImportPreview>,
}

/// What a file holds, as a preview shows it before anything is stored.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ImportPreview {
    /// Rows (or activity files) read, good and rejected.
    pub rows_read: usize,
    /// Rows (or activities) that would be stored.
    pub rows_good: usize,
    /// Athletes the file names that Forma already has in the team.
    pub athletes_known: Vec<AthleteId>,
    /// Athletes the file names that the import would create.
    pub athletes_new: Vec<AthleteId>,
    /// The first and last date of the good rows, `YYYY-MM-DD`.
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// The canonical columns of the rows below.
    pub columns: Vec<String>,
    /// The first good rows as the import reads them (at most
    /// [`crate::import_preview::PREVIEW_ROWS`]), each with its line in the file.
    pub rows: Vec<PreviewRow>,
}

/// One row of a preview: its line in the file (none for an activity file) and its
/// cells in the order of [`ImportPreview::columns`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PreviewRow {
    pub line: Option<usize>,
    pub cells: Vec<String>,
}

/// A row or file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub file: String,
    /// 1-based line (1 is the header); `None` for a whole file.
    pub row: Option<usize>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub reason: String,
}

/// A session written through the API (`POST /api/athletes/{id}/sessions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewSession {
    /// A client-made id (8 to 64 letters, digits, '-' or '_'), so that a retried
    /// write stores the session once. Forma makes one when it is absent.
    #[serde(default)]
    pub id: Option<String>,
    pub date: String,
    pub sport: Option<String>,
    pub duration_min: Option<f64>,
    pub rpe: Option<f64>,
    /// Empty means RPE x minutes.
    pub load: Option<f64>,
    pub distance_km: Option<f64>,
    pub avg_hr: Option<f64>,
}

/// One day's wellness written through the API (`PUT /api/athletes/{id}/wellness/{date}`).
/// A write never erases: an item left out (or `null`) keeps what is stored, and an
/// item is emptied only by naming it in `clear`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct NewWellness {
    pub sleep_h: Option<f64>,
    pub sleep_quality: Option<f64>,
    pub fatigue: Option<f64>,
    pub soreness: Option<f64>,
    pub stress: Option<f64>,
    pub mood: Option<f64>,
    pub readiness: Option<f64>,
    pub hrv_rmssd_ms: Option<f64>,
    pub resting_hr: Option<f64>,
    /// Items to empty, by name (`resting_hr`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clear: Vec<String>,
}

/// A stored day of wellness with where each value came from
/// (`GET /api/athletes/{id}/wellness`, and the answer to a write).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WellnessRecord {
    #[serde(flatten)]
    pub entry: WellnessEntry,
    /// The source of each stored item ([`crate::wellness::Sources`]).
    #[serde(default)]
    pub sources: crate::wellness::Sources,
    /// When the day was last written (RFC 3339 UTC), when known.
    #[serde(default)]
    pub updated_at: Option<String>,
}

/// An injury or illness written through the API (`POST /api/athletes/{id}/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// A client-made id (8 to 64 letters, digits, '-' or '_'), so that a retried
    /// write stores the event once. Forma makes one when it is absent.
    #[serde(default)]
    pub id: Option<String>,
    pub date: String,
    pub kind: String,
    pub severity: Option<String>,
    pub body_part: Option<String>,
    pub days_lost: Option<u32>,
}

/// The text when it is not blank, checked against its limit.
fn optional_text(
    text: Option<String>,
    limit: bounds::TextLimit,
) -> Result<Option<String>, ValueError> {
    let text = text.filter(|text| !text.trim().is_empty());
    if let Some(text) = &text {
        limit.check(text)?;
    }
    Ok(text)
}

impl NewSession {
    /// Checks every field against [`crate::bounds`] (the date against `dates`) and
    /// makes the session, with load = RPE x minutes when no load is given (Foster
    /// 2001).
    ///
    /// # Errors
    /// The first field out of its range, naming it and what is accepted.
    pub fn into_session(
        self,
        athlete_id: AthleteId,
        dates: DateWindow,
    ) -> Result<Session, ValueError> {
        if let Some(id) = &self.id {
            check_client_id(id)?;
        }
        let date = dates.parse("date", &self.date)?;
        let duration_min = bounds::DURATION_MIN.check_optional(self.duration_min)?;
        let rpe = bounds::RPE.check_optional(self.rpe)?;
        let load = bounds::LOAD.check_optional(self.load)?;
        let load = match (load, rpe, duration_min) {
            (Some(load), _, _) => load,
            (None, Some(rpe), Some(minutes)) => rpe * minutes,
            (None, _, _) => {
                return Err(ValueError::new(
                    "load",
                    "",
                    "a load, or both rpe and duration_min so that load = RPE x minutes",
                ))
            }
        };
        Ok(Session {
            athlete_id,
            date,
            sport: optional_text(self.sport, bounds::SPORT)?,
            duration_min,
            rpe,
            load,
            distance_km: bounds::DISTANCE_KM.check_optional(self.distance_km)?,
            avg_hr: bounds::AVG_HR.check_optional(self.avg_hr)?,
            source: Some("forma".to_owned()),
        })
    }
}

impl From<crate::wellness::WellnessUpdate> for NewWellness {
    /// The request that makes `update`: its values, and the items it empties by name.
    fn from(update: crate::wellness::WellnessUpdate) -> Self {
        let v = update.values;
        NewWellness {
            sleep_h: v.sleep_h,
            sleep_quality: v.sleep_quality,
            fatigue: v.fatigue,
            soreness: v.soreness,
            stress: v.stress,
            mood: v.mood,
            readiness: v.readiness,
            hrv_rmssd_ms: v.hrv_rmssd_ms,
            resting_hr: v.resting_hr,
            clear: update.clear.iter().map(|f| f.as_str().to_owned()).collect(),
        }
    }
}

impl NewWellness {
    /// Checks every field and makes the day's write: the values it carries and the
    /// items it empties.
    ///
    /// # Errors
    /// The first field out of its range or unknown in `clear`, naming it and what is
    /// accepted; an item both given and cleared; a write with nothing in it.
    pub fn into_update(
        self,
        athlete_id: AthleteId,
        date: Date,
    ) -> Result<crate::wellness::WellnessUpdate, ValueError> {
        let clear = self
            .clear
            .iter()
            .map(|name| name.parse::<crate::wellness::WellnessField>())
            .collect::<Result<Vec<_>, _>>()?;
        let values = self.into_entry(athlete_id, date)?;
        if let Some(both) = clear.iter().find(|field| field.get(&values).is_some()) {
            return Err(ValueError::new(
                "clear",
                both.as_str(),
                "an item either given a value or cleared, not both",
            ));
        }
        let update = crate::wellness::WellnessUpdate { values, clear };
        if update.is_empty() {
            return Err(ValueError::new(
                "wellness",
                "{}",
                "at least one item with a value, or an item named in clear",
            ));
        }
        Ok(update)
    }

    /// Checks every field against [`crate::bounds`] and makes the day's entry of
    /// the values given.
    ///
    /// # Errors
    /// The first field out of its range, naming it and what is accepted.
    pub fn into_entry(
        self,
        athlete_id: AthleteId,
        date: Date,
    ) -> Result<WellnessEntry, ValueError> {
        let scale = |field, value| bounds::WELLNESS_SCALE.named(field).check_optional(value);
        Ok(WellnessEntry {
            athlete_id,
            date,
            sleep_h: bounds::SLEEP_H.check_optional(self.sleep_h)?,
            sleep_quality: scale("sleep_quality", self.sleep_quality)?,
            fatigue: scale("fatigue", self.fatigue)?,
            soreness: scale("soreness", self.soreness)?,
            stress: scale("stress", self.stress)?,
            mood: scale("mood", self.mood)?,
            readiness: scale("readiness", self.readiness)?,
            hrv_rmssd_ms: bounds::HRV_RMSSD_MS.check_optional(self.hrv_rmssd_ms)?,
            resting_hr: bounds::RESTING_HR.check_optional(self.resting_hr)?,
        })
    }
}

impl NewEvent {
    /// Checks every field against [`crate::bounds`] (the date against `dates`) and
    /// makes the event.
    ///
    /// # Errors
    /// The first field that cannot be read, naming it and what is accepted.
    pub fn into_event(self, athlete_id: AthleteId, dates: DateWindow) -> Result<Event, ValueError> {
        if let Some(id) = &self.id {
            check_client_id(id)?;
        }
        if let Some(days) = self.days_lost {
            bounds::DAYS_LOST.check(f64::from(days))?;
        }
        Ok(Event {
            athlete_id,
            date: dates.parse("date", &self.date)?,
            kind: self.kind.parse::<EventKind>()?,
            severity: self
                .severity
                .filter(|severity| !severity.is_empty())
                .map(|severity| severity.parse::<EventSeverity>())
                .transpose()?,
            body_part: optional_text(self.body_part, bounds::BODY_PART)?,
            days_lost: self.days_lost,
            closed_on: None,
        })
    }
}

/// What an account may do. Coaches see the athletes of their teams; an athlete sees
/// only themself; admins manage accounts and read everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Coach,
    Athlete,
}

impl Role {
    /// The stored and displayed name: `admin`, `coach` or `athlete`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coach => "coach",
            Role::Athlete => "athlete",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Role, ValueError> {
        match text {
            "admin" => Ok(Role::Admin),
            "coach" => Ok(Role::Coach),
            "athlete" => Ok(Role::Athlete),
            other => Err(ValueError::new("role", other, "admin, coach or athlete")),
        }
    }
}

/// An account as shown to its owner (`GET /api/auth/me`) and to admins
/// (`GET /api/users`). Never carries a password or its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAccount {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// The athlete record an athlete account is linked to.
    pub athlete_id: Option<String>,
    /// The teams a coach coaches (empty for other roles).
    pub teams: Vec<String>,
    /// An admin disabled the account: it cannot sign in.
    #[serde(default)]
    pub disabled: bool,
}

/// `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// The signed-in user and the token every write must echo in `X-CSRF-Token`
/// (`POST /api/auth/login`, `GET /api/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedInUser {
    pub user: UserAccount,
    pub csrf_token: String,
}

/// `POST /api/users`: a new account. Coaches need at least one team, athletes their
/// athlete record; passwords have at least 10 characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccount {
    pub email: String,
    pub password: String,
    pub role: Role,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub teams: Vec<String>,
    #[serde(default)]
    pub athlete_id: Option<String>,
}

/// One entry of the audit log (`GET /api/audit?athlete=A`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: String,
    /// RFC 3339 UTC time of the change.
    pub at: String,
    /// A user id, or `cli:NAME` / `system:WHAT` for changes made outside the API.
    pub actor: String,
    /// `create`, `update`, `import`, `sign_in`, `sign_out`, ...
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub athlete_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// One stored model version: `GET /api/models` and `forma models list`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelVersion {
    /// The version id (`m-` and 16 hex digits), the same for the same model.
    pub id: String,
    /// When it was trained (RFC 3339 UTC).
    pub created_at: String,
    /// Whether it is the model that scores now for the registry's team.
    pub active: bool,
    /// When it was last made active for the registry's team, if ever.
    pub activated_at: Option<String>,
    /// The teams whose data it was trained on (one, unless an admin chose to
    /// train several together).
    pub teams: Vec<String>,
    /// Feature schema version, such as `forma-features-2`.
    pub schema_version: String,
    /// The model that scores: `logistic` or `forest`.
    pub primary: String,
    /// Athletes and eligible athlete-days it was trained on.
    pub athletes: usize,
    pub rows: usize,
    /// Rows followed by an injury or illness onset within 7 days.
    pub positive_rows: usize,
    /// First and last decision day of the training rows.
    pub first_day: Date,
    pub last_day: Date,
    /// ROC AUC of the primary model in the backtests, forward in time and on
    /// athletes held out (`None` when a backtest had no events).
    pub forward_roc_auc: Option<f64>,
    pub athletes_roc_auc: Option<f64>,
    /// The same for the base rate is always 0.5; the best baseline's, to compare.
    pub forward_best_baseline_roc_auc: Option<f64>,
    pub athletes_best_baseline_roc_auc: Option<f64>,
}

/// One change of the active model: `GET /api/models` lists them, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelActivation {
    pub model_id: String,
    pub at: String,
    /// Who made it: an account's display name, `cli:USER` or `system:...`.
    pub actor: String,
    /// `first_model`, `activate` or `rollback`.
    pub kind: String,
}

/// `GET /api/models`: the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelRegistry {
    /// The team whose model this is: each team has its own active model.
    pub team: String,
    /// The teams the caller may manage models of (to pick another).
    pub teams: Vec<String>,
    /// Every version the caller may see (trained only on teams they manage),
    /// newest first.
    pub versions: Vec<ModelVersion>,
    /// Every activation for the team, newest first.
    pub activations: Vec<ModelActivation>,
    /// Whether the server is training a model right now.
    pub training: bool,
    /// Why the last training failed, when it did (such as "no injury or illness
    /// reports to learn from"), or ran out of its time budget; not after a
    /// training someone cancelled.
    pub last_training_error: Option<String>,
    /// The team's training that runs now, else its last one since the server
    /// started (`None` when there was none, or it learnt from teams the caller
    /// does not manage too).
    #[serde(default)]
    pub training_run: Option<TrainingRun>,
}

/// Where one training stands (`GET /api/models`, `training_run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainingRun {
    /// The teams it learns from.
    pub teams: Vec<String>,
    pub state: TrainingState,
    /// When it started and, once over, ended (RFC 3339 UTC).
    pub started_at: String,
    pub finished_at: Option<String>,
    /// Its time budget in seconds (`None`: no limit).
    pub budget_seconds: Option<u64>,
    /// Who asked to stop it, when someone did (an account's display name, or
    /// `the server's shutdown`).
    pub cancelled_by: Option<String>,
    /// The version it stored, once done.
    pub version_id: Option<String>,
    /// Where it stands, in a sentence for people.
    pub message: String,
}

/// The state of a [`TrainingRun`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrainingState {
    /// Learning; it may be cancelled.
    Running,
    /// Asked to stop; it stops at its next check (well under a second).
    Cancelling,
    /// Done learning, storing the new version; too late to cancel.
    Storing,
    /// Stored a version.
    Done,
    /// Stopped by an error; nothing stored.
    Failed,
    /// Stopped by a cancel; nothing stored.
    Cancelled,
    /// Stopped by its time budget; nothing stored.
    OutOfTime,
}

impl TrainingState {
    /// Whether the training is still going (running, cancelling or storing).
    pub fn is_running(self) -> bool {
        matches!(self, Self::Running | Self::Cancelling | Self::Storing)
    }
}

/// `PUT /api/athletes/{id}/plan`: a coach saves a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPlan {
    pub plan: crate::plan::Plan,
    /// The coach's words to the athlete, shown with the plan.
    pub note: Option<String>,
}

/// `GET /api/athletes/{id}/plan`: the saved plan, `null` when there is none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPlan {
    pub id: String,
    pub athlete_id: AthleteId,
    pub plan: crate::plan::Plan,
    /// The coach's note, when there is one.
    pub note: Option<String>,
    /// What the plan does, in words (written when it was saved).
    pub explanation: String,
    /// The coach who saved it (display name).
    pub author: String,
    /// When (RFC 3339 UTC).
    pub created_at: String,
}

/// `POST /api/athletes/{id}/plan/projection`: the server's projection of a plan,
/// for comparing with the browser's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanProjection {
    pub projection: crate::plan::Projection,
    /// [`crate::plan::fingerprint`] of the projection.
    pub fingerprint: String,
}

/// `GET /api/athletes/{id}/plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthletePlan {
    /// The newest saved plan, when there is one.
    pub saved: Option<SavedPlan>,
    /// The first day a new plan starts on: the day after the athlete's today (or
    /// after the team's fixed day).
    pub next_day: Date,
}

/// `GET /api/athletes/{id}/recommendation`: today's recommendation, with the
/// coach's standing decision for the day when there is one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendationView {
    /// The stored recommendation's id (decisions refer to it).
    pub id: String,
    /// The athlete's data version it was computed on.
    pub data_version: i64,
    pub recommendation: crate::policy::Recommendation,
    /// The coach's standing decision for this day: the newest one not undone,
    /// also when it was made on an earlier version of the day's recommendation
    /// (new data the same day recomputes it; the decision belongs to the day).
    pub decision: Option<DecisionRecord>,
    /// When `decision` was made on an earlier version: what that version
    /// recommended, so the page can say whether the suggestion changed since.
    #[serde(default)]
    pub decided_on: Option<DecidedOn>,
    /// How many versions of the day's recommendation are stored (new data the
    /// same day adds one; the history keeps them all).
    #[serde(default)]
    pub versions: u32,
}

/// The earlier version of a day's recommendation a standing decision was made on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecidedOn {
    pub recommendation_id: String,
    /// What that version recommended.
    pub action: crate::policy::Action,
    /// The data version it was computed on.
    pub data_version: i64,
}

/// `POST /api/athletes/{id}/recommendation/decision`: a coach accepts today's
/// recommendation or overrides it with an action, a reason code from the label
/// vocabulary and a note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDecision {
    pub recommendation_id: String,
    /// `accept` or `override`.
    pub decision: String,
    /// The action chosen instead (override only).
    pub action: Option<crate::policy::Action>,
    /// Why (override only): a code of the label vocabulary, such as `travel`.
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// The coach has read the warnings of
    /// [`crate::policy::override_warnings`] and overrides anyway. An override
    /// with warnings is refused (422, field `confirmed`) until it is confirmed.
    #[serde(default)]
    pub confirmed: bool,
}

/// A stored decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DecisionRecord {
    pub id: String,
    pub recommendation_id: String,
    /// `accept` or `override`.
    pub decision: String,
    /// The action that stands: the recommended one when accepted.
    pub action: crate::policy::Action,
    pub reason_code: Option<String>,
    pub note: Option<String>,
    /// The coach (display name).
    pub author: String,
    pub created_at: String,
    /// The day the decision is for (the recommendation's day, which is the
    /// team's day for a team shown as of a fixed day).
    #[serde(default)]
    pub date: Option<Date>,
    /// Until when the caller, its author, may undo it (RFC 3339 UTC); `None`
    /// for anyone else, or once the window has passed.
    #[serde(default)]
    pub undo_until: Option<String>,
    /// Its author undid it: it stays in the history but no longer stands.
    #[serde(default)]
    pub undone: bool,
}

/// One entry of an athlete's recommendation history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecommendationHistoryItem {
    pub id: String,
    pub date: Date,
    pub action: crate::policy::Action,
    pub confidence: f64,
    pub policy_version: String,
    pub model_version: Option<String>,
    pub coach_summary: String,
    pub created_at: String,
    /// Every decision on it, newest first.
    pub decisions: Vec<DecisionRecord>,
}

/// `GET /api/teams/{team}/recommendations`: the team page's column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamRecommendation {
    pub athlete_id: AthleteId,
    /// The day it is for.
    #[serde(default)]
    pub date: Option<Date>,
    /// The action that stands (the coach's, when they overrode).
    pub action: crate::policy::Action,
    /// What Forma suggested (equal to `action` unless a coach overrode).
    #[serde(default = "manual_review")]
    pub suggested: crate::policy::Action,
    /// Forma's confidence in its suggestion.
    pub confidence: f64,
    /// The first reason (or the rule that fired), in the coach's words.
    pub top_reason: Option<String>,
    /// `accept` or `override` when a coach decided.
    pub decision: Option<String>,
    /// The override's reason code and the coach who decided.
    #[serde(default)]
    pub decision_reason: Option<String>,
    #[serde(default)]
    pub decided_by: Option<String>,
    /// The rule baseline answered (no model, or it could not score).
    pub fallback: bool,
    /// When a model scored: whether it beats its baselines
    /// ([`crate::policy::Recommendation::model_beats_baselines`]).
    #[serde(default)]
    pub model_beats_baselines: Option<bool>,
}

fn manual_review() -> crate::policy::Action {
    crate::policy::Action::ManualReview
}
