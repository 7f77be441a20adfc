//! `POST /api/import/{sessions|wellness|events}?team=T[&skip_bad=true]`: multipart
//! upload of canonical CSV files, each imported in its own transaction; and
//! `POST /api/import/activity?athlete=A`: FIT, TCX and GPX files of one athlete;
//! `POST /api/import/pmdata?team=T`: a PMData export as a zip.
//! With `&preview=true` either route does all of the import in a transaction it
//! rolls back: the same report, stored false, with what the files hold.

use axum::extract::{Multipart, State};
use axum::http::{Method, StatusCode};
use forma_core::api::ImportReport;
use serde::Deserialize;

use super::extract::{Json, Path, Query};
use super::Endpoint;
use crate::auth::policy::{Athlete, Policy, Source, Write};
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::import::activity::ActivityFile;
use crate::import::{self, CanonicalKind, Destination, MAX_FILE_BYTES};
use crate::state::AppState;
use crate::store::athletes::DEFAULT_TIME_ZONE;

/// Room for the multipart framing around one file at the limit.
const BODY_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

pub fn endpoints() -> Vec<Endpoint> {
    vec![
        // A fixed path segment wins over `{kind}`: activity files have their own policy.
        Endpoint::new(
            Method::POST,
            "/import/activity",
            Policy::AthleteWrite {
                athlete: Source::Query("athlete"),
                what: Write::Activity,
            },
            upload_activities,
        )
        .body_limit(BODY_LIMIT),
        Endpoint::new(
            Method::POST,
            "/import/pmdata",
            Policy::TeamWrite {
                team: Source::Query("team"),
            },
            upload_pmdata,
        )
        .body_limit(BODY_LIMIT),
        Endpoint::new(
            Method::POST,
            "/import/{kind}",
            Policy::TeamWrite {
                team: Source::Query("team"),
            },
            upload,
        )
        .body_limit(BODY_LIMIT),
    ]
}

#[derive(Debug, Deserialize)]
struct ImportQuery {
    team: Option<String>,
    #[serde(default)]
    skip_bad: bool,
    /// Read and check, store nothing, and answer with what the files hold.
    #[serde(default)]
    preview: bool,
    time_zone: Option<String>,
}

fn too_large() -> AppError {
    AppError::TooLarge(format!(
        "The file is larger than Forma's import limit of {} MB; split it into smaller files.",
        MAX_FILE_BYTES / (1024 * 1024)
    ))
}

async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(kind): Path<String>,
    Query(query): Query<ImportQuery>,
    multipart: Multipart,
) -> Result<Json<Vec<ImportReport>>, AppError> {
    let kind = match kind.as_str() {
        "sessions" => CanonicalKind::Sessions,
        "wellness" => CanonicalKind::Wellness,
        "events" => CanonicalKind::Events,
        other => {
            return Err(AppError::NotFound(format!(
                "import of `{other}`; Forma imports sessions, wellness, events and activity"
            )))
        }
    };
    let team = query.team.ok_or_else(|| AppError::Invalid {
        field: "team".to_owned(),
        message: "team: say which team the file belongs to, as ?team=ID".to_owned(),
    })?;
    let time_zone = query
        .time_zone
        .unwrap_or_else(|| DEFAULT_TIME_ZONE.to_owned());
    if jiff::tz::TimeZone::get(&time_zone).is_err() {
        return Err(AppError::Invalid {
            field: "time_zone".to_owned(),
            message: format!(
                "time_zone `{time_zone}` is not a known IANA time zone such as Europe/Oslo"
            ),
        });
    }
    let destination = Destination {
        team,
        create_team: false,
        time_zone,
        skip_bad: query.skip_bad,
        preview: query.preview,
    };
    let mut reports = Vec::new();
    for file in read_files(multipart).await? {
        reports.push(
            import::import_canonical(
                &state.pool,
                kind,
                &file.name,
                &file.bytes,
                &destination,
                &user.actor(),
            )
            .await?,
        );
    }
    Ok(Json(reports))
}

/// `POST /api/import/pmdata?team=T`: a PMData export as one zip, in one transaction,
/// dates in Norwegian local time; rows PMData leaves incomplete are listed and the
/// rest stored, as `forma import pmdata` does.
async fn upload_pmdata(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<ImportQuery>,
    multipart: Multipart,
) -> Result<Json<Vec<ImportReport>>, AppError> {
    let team = query.team.ok_or_else(|| AppError::Invalid {
        field: "team".to_owned(),
        message: "team: say which team the export belongs to, as ?team=ID".to_owned(),
    })?;
    let mut files = read_files(multipart).await?;
    if files.len() != 1 {
        return Err(AppError::BadRequest(
            "send a PMData export as one zip file".to_owned(),
        ));
    }
    let file = files.remove(0);
    let name = file.name.clone();
    // Unpacking is CPU work: off the threads that answer requests.
    let read =
        tokio::task::spawn_blocking(move || import::pmdata_zip::read(&file.name, &file.bytes))
            .await
            .map_err(|error| {
                AppError::Internal(anyhow::anyhow!("reading the zip failed: {error}"))
            })?;
    let pmdata = match read {
        Ok(pmdata) => pmdata,
        Err(message) => {
            return Ok(Json(vec![ImportReport {
                stored: false,
                file: name.clone(),
                added: 0,
                unchanged: 0,
                updated: 0,
                new_athletes: Vec::new(),
                rejected: vec![forma_core::api::RejectedRow {
                    file: name,
                    row: None,
                    column: None,
                    value: None,
                    reason: message,
                }],
                preview: None,
            }]))
        }
    };
    let destination = Destination {
        team,
        create_team: false,
        time_zone: "Europe/Oslo".to_owned(),
        skip_bad: true,
        preview: query.preview,
    };
    let report =
        import::import_pmdata_team(&state.pool, pmdata, &name, &destination, &user.actor()).await?;
    Ok(Json(vec![report]))
}

/// `POST /api/import/activity?athlete=A`: FIT, TCX and GPX files in one transaction.
async fn upload_activities(
    State(state): State<AppState>,
    user: CurrentUser,
    Athlete(profile): Athlete,
    Query(query): Query<ImportQuery>,
    multipart: Multipart,
) -> Result<Json<Vec<ImportReport>>, AppError> {
    let files = read_files(multipart).await?;
    let report = import::activity::import_activities(
        &state.pool,
        profile.id.as_str(),
        &files,
        query.skip_bad,
        query.preview,
        &user.actor(),
    )
    .await?;
    Ok(Json(vec![report]))
}

/// Every file of a multipart upload, each within the size limit.
async fn read_files(mut multipart: Multipart) -> Result<Vec<ActivityFile>, AppError> {
    let mut files = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large())
            }
            Err(error) => {
                return Err(AppError::BadRequest(format!(
                    "the upload cannot be read: {}",
                    error.body_text()
                )))
            }
        };
        let name = field.file_name().unwrap_or("upload").to_owned();
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(error) if error.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return Err(too_large())
            }
            Err(error) => {
                return Err(AppError::BadRequest(format!(
                    "{name} cannot be read: {}",
                    error.body_text()
                )))
            }
        };
        if bytes.len() > MAX_FILE_BYTES {
            return Err(too_large());
        }
        files.push(ActivityFile {
            name,
            bytes: bytes.to_vec(),
        });
    }
    if files.is_empty() {
        return Err(AppError::BadRequest(
            "the upload holds no file; send one as multipart form data".to_owned(),
        ));
    }
    Ok(files)
}
