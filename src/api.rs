//! The one client of Forma's JSON API. Every server call goes through here and fails
//! with one error type, [`ApiFailure`], that pages turn into a message for the user.

use std::cell::RefCell;

use forma_core::api::{
    ApiError, AthletePlan, AthleteProfile, AthleteStatus, Health, LoginRequest, ModelRegistry,
    NewPlan, NewSession, NewWellness, SavedPlan, SeriesResponse, SessionRecord, SignedInUser,
    TeamSummary, WellnessRecord,
};
use forma_core::api::{
    DecisionRecord, NewDecision, RecommendationHistoryItem, RecommendationView, TeamRecommendation,
};
use forma_core::api::{EventRecord, NewEvent};
use forma_core::model::ModelArtifact;
use forma_core::quality::QualityReport;
use forma_core::roster::{
    AcceptInvite, Archive, AthleteFields, CloseEvent, Invitation, InvitePreview, MoveAthlete,
    NewTeam, PasswordChange, ProfileView, RosterAthlete, TeamRename,
};
use forma_core::roster::{AccountTeams, Disable, NewPassword};
use forma_core::types::{Date, Event, WellnessEntry};
use leptos::prelude::{GetUntracked, RwSignal, Set};
use serde::de::DeserializeOwned;
use serde::Serialize;

thread_local! {
    /// The signed-in session's CSRF token, sent as `X-CSRF-Token` on every write.
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers (or forgets) the token writes must carry.
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|cell| *cell.borrow_mut() = token);
}

/// Why a call to the server did not give the expected answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server could not be reached at all (offline, stopped, blocked).
    Unreachable(String),
    /// The server answered with an error status and, usually, an [`ApiError`] body.
    Server { status: u16, error: ApiError },
    /// The server answered 2xx with a body this app cannot read.
    BadResponse(String),
    /// Nobody is signed in, so the app did not ask the server.
    NotSignedIn,
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiFailure::Unreachable(_) => write!(
                f,
                "The Forma server cannot be reached. Check your connection and try again."
            ),
            ApiFailure::Server { error, .. } => write!(f, "{}", error.message),
            ApiFailure::NotSignedIn => write!(f, "Sign in to see this page."),
            ApiFailure::BadResponse(_) => write!(
                f,
                "The server sent an answer this page cannot read. Reload the page to get the newest version of Forma."
            ),
        }
    }
}

impl ApiFailure {
    /// The failure a page reports without asking the server when nobody is signed in.
    pub fn not_signed_in() -> ApiFailure {
        ApiFailure::NotSignedIn
    }

    /// The caller is not signed in (never was, or the session expired).
    pub fn is_unauthenticated(&self) -> bool {
        matches!(
            self,
            ApiFailure::Server { status: 401, .. } | ApiFailure::NotSignedIn
        )
    }

    /// The server refused a session it once accepted, or never saw one.
    pub fn is_server_401(&self) -> bool {
        matches!(self, ApiFailure::Server { status: 401, .. })
    }

    /// The thing asked for does not exist or may not be seen by this account.
    /// Whether trying again may help: the server failed (5xx). A refusal (4xx)
    /// comes back the same; an unreachable server and an unreadable answer say
    /// what to do in their own words.
    pub fn may_pass_on_retry(&self) -> bool {
        matches!(self, ApiFailure::Server { status, .. } if *status >= 500)
    }

    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            ApiFailure::Server {
                status: 403 | 404,
                ..
            }
        )
    }
}

/// Whether the last request reached the server, for the header's status: a
/// failed request says "offline" at once, without waiting for the next health
/// check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// No request has answered or failed yet.
    Unknown,
    /// The last request got an answer (of any status).
    Answered,
    /// The last request could not reach the server.
    Unreachable,
}

thread_local! {
    static REACH: RwSignal<Reach> = RwSignal::new(Reach::Unknown);
}

/// Whether the last request reached the server (a signal the header follows).
pub fn reach() -> RwSignal<Reach> {
    REACH.with(|reach| *reach)
}

fn note_reach(now: Reach) {
    let signal = reach();
    if signal.get_untracked() != now {
        signal.set(now);
    }
}

