//! A coach's override checked against the day's flags before it is stored: an
//! override that asks for more load than a caution the data raised, or whose
//! reason says the opposite of its action ("increase volume" for "fatigue"), is
//! asked to be confirmed with the reason in words. The app asks, and the server
//! refuses an unconfirmed one, from this one function. [`check_decision`] is the
//! whole rule of a coach's decision (accept, or override with an action, a reason
//! and a note) that the server stores.

use super::{Action, Branch, Check, Recommendation, Stage};
use crate::labels::LabelCode;
use crate::types::FieldError;

/// A coach's decision on a recommendation, as the request carries it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecisionRequest<'a> {
    /// `accept` or `override`.
    pub decision: &'a str,
    /// The action that stands instead (an override's).
    pub action: Option<Action>,
    /// Why (an override's): a code of the label vocabulary.
    pub reason_code: Option<&'a str>,
    pub note: Option<&'a str>,
    /// The coach has read the [`override_warnings`] and overrides anyway.
    pub confirmed: bool,
}

/// A decision that may be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckedDecision<'a> {
    /// `accept` or `override`.
    pub decision: &'static str,
    /// The action that stands: the recommended one when accepted.
    pub action: Action,
    /// An override's reason.
    pub reason_code: Option<LabelCode>,
    /// The note without surrounding white space; `None` when there is none.
    pub note: Option<&'a str>,
}

/// Checks a coach's decision on `rec`: a note within
/// [`crate::bounds::DECISION_NOTE`]; an override names its action and a reason
/// code, a note where the code needs one, and is confirmed when
/// [`override_warnings`] has any.
///
/// # Errors
/// The first rule the request breaks, naming its field.
pub fn check_decision<'a>(
    rec: &Recommendation,
    request: DecisionRequest<'a>,
) -> Result<CheckedDecision<'a>, FieldError> {
    let note = request.note.map(str::trim).filter(|n| !n.is_empty());
    if let Some(note) = note {
        crate::bounds::DECISION_NOTE.check(note)?;
    }
    match request.decision {
        "accept" => Ok(CheckedDecision {
            decision: "accept",
            action: rec.action,
            reason_code: None,
            note,
        }),
        "override" => {
            let action = request.action.ok_or_else(|| {
                FieldError::new(
                    "action",
                    "action: an override names the action that stands instead".to_owned(),
                )
            })?;
            let code: LabelCode = request
                .reason_code
                .unwrap_or_default()
                .parse()
                .map_err(|error| FieldError::new("reason_code", format!("reason_code: {error}")))?;
            if code.needs_note() && note.is_none() {
                return Err(FieldError::new(
                    "note",
                    format!(
                        "note: the reason `{}` needs a note saying what happened",
                        code.as_str()
                    ),
                ));
            }
            let warnings = override_warnings(rec, action, Some(code));
            if !warnings.is_empty() && !request.confirmed {
                return Err(FieldError::new(
                    "confirmed",
                    format!(
                        "Confirm this override: {} Send it again with confirmed: true to keep it.",
                        warnings.join(" ")
                    ),
                ));
            }
            Ok(CheckedDecision {
                decision: "override",
                action,
                reason_code: Some(code),
                note,
            })
        }
        other => Err(FieldError::new(
            "decision",
            format!("decision: `{other}` is not accepted; use accept or override"),
        )),
    }
}

/// How much load an action asks for, least first (manual review has none).
fn load_rank(action: Action) -> Option<u8> {
    match action {
        Action::ExtendRecovery => Some(0),
        Action::ReduceIntensity => Some(1),
        Action::SwapSession => Some(2),
        Action::Maintain => Some(3),
        Action::IncreaseVolume => Some(4),
        Action::ManualReview => None,
    }
}

/// The flags that call for less load, when they fired.
fn cautions(rec: &Recommendation) -> Vec<&str> {
    rec.fired
        .iter()
        .filter(|f| {
            matches!(
                f.check,
                Check::OpenInjury
                    | Check::RatioDangerLowReadiness
                    | Check::RatioDanger
                    | Check::LowReadiness
                    | Check::RiskVeryHigh
                    | Check::RiskHigh
            )
        })
        .map(|f| f.coach.as_str())
        .collect()
}

