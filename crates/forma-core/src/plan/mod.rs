//! What-if plans: the next 7 to 28 days of planned sessions, edits and presets,
//! and their projection: every load metric, fitness, fatigue and form, the
//! model's risk per day with an uncertainty band, and warnings, computed the same
//! way natively and in the browser.
//!
//! A projection treats the plan as if it were done: the athlete's recorded
//! sessions before the plan's first day, then the planned sessions, go through the
//! same series and metrics code as recorded data ([`crate::series`],
//! [`crate::metrics`]). Recorded sessions on or after the first plan day are
//! replaced by the plan. Risk for a plan day d is the active model's probability
//! on the features of d ([`crate::features`]): load up to d-1 (planned loads
//! included), and wellness as known, which for future days means none (the
//! model imputes missing values and the freshness features grow).
//!
//! The uncertainty band is the 10th to 90th percentile of the forest's trees,
//! each calibrated like the forest: how much the trees agree about the day. It is
//! a spread of opinions, not a confidence interval.
//!
//! Each projected day also carries the decision the policy
//! ([`crate::policy::decide`]) would make on it if the plan were followed up to
//! the day before: the same guardrails, rules, model step and bounds as today's
//! recommendation, reading the plan's load for the day and the week from it. One
//! day, [`ProjectionInput::detail_day`], also gets the whole recommendation with
//! its reasons and what would change it ([`crate::policy::recommend`]), which
//! costs several times more than the decision.
//! Planned days count as known data (a planned rest day is not a gap), an injury
//! is open on a day by [`crate::targets::open_on`] over the recorded reports, and
//! the recorded history's data-quality findings stand for every day. Guardrails
//! that fire are among the day's warnings.
//!
//! Three rooms: `edit` (the plan, its checks, presets, copy and move), `project`
//! (the projection, [`PlanBase`], warnings, comparing two projections) and
//! `explain` (the projection in words); their items are re-exported here.

mod edit;
mod explain;
mod project;