fn unreachable(error: gloo_net::Error) -> ApiFailure {
    note_reach(Reach::Unreachable);
    ApiFailure::Unreachable(error.to_string())
}

/// Attempts a call makes while the server answers 503: busy with other changes, it
/// changed nothing, so the same request may go again.
pub const BUSY_ATTEMPTS: u32 = 3;

/// How long to wait before the next attempt, from a 503's `Retry-After` (seconds):
/// at least a quarter of a second, at most five, one when the header is absent.
pub fn busy_wait_ms(retry_after: Option<&str>) -> u32 {
    retry_after
        .and_then(|text| text.trim().parse::<u32>().ok())
        .map_or(1_000, |seconds| seconds.saturating_mul(1_000))
        .clamp(250, 5_000)
}

async fn sleep_ms(ms: u32) {
    let promise = web_sys::js_sys::Promise::new(&mut |resolve, _| {
        let timer = web_sys::window().and_then(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    &resolve,
                    i32::try_from(ms).unwrap_or(i32::MAX),
                )
                .ok()
        });
        if timer.is_none() {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Sends the request `make` builds; while the server answers 503, waits as its
/// `Retry-After` says and sends it again, up to [`BUSY_ATTEMPTS`] times in all.
async fn send(
    make: impl Fn() -> Result<gloo_net::http::Request, gloo_net::Error>,
) -> Result<gloo_net::http::Response, ApiFailure> {
    let mut attempt = 1;
    loop {
        let request = make().map_err(|error| ApiFailure::BadResponse(error.to_string()))?;
        let response = request.send().await.map_err(unreachable)?;
        if response.status() != 503 || attempt >= BUSY_ATTEMPTS {
            return Ok(response);
        }
        let retry_after = response.headers().get("retry-after");
        sleep_ms(busy_wait_ms(retry_after.as_deref())).await;
        attempt += 1;
    }
}

/// A write request with the session's CSRF token.
fn with_csrf(mut request: gloo_net::http::RequestBuilder) -> gloo_net::http::RequestBuilder {
    if let Some(token) = CSRF_TOKEN.with(|cell| cell.borrow().clone()) {
        request = request.header("X-CSRF-Token", &token);
    }
    request
}

async fn get_json<T: DeserializeOwned>(path: &str) -> Result<T, ApiFailure> {
    let response = send(|| gloo_net::http::Request::get(path).build()).await?;
    read_json(response).await
}

async fn post_json<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let response = send(|| with_csrf(gloo_net::http::Request::post(path)).json(body)).await?;
    read_json(response).await
}

async fn put_json<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiFailure> {
    let response = send(|| with_csrf(gloo_net::http::Request::put(path)).json(body)).await?;
    read_json(response).await
}

async fn read_json<T: DeserializeOwned>(
    response: gloo_net::http::Response,
) -> Result<T, ApiFailure> {
    note_reach(Reach::Answered);
    if !response.ok() {
        let status = response.status();
        let error = response
            .json::<ApiError>()
            .await
            .unwrap_or_else(|_| ApiError {
                code: "http_error".to_owned(),
                message: format!("The server answered {status} {}.", response.status_text()),
                field: None,
            });
        return Err(ApiFailure::Server { status, error });
    }
    response
        .json::<T>()
        .await
        .map_err(|error| ApiFailure::BadResponse(error.to_string()))
}

/// `GET /api/health`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn health() -> Result<Health, ApiFailure> {
    get_json("/api/health").await
}

/// `POST /api/auth/login`.
///
/// # Errors
/// See [`ApiFailure`]; a wrong email or password is a `Server` failure with status 401.
pub async fn login(request: &LoginRequest) -> Result<SignedInUser, ApiFailure> {
    post_json("/api/auth/login", request).await
}

/// `GET /api/auth/me`: the signed-in user, or a 401 failure.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn me() -> Result<SignedInUser, ApiFailure> {
    get_json("/api/auth/me").await
}

/// `POST /api/auth/logout`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn logout() -> Result<(), ApiFailure> {
    let response =
        send(|| with_csrf(gloo_net::http::Request::post("/api/auth/logout")).build()).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(ApiFailure::Server {
            status: response.status(),
            error: ApiError {
                code: "logout_failed".to_owned(),
                message: "Signing out failed; close the browser to end the session.".to_owned(),
                field: None,
            },
        })
    }
}