/// What the coach is asked to confirm before `action` with `reason` replaces
/// `rec`, one sentence each; empty when nothing contradicts it.
///
/// - More load than Forma suggested while a caution fired (an open injury, a
///   ratio past the danger line, low readiness, a high model risk): the caution
///   is named.
/// - An increase, or keeping the plan, for a reason that calls for less load
///   (fatigue, illness, acute injury risk, injury, an intentional deload).
pub fn override_warnings(
    rec: &Recommendation,
    action: Action,
    reason: Option<LabelCode>,
) -> Vec<String> {
    let mut out = Vec::new();
    let more_load = match (load_rank(action), load_rank(rec.action)) {
        (Some(chosen), Some(suggested)) => chosen > suggested,
        // Over a manual review, an increase is more load than the plan.
        (Some(chosen), None) => chosen > load_rank(Action::Maintain).unwrap_or(3),
        (None, _) => false,
    };
    let flags = cautions(rec);
    if more_load && !flags.is_empty() {
        out.push(format!(
            "{} asks for more load than Forma's {}, while: {}",
            action.label(),
            rec.action.label().to_lowercase(),
            flags.join(" ")
        ));
    }
    let less_load_reason = matches!(
        reason,
        Some(
            LabelCode::Fatigue
                | LabelCode::Illness
                | LabelCode::AcuteInjuryRisk
                | LabelCode::Injury
                | LabelCode::IntentionalDeload
        )
    );
    if let Some(reason) = reason.filter(|_| less_load_reason) {
        if action.branch() == Some(Branch::Proceed)
            && (action == Action::IncreaseVolume || rec.action.branch() == Some(Branch::Caution))
        {
            out.push(format!(
                "The reason \"{}\" usually calls for less load, but {} {}.",
                reason.name().to_lowercase(),
                action.label().to_lowercase(),
                if action == Action::IncreaseVolume {
                    "adds load"
                } else {
                    "keeps the full plan"
                }
            ));
        }
    }
    if out.is_empty()
        && action == Action::IncreaseVolume
        && rec.fired.iter().any(|f| f.stage == Stage::Guardrail)
    {
        out.push(format!(
            "An increase while Forma holds the day for review: {}",
            rec.fired
                .iter()
                .filter(|f| f.stage == Stage::Guardrail)
                .map(|f| f.coach.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{recommend, PolicyData, PolicyOptions};
    use crate::types::{AthleteId, Session};

    /// Four steady weeks, then `last_week` load a day: the doc example of the
    /// policy, where 750 a day after 300 is a ratio past the danger line.
    fn recommendation(last_week: f64) -> Recommendation {
        let id: AthleteId = "a1".parse().expect("id");
        let day = |i: i64| {
            jiff::civil::date(2024, 1, 1)
                .checked_add(jiff::Span::new().days(i))
                .expect("date")
        };
        let sessions: Vec<Session> = (0..35)
            .map(|i| Session {
                athlete_id: id.clone(),
                date: day(i),
                sport: None,
                duration_min: Some(60.0),
                rpe: Some(5.0),
                load: if i < 28 { 300.0 } else { last_week },
                distance_km: None,
                avg_hr: None,
                source: None,
            })
            .collect();
        let data = PolicyData::build(&id, &sessions, &[], &[], day(35)).expect("data");
        recommend(&data.input(day(35)), &PolicyOptions::default())
    }

    fn request(decision: &str) -> DecisionRequest<'_> {
        DecisionRequest {
            decision,
            action: None,
            reason_code: None,
            note: None,
            confirmed: false,
        }
    }

    #[test]
    fn an_accepted_decision_keeps_the_recommended_action_and_a_trimmed_note() {
        let rec = recommendation(750.0);
        let decision = check_decision(
            &rec,
            DecisionRequest {
                note: Some("  spoke to her  "),
                ..request("accept")
            },
        )
        .expect("accepted");
        assert_eq!(decision.action, Action::ReduceIntensity);
        assert_eq!(decision.reason_code, None);
        assert_eq!(decision.note, Some("spoke to her"));
        let blank = check_decision(
            &rec,
            DecisionRequest {
                note: Some("   "),
                ..request("accept")
            },
        )
        .expect("accepted");
        assert_eq!(blank.note, None);
    }

    #[test]
    fn each_broken_rule_of_a_decision_names_its_field() {
        let rec = recommendation(750.0);
        let field =
            |r: DecisionRequest<'_>| check_decision(&rec, r).map(|_| ()).map_err(|e| e.field);
        assert_eq!(field(request("maybe")), Err("decision".to_owned()));
        assert_eq!(field(request("override")), Err("action".to_owned()));
        let with_action = DecisionRequest {
            action: Some(Action::ExtendRecovery),
            ..request("override")
        };
        assert_eq!(field(with_action), Err("reason_code".to_owned()));
        let unknown = DecisionRequest {
            reason_code: Some("bored"),
            ..with_action
        };
        assert_eq!(field(unknown), Err("reason_code".to_owned()));
        let other = DecisionRequest {
            reason_code: Some("other"),
            ..with_action
        };
        assert_eq!(field(other), Err("note".to_owned()));
        let long = "x".repeat(1001);
        let too_long = DecisionRequest {
            note: Some(&long),
            ..request("accept")
        };
        assert_eq!(field(too_long), Err("note".to_owned()));
        let fatigue = DecisionRequest {
            reason_code: Some("fatigue"),
            ..with_action
        };
        assert_eq!(
            check_decision(&rec, fatigue).map(|d| d.reason_code),
            Ok(Some(LabelCode::Fatigue))
        );
    }

    #[test]
    fn an_override_with_warnings_is_stored_only_once_confirmed() {
        let rec = recommendation(750.0);
        let unconfirmed = DecisionRequest {
            action: Some(Action::IncreaseVolume),
            reason_code: Some("fatigue"),
            ..request("override")
        };
        let refused = check_decision(&rec, unconfirmed).expect_err("needs confirming");
        assert_eq!(refused.field, "confirmed");
        assert!(refused
            .message
            .starts_with("Confirm this override: Increase volume"));
        let confirmed = check_decision(
            &rec,
            DecisionRequest {
                confirmed: true,
                ..unconfirmed
            },
        )
        .expect("confirmed");
        assert_eq!(confirmed.action, Action::IncreaseVolume);
        assert_eq!(confirmed.decision, "override");
    }

    #[test]
    fn more_load_against_a_danger_ratio_for_fatigue_asks_twice() {
        let rec = recommendation(750.0);
        assert_eq!(rec.action, Action::ReduceIntensity);

        let warnings = override_warnings(&rec, Action::IncreaseVolume, Some(LabelCode::Fatigue));

        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert!(warnings[0]
            .starts_with("Increase volume asks for more load than Forma's reduce intensity"));
        assert!(warnings[1].contains("\"fatigue\""), "{}", warnings[1]);
    }

    #[test]
    fn less_load_than_suggested_needs_no_confirmation() {
        let rec = recommendation(750.0);
        assert!(
            override_warnings(&rec, Action::ExtendRecovery, Some(LabelCode::Fatigue)).is_empty()
        );
        assert!(override_warnings(&rec, Action::ManualReview, Some(LabelCode::Other)).is_empty());
    }

    #[test]
    fn keeping_the_plan_for_travel_against_a_caution_names_the_caution() {
        let rec = recommendation(750.0);
        let warnings = override_warnings(&rec, Action::Maintain, Some(LabelCode::Travel));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let danger = rec
            .fired
            .iter()
            .find(|f| f.check == Check::RatioDanger)
            .expect("the ratio rule fired");
        assert!(warnings[0].contains(&danger.coach));
    }

    #[test]
    fn an_increase_for_fatigue_on_a_quiet_day_still_asks_about_the_reason() {
        let rec = recommendation(300.0);
        assert_ne!(rec.action.branch(), Some(Branch::Caution));
        let warnings = override_warnings(&rec, Action::IncreaseVolume, Some(LabelCode::Fatigue));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("adds load"));
        assert!(override_warnings(
            &rec,
            Action::IncreaseVolume,
            Some(LabelCode::ScheduleConflict)
        )
        .is_empty());
    }
}
