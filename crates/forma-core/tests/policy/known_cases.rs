//! Athletes built by hand whose recommendation is known from the rules.

use forma_core::policy::{
    recommend, Action, Check, ConfidenceBasis, Direction, Factor, MeasuredBy, PlannedLoad,
    PolicyData, PolicyOptions, Recommendation, Stage, POLICY_VERSION,
};
use forma_core::quality::{Check as QualityCheck, Finding, Severity};

use crate::support::{
    day, id, ratio_artifact, readiness, sessions, shifted_artifact, steady_then_week, with_verdict,
};

fn fired(r: &Recommendation, check: Check) -> bool {
    r.fired.iter().any(|f| f.check == check)
}

/// 60 days at 300 AU, then 7 days at 600: a coupled ratio of exactly 1.6 on day 67.
fn ratio_1_6() -> PolicyData {
    let a = id("ratio16");
    PolicyData::build(
        &a,
        &sessions(&a, &steady_then_week(300.0, 60, 600.0)),
        &[],
        &[],
        day(67),
    )
    .expect("the athlete has data")
}

/// 60 days at 300 AU, then a week at 150: a coupled ratio of 4 x 1,050 / 7,350
/// = 0.571 on day 67.
fn light_week() -> PolicyData {
    let a = id("light");
    PolicyData::build(
        &a,
        &sessions(&a, &steady_then_week(300.0, 60, 150.0)),
        &[],
        &[],
        day(67),
    )
    .expect("the athlete has data")
}

#[test]
fn an_athlete_at_a_ratio_of_1_6_gets_reduce_intensity_with_the_ratio_named() {
    let data = ratio_1_6();
    let r = recommend(&data.input(day(67)), &PolicyOptions::default());

    assert_eq!(r.action, Action::ReduceIntensity, "{r:#?}");
    assert_eq!(r.adjustment.today_load_factor, 0.7);
    assert_eq!(r.adjustment.next_7_days_load_factor, 0.9);
    let rule = r
        .fired
        .iter()
        .find(|f| f.check == Check::RatioDanger)
        .expect("the danger-zone rule fired");
    assert_eq!(rule.stage, Stage::Rule);
    assert!(
        rule.coach.contains("1.60") && rule.coach.contains("1.5"),
        "{}",
        rule.coach
    );

    let ratio = r
        .reasons
        .iter()
        .find(|x| x.factor == Factor::LoadRatio)
        .expect("the ratio is a reason");
    assert!((ratio.value - 1.6).abs() < 1e-9);
    assert!((ratio.baseline - 1.0).abs() < 1e-9);
    assert_eq!(ratio.direction, Direction::RaisesRisk);
    assert_eq!(ratio.measured_by, MeasuredBy::Rule);
    assert_eq!(ratio.risk_delta, None);
    assert!(ratio.coach.contains("1.60"), "{}", ratio.coach);
    let load = r
        .reasons
        .iter()
        .find(|x| x.factor == Factor::SevenDayLoad)
        .expect("the 7-day load is a reason");
    // 4,200 AU in 7 days against a 28-day mean of 375 a day (2,625 AU per 7 days).
    assert!(
        load.coach
            .contains("4,200 AU, 60% above the 4-week average (2,625 AU"),
        "{}",
        load.coach
    );
    assert!(load
        .athlete
        .starts_with("Your training over the last 7 days was about 60% more than"));

    // Below 1.5 needs S7 <= 1.5 x 6,300 / 2.5 = 3,780 AU with the 3 weeks before unchanged.
    assert!(
        r.what_would_change
            .iter()
            .any(|s| s.coach.contains("3,780 AU or less") && s.coach.ends_with("maintain.")),
        "{:#?}",
        r.what_would_change
    );
    assert_eq!(r.policy_version, POLICY_VERSION);
    assert!(r
        .coach_summary
        .starts_with("Reduce intensity: today's planned load x 0.7"));
    assert!(
        r.athlete_summary
            .starts_with("Make today's session about 30% lighter than planned"),
        "{}",
        r.athlete_summary
    );
    athlete_words_hold_together(&r);
}

