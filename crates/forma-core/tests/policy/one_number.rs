//! One number for one fact: the load ratio the team page shows, the one today's
//! recommendation reads and the chart's value for the day before are the same
//! figure for every demo athlete, and each names the day of load it runs to.

use forma_core::api::{AthleteProfile, SeriesResponse};
use forma_core::overview;
use forma_core::policy::{recommend, PolicyData, PolicyOptions};
use forma_core::types::parse_date;

use crate::support::pmdata;

fn profile(id: &forma_core::types::AthleteId) -> AthleteProfile {
    AthleteProfile {
        id: id.clone(),
        team_id: "demo".to_owned(),
        name: id.to_string(),
        time_zone: "Europe/Oslo".to_owned(),
        sex: None,
        birth_year: None,
        sport: None,
        hr_max: None,
        hr_rest: None,
        data_version: 0,
    }
}

fn chart_ratio(series: &SeriesResponse, day: forma_core::types::Date) -> Option<f64> {
    let i = series.dates.iter().position(|d| *d == day)?;
    series.acwr_rac[i]
}

#[test]
fn the_team_page_the_recommendation_and_the_chart_show_one_ratio_for_every_demo_athlete() {
    let data = pmdata();
    let today = parse_date("2020-03-31").expect("the demo team's day");
    let yesterday = parse_date("2020-03-30").expect("date");
    let mut compared = 0;
    for id in &data.ids {
        let sessions: Vec<_> = data
            .sessions
            .iter()
            .filter(|s| s.athlete_id == *id)
            .cloned()
            .collect();
        let wellness: Vec<_> = data
            .wellness
            .iter()
            .filter(|w| w.athlete_id == *id)
            .cloned()
            .collect();
        let status = overview::status(&profile(id), &sessions, &wellness, today);
        let series = overview::series(id, &sessions, &wellness, None, Some(today));
        let Some(policy_data) = PolicyData::build(id, &sessions, &wellness, &[], today) else {
            assert_eq!(status.acwr, None, "{id}: no data, no ratio");
            continue;
        };
        let rec = recommend(&policy_data.input(today), &PolicyOptions::default());
        let figures = rec.figures.expect("every recommendation names its figures");

        assert_eq!(figures.load_through, yesterday, "{id}");
        assert_eq!(status.ratio_through, Some(yesterday), "{id}");
        assert_eq!(
            status.acwr, figures.ratio,
            "{id}: team page against recommendation"
        );
        assert_eq!(
            chart_ratio(&series, yesterday),
            figures.ratio,
            "{id}: the chart's value for the day before"
        );
        assert_eq!(
            figures.when(today),
            "morning of Tue 31 Mar 2020, from load up to Mon 30 Mar"
        );
        if figures.ratio.is_some() {
            compared += 1;
        }
    }
    assert_eq!(data.ids.len(), 16);
    // Ten demo athletes trained in the 28 days before the team's day; the rest have no ratio.
    assert_eq!(compared, 10, "athletes with a ratio to compare");
}
