//! Teams and athletes as a coach keeps them: the request and answer types of the
//! roster routes, and every rule a profile, a team name or a closed injury keeps,
//! checked here so the server, the command line and the app's forms say the same.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::api::{AthleteProfile, AuditEntry, Sex};
use crate::bounds::{self, Bound, TextLimit};
use crate::types::{AthleteId, FieldError, ValueError};

/// A team's name as shown in the header and the lists.
pub const TEAM_NAME: TextLimit = TextLimit {
    field: "name",
    max_chars: 100,
    accepted: "a team name of 1 to 100 characters",
};

/// An athlete's name as the coach writes it.
pub const ATHLETE_NAME: TextLimit = TextLimit {
    field: "name",
    max_chars: 100,
    accepted: "a name of 1 to 100 characters",
};

/// An IANA time zone's name is at most a few dozen characters
/// (`America/Argentina/ComodRivadavia`, 32, is among the longest).
pub const TIME_ZONE: TextLimit = TextLimit {
    field: "time_zone",
    max_chars: 64,
    accepted: "an IANA time zone such as Europe/Oslo or UTC",
};

/// Maximal heart rate: age-predicted values run from about 150 (a 70-year-old,
/// Tanaka 2001: 208 - 0.7 x age) to 210 bpm; measured ones a little beyond.
pub const HR_MAX: Bound = Bound {
    field: "hr_max",
    min: 100.0,
    max: 250.0,
    accepted: "a maximal heart rate from 100 to 250 bpm",
};

/// Resting heart rate of a profile: the same range as a day's resting value.
pub const HR_REST: Bound = bounds::RESTING_HR.named("hr_rest");

/// The earliest birth year Forma accepts.
pub const FIRST_BIRTH_YEAR: i32 = 1900;
/// The youngest athlete Forma keeps is this many years old in the year they are
/// entered (children's sport starts about then; a later year is a typo).
pub const YOUNGEST_AGE: i32 = 4;

/// `POST /api/teams`: a new team. Without an `id`, Forma makes one from the name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTeam {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
}

/// `PATCH /api/teams/{team}`: a team's new name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamRename {
    pub name: String,
}

/// An athlete's profile as a coach enters it: `POST /api/teams/{team}/athletes`
/// (with an optional `id`; without one Forma makes it from the name) and
/// `PUT /api/athletes/{id}/profile` (the whole profile; an empty optional field
/// clears it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AthleteFields {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    pub time_zone: String,
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub birth_year: Option<i32>,
    #[serde(default)]
    pub sport: Option<String>,
    #[serde(default)]
    pub hr_max: Option<f64>,
    #[serde(default)]
    pub hr_rest: Option<f64>,
}

/// A profile that passed [`AthleteFields::check`]: names trimmed, blanks absent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckedProfile {
    pub name: String,
    pub time_zone: String,
    pub sex: Option<Sex>,
    pub birth_year: Option<i32>,
    pub sport: Option<String>,
    pub hr_max: Option<f64>,
    pub hr_rest: Option<f64>,
}

impl CheckedProfile {
    /// The profile's fields as they stand in a stored `profile`.
    pub fn of(profile: &AthleteProfile) -> CheckedProfile {
        CheckedProfile {
            name: profile.name.clone(),
            time_zone: profile.time_zone.clone(),
            sex: profile.sex,
            birth_year: profile.birth_year,
            sport: profile.sport.clone(),
            hr_max: profile.hr_max,
            hr_rest: profile.hr_rest,
        }
    }