/// `GET /api/teams`: the teams this account may see.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn teams() -> Result<Vec<TeamSummary>, ApiFailure> {
    get_json("/api/teams").await
}

/// `GET /api/teams/{team}/athletes`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn team_athletes(team: &str) -> Result<Vec<AthleteStatus>, ApiFailure> {
    get_json(&format!("/api/teams/{team}/athletes")).await
}

/// `GET /api/athletes/{id}`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn athlete(id: &str) -> Result<AthleteProfile, ApiFailure> {
    get_json(&format!("/api/athletes/{id}")).await
}

/// `GET /api/athletes/{id}/series`: every day up to the team's day.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn series(id: &str) -> Result<SeriesResponse, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/series")).await
}

/// `GET /api/athletes/{id}/quality`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn quality(id: &str) -> Result<Option<QualityReport>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/quality")).await
}

/// `GET /api/athletes/{id}/sessions`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn sessions(id: &str) -> Result<Vec<SessionRecord>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/sessions")).await
}

/// `GET /api/athletes/{id}/wellness`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn wellness(id: &str) -> Result<Vec<WellnessEntry>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/wellness")).await
}

/// `GET /api/athletes/{id}/wellness?from=&to=`: the stored days in a range, with
/// the source of each value.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn wellness_days(
    id: &str,
    from: Date,
    to: Date,
) -> Result<Vec<WellnessRecord>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/wellness?from={from}&to={to}")).await
}

/// `GET /api/athletes/{id}/sessions?from=&to=`: the sessions in a range.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn sessions_between(
    id: &str,
    from: Date,
    to: Date,
) -> Result<Vec<SessionRecord>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/sessions?from={from}&to={to}")).await
}

/// `GET /api/athletes/{id}/events`: injury and illness reports.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn events(id: &str) -> Result<Vec<Event>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/events")).await
}

/// `?team=T`, or nothing to let the server take the caller's only team.
fn team_query(team: Option<&str>) -> String {
    team.map_or_else(String::new, |team| {
        format!("?team={}", crate::auth::percent_encode(team))
    })
}

/// `GET /api/model/active?team=T`: the team's active risk model (each team has
/// its own), checked as it is read (layout, feature schema, version id);
/// `Ok(None)` when there is none yet. Without a team, the caller's own.
///
/// # Errors
/// See [`ApiFailure`]; an artifact this build cannot use is a `BadResponse`.
pub async fn active_model(team: Option<&str>) -> Result<Option<ModelArtifact>, ApiFailure> {
    let url = format!("/api/model/active{}", team_query(team));
    let response = send(|| gloo_net::http::Request::get(&url).build()).await?;
    if response.status() == 404 {
        return Ok(None);
    }
    if !response.ok() {
        return read_json(response).await;
    }
    let text = response
        .text()
        .await
        .map_err(|error| ApiFailure::BadResponse(error.to_string()))?;
    ModelArtifact::from_json(&text)
        .map(Some)
        .map_err(|error| ApiFailure::BadResponse(error.to_string()))
}

/// `GET /api/models?team=T`: the team's registry (the versions the caller may
/// see, the team's activations); `Ok(None)` for an account that may not manage
/// models (athletes). Without a team, the caller's only one.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn model_registry(team: Option<&str>) -> Result<Option<ModelRegistry>, ApiFailure> {
    match get_json(&format!("/api/models{}", team_query(team))).await {
        Ok(registry) => Ok(Some(registry)),
        Err(ApiFailure::Server { status: 403, .. }) => Ok(None),
        Err(failure) => Err(failure),
    }
}

/// `POST /api/models/{id}/activate?team=T`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn activate_model(id: &str, team: &str) -> Result<ModelRegistry, ApiFailure> {
    post_json(
        &format!("/api/models/{id}/activate{}", team_query(Some(team))),
        &(),
    )
    .await
}

/// `POST /api/models/rollback?team=T`.
///
/// # Errors
/// See [`ApiFailure`]; nothing to roll back to is a `Server` failure with status 409.
pub async fn rollback_model(team: &str) -> Result<ModelRegistry, ApiFailure> {
    post_json(
        &format!("/api/models/rollback{}", team_query(Some(team))),
        &(),
    )
    .await
}