/// What every athlete paragraph must be: no headline repeated, no sentence twice,
/// no reason against the advice, no share a person cannot read.
fn athlete_words_hold_together(r: &Recommendation) {
    let headline = r.action.athlete_label();
    assert!(
        !r.athlete_summary.contains(headline),
        "the headline `{headline}` is repeated: {}",
        r.athlete_summary
    );
    let shown = forma_core::policy::athlete::reasons(r);
    let mut sentences: Vec<&str> = r
        .athlete_summary
        .split(". ")
        .map(|s| s.trim_end_matches('.'))
        .collect();
    sentences.extend(shown.iter().map(|x| x.athlete.trim_end_matches('.')));
    let mut seen = std::collections::BTreeSet::new();
    for s in &sentences {
        assert!(seen.insert(*s), "`{s}` is said twice: {sentences:?}");
        let big_share = s.split_whitespace().any(|w| {
            w.strip_suffix('%')
                .and_then(|n| n.parse::<f64>().ok())
                .is_some_and(|n| n >= 100.0)
        });
        assert!(!big_share, "an unreadable share: `{s}`");
    }
    let caution = !matches!(r.action, Action::Maintain | Action::IncreaseVolume);
    for reason in shown {
        if caution {
            assert!(
                !reason.athlete.contains("lowers your risk"),
                "{}",
                reason.athlete
            );
        } else {
            assert!(
                !reason.athlete.contains("raises your risk"),
                "{}",
                reason.athlete
            );
        }
    }
}

#[test]
fn after_weeks_off_a_planned_session_goes_to_the_coach_not_to_a_cut() {
    // 60 days at 300 AU, then 17 days without training, then a plan of one
    // 45-minute session at effort 6: the plan's first day is read as it would
    // be that morning, with the session as today's planned load. Data this old
    // is the coach's to read, and the athlete is told so, not "30% lighter".
    let a = id("comeback");
    let mut loads = vec![300.0; 60];
    loads.extend([0.0; 17]);
    let recorded = sessions(&a, &loads);
    let plan = forma_core::plan::Plan {
        start: day(77),
        days: vec![vec![forma_core::plan::PlannedSession {
            sport: Some("running".to_owned()),
            minutes: Some(45.0),
            rpe: Some(6.0),
            load: None,
        }]],
    };
    let projection = forma_core::plan::project(&forma_core::plan::ProjectionInput {
        athlete: &a,
        sessions: &recorded,
        wellness: &[],
        plan: &plan,
        model: None,
        warnings: forma_core::plan::WarningOptions::default(),
        performance: None,
        events: &[],
        labels: &[],
        quality_findings: &[],
        detail_day: Some(day(77)),
    });
    let r = projection.detail.expect("the plan day in full");
    assert_eq!(r.action, Action::ManualReview, "{}", r.coach_summary);
    assert!(fired(&r, Check::StaleData), "{:#?}", r.fired);
    let figures = r.figures.as_ref().expect("the day's figures");
    assert_eq!(figures.acute, Some(0.0), "nothing in the 7 days before");
    assert!(figures.chronic.is_some_and(|c| c > 0.0));
    assert!(
        !r.athlete_summary.contains("lighter than planned"),
        "a cut of a load that was never done: {}",
        r.athlete_summary
    );
    athlete_words_hold_together(&r);
}

#[test]
fn advice_to_take_it_easier_after_a_week_without_load_is_a_comeback() {
    let mut r = recommend(&ratio_1_6().input(day(67)), &PolicyOptions::default());
    assert_eq!(r.action, Action::ReduceIntensity);
    let usual = forma_core::policy::athlete::summary(&r);
    assert!(
        usual.starts_with("Make today's session about 30% lighter"),
        "{usual}"
    );
    // The same advice the morning after a week with no load at all.
    let figures = r.figures.as_mut().expect("the day's figures");
    figures.acute = Some(0.0);
    let comeback = forma_core::policy::athlete::summary(&r);
    assert!(
        comeback.starts_with(
            "You are coming back after a week or more without training: start easier than planned"
        ),
        "{comeback}"
    );
    r.athlete_summary = comeback;
    athlete_words_hold_together(&r);
}