    /// The fields that differ from `before`, by name, each as before and after (the
    /// audit log's entry of a profile change). Empty when nothing changed.
    pub fn changes_from(&self, before: &CheckedProfile) -> Vec<(&'static str, String, String)> {
        fn text<T: std::fmt::Display>(value: Option<T>) -> String {
            value.map(|v| v.to_string()).unwrap_or_default()
        }
        let sex = |sex: Option<Sex>| {
            sex.map(|s| match s {
                Sex::Female => "female",
                Sex::Male => "male",
            })
        };
        [
            ("name", before.name.clone(), self.name.clone()),
            (
                "time_zone",
                before.time_zone.clone(),
                self.time_zone.clone(),
            ),
            ("sex", text(sex(before.sex)), text(sex(self.sex))),
            ("birth_year", text(before.birth_year), text(self.birth_year)),
            (
                "sport",
                text(before.sport.as_ref()),
                text(self.sport.as_ref()),
            ),
            ("hr_max", text(before.hr_max), text(self.hr_max)),
            ("hr_rest", text(before.hr_rest), text(self.hr_rest)),
        ]
        .into_iter()
        .filter(|(_, old, new)| old != new)
        .collect()
    }
}

/// The name when it is not blank and within `limit`.
fn required_text(text: &str, limit: TextLimit) -> Result<String, ValueError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ValueError::new(limit.field, text, limit.accepted));
    }
    limit.check(trimmed)?;
    Ok(trimmed.to_owned())
}

impl NewTeam {
    /// The team's id (the one given, or one made from the name) and its name.
    ///
    /// # Errors
    /// A blank or overlong name, or an id Forma does not accept, naming the field.
    pub fn check(&self) -> Result<(String, String), FieldError> {
        let name = check_team_name(&self.name)?;
        let id = match self
            .id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
        {
            Some(id) => id
                .parse::<AthleteId>()
                .map(|id| id.as_str().to_owned())
                .map_err(|error| {
                    FieldError::new(
                        "id",
                        format!(
                            "id `{id}` is not valid: expected {}",
                            error
                                .accepted
                                .replace("(for example p01)", "(for example u19-women)")
                        ),
                    )
                })?,
            None => id_from_name(&name),
        };
        Ok((id, name))
    }
}

/// A team's name, trimmed.
///
/// # Errors
/// A blank or overlong name.
pub fn check_team_name(name: &str) -> Result<String, FieldError> {
    Ok(required_text(name, TEAM_NAME)?)
}

/// An id made from a name: lower-case letters and digits, other runs as one `-`,
/// at most 48 characters (room for a `-2` when the id is taken); `team` or
/// `athlete` style fallbacks are the caller's when nothing is left.
pub fn id_from_name(name: &str) -> String {
    let mut id = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            id.push(c);
        } else if !id.is_empty() && !id.ends_with('-') {
            id.push('-');
        }
        if id.len() >= 48 {
            break;
        }
    }
    let id = id.trim_end_matches('-').to_owned();
    if id.is_empty() {
        "new".to_owned()
    } else {
        id
    }
}

impl AthleteFields {
    /// Checks every field: a name, a time zone `zone_known` finds (the core has no
    /// zone database; the server's does), a birth year from [`FIRST_BIRTH_YEAR`]
    /// to [`YOUNGEST_AGE`] years before `this_year`, heart rates within
    /// [`HR_MAX`] and [`HR_REST`] with the resting one below the maximum.
    ///
    /// # Errors
    /// The first field at fault, naming it, the value and what is accepted.
    pub fn check(
        &self,
        this_year: i32,
        zone_known: impl Fn(&str) -> bool,
    ) -> Result<CheckedProfile, FieldError> {
        let name = required_text(&self.name, ATHLETE_NAME)?;
        let zone = self.time_zone.trim();
        TIME_ZONE.check(zone)?;
        if zone.is_empty() || !zone_known(zone) {
            return Err(FieldError::new(
                "time_zone",
                format!(
                    "time_zone `{zone}` is not a time zone Forma knows: give an IANA name such as Europe/Oslo, America/New_York or UTC"
                ),
            ));
        }
        let last_year = this_year - YOUNGEST_AGE;
        if let Some(year) = self.birth_year {
            if !(FIRST_BIRTH_YEAR..=last_year).contains(&year) {
                return Err(FieldError::new(
                    "birth_year",
                    format!(
                        "birth_year `{year}` is not valid: expected a year from {FIRST_BIRTH_YEAR} to {last_year}"
                    ),
                ));
            }
        }
        let sport = self
            .sport
            .as_deref()
            .map(str::trim)
            .filter(|sport| !sport.is_empty())
            .map(str::to_owned);
        if let Some(sport) = &sport {
            bounds::SPORT.check(sport)?;
        }
        let hr_max = HR_MAX.check_optional(self.hr_max)?;
        let hr_rest = HR_REST.check_optional(self.hr_rest)?;
        if let (Some(max), Some(rest)) = (hr_max, hr_rest) {
            if rest >= max {
                return Err(FieldError::new(
                    "hr_rest",
                    format!(
                        "hr_rest `{rest}` is not below hr_max `{max}`: the resting heart rate must be lower than the maximal one"
                    ),
                ));
            }
        }
        Ok(CheckedProfile {
            name,
            time_zone: zone.to_owned(),
            sex: self.sex,
            birth_year: self.birth_year,
            sport,
            hr_max,
            hr_rest,
        })
    }

