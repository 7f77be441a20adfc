//! Every PMData participant converts, and the totals match SOURCE.txt.

use forma_core::bounds::DateWindow;
use forma_core::canonical::{
    parse_events, parse_sessions, parse_wellness, write_events, write_sessions, write_wellness,
    BadRows,
};
use forma_core::metrics::MetricsOptions;
use forma_core::pipeline::{metrics_csv, quality_reports, InputOptions};
use forma_core::quality::{Check, QualityOptions};

use crate::pmdata;

#[test]
fn all_sixteen_participants_convert_with_totals_matching_the_dataset() {
    let all = pmdata();
    assert_eq!(all.len(), 16);
    let sessions: usize = all.iter().map(|(_, c)| c.sessions.len()).sum();
    let skipped_srpe: Vec<_> = all
        .iter()
        .flat_map(|(_, c)| &c.skipped)
        .filter(|e| e.file == "pmsys/srpe.csv")
        .collect();
    // SOURCE.txt: 783 sRPE rows; p16's rows without RPE or minutes are skipped.
    assert_eq!(sessions + skipped_srpe.len(), 783);
    assert!(
        skipped_srpe.iter().all(|e| e.value.is_empty()),
        "{skipped_srpe:?}"
    );
    assert!(sessions > 750, "{sessions}");
    let other_skips: Vec<_> = all
        .iter()
        .flat_map(|(_, c)| &c.skipped)
        .filter(|e| e.file != "pmsys/srpe.csv")
        .collect();
    assert!(other_skips.is_empty(), "{other_skips:?}");
    // 77 non-empty injury reports, some naming several body parts.
    let events: usize = all.iter().map(|(_, c)| c.events.len()).sum();
    assert!(events >= 77, "{events}");
    // Every wellness day is unique per athlete and within the study period.
    for (id, c) in &all {
        assert!(c.wellness.windows(2).all(|w| w[0].date < w[1].date), "{id}");
        for s in &c.sessions {
            assert!(s.date.year() == 2019 || s.date.year() == 2020, "{id} {s:?}");
            assert_eq!(s.load, s.rpe.unwrap() * s.duration_min.unwrap());
        }
    }
    let with_rhr = all
        .iter()
        .filter(|(_, c)| c.wellness.iter().any(|w| w.resting_hr.is_some()))
        .count();
    assert!(with_rhr >= 13, "{with_rhr}");
}

#[test]
fn converted_pmdata_round_trips_through_canonical_csv_and_runs_end_to_end() {
    let all = pmdata();
    let sessions: Vec<_> = all.iter().flat_map(|(_, c)| c.sessions.clone()).collect();
    let wellness: Vec<_> = all.iter().flat_map(|(_, c)| c.wellness.clone()).collect();
    let events: Vec<_> = all.iter().flat_map(|(_, c)| c.events.clone()).collect();
    let s_csv = write_sessions(&sessions);
    let w_csv = write_wellness(&wellness);
    assert_eq!(
        parse_sessions("s", &s_csv, BadRows::Fail, DateWindow::default())
            .unwrap()
            .records,
        sessions
    );
    assert_eq!(
        parse_wellness("w", &w_csv, BadRows::Fail, DateWindow::default())
            .unwrap()
            .records,
        wellness
    );
    assert_eq!(
        parse_events(
            "e",
            &write_events(&events),
            BadRows::Fail,
            DateWindow::default()
        )
        .unwrap()
        .records,
        events
    );

    let out = metrics_csv(
        &s_csv,
        Some(&w_csv),
        &MetricsOptions::default(),
        &InputOptions::default(),
    )
    .unwrap();
    let rows = out.csv.lines().count() - 1;
    assert!(rows > 16 * 100, "{rows}");
    let reports = quality_reports(
        &s_csv,
        Some(&w_csv),
        &QualityOptions::default(),
        &InputOptions::default(),
    )
    .unwrap();
    assert_eq!(reports.len(), 16);
    // PMData participants log sessions on only some days: breaks show up.
    assert!(reports
        .iter()
        .any(|r| r.findings.iter().any(|f| f.check == Check::LongBreak)));
}
