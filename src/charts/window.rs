//! The part of an athlete's series a chart shows, and the words that describe it.
//! Plain types with no browser in sight, so they are tested natively.

use forma_core::api::{PmcColumns, SeriesResponse};

/// The date ranges a coach can pick.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRange {
    FourWeeks,
    TwelveWeeks,
    OneYear,
    All,
}

impl DateRange {
    pub const ALL: [DateRange; 4] = [
        DateRange::FourWeeks,
        DateRange::TwelveWeeks,
        DateRange::OneYear,
        DateRange::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            DateRange::FourWeeks => "4 weeks",
            DateRange::TwelveWeeks => "12 weeks",
            DateRange::OneYear => "1 year",
            DateRange::All => "All",
        }
    }

    /// Days shown, or `None` for the whole history.
    pub fn days(self) -> Option<usize> {
        match self {
            DateRange::FourWeeks => Some(28),
            DateRange::TwelveWeeks => Some(84),
            DateRange::OneYear => Some(365),
            DateRange::All => None,
        }
    }

    /// The indices of the series this range shows: the last `days` days.
    pub fn indices(self, len: usize) -> std::ops::Range<usize> {
        let days = self.days().unwrap_or(len).min(len);
        len - days..len
    }
}

/// The three published forms of the acute:chronic ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatioForm {
    Coupled,
    Uncoupled,
    Ewma,
}

impl RatioForm {
    pub const ALL: [RatioForm; 3] = [RatioForm::Coupled, RatioForm::Uncoupled, RatioForm::Ewma];

    pub fn label(self) -> &'static str {
        match self {
            RatioForm::Coupled => "Coupled 7:28",
            RatioForm::Uncoupled => "Uncoupled 7:21",
            RatioForm::Ewma => "EWMA 7:28",
        }
    }

    /// The ratio and its acute and chronic loads in this form.
    pub fn columns(self, series: &SeriesResponse) -> RatioColumns<'_> {
        match self {
            RatioForm::Coupled => RatioColumns {
                acute: &series.acute_rac,
                chronic: &series.chronic_rac,
                ratio: &series.acwr_rac,
            },
            RatioForm::Uncoupled => RatioColumns {
                acute: &series.acute_rac,
                chronic: &series.chronic_rau,
                ratio: &series.acwr_rau,
            },
            RatioForm::Ewma => RatioColumns {
                acute: &series.acute_ewma,
                chronic: &series.chronic_ewma,
                ratio: &series.acwr_ewma,
            },
        }
    }
}

/// One ratio form's columns.
pub struct RatioColumns<'a> {
    pub acute: &'a [Option<f64>],
    pub chronic: &'a [Option<f64>],
    pub ratio: &'a [Option<f64>],
}

/// The three fitness-fatigue-form variants, named as their systems name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PmcVariantChoice {
    TrainingPeaks,
    GoldenCheetah,
    Intervals,
}

impl PmcVariantChoice {
    pub const ALL: [PmcVariantChoice; 3] = [
        PmcVariantChoice::TrainingPeaks,
        PmcVariantChoice::GoldenCheetah,
        PmcVariantChoice::Intervals,
    ];

    pub fn label(self) -> &'static str {
        match self {
            PmcVariantChoice::TrainingPeaks => "TrainingPeaks",
            PmcVariantChoice::GoldenCheetah => "GoldenCheetah",
            PmcVariantChoice::Intervals => "Intervals.icu",
        }
    }

    /// This variant's columns in a series answer, if it has them.
    pub fn series(self, series: &SeriesResponse) -> Option<&PmcColumns> {
        series.pmc.iter().find(|p| p.variant == self.key())
    }

    /// The key of this variant in [`SeriesResponse::pmc`].
    pub fn key(self) -> &'static str {
        match self {
            PmcVariantChoice::TrainingPeaks => "trainingpeaks",
            PmcVariantChoice::GoldenCheetah => "goldencheetah",
            PmcVariantChoice::Intervals => "intervals",
        }
    }
}

/// The conventional band of the ratio, drawn as a convention, not a verdict.
pub const RATIO_BAND: (f64, f64) = (0.8, 1.3);

/// Formats an optional number for tables and read-outs: `–` when undefined.
pub fn number(value: Option<f64>, digits: usize) -> String {
    match value {
        Some(x) if x.is_infinite() => "∞".to_owned(),
        Some(x) => format!("{x:.digits$}"),
        None => "–".to_owned(),
    }
}

/// The load chart's summary for screen readers and for checking.
pub fn load_summary(
    series: &SeriesResponse,
    range: std::ops::Range<usize>,
    form: RatioForm,
) -> String {
    if range.is_empty() {
        return "No days to show.".to_owned();
    }
    let days = range.len();
    let total: f64 = series.load[range.clone()].iter().sum();
    let training = series.load[range.clone()]
        .iter()
        .filter(|load| **load > 0.0)
        .count();
    let unobserved = series.observed[range.clone()]
        .iter()
        .filter(|observed| !**observed)
        .count();
    let last = range.end - 1;
    let columns = form.columns(series);
    let mut text = format!(
        "{} to {}: {} days, load {:.0} in total on {} training days. On {}, the {} ratio is {} (acute {}, chronic {}).",
        series.dates[range.start],
        series.dates[last],
        days,
        total,
        training,
        series.dates[last],
        form.label().to_lowercase(),
        number(columns.ratio[last], 2),
        number(columns.acute[last], 0),
        number(columns.chronic[last], 0),
    );
    text.push_str(" Each day's figures include that day's load; the next morning's recommendation reads them.");
    let above = columns.ratio[range.clone()]
        .iter()
        .flatten()
        .filter(|r| **r > RATIO_BAND.1)
        .count();
    if above > 0 {
        text.push_str(&format!(
            " The ratio was above {} on {above} days.",
            RATIO_BAND.1
        ));
    }
    if unobserved > 0 {
        text.push_str(&format!(
            " {unobserved} days have nothing recorded at all (shaded); they count as rest in the figures."
        ));
    }
    text
}