/// `POST /api/models/train?team=T`: starts a training on the team's data.
///
/// # Errors
/// See [`ApiFailure`]; a training already running is a `Server` failure with status 409.
pub async fn train_model(team: &str) -> Result<ModelRegistry, ApiFailure> {
    post_json(&format!("/api/models/train{}", team_query(Some(team))), &()).await
}

/// `DELETE /api/models/train?team=T`: asks the team's running training to stop.
/// The registry comes back once it has stopped, or after a short wait while it
/// is still stopping (its `training_run` then says so).
///
/// # Errors
/// See [`ApiFailure`]; no training to cancel, or one already storing its
/// version, is a `Server` failure with status 409.
pub async fn cancel_training(team: &str) -> Result<ModelRegistry, ApiFailure> {
    let path = format!("/api/models/train{}", team_query(Some(team)));
    let response = send(|| with_csrf(gloo_net::http::Request::delete(&path)).build()).await?;
    read_json(response).await
}

/// `GET /api/athletes/{id}/plan`: the saved plan and the day a new plan starts.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn athlete_plan(id: &str) -> Result<AthletePlan, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/plan")).await
}

/// `PUT /api/athletes/{id}/plan`: saves a plan (coaches).
///
/// # Errors
/// See [`ApiFailure`]; a bad plan is a `Server` failure with status 422 naming the field.
pub async fn save_plan(id: &str, plan: &NewPlan) -> Result<SavedPlan, ApiFailure> {
    put_json(&format!("/api/athletes/{id}/plan"), plan).await
}

/// `PUT /api/athletes/{id}/wellness/{date}`: one day's check-in.
///
/// # Errors
/// See [`ApiFailure`]; a value out of range is a `Server` failure with status 422 naming it.
pub async fn put_wellness(
    id: &str,
    date: &str,
    entry: &NewWellness,
) -> Result<WellnessRecord, ApiFailure> {
    put_json(&format!("/api/athletes/{id}/wellness/{date}"), entry).await
}

/// `POST /api/athletes/{id}/sessions`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn add_session(id: &str, session: &NewSession) -> Result<SessionRecord, ApiFailure> {
    post_json(&format!("/api/athletes/{id}/sessions"), session).await
}

/// `GET /api/athletes/{id}/labels`: the athlete's labels that count.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn labels(athlete: &str) -> Result<Vec<forma_core::labels::Label>, ApiFailure> {
    get_json(&format!("/api/athletes/{athlete}/labels")).await
}

/// `POST /api/athletes/{id}/labels`: stores a label; a retry with the same id
/// answers with the stored label.
///
/// # Errors
/// See [`ApiFailure`]; a label the server cannot accept is a `Server` failure with
/// status 422 naming the field.
pub async fn save_label(
    athlete: &str,
    label: &forma_core::labels::NewLabel,
) -> Result<forma_core::labels::Label, ApiFailure> {
    post_json(&format!("/api/athletes/{athlete}/labels"), label).await
}

/// `DELETE /api/athletes/{id}/labels/{label}`: its author takes a label back.
///
/// # Errors
/// See [`ApiFailure`]; a label the server does not have is a `Server` failure with
/// status 404.
pub async fn take_back_label(athlete: &str, id: &str) -> Result<(), ApiFailure> {
    let path = format!("/api/athletes/{athlete}/labels/{id}");
    let response = send(|| with_csrf(gloo_net::http::Request::delete(&path)).build()).await?;
    if response.ok() {
        return Ok(());
    }
    read_json::<()>(response).await
}

/// `GET /api/labels/queue?team=T[&athlete=A]`: the items that most need a label.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn label_queue(
    team: &str,
    athlete: Option<&str>,
) -> Result<forma_core::labels::LabelQueue, ApiFailure> {
    let mut path = format!("/api/labels/queue?team={team}");
    if let Some(athlete) = athlete {
        path.push_str(&format!("&athlete={athlete}"));
    }
    get_json(&path).await
}

/// Where the labels export of the signed-in coach's teams downloads from.
pub fn labels_export_url(format: forma_core::labels::LabelFormat) -> String {
    format!("/api/labels/export?format={}", format.extension())
}