pub use edit::*;
pub use explain::*;
pub use project::*;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::banister::BanisterParams;
    use crate::bounds;
    use crate::types::{date_from_epoch_day, epoch_day, AthleteId, Event, Session};
    use jiff::civil::{date, Date};

    fn id() -> AthleteId {
        "a1".parse().unwrap()
    }

    fn daily(from: Date, days: i32, load: f64) -> Vec<Session> {
        (0..days)
            .map(|i| Session {
                athlete_id: id(),
                date: date_from_epoch_day(epoch_day(from) + i),
                sport: Some("run".into()),
                duration_min: Some(load / 5.0),
                rpe: Some(5.0),
                load,
                distance_km: None,
                avg_hr: None,
                source: None,
            })
            .collect()
    }

    fn steady_plan(start: Date, days: usize, load: f64) -> Plan {
        Plan {
            start,
            days: vec![
                vec![PlannedSession {
                    sport: Some("run".into()),
                    minutes: Some(load / 5.0),
                    rpe: Some(5.0),
                    load: None,
                }];
                days
            ],
        }
    }

    #[test]
    fn a_plan_to_save_starts_after_today_within_the_record_window_with_a_short_note() {
        let today = date(2024, 3, 10);
        let dates = bounds::DateWindow::new(today);
        let first = first_day(today);
        assert_eq!(first, date(2024, 3, 11));
        let plan = steady_plan(first, 7, 300.0);
        assert_eq!(
            plan.check_to_save(Some("  easy week "), &dates, first),
            Ok(Some("easy week"))
        );
        assert_eq!(plan.check_to_save(Some("  "), &dates, first), Ok(None));
        let past = steady_plan(today, 7, 300.0).check_to_save(None, &dates, first);
        assert_eq!(past.map_err(|e| e.field), Err("plan.start".to_owned()));
        let long = "n".repeat(2001);
        let noted = plan.check_to_save(Some(&long), &dates, first);
        assert_eq!(noted.map_err(|e| e.field), Err("note".to_owned()));
        let ancient = steady_plan(date(1800, 1, 1), 7, 300.0).check(&dates);
        assert_eq!(ancient.map_err(|e| e.field), Err("plan.start".to_owned()));
        let short = steady_plan(first, 3, 300.0)
            .check(&dates)
            .expect_err("too short");
        assert_eq!(short.field, "plan.days");
        assert!(
            short.message.starts_with("plan.days: a plan covers 7"),
            "{}",
            short.message
        );
    }

    #[test]
    fn a_performance_test_is_above_zero_and_not_in_the_future() {
        let first_future = date(2024, 3, 11);
        let test = |d, value| PerformanceTest { date: d, value };
        assert_eq!(test(date(2024, 3, 10), 250.0).check(first_future), Ok(()));
        for value in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let refused = test(date(2024, 3, 10), value).check(first_future);
            assert_eq!(
                refused.map_err(|e| e.field),
                Err("value".to_owned()),
                "{value}"
            );
        }
        let future = test(first_future, 250.0)
            .check(first_future)
            .expect_err("future");
        assert_eq!(future.field, "date");
        assert!(
            future.message.contains("2024-03-11 is in the future"),
            "{}",
            future.message
        );
    }

    fn input<'a>(sessions: &'a [Session], plan: &'a Plan) -> ProjectionInput<'a> {
        ProjectionInput {
            athlete: Box::leak(Box::new(id())),
            sessions,
            wellness: &[],
            plan,
            model: None,
            warnings: WarningOptions::default(),
            performance: None,
            events: &[],
            labels: &[],
            quality_findings: &[],
            detail_day: None,
        }
    }

    #[test]
    fn a_week_at_double_load_after_four_steady_weeks_gives_the_published_ratios() {
        // Four weeks at 50 then a week at 100: coupled 1.6, uncoupled 2.0 (the
        // `acwr` package's worked example, as in the metrics tests).
        let start = date(2024, 1, 1);
        let history = daily(start, 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 7, 100.0);
        let p = project(&input(&history, &plan));
        let last = p.days.last().unwrap();
        assert_eq!(p.days.len(), 7);
        assert!((last.acwr_coupled.unwrap() - 1.6).abs() < 1e-12);
        assert!((last.acwr_uncoupled.unwrap() - 2.0).abs() < 1e-12);
        assert!(last
            .warnings
            .iter()
            .any(|w| w.contains("ratio reaches 1.60")));
        assert!(last.warnings.iter().any(|w| w.contains("100% above")));
    }

    #[test]
    fn the_deload_preset_lowers_every_planned_load_by_30_percent_and_the_ratio_falls() {
        let history = daily(date(2024, 1, 1), 35, 50.0);
        let plan = steady_plan(date(2024, 2, 5), 14, 60.0);
        let deload = apply_preset(&plan, Preset::Deload, &history);
        for (a, b) in plan.loads().iter().zip(deload.loads()) {
            assert!((b - a * 0.7).abs() < 1e-9, "{a} -> {b}");
        }
        let before = project(&input(&history, &plan));
        let after = project(&input(&history, &deload));
        for (b, a) in before.days.iter().zip(&after.days) {
            assert!(a.acwr_coupled.unwrap() < b.acwr_coupled.unwrap());
            assert!(a.atl < b.atl);
        }
        let diff = compare(&before, &after);
        assert!(diff.iter().all(|d| d.is_some_and(|d| d.load < 0.0)));
        // A plan made longer: the new days have no baseline to differ from.
        let longer = steady_plan(date(2024, 2, 5), 21, 60.0);
        let diff = compare(&before, &project(&input(&history, &longer)));
        assert_eq!(diff.len(), 21);
        assert!(diff[..14].iter().all(|d| d.is_some_and(|d| d.load == 0.0)));
        assert!(diff[14..].iter().all(Option::is_none));
    }

    #[test]
    fn copy_last_week_repeats_the_recorded_week_and_sessions_after_the_start_are_replaced() {
        let mut history = daily(date(2024, 1, 1), 28, 50.0);
        history[27].load = 80.0; // the last recorded day, Sunday 28 January
        history.extend(daily(date(2024, 1, 29), 3, 999.0)); // replaced by the plan
        let plan = Plan::empty(date(2024, 1, 29), 14);
        let copied = apply_preset(&plan, Preset::CopyLastWeek, &history);
        let loads = copied.loads();
        assert_eq!(loads[6], 80.0);
        assert_eq!(loads[13], 80.0);
        assert_eq!(loads[0], 50.0);
        let p = project(&input(&history, &copied));
        assert_eq!(p.days[0].load, 50.0, "the recorded 999 is replaced");
    }

    #[test]
    fn editing_one_day_changes_nothing_before_it() {
        let history = daily(date(2024, 1, 1), 40, 50.0);
        let plan = steady_plan(date(2024, 2, 10), 21, 55.0);
        let mut edited = plan.clone();
        edited.days[10] = vec![PlannedSession {
            load: Some(300.0),
            ..PlannedSession::default()
        }];
        let a = project(&input(&history, &plan));
        let b = project(&input(&history, &edited));
        let without_policy = |p: &Projection| {
            p.days
                .iter()
                .map(|d| (d.date, d.load, d.acwr_coupled, d.tsb, d.monotony, d.strain))
                .collect::<Vec<_>>()
        };
        assert_eq!(without_policy(&a)[..10], without_policy(&b)[..10]);
        // The policy reads the week ahead: day 10 is in the planned week of days 4
        // to 10, not of the days before.
        assert_eq!(a.days[..4], b.days[..4]);
        assert_ne!(
            a.days[4].policy.adjustment.next_7_days_load,
            b.days[4].policy.adjustment.next_7_days_load
        );
        assert_ne!(a.days[10], b.days[10]);
        assert_ne!(fingerprint(&a), fingerprint(&b));
    }

    #[test]
    fn moving_and_copying_sessions_keeps_the_total_or_duplicates_it() {
        let mut plan = steady_plan(date(2024, 3, 4), 7, 50.0);
        move_session(&mut plan, 0, 0, 3);
        assert_eq!(plan.loads()[0], 0.0);
        assert_eq!(plan.loads()[3], 100.0);
        copy_day(&mut plan, 3, 4);
        assert_eq!(plan.loads()[4], 100.0);
        assert_eq!(plan.loads().iter().sum::<f64>(), 400.0);
    }

    #[test]
    fn a_bad_plan_names_the_day_session_and_field() {
        let mut plan = steady_plan(date(2024, 3, 4), 7, 50.0);
        plan.days[2][0].rpe = Some(12.0);
        let e = plan.validate().unwrap_err();
        assert_eq!(e.field, "days[2][0].rpe");
        assert!(e.message.contains("2024-03-06"), "{e}");
        assert!(Plan::empty(date(2024, 3, 4), 6).validate().is_err());
        assert!(Plan::empty(date(2024, 3, 4), 29).validate().is_err());
        assert!(Plan::empty(date(2024, 3, 4), 28).validate().is_ok());
    }

    #[test]
    fn every_bad_number_is_a_problem_at_its_session_and_field() {
        let mut plan = Plan::empty(date(2024, 3, 4), 7);
        plan.days[0] = vec![PlannedSession {
            minutes: Some(-5.0),
            rpe: Some(11.0),
            ..PlannedSession::default()
        }];
        plan.days[3] = vec![
            PlannedSession {
                minutes: Some(45.0),
                rpe: Some(6.0),
                ..PlannedSession::default()
            },
            PlannedSession {
                load: Some(f64::NAN),
                ..PlannedSession::default()
            },
        ];
        let problems = plan.problems();
        let at: Vec<_> = problems.iter().map(|p| p.at).collect();
        assert_eq!(
            at,
            [
                Some((0, 0, SessionField::Minutes)),
                Some((0, 0, SessionField::Rpe)),
                Some((3, 1, SessionField::Load)),
            ]
        );
        assert_eq!(problems[1].field, "days[0][0].rpe");
        assert_eq!(
            problems[1].message,
            "11 is not accepted on 2024-03-04: rpe must be an RPE from 0 to 10 (CR-10 scale)"
        );
        assert_eq!(plan.validate().err().as_ref(), problems.first());
    }

    #[test]
    fn typed_numbers_are_read_within_their_bounds_and_refusals_say_what_is_accepted() {
        assert_eq!(SessionField::Rpe.parse(" 6,5 "), Ok(Some(6.5)));
        assert_eq!(SessionField::Rpe.parse(""), Ok(None));
        assert_eq!(SessionField::Rpe.parse("10"), Ok(Some(10.0)));
        assert_eq!(
            SessionField::Rpe.parse("11"),
            Err("RPE 11 is not accepted: give an RPE from 0 to 10 (CR-10 scale).".to_owned())
        );
        assert_eq!(
            SessionField::Minutes.parse("-5"),
            Err(
                "Minutes -5 is not accepted: give a duration from 0 to 1440 minutes (24 hours)."
                    .to_owned()
            )
        );
        assert_eq!(SessionField::Minutes.parse("1440"), Ok(Some(1440.0)));
        assert!(SessionField::Minutes.parse("1441").is_err());
        let not_a_number = SessionField::Load.parse("abc").unwrap_err();
        assert!(
            not_a_number.starts_with("Load “abc” is not a number: give a load from 0 to 15000"),
            "{not_a_number}"
        );
        assert!(SessionField::Load.parse("15000").is_ok());
        assert!(SessionField::Load.parse("15001").is_err());
        assert!(SessionField::Load.parse("inf").is_err());
        // Whatever the editor accepts, the plan accepts.
        for field in SessionField::ALL {
            let bound = field.bound();
            for v in [bound.min, bound.max, (bound.min + bound.max) / 2.0] {
                let mut s = PlannedSession::default();
                field.set(&mut s, field.parse(&v.to_string()).expect("accepted"));
                let mut plan = Plan::empty(date(2024, 3, 4), 7);
                plan.days[0].push(s);
                assert!(plan.validate().is_ok(), "{field:?} {v}");
            }
        }
    }

    #[test]
    fn an_empty_plan_has_zero_load_not_minus_zero() {
        let plan = Plan::empty(date(2024, 3, 4), 7);
        assert!(plan.loads().iter().all(|l| l.is_sign_positive()));
        let history = daily(date(2024, 2, 1), 30, 50.0);
        let p = project(&input(&history, &plan));
        let text = explain(&plan, &p, &history);
        assert!(
            text.starts_with("7 days from 2024-03-04: 0 load units over 0 sessions"),
            "{text}"
        );
        assert!(p.days.iter().all(|d| format!("{:.0}", d.load) == "0"));
    }

    #[test]
    fn the_explanation_compares_with_the_days_before_and_names_the_ratio_range() {
        let history = daily(date(2024, 1, 1), 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 14, 40.0);
        let p = project(&input(&history, &plan));
        let text = explain(&plan, &p, &history);
        assert!(text.starts_with("14 days from 2024-01-29: 560 load units over 14 sessions, 20% less than the 14 days before."), "{text}");
        assert!(
            text.contains("The acute:chronic ratio stays between"),
            "{text}"
        );
    }

    #[test]
    fn performance_tests_fit_banister_and_the_plan_projects_it() {
        // Tests generated by known parameters on a varied load: the fit recovers a
        // model that projects the plan; a deload raises performance at the end.
        let params = BanisterParams {
            p0: 250.0,
            k1: 0.1,
            tau1: 40.0,
            k2: 0.2,
            tau2: 10.0,
        };
        let mut history = daily(date(2024, 1, 1), 120, 0.0);
        for (i, s) in history.iter_mut().enumerate() {
            s.load = 40.0 + ((i * 37) % 60) as f64;
        }
        let truth = params.predict(&history.iter().map(|s| s.load).collect::<Vec<_>>());
        let tests: Vec<PerformanceTest> = (10..120)
            .step_by(10)
            .map(|i| PerformanceTest {
                date: history[i].date,
                value: truth[i],
            })
            .collect();
        let fit = fit_performance(&id(), &history, &tests).expect("fits");
        assert!(fit.r_squared > 0.97, "{fit:?}");
        assert!(
            fit_performance(&id(), &history, &tests[..5]).is_none(),
            "six tests at least"
        );
        let plan = steady_plan(date(2024, 4, 30), 14, 80.0);
        let deload = apply_preset(&plan, Preset::Deload, &history);
        let run = |p: &Plan| {
            project(&ProjectionInput {
                performance: Some(&fit.params),
                ..input(&history, p)
            })
        };
        let (a, b) = (run(&plan), run(&deload));
        let last = |p: &Projection| {
            p.days
                .last()
                .and_then(|d| d.performance)
                .expect("performance")
        };
        assert!(last(&b) > last(&a), "less fatigue after a deload");
    }

    #[test]
    fn the_policy_reads_today_and_the_known_days_of_the_week_from_it() {
        let plan = steady_plan(date(2024, 3, 5), 7, 50.0);
        let from_start = plan.planned_load(date(2024, 3, 5));
        assert_eq!(
            (from_start.today, from_start.next_7_days),
            (Some(50.0), Some(350.0))
        );
        let day_before = plan.planned_load(date(2024, 3, 4));
        assert_eq!(
            (day_before.today, day_before.next_7_days),
            (None, Some(300.0))
        );
        let after = plan.planned_load(date(2024, 3, 20));
        assert_eq!((after.today, after.next_7_days), (None, None));
    }

    fn actions(p: &Projection) -> Vec<crate::policy::Action> {
        p.days.iter().map(|d| d.policy.action).collect()
    }

    #[test]
    fn each_day_carries_the_policy_s_recommendation_as_if_the_plan_were_followed() {
        use crate::policy::{Action, PolicyData};
        // Four steady weeks, then a plan at double the load: the ratio read at
        // d-1 passes 1.5 on the plan's fourth day (mean of 7 days over 28).
        let history = daily(date(2024, 1, 1), 28, 50.0);
        let plan = steady_plan(date(2024, 1, 29), 7, 100.0);
        let p = project(&input(&history, &plan));
        let got = actions(&p);
        // The ratio at d-1 passes 1.5 after six days at double load: (6 x 100 +
        // 50) / 7 over (6 x 100 + 22 x 50) / 28 = 1.53.
        assert_eq!(got[..6], [Action::Maintain; 6], "{got:?}");
        assert_eq!(got[6], Action::ReduceIntensity, "{got:?}");
        // The same as the policy on the plan's sessions taken as records.
        let mut done = history.clone();
        done.extend(plan.sessions(&id()));
        let day = plan.date(6);
        let data = PolicyData::build(&id(), &done, &[], &[], day).unwrap();
        let direct = crate::policy::recommend(
            &crate::policy::PolicyInput {
                plan: Some(plan.planned_load(day)),
                ..data.input(day)
            },
            &crate::policy::PolicyOptions::default(),
        );
        let decided = &p.days[6].policy;
        assert_eq!(
            (
                decided.action,
                decided.confidence,
                &decided.fired,
                decided.adjustment
            ),
            (
                direct.action,
                direct.confidence,
                &direct.fired,
                direct.adjustment
            )
        );
        assert_eq!(p.detail, None, "no day asked for in detail");
        let detailed = project(&ProjectionInput {
            detail_day: Some(day),
            ..input(&history, &plan)
        });
        assert_eq!(detailed.detail.as_ref(), Some(&direct));
        assert_eq!(detailed.days, p.days);
        // Its adjustment reads the planned load of the day and the week.
        assert_eq!(direct.adjustment.today_load, Some(70.0));
        // Against a steady plan, only the day the policy eases off differs.
        let steady = project(&input(&history, &steady_plan(date(2024, 1, 29), 7, 50.0)));
        let was: Vec<Option<Action>> = compare(&steady, &p)
            .iter()
            .map(|d| d.and_then(|d| d.policy_was))
            .collect();
        assert_eq!(was[..6], [None; 6]);
        assert_eq!(was[6], Some(Action::Maintain));
        let summary = p.summary();
        assert_eq!((summary.caution_days, summary.review_days), (1, 0));
        assert_eq!(summary.total_load, 700.0);
        assert_eq!(summary.mean_risk, None, "no model");
        let ratios: Vec<f64> = p.days.iter().filter_map(|d| d.acwr_coupled).collect();
        assert_eq!(
            summary.mean_ratio,
            Some(ratios.iter().sum::<f64>() / ratios.len() as f64)
        );
        let text = explain(&plan, &p, &history);
        assert!(
            text.contains("the policy would recommend maintain on 6 days and reduce intensity on 1 day (from 2024-02-04)"),
            "{text}"
        );
    }

    #[test]
    fn planned_rest_is_not_missing_data_but_a_short_history_or_an_open_injury_hold_to_review() {
        use crate::policy::{Action, Check};
        use crate::types::{EventKind, EventSeverity};
        let history = daily(date(2024, 1, 1), 35, 50.0);
        let rest = Plan::empty(date(2024, 2, 5), 14);
        let p = project(&input(&history, &rest));
        assert!(
            p.days
                .iter()
                .all(|d| !d.policy.fired.iter().any(|f| f.check == Check::StaleData)),
            "two weeks of planned rest are known days, not stale data"
        );
        // An injury reported two days before the plan is open for the plan's
        // first days (seven days from the report) and then closes.
        let events = [Event {
            athlete_id: id(),
            date: date(2024, 2, 3),
            kind: EventKind::Injury,
            severity: Some(EventSeverity::Minor),
            body_part: None,
            days_lost: None,
            closed_on: None,
        }];
        let injured = project(&ProjectionInput {
            events: &events,
            ..input(&history, &rest)
        });
        let got = actions(&injured);
        assert!(
            got[..6].iter().all(|a| *a == Action::ManualReview),
            "{got:?}"
        );
        assert!(
            got[6..].iter().all(|a| *a != Action::ManualReview),
            "{got:?}"
        );
        assert!(injured.days[0]
            .warnings
            .iter()
            .any(|w| w.starts_with("Guardrail:")));
        assert!(injured.days[10]
            .warnings
            .iter()
            .all(|w| !w.starts_with("Guardrail:")));
        // Ten days of history: the history guardrail until 28 days are there, then
        // the policy decides (the history's quality report, which calls ten days
        // an error, does not hold the later days back).
        let short = daily(date(2024, 1, 26), 10, 50.0);
        let findings = history_findings(&id(), &short, &[], date(2024, 2, 5));
        let report = crate::quality::athlete_report(&id(), &short, &[], date(2024, 2, 4)).unwrap();
        assert!(
            report
                .findings
                .iter()
                .any(|f| f.check == crate::quality::Check::ShortHistory),
            "the report itself says the history is short"
        );
        let p = project(&ProjectionInput {
            quality_findings: &findings,
            ..input(&short, &steady_plan(date(2024, 2, 5), 28, 50.0))
        });
        let first_free = p
            .days
            .iter()
            .position(|d| {
                !d.policy
                    .fired
                    .iter()
                    .any(|f| f.check == Check::ShortHistory)
            })
            .unwrap();
        assert_eq!(
            p.days[first_free].date,
            date(2024, 2, 23),
            "28 days after 26 January"
        );
        assert!(
            p.days[first_free..]
                .iter()
                .all(|d| d.policy.action != Action::ManualReview),
            "{:?}",
            actions(&p)
        );
    }

    #[test]
    fn an_editor_starts_from_a_saved_plan_that_is_still_ahead_else_from_the_last_week() {
        let next = date(2024, 3, 4);
        let history = daily(date(2024, 2, 1), 32, 300.0);
        let saved = steady_plan(next, 7, 100.0);
        assert_eq!(starting_plan(next, Some(&saved), &history), saved);
        let past = steady_plan(date(2024, 3, 1), 7, 100.0);
        let fresh = starting_plan(next, Some(&past), &history);
        assert_eq!((fresh.start, fresh.days.len()), (next, 14));
        assert_eq!(fresh.loads(), vec![300.0; 14], "the last week, twice");
        assert_eq!(starting_plan(next, None, &history), fresh);
    }

    #[test]
    fn values_in_error_are_named_with_their_day_and_can_be_left_out() {
        let mut plan = steady_plan(date(2024, 3, 5), 7, 100.0);
        plan.days[0][0].rpe = Some(11.0);
        plan.days[2][0].minutes = Some(-5.0);
        let problems = plan.problems();
        assert_eq!(problems.len(), 2);
        let words = plan.problems_words(&problems);
        assert!(
            words.starts_with("Not accepted: RPE 11 on Tue 2024-03-05 (give "),
            "{words}"
        );
        assert!(
            words.contains("; Minutes -5 on Thu 2024-03-07 (give "),
            "{words}"
        );
        let clean = plan.without_problems();
        assert!(clean.problems().is_empty());
        assert_eq!(
            (clean.days[0][0].rpe, clean.days[2][0].minutes),
            (None, None)
        );
        assert_eq!(clean.days[1], plan.days[1], "what was accepted stays");
        let short = Plan::empty(date(2024, 3, 5), 3);
        assert_eq!(
            short.problems_words(&short.problems()),
            "Not accepted: a plan covers 7 to 28 days, not 3."
        );
    }
}