/// The fitness-fatigue-form chart's summary.
pub fn pmc_summary(
    series: &SeriesResponse,
    range: std::ops::Range<usize>,
    variant: PmcVariantChoice,
) -> String {
    let Some(pmc) = variant.series(series) else {
        return "No fitness and fatigue figures.".to_owned();
    };
    if range.is_empty() {
        return "No days to show.".to_owned();
    }
    let (first, last) = (range.start, range.end - 1);
    format!(
        "{} arithmetic. On {}: fitness (CTL) {:.1}, fatigue (ATL) {:.1}, form (TSB) {:.1}. Fitness {} by {:.1} since {}.",
        variant.label(),
        series.dates[last],
        pmc.ctl[last],
        pmc.atl[last],
        pmc.tsb[last],
        if pmc.ctl[last] >= pmc.ctl[first] { "rose" } else { "fell" },
        (pmc.ctl[last] - pmc.ctl[first]).abs(),
        series.dates[first],
    )
}

/// The readiness chart's summary.
pub fn readiness_summary(series: &SeriesResponse, range: std::ops::Range<usize>) -> String {
    if range.is_empty() {
        return "No days to show.".to_owned();
    }
    let count = |column: &[Option<f64>]| column[range.clone()].iter().flatten().count();
    let mean = |column: &[Option<f64>]| {
        let values: Vec<f64> = column[range.clone()].iter().flatten().copied().collect();
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    let hrv = count(&series.hrv_rmssd_ms);
    let mut text = format!(
        "Wellness entered on {} of {} days; mean sleep {} h, mean readiness {} of 10.",
        count(&series.readiness).max(count(&series.sleep_h)),
        range.len(),
        number(mean(&series.sleep_h), 1),
        number(mean(&series.readiness), 1),
    );
    if hrv == 0 {
        text.push_str(" No heart-rate variability was recorded in this period.");
    } else {
        text.push_str(&format!(" HRV recorded on {hrv} days."));
    }
    text
}

/// The day under the pointer, from its horizontal position in the plot area.
pub fn day_at(x: f64, plot_left: f64, plot_width: f64, days: usize) -> Option<usize> {
    if days == 0 || plot_width <= 0.0 || x < plot_left || x > plot_left + plot_width {
        return None;
    }
    let index = ((x - plot_left) / plot_width * days as f64).floor() as usize;
    Some(index.min(days - 1))
}

/// The series index a read-out shows: the pointed day within the window, or the
/// window's last day when nothing is pointed at.
pub fn day_index(window: std::ops::Range<usize>, day: Option<usize>) -> usize {
    match day {
        Some(day) => (window.start + day).min(window.end.saturating_sub(1)),
        None => window.end.saturating_sub(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use forma_core::types::parse_date;

    fn series(days: usize) -> SeriesResponse {
        let start = forma_core::types::epoch_day(parse_date("2024-01-01").expect("date"));
        SeriesResponse {
            dates: (0..days)
                .map(|i| forma_core::types::date_from_epoch_day(start + i as i32))
                .collect(),
            load: (0..days)
                .map(|i| if i % 2 == 0 { 100.0 } else { 0.0 })
                .collect(),
            observed: (0..days).map(|i| i % 5 != 0).collect(),
            acute_rac: vec![Some(50.0); days],
            chronic_rac: vec![Some(40.0); days],
            acwr_rac: vec![Some(1.25); days],
            ..SeriesResponse::default()
        }
    }

    #[test]
    fn ranges_show_the_last_days_and_never_more_than_there_are() {
        assert_eq!(DateRange::FourWeeks.indices(100), 72..100);
        assert_eq!(DateRange::OneYear.indices(100), 0..100);
        assert_eq!(DateRange::All.indices(3), 0..3);
        assert_eq!(DateRange::TwelveWeeks.indices(0), 0..0);
    }

    #[test]
    fn the_load_summary_states_totals_the_ratio_and_unobserved_days() {
        let s = series(28);
        let text = load_summary(&s, 0..28, RatioForm::Coupled);
        assert!(
            text.contains("28 days, load 1400 in total on 14 training days"),
            "{text}"
        );
        assert!(
            text.contains("ratio is 1.25 (acute 50, chronic 40)"),
            "{text}"
        );
        assert!(text.contains("6 days have nothing recorded"), "{text}");
    }

    #[test]
    fn the_pointer_maps_to_a_day_inside_the_plot_only() {
        assert_eq!(day_at(50.0, 0.0, 100.0, 10), Some(5));
        assert_eq!(day_at(100.0, 0.0, 100.0, 10), Some(9));
        assert_eq!(day_at(-1.0, 0.0, 100.0, 10), None);
        assert_eq!(day_at(10.0, 0.0, 100.0, 0), None);
    }

    #[test]
    fn a_read_out_shows_the_pointed_day_or_else_the_last_day_of_the_window() {
        assert_eq!(day_index(72..100, Some(3)), 75);
        assert_eq!(day_index(72..100, None), 99);
        assert_eq!(day_index(72..100, Some(40)), 99);
    }

    #[test]
    fn numbers_say_undefined_and_infinite_in_words_a_reader_sees() {
        assert_eq!(number(None, 2), "–");
        assert_eq!(number(Some(f64::INFINITY), 2), "∞");
        assert_eq!(number(Some(1.234), 2), "1.23");
    }
}