/// `GET /api/athletes/{id}/recommendation`: today's recommendation.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn recommendation(id: &str) -> Result<RecommendationView, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/recommendation")).await
}

/// `GET /api/athletes/{id}/recommendations`: every recommendation with its decisions.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn recommendation_history(
    id: &str,
) -> Result<Vec<RecommendationHistoryItem>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/recommendations")).await
}

/// `POST /api/athletes/{id}/recommendation/decision`.
///
/// # Errors
/// See [`ApiFailure`]; a missing action or reason is a `Server` failure with status 422.
pub async fn decide(id: &str, decision: &NewDecision) -> Result<DecisionRecord, ApiFailure> {
    post_json(
        &format!("/api/athletes/{id}/recommendation/decision"),
        decision,
    )
    .await
}

/// `DELETE /api/athletes/{id}/recommendation/decision/{decision}`: its author
/// undoes a decision within the undo window.
///
/// # Errors
/// See [`ApiFailure`]; a decision past the window is a `Server` failure with status 409.
pub async fn undo_decision(athlete: &str, decision: &str) -> Result<(), ApiFailure> {
    let path = format!("/api/athletes/{athlete}/recommendation/decision/{decision}");
    let response = send(|| with_csrf(gloo_net::http::Request::delete(&path)).build()).await?;
    if response.ok() {
        note_reach(Reach::Answered);
        return Ok(());
    }
    read_json::<()>(response).await
}

/// `GET /api/teams/{team}/recommendations`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn team_recommendations(team: &str) -> Result<Vec<TeamRecommendation>, ApiFailure> {
    get_json(&format!("/api/teams/{team}/recommendations")).await
}

/// `GET /api/athletes/{id}/performance-tests`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn performance_tests(
    id: &str,
) -> Result<Vec<forma_core::plan::PerformanceTest>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/performance-tests")).await
}

/// `POST /api/athletes/{id}/performance-tests` (coaches).
///
/// # Errors
/// See [`ApiFailure`]; a bad date or value is a `Server` failure with status 422.
pub async fn add_performance_test(
    id: &str,
    test: &forma_core::plan::PerformanceTest,
) -> Result<forma_core::plan::PerformanceTest, ApiFailure> {
    post_json(&format!("/api/athletes/{id}/performance-tests"), test).await
}

/// `POST /api/import/{kind}?{query}` with one file as multipart form data (the
/// browser sets the boundary). `query` already holds the team or athlete, the time
/// zone, `skip_bad` and `preview`, percent-encoded.
///
/// # Errors
/// See [`ApiFailure`]; a file over the limit is a `Server` failure with status 413.
pub async fn import_file(
    kind: forma_core::import_preview::FileKind,
    query: &str,
    file: &web_sys::File,
) -> Result<Vec<forma_core::api::ImportReport>, ApiFailure> {
    let path = format!("/api/import/{}?{query}", kind.route());
    let response = send(|| {
        let form = web_sys::FormData::new()
            .map_err(|_| gloo_net::Error::GlooError("cannot make the upload".to_owned()))?;
        form.append_with_blob_and_filename("file", file, &file.name())
            .map_err(|_| gloo_net::Error::GlooError("cannot add the file".to_owned()))?;
        with_csrf(gloo_net::http::Request::post(&path)).body(form)
    })
    .await?;
    read_json(response).await
}

/// A `DELETE` that answers 204 on success.
async fn delete_path(path: &str) -> Result<(), ApiFailure> {
    let response = send(|| with_csrf(gloo_net::http::Request::delete(path)).build()).await?;
    if response.ok() {
        note_reach(Reach::Answered);
        return Ok(());
    }
    read_json::<()>(response).await
}

/// `POST /api/teams`: a new team, which a coach then coaches.
///
/// # Errors
/// See [`ApiFailure`]; a blank name is a 422 naming `name`.
pub async fn create_team(team: &NewTeam) -> Result<TeamSummary, ApiFailure> {
    post_json("/api/teams", team).await
}

