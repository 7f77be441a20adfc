//! What the policy reads, filled alike by the server (from stored records) and
//! the browser (from the same records, or a plan being edited).

use jiff::civil::Date;

use crate::features::{athlete_features, AthleteFeatures, FeatureInputs};
use crate::model::ModelArtifact;
use crate::quality::Finding;
use crate::series::DailySeries;
use crate::types::{epoch_day, AthleteId, Session, WellnessEntry};

/// Planned load, in the athlete's load unit.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub struct PlannedLoad {
    /// Today's planned load.
    pub today: Option<f64>,
    /// Planned load of the 7 days from today, today included.
    pub next_7_days: Option<f64>,
}

/// Everything one recommendation reads.
///
/// Time awareness (DESIGN.md): load is read at d-1 and wellness at d, as the
/// features are; days of `series` on or after d are ignored, and a series that
/// ends before d-1 is read as rest (unobserved) up to d-1.
#[derive(Debug, Clone, Copy)]
pub struct PolicyInput<'a> {
    /// The athlete.
    pub athlete_id: &'a AthleteId,
    /// The decision day.
    pub date: Date,
    /// The athlete's daily series ([`DailySeries::build`], ideally with `end = Some(date)`);
    /// the load metrics are computed from it with default options.
    pub series: &'a DailySeries,
    /// The athlete's feature vectors ([`athlete_features`] with `end = Some(date)`):
    /// day d for the model and readiness, the days before for baselines.
    pub features: Option<&'a AthleteFeatures>,
    /// The last day with any data (session, wellness, device sync), up to d.
    pub last_data: Option<Date>,
    /// Whether an injury is open (reported and not yet closed).
    pub open_injury: bool,
    /// The data-quality findings ([`crate::quality::check`]); errors withhold changes.
    pub quality_findings: &'a [Finding],
    /// The plan, when known, so the adjustment can say how much in load units.
    pub plan: Option<PlannedLoad>,
    /// The active model, if any.
    pub model: Option<&'a ModelArtifact>,
    /// `model`'s risk for each row of `features` (`NaN` where not scored),
    /// when the caller has scored them already: the standing risk reads them
    /// instead of scoring the days before d again (a plan's days share most of
    /// those days). `None`: scored here.
    pub risks: Option<&'a [f64]>,
}

/// An athlete's series and features built from their records, for callers
/// that hold records rather than computed values.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyData {
    /// The daily series up to the last day built.
    pub series: DailySeries,
    /// The feature vectors up to the last day built.
    pub features: Option<AthleteFeatures>,
}

impl PolicyData {
    /// Builds `athlete`'s series and features up to `date` from records of any
    /// athletes, with no injury or illness history (see
    /// [`PolicyData::build_with_history`]); `device_days` are days with device
    /// data only. `None` when the athlete has no data on or before `date`.
    ///
    /// ```
    /// use forma_core::policy::PolicyData;
    /// let id: forma_core::types::AthleteId = "a1".parse().unwrap();
    /// assert!(PolicyData::build(&id, &[], &[], &[], jiff::civil::date(2024, 5, 1)).is_none());
    /// ```
    pub fn build(
        athlete: &AthleteId,
        sessions: &[Session],
        wellness: &[WellnessEntry],
        device_days: &[Date],
        date: Date,
    ) -> Option<Self> {
        let inputs = FeatureInputs {
            sessions,
            wellness,
            reports: &[],
        };
        Self::build_with_history(athlete, &inputs, device_days, date)
    }

    /// As [`PolicyData::build`], the features reading the athlete's injury and
    /// illness reports in `inputs` ([`crate::targets::report_days`]) as the
    /// model's training does.
    pub fn build_with_history(
        athlete: &AthleteId,
        inputs: &FeatureInputs<'_>,
        device_days: &[Date],
        date: Date,
    ) -> Option<Self> {
        let series = DailySeries::build(
            athlete,
            inputs.sessions,
            inputs.wellness,
            device_days,
            Some(date),
        )?;
        let features = athlete_features(athlete, inputs, Some(date));
        Some(Self { series, features })
    }

    /// As [`PolicyData::build_with_history`] with no device-only days, or, when
    /// the athlete has no data on or before `date` at all, a one-day record of no
    /// load, which the history guardrail sends to manual review: every athlete
    /// gets a recommendation, the new one included.
    pub fn build_or_empty(athlete: &AthleteId, inputs: &FeatureInputs<'_>, date: Date) -> Self {
        Self::build_with_history(athlete, inputs, &[], date).unwrap_or_else(|| Self {
            series: DailySeries::from_loads(athlete.clone(), date, vec![0.0]),
            features: None,
        })
    }

    /// The last day with any data on or before `date`.
    pub fn last_data(&self, date: Date) -> Option<Date> {
        let end = epoch_day(date) - epoch_day(self.series.start);
        let n = usize::try_from(end.checked_add(1)?).ok()?;
        self.series.observed[..n.min(self.series.len())]
            .iter()
            .rposition(|o| *o)
            .map(|i| self.series.date(i))
    }

    /// An input for `date` (any day up to the one built for) with no open
    /// injury, no findings, no plan and no model; set those with struct update
    /// syntax.
    pub fn input(&self, date: Date) -> PolicyInput<'_> {
        PolicyInput {
            athlete_id: &self.series.athlete_id,
            date,
            series: &self.series,
            features: self.features.as_ref(),
            last_data: self.last_data(date),
            open_injury: false,
            quality_findings: &[],
            plan: None,
            model: None,
            risks: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{recommend, Action, PolicyOptions};

    #[test]
    fn an_athlete_without_data_gets_one_empty_day_that_goes_to_manual_review() {
        let id: AthleteId = "new".parse().expect("id");
        let day = jiff::civil::date(2024, 5, 1);
        let inputs = FeatureInputs {
            sessions: &[],
            wellness: &[],
            reports: &[],
        };
        let data = PolicyData::build_or_empty(&id, &inputs, day);
        assert_eq!(data.series.start, day);
        assert_eq!(data.series.load, vec![0.0]);
        assert!(data.features.is_none());
        let rec = recommend(&data.input(day), &PolicyOptions::default());
        assert_eq!(rec.action, Action::ManualReview);
    }
}