#[test]
fn every_action_s_words_hold_together_at_many_loads() {
    for (base, week) in [
        (300.0, 100.0),
        (300.0, 300.0),
        (300.0, 450.0),
        (300.0, 600.0),
        (100.0, 900.0),
    ] {
        let a = id("words");
        let data = PolicyData::build(
            &a,
            &sessions(&a, &steady_then_week(base, 60, week)),
            &readiness(&a, 67, 2.0),
            &[],
            day(67),
        )
        .expect("the athlete has data");
        let r = recommend(&data.input(day(67)), &PolicyOptions::default());
        athlete_words_hold_together(&r);
    }
}

#[test]
fn a_plan_turns_the_adjustment_into_loads() {
    let data = ratio_1_6();
    let input = forma_core::policy::PolicyInput {
        plan: Some(PlannedLoad {
            today: Some(600.0),
            next_7_days: Some(4200.0),
        }),
        ..data.input(day(67))
    };
    let r = recommend(&input, &PolicyOptions::default());
    assert_eq!(r.adjustment.today_load, Some(420.0));
    assert_eq!(r.adjustment.next_7_days_load, Some(4200.0 * 0.9));
    assert!(
        r.coach_summary.contains("(600 AU to 420 AU)"),
        "{}",
        r.coach_summary
    );
}

#[test]
fn low_readiness_swaps_the_session_and_with_a_spike_extends_recovery() {
    let a = id("tired");
    let steady = sessions(&a, &vec![300.0; 67]);
    let wellness = readiness(&a, 67, 1.0);
    let data = PolicyData::build(&a, &steady, &wellness, &[], day(67)).unwrap();
    let r = recommend(&data.input(day(67)), &PolicyOptions::default());
    assert_eq!(r.action, Action::SwapSession, "{r:#?}");
    assert!(fired(&r, Check::LowReadiness));
    assert!(r.adjustment.swap_hard_session);
    assert_eq!(r.adjustment.today_load_factor, 0.5);
    assert_eq!(r.adjustment.next_7_days_load_factor, 1.0);

    let spike = sessions(&a, &steady_then_week(300.0, 60, 600.0));
    let data = PolicyData::build(&a, &spike, &wellness, &[], day(67)).unwrap();
    let r = recommend(&data.input(day(67)), &PolicyOptions::default());
    assert_eq!(r.action, Action::ExtendRecovery, "{r:#?}");
    assert!(fired(&r, Check::RatioDangerLowReadiness));
    assert_eq!(r.adjustment.today_load_factor, 0.0);
    assert_eq!(r.adjustment.extra_rest_days, 2);
    assert_eq!(r.adjustment.next_7_days_load_factor, 0.8);
    assert!(r
        .reasons
        .iter()
        .any(|x| x.factor == Factor::Readiness && x.direction == Direction::RaisesRisk));
}

#[test]
fn a_low_ratio_builds_only_with_a_low_model_risk_and_within_the_bounds() {
    let data = light_week();
    let options = PolicyOptions::default();

    // No model: the rule wants more, the bounds wait for a risk estimate.
    let r = recommend(&data.input(day(67)), &options);
    assert_eq!(r.action, Action::Maintain, "{r:#?}");
    assert!(fired(&r, Check::RatioLow) && fired(&r, Check::IncreaseBlocked));

    // A model whose risk rises with the ratio: today's low ratio puts today's
    // risk below the athlete's standing risk, so a bounded increase.
    let low = ratio_artifact(3.0);
    let r = recommend(
        &forma_core::policy::PolicyInput {
            model: Some(&low),
            ..data.input(day(67))
        },
        &options,
    );
    assert_eq!(r.action, Action::IncreaseVolume, "{r:#?}");
    let f = r.adjustment.next_7_days_load_factor;
    assert!(f > 1.0 && f <= 1.0 + options.max_increase_share, "{f}");
    assert_eq!(r.confidence_basis, ConfidenceBasis::Model);
    assert!(r.confidence >= options.min_confidence);
    assert_eq!(r.model_version.as_deref(), Some(low.version_id.as_str()));
    let reading = r.risk_reading.as_ref().expect("the model scored");
    assert!(reading.change.unwrap() < 1.0, "{reading:?}");

    // A model whose risk rises as the ratio falls: today's risk is far above
    // the athlete's own level, so caution instead.
    let high = ratio_artifact(-3.0);
    let r = recommend(
        &forma_core::policy::PolicyInput {
            model: Some(&high),
            ..data.input(day(67))
        },
        &options,
    );
    assert_eq!(r.action, Action::ReduceIntensity, "{r:#?}");
    assert!(fired(&r, Check::RiskVeryHigh));
    let reading = r.risk_reading.as_ref().expect("the model scored");
    assert!(reading.change.unwrap() >= 4.0, "{reading:?}");
    assert!(reading
        .change_words
        .coach
        .contains("this is what the model moves today's session on"));
    assert!(r
        .what_would_change
        .iter()
        .any(|s| s.coach.starts_with("If the model's 7-day risk were below")));
}