/// `PATCH /api/teams/{team}`: renames the team.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn rename_team(team: &str, name: &str) -> Result<TeamSummary, ApiFailure> {
    let path = format!("/api/teams/{team}");
    let body = TeamRename {
        name: name.to_owned(),
    };
    let response = send(|| with_csrf(gloo_net::http::Request::patch(&path)).json(&body)).await?;
    read_json(response).await
}

/// `GET /api/teams/{team}/roster`: every athlete, archived ones too.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn team_roster(team: &str) -> Result<Vec<RosterAthlete>, ApiFailure> {
    get_json(&format!("/api/teams/{team}/roster")).await
}

/// `POST /api/teams/{team}/athletes`: adds an athlete by hand.
///
/// # Errors
/// See [`ApiFailure`]; a field Forma does not accept is a 422 naming it.
pub async fn add_athlete(team: &str, fields: &AthleteFields) -> Result<AthleteProfile, ApiFailure> {
    post_json(&format!("/api/teams/{team}/athletes"), fields).await
}

/// `GET /api/athletes/{id}/profile`: the profile with its history.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn profile_view(id: &str) -> Result<ProfileView, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/profile")).await
}

/// `PUT /api/athletes/{id}/profile`: the whole profile.
///
/// # Errors
/// See [`ApiFailure`]; a field Forma does not accept is a 422 naming it.
pub async fn save_profile(id: &str, fields: &AthleteFields) -> Result<AthleteProfile, ApiFailure> {
    put_json(&format!("/api/athletes/{id}/profile"), fields).await
}

/// `PUT /api/athletes/{id}/archived`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn set_archived(id: &str, archived: bool) -> Result<RosterAthlete, ApiFailure> {
    put_json(
        &format!("/api/athletes/{id}/archived"),
        &Archive { archived },
    )
    .await
}

/// `POST /api/athletes/{id}/move`: to another team, with all their data.
///
/// # Errors
/// See [`ApiFailure`]; a team the caller does not coach is a 422 naming `team`.
pub async fn move_athlete(id: &str, team: &str) -> Result<AthleteProfile, ApiFailure> {
    let body = MoveAthlete {
        team: team.to_owned(),
    };
    post_json(&format!("/api/athletes/{id}/move"), &body).await
}

/// `PUT /api/athletes/{id}/sessions/{session}`: new values for a session.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn edit_session(
    id: &str,
    session: &str,
    values: &NewSession,
) -> Result<SessionRecord, ApiFailure> {
    put_json(&format!("/api/athletes/{id}/sessions/{session}"), values).await
}

/// `DELETE /api/athletes/{id}/sessions/{session}`.
///
/// # Errors
/// See [`ApiFailure`]; a labelled session is a 409.
pub async fn delete_session(id: &str, session: &str) -> Result<(), ApiFailure> {
    delete_path(&format!("/api/athletes/{id}/sessions/{session}")).await
}

/// `DELETE /api/athletes/{id}/wellness/{date}`: the whole day.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn delete_wellness(id: &str, date: &str) -> Result<(), ApiFailure> {
    delete_path(&format!("/api/athletes/{id}/wellness/{date}")).await
}

/// `GET /api/athletes/{id}/events`: injuries and illnesses with their ids.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn event_records(id: &str) -> Result<Vec<EventRecord>, ApiFailure> {
    get_json(&format!("/api/athletes/{id}/events")).await
}

/// `POST /api/athletes/{id}/events`: records an injury or illness.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn add_event(id: &str, event: &NewEvent) -> Result<EventRecord, ApiFailure> {
    post_json(&format!("/api/athletes/{id}/events"), event).await
}

/// `PUT /api/athletes/{id}/events/{event}/closed`: closes it on `closed_on`, or
/// opens it again with `None`.
///
/// # Errors
/// See [`ApiFailure`]; a day before the report is a 422 naming `closed_on`.
pub async fn close_event(
    id: &str,
    event: &str,
    closed_on: Option<String>,
) -> Result<EventRecord, ApiFailure> {
    put_json(
        &format!("/api/athletes/{id}/events/{event}/closed"),
        &CloseEvent { closed_on },
    )
    .await
}

/// `DELETE /api/athletes/{id}/events/{event}`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn delete_event(id: &str, event: &str) -> Result<(), ApiFailure> {
    delete_path(&format!("/api/athletes/{id}/events/{event}")).await
}