    /// The id asked for, when one is given.
    ///
    /// # Errors
    /// An id Forma does not accept, as `id`.
    pub fn requested_id(&self) -> Result<Option<AthleteId>, FieldError> {
        self.id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                id.parse::<AthleteId>().map_err(|error| {
                    FieldError::new("id", error.to_string().replacen("athlete_id", "id", 1))
                })
            })
            .transpose()
    }
}

/// One athlete of a team's roster, archived ones included (`GET /api/teams/{team}/roster`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterAthlete {
    #[serde(flatten)]
    pub profile: AthleteProfile,
    /// When the athlete was archived (RFC 3339 UTC); absent for active athletes.
    #[serde(default)]
    pub archived_at: Option<String>,
}

/// An athlete's profile with its history (`GET /api/athletes/{id}/profile`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProfileView {
    pub profile: AthleteProfile,
    #[serde(default)]
    pub archived_at: Option<String>,
    /// The profile's changes, newest first: creation, edits, archiving, moves.
    pub history: Vec<AuditEntry>,
}

/// `PUT /api/athletes/{id}/archived`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Archive {
    pub archived: bool,
}

/// `POST /api/athletes/{id}/move`: the team the athlete goes to, with all their data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MoveAthlete {
    pub team: String,
}

/// `PUT /api/athletes/{id}/events/{event}/closed`: the day the athlete was cleared
/// to train (`closed_on`), or `null` to open the injury again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseEvent {
    pub closed_on: Option<String>,
}

/// `POST /api/athletes/{id}/invite`'s answer (a coach invites an athlete): the code, the app's path that uses
/// it, and when it expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub code: String,
    pub path: String,
    pub athlete_name: String,
    pub expires_at: String,
}

/// `GET /api/invites/{code}`: whose invitation it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    pub athlete_name: String,
    pub expires_at: String,
}

/// `POST /api/invites/{code}/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AcceptInvite {
    pub email: String,
    pub password: String,
}

/// `POST /api/auth/password`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// `PUT /api/users/{id}/teams`: a coach's teams, given whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountTeams {
    pub teams: Vec<String>,
}

/// `PUT /api/users/{id}/disabled`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disable {
    pub disabled: bool,
}

/// `POST /api/resets/{code}/accept`: the account's new password.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPassword {
    pub password: String,
}