#[test]
fn a_standing_risk_that_is_always_high_does_not_change_todays_session() {
    // Steady training, ratio 1.0: the rule maintains.
    let a = id("steady");
    let data = PolicyData::build(&a, &sessions(&a, &vec![300.0; 67]), &[], &[], day(67)).unwrap();
    let options = PolicyOptions::default();
    // A model that puts this athlete's risk well above the team's on every day.
    let always = shifted_artifact(3.0);
    let r = recommend(
        &forma_core::policy::PolicyInput {
            model: Some(&always),
            ..data.input(day(67))
        },
        &options,
    );
    let reading = r.risk_reading.as_ref().expect("the model scored");
    let standing = reading.standing.expect("28 scored days before");
    assert!(standing > 2.0 * reading.team_rate, "{reading:?}");
    // Today is the athlete's usual: the session stays, and no model step fired.
    assert_eq!(r.action, Action::Maintain, "{r:#?}");
    assert!(!fired(&r, Check::RiskHigh) && !fired(&r, Check::RiskVeryHigh));
    assert!(r.confidence >= options.min_confidence, "{}", r.confidence);
    assert!(
        reading.standing_words.coach.starts_with("Standing risk"),
        "{}",
        reading.standing_words.coach
    );
    assert!(reading
        .standing_words
        .athlete
        .contains("higher than most of the team's"));
    assert!(reading
        .change_words
        .athlete
        .contains("no higher than usual for you"));
}

#[test]
fn a_model_that_disagrees_with_the_rule_sends_the_day_to_the_coach() {
    let data = ratio_1_6();
    // Risk falls as the ratio rises: today's 1.6 puts it far below the usual.
    let low = ratio_artifact(-3.0);
    let r = recommend(
        &forma_core::policy::PolicyInput {
            model: Some(&low),
            ..data.input(day(67))
        },
        &PolicyOptions::default(),
    );
    assert_eq!(r.action, Action::ManualReview, "{r:#?}");
    assert_eq!(r.withheld, Some(Action::ReduceIntensity));
    assert!(fired(&r, Check::LowConfidence) && fired(&r, Check::RatioDanger));
    assert!(r.confidence < 0.5);
    assert!(r.what_would_change[0]
        .coach
        .contains("needs the model's 7-day risk at or above"));
}

