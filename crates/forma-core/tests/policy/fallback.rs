//! When the model cannot score, the rule baseline answers and says so.

use forma_core::policy::{
    recommend, Check, ConfidenceBasis, FallbackReason, PolicyData, PolicyInput, PolicyOptions,
    Stage,
};

use crate::support::{day, id, sessions, steady_then_week, synthetic_artifact};

fn spike() -> PolicyData {
    let a = id("fallback");
    PolicyData::build(
        &a,
        &sessions(&a, &steady_then_week(300.0, 60, 600.0)),
        &[],
        &[],
        day(67),
    )
    .unwrap()
}

#[test]
fn with_no_model_the_rule_answers_and_says_so() {
    let data = spike();
    let r = recommend(&data.input(day(67)), &PolicyOptions::default());
    assert_eq!(r.fallback, Some(FallbackReason::NoModel));
    assert_eq!(r.model_version, None);
    assert_eq!(r.risk, None);
    assert_eq!(r.confidence_basis, ConfidenceBasis::RulePrior);
    let note = r
        .fired
        .iter()
        .find(|f| f.check == Check::ModelFallback)
        .expect("a sentence says the model did not score");
    assert_eq!(note.stage, Stage::Fallback);
    assert_eq!(
        note.coach,
        "No model is active: the rule baseline answered."
    );
    assert!(
        r.coach_summary.ends_with("the rule baseline answered."),
        "{}",
        r.coach_summary
    );
}

#[test]
fn a_model_trained_on_another_schema_gives_the_rule_answer_and_says_so() {
    let data = spike();
    let options = PolicyOptions::default();
    let rule = recommend(&data.input(day(67)), &options);

    let mut other = synthetic_artifact().clone();
    other.schema.version = "forma-features-0".to_owned();
    other.schema.hash = "0123456789abcdef".to_owned();
    let r = recommend(
        &PolicyInput {
            model: Some(&other),
            ..data.input(day(67))
        },
        &options,
    );
    assert_eq!(r.fallback, Some(FallbackReason::SchemaMismatch));
    assert_eq!(r.action, rule.action);
    assert_eq!(r.confidence, rule.confidence);
    assert_eq!(r.risk, None);
    assert_eq!(r.model_version.as_deref(), Some(other.version_id.as_str()));
    let note = r
        .fired
        .iter()
        .find(|f| f.check == Check::ModelFallback)
        .unwrap();
    assert!(
        note.coach.contains("forma-features-0 (0123456789abcdef)"),
        "{}",
        note.coach
    );
    assert!(note.coach.ends_with("the rule baseline answered."));
}

#[test]
fn a_day_without_a_feature_vector_gives_the_rule_answer_with_the_rules_record() {
    let data = spike();
    let model = synthetic_artifact();
    let options = PolicyOptions::default();
    let r = recommend(
        &PolicyInput {
            model: Some(model),
            features: None,
            ..data.input(day(67))
        },
        &options,
    );
    assert_eq!(r.fallback, Some(FallbackReason::NoFeatures));
    assert_eq!(r.confidence_basis, ConfidenceBasis::RuleRates);
    assert_eq!(r.risk, None);
    assert!(r.reasons.iter().all(|x| x.risk_delta.is_none()));
    let note = r
        .fired
        .iter()
        .find(|f| f.check == Check::ModelFallback)
        .unwrap();
    assert!(
        note.coach.starts_with("No feature vector for 2024-03-08"),
        "{}",
        note.coach
    );

    // Features built to an earlier day do not reach the decision day either.
    let a = id("fallback");
    let early = PolicyData::build(
        &a,
        &sessions(&a, &steady_then_week(300.0, 60, 600.0)),
        &[],
        &[],
        day(60),
    )
    .unwrap();
    let r = recommend(
        &PolicyInput {
            model: Some(model),
            features: early.features.as_ref(),
            ..data.input(day(67))
        },
        &options,
    );
    assert_eq!(r.fallback, Some(FallbackReason::NoFeatures));
}

#[test]
fn a_scoring_model_is_no_fallback() {
    let data = spike();
    let model = synthetic_artifact();
    let r = recommend(
        &PolicyInput {
            model: Some(model),
            ..data.input(day(67))
        },
        &PolicyOptions::default(),
    );
    assert_eq!(r.fallback, None);
    assert!(r.risk.is_some() && r.risk_threshold.is_some());
    assert_eq!(r.confidence_basis, ConfidenceBasis::Model);
    assert!(r.fired.iter().all(|f| f.check != Check::ModelFallback));
}
