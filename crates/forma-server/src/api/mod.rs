//! The JSON API under `/api`: each module owns its routes, merged here.

pub mod athletes;
pub mod imports;
pub mod teams;

use axum::Router;
use forma_core::types::parse_date;
use jiff::civil::Date;

use crate::app::AppState;
use crate::error::AppError;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(crate::health::router())
        .merge(teams::router())
        .merge(athletes::router())
        .merge(imports::router())
}

/// Reads an optional date query parameter.
///
/// # Errors
/// [`AppError::Invalid`] naming the parameter.
pub fn query_date(field: &str, value: Option<&str>) -> Result<Option<Date>, AppError> {
    value
        .filter(|text| !text.is_empty())
        .map(|text| {
            parse_date(text).map_err(|error| AppError::Invalid {
                field: field.to_owned(),
                message: format!("{field}: {error}"),
            })
        })
        .transpose()
}

/// The day figures are computed for: the team's fixed day when it has one, else
/// today in the athlete's time zone.
pub fn as_of(team_as_of: Option<Date>, time_zone: &str) -> Date {
    team_as_of.unwrap_or_else(|| {
        let zone = jiff::tz::TimeZone::get(time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
        zone.to_datetime(jiff::Timestamp::now()).date()
    })
}