#[test]
fn each_guardrail_gives_manual_review_and_says_what_would_lift_it() {
    let options = PolicyOptions::default();
    let a = id("guard");
    let loads = vec![300.0; 40];

    // 20 days of history.
    let data = PolicyData::build(&a, &sessions(&a, &loads), &[], &[], day(20)).unwrap();
    let r = recommend(&data.input(day(20)), &options);
    assert_eq!(r.action, Action::ManualReview);
    assert_eq!(r.confidence_basis, ConfidenceBasis::Withheld);
    assert!(fired(&r, Check::ShortHistory));
    assert_eq!(
        r.what_would_change[0].coach,
        "8 more days of data would allow an automatic recommendation."
    );

    // Last data 5 days before the decision day.
    let data = PolicyData::build(&a, &sessions(&a, &loads), &[], &[], day(45)).unwrap();
    let r = recommend(&data.input(day(45)), &options);
    assert_eq!(r.action, Action::ManualReview);
    assert!(fired(&r, Check::StaleData), "{r:#?}");

    let data = PolicyData::build(&a, &sessions(&a, &loads), &[], &[], day(40)).unwrap();
    let fresh = data.input(day(40));
    assert_ne!(recommend(&fresh, &options).action, Action::ManualReview);

    let r = recommend(
        &forma_core::policy::PolicyInput {
            open_injury: true,
            ..fresh
        },
        &options,
    );
    assert_eq!(r.action, Action::ManualReview);
    assert!(fired(&r, Check::OpenInjury));

    let findings = [Finding {
        check: QualityCheck::NegativeLoad,
        severity: Severity::Error,
        dates: vec![day(3)],
        message: "A negative load on 2024-01-04.".to_owned(),
    }];
    let r = recommend(
        &forma_core::policy::PolicyInput {
            quality_findings: &findings,
            ..fresh
        },
        &options,
    );
    assert_eq!(r.action, Action::ManualReview);
    assert!(fired(&r, Check::QualityErrors));
    assert!(r.coach_summary.contains("A negative load on 2024-01-04."));

    // A warning alone withholds nothing.
    let warning = [Finding {
        severity: Severity::Warning,
        ..findings[0].clone()
    }];
    let r = recommend(
        &forma_core::policy::PolicyInput {
            quality_findings: &warning,
            ..fresh
        },
        &options,
    );
    assert_ne!(r.action, Action::ManualReview);
}

#[test]
fn a_recommendation_round_trips_through_json_with_snake_case_names() {
    let data = ratio_1_6();
    let r = recommend(&data.input(day(67)), &PolicyOptions::default());
    let json = serde_json::to_string(&r).unwrap();
    assert!(json.contains("\"action\":\"reduce_intensity\""), "{json}");
    assert!(json.contains("\"fallback\":\"no_model\""));
    assert!(json.contains("\"check\":\"ratio_danger\""));
    let back: Recommendation = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
}

#[test]
fn a_model_that_does_not_beat_its_baselines_says_so_wherever_its_risk_is_read() {
    use forma_core::policy::{model_caveat, model_caveat_for_athlete, model_caveat_short};
    let data = light_week();
    let options = PolicyOptions::default();
    let caveat = model_caveat(Some(false)).expect("a caveat for a weak model");
    let to_athlete = model_caveat_for_athlete(Some(false)).expect("a caveat for a weak model");
    for beats in [true, false] {
        // Today's risk is far above the athlete's own level: the model step fires.
        let artifact = with_verdict(ratio_artifact(-3.0), beats);
        let r = recommend(
            &forma_core::policy::PolicyInput {
                model: Some(&artifact),
                ..data.input(day(67))
            },
            &options,
        );
        assert_eq!(r.action, Action::ReduceIntensity, "{r:#?}");
        assert_eq!(r.model_beats_baselines, Some(beats));
        assert_eq!(
            r.coach_summary.contains(caveat),
            !beats,
            "{}",
            r.coach_summary
        );
        assert_eq!(
            r.athlete_summary.contains(to_athlete),
            !beats,
            "{}",
            r.athlete_summary
        );
        let told = &r
            .fired
            .iter()
            .find(|f| f.check == Check::RiskVeryHigh)
            .expect("the model raised the caution")
            .athlete;
        assert_eq!(told.contains("far more often than usual"), beats, "{told}");
        assert_eq!(
            told.contains("cannot yet tell this reliably"),
            !beats,
            "{told}"
        );
        assert_eq!(
            model_caveat_short(r.model_beats_baselines).is_some(),
            !beats
        );
    }
    // Without a model nothing scored, so there is nothing to warn of.
    let r = recommend(&data.input(day(67)), &options);
    assert_eq!(r.model_beats_baselines, None);
    assert!(!r.coach_summary.contains(caveat));
    assert!(!r.athlete_summary.contains(to_athlete));
}