/// `POST /api/athletes/{id}/invite`: a one-time code for the athlete's account.
///
/// # Errors
/// See [`ApiFailure`]; an athlete with an account already is a 409.
pub async fn create_invite(id: &str) -> Result<Invitation, ApiFailure> {
    post_json(&format!("/api/athletes/{id}/invite"), &()).await
}

/// `GET /api/invites/{code}`: whose invitation it is (no sign-in needed).
///
/// # Errors
/// See [`ApiFailure`]; a used or expired invitation is a 409 saying which.
pub async fn invite_preview(code: &str) -> Result<InvitePreview, ApiFailure> {
    get_json(&format!("/api/invites/{code}")).await
}

/// `POST /api/invites/{code}/accept`: makes the account and signs in.
///
/// # Errors
/// See [`ApiFailure`]; a password under the rules is a 422 naming `password`.
pub async fn accept_invite(code: &str, input: &AcceptInvite) -> Result<SignedInUser, ApiFailure> {
    post_json(&format!("/api/invites/{code}/accept"), input).await
}

/// `POST /api/auth/password`: a new password, given the current one.
///
/// # Errors
/// See [`ApiFailure`]; a wrong current password is a 422 naming `current_password`.
pub async fn change_password(input: &PasswordChange) -> Result<(), ApiFailure> {
    let response =
        send(|| with_csrf(gloo_net::http::Request::post("/api/auth/password")).json(input)).await?;
    if response.ok() {
        note_reach(Reach::Answered);
        return Ok(());
    }
    read_json::<()>(response).await
}

/// `GET /api/users`: every account (admins).
///
/// # Errors
/// See [`ApiFailure`].
pub async fn users() -> Result<Vec<forma_core::api::UserAccount>, ApiFailure> {
    get_json("/api/users").await
}

/// `POST /api/users`: a new account (admins).
///
/// # Errors
/// See [`ApiFailure`]; a field Forma does not accept is a 422 naming it.
pub async fn create_user(
    account: &forma_core::api::NewAccount,
) -> Result<forma_core::api::UserAccount, ApiFailure> {
    post_json("/api/users", account).await
}

/// `PUT /api/users/{id}/teams`: a coach's teams, given whole.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn set_user_teams(
    id: &str,
    teams: Vec<String>,
) -> Result<forma_core::api::UserAccount, ApiFailure> {
    put_json(&format!("/api/users/{id}/teams"), &AccountTeams { teams }).await
}

/// `PUT /api/users/{id}/disabled`.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn set_user_disabled(
    id: &str,
    disabled: bool,
) -> Result<forma_core::api::UserAccount, ApiFailure> {
    put_json(&format!("/api/users/{id}/disabled"), &Disable { disabled }).await
}

/// `POST /api/users/{id}/reset`: a one-time link that sets the password.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn create_reset(id: &str) -> Result<Invitation, ApiFailure> {
    post_json(&format!("/api/users/{id}/reset"), &()).await
}

/// `GET /api/resets/{code}`: whose password the link sets.
///
/// # Errors
/// See [`ApiFailure`]; a used or expired link is a 409 saying which.
pub async fn reset_preview(code: &str) -> Result<InvitePreview, ApiFailure> {
    get_json(&format!("/api/resets/{code}")).await
}

/// `POST /api/resets/{code}/accept`: sets the password and signs in.
///
/// # Errors
/// See [`ApiFailure`].
pub async fn accept_reset(code: &str, password: String) -> Result<SignedInUser, ApiFailure> {
    post_json(
        &format!("/api/resets/{code}/accept"),
        &NewPassword { password },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_busy_answer_is_retried_after_its_retry_after_within_bounds() {
        assert_eq!(busy_wait_ms(Some("1")), 1_000);
        assert_eq!(busy_wait_ms(Some(" 3 ")), 3_000);
        assert_eq!(busy_wait_ms(Some("0")), 250);
        assert_eq!(busy_wait_ms(Some("3600")), 5_000);
        assert_eq!(busy_wait_ms(Some("Wed, 21 Oct 2015 07:28:00 GMT")), 1_000);
        assert_eq!(busy_wait_ms(None), 1_000);
    }
}