/// Checks the day an injury or illness closes: not before its report.
///
/// # Errors
/// `closed_on` before `reported`, naming both days.
pub fn check_closed_on(reported: Date, closed_on: Date) -> Result<Date, FieldError> {
    if closed_on < reported {
        return Err(FieldError::new(
            "closed_on",
            format!(
                "closed_on `{closed_on}` is before the report on {reported}: an injury closes on or after the day it was reported"
            ),
        ));
    }
    Ok(closed_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> AthleteFields {
        AthleteFields {
            id: None,
            name: "  Ada Lovelace ".to_owned(),
            time_zone: "Europe/Oslo".to_owned(),
            sex: Some(Sex::Female),
            birth_year: Some(1995),
            sport: Some("running".to_owned()),
            hr_max: Some(190.0),
            hr_rest: Some(48.0),
        }
    }

    fn known(zone: &str) -> bool {
        jiff::tz::TimeZone::get(zone).is_ok()
    }

    #[test]
    fn a_good_profile_is_trimmed_and_kept() {
        let checked = fields().check(2026, known).expect("valid");
        assert_eq!(checked.name, "Ada Lovelace");
        assert_eq!(checked.hr_rest, Some(48.0));
        let blank_sport = AthleteFields {
            sport: Some("  ".to_owned()),
            ..fields()
        };
        assert_eq!(blank_sport.check(2026, known).expect("valid").sport, None);
    }

    #[test]
    fn each_rule_names_its_field() {
        let field_of = |f: AthleteFields| f.check(2026, known).expect_err("refused").field;
        assert_eq!(
            field_of(AthleteFields {
                name: " ".into(),
                ..fields()
            }),
            "name"
        );
        assert_eq!(
            field_of(AthleteFields {
                time_zone: "Mars/Olympus".into(),
                ..fields()
            }),
            "time_zone"
        );
        assert_eq!(
            field_of(AthleteFields {
                birth_year: Some(1899),
                ..fields()
            }),
            "birth_year"
        );
        assert_eq!(
            field_of(AthleteFields {
                birth_year: Some(2023),
                ..fields()
            }),
            "birth_year"
        );
        assert_eq!(
            field_of(AthleteFields {
                hr_max: Some(300.0),
                ..fields()
            }),
            "hr_max"
        );
        assert_eq!(
            field_of(AthleteFields {
                hr_rest: Some(10.0),
                ..fields()
            }),
            "hr_rest"
        );
        assert_eq!(
            field_of(AthleteFields {
                sport: Some("x".repeat(65)),
                ..fields()
            }),
            "sport"
        );
        let rest_above = AthleteFields {
            hr_max: Some(150.0),
            hr_rest: Some(150.0),
            ..fields()
        };
        let error = rest_above.check(2026, known).expect_err("refused");
        assert_eq!(error.field, "hr_rest");
        assert!(
            error.message.contains("lower than the maximal"),
            "{}",
            error.message
        );
        assert!(AthleteFields {
            birth_year: Some(2022),
            ..fields()
        }
        .check(2026, known)
        .is_ok());
    }

    #[test]
    fn changes_list_only_the_fields_that_differ() {
        let before = fields().check(2026, known).expect("valid");
        let after = AthleteFields {
            hr_max: Some(185.0),
            sport: None,
            ..fields()
        }
        .check(2026, known)
        .expect("valid");
        assert_eq!(
            after.changes_from(&before),
            [
                ("sport", "running".to_owned(), String::new()),
                ("hr_max", "190".to_owned(), "185".to_owned()),
            ]
        );
        assert!(before.changes_from(&before).is_empty());
    }

    #[test]
    fn team_ids_come_from_names_or_are_checked() {
        let team = NewTeam {
            id: None,
            name: " U19 Women — Oslo ".to_owned(),
        };
        assert_eq!(
            team.check().expect("valid"),
            ("u19-women-oslo".to_owned(), "U19 Women — Oslo".to_owned())
        );
        assert_eq!(id_from_name("!!!"), "new");
        let bad = NewTeam {
            id: Some("a b".to_owned()),
            name: "A".to_owned(),
        };
        assert_eq!(bad.check().expect_err("refused").field, "id");
        let blank = NewTeam {
            id: None,
            name: "   ".to_owned(),
        };
        assert_eq!(blank.check().expect_err("refused").field, "name");
    }

    #[test]
    fn an_injury_closes_on_or_after_its_report() {
        let reported = jiff::civil::date(2020, 3, 10);
        assert!(check_closed_on(reported, reported).is_ok());
        let error = check_closed_on(reported, jiff::civil::date(2020, 3, 9)).expect_err("refused");
        assert_eq!(error.field, "closed_on");
    }
}
