use super::*;
use crate::api::SessionRecord;
use crate::targets::CoachLabel;
use crate::types::{AthleteId, Event};
use crate::types::{EventKind, Session};
use jiff::civil::date;

fn new_label(id: &str, day: &str, code: &str) -> NewLabel {
    NewLabel {
        id: id.to_owned(),
        date: day.to_owned(),
        end_date: None,
        session_id: None,
        code: code.to_owned(),
        note: None,
    }
}

fn stored(new: NewLabel, athlete: &str) -> Label {
    new.into_label(
        athlete.parse().expect("id"),
        "coach@demo.forma",
        "Demo Coach",
        "2020-02-01T08:00:00Z",
    )
    .expect("a valid label")
}

#[test]
fn every_code_has_a_name_a_definition_and_a_number_key_that_picks_it() {
    let keys: String = LabelCode::ALL.iter().map(|c| c.shortcut()).collect();
    assert_eq!(keys, "1234567890");
    for code in LabelCode::ALL {
        assert_eq!(LabelCode::from_shortcut(code.shortcut()), Some(code));
        assert_eq!(code.as_str().parse::<LabelCode>(), Ok(code));
        assert!(code.definition().len() > 20, "{code} has a definition");
        let json = serde_json::to_string(&code).expect("serialise");
        assert_eq!(json, format!("\"{}\"", code.as_str()));
    }
    assert_eq!(LabelCode::from_shortcut('x'), None);
}

#[test]
fn injury_and_illness_are_the_codes_the_model_reads_as_reports() {
    for code in LabelCode::ALL {
        let coach = CoachLabel {
            athlete_id: "a".parse().expect("id"),
            date: date(2020, 1, 1),
            code: code.as_str().to_owned(),
        };
        assert_eq!(coach.is_adverse(), code.is_adverse(), "{code}");
    }
}

#[test]
fn a_new_label_names_the_field_it_cannot_accept() {
    let cases = [
        (
            NewLabel {
                id: "short".into(),
                ..new_label("x", "2020-01-01", "fatigue")
            },
            "id",
        ),
        (new_label("label-0001", "2020-02-30", "fatigue"), "date"),
        (new_label("label-0001", "2020-01-01", "sore"), "code"),
        (new_label("label-0001", "2020-01-01", "other"), "note"),
        (
            NewLabel {
                end_date: Some("2019-12-31".into()),
                ..new_label("label-0001", "2020-01-01", "travel")
            },
            "end_date",
        ),
        (
            NewLabel {
                end_date: Some("2020-05-01".into()),
                ..new_label("label-0001", "2020-01-01", "travel")
            },
            "end_date",
        ),
        (
            NewLabel {
                end_date: Some("2020-13-01".into()),
                ..new_label("label-0001", "2020-01-01", "travel")
            },
            "end_date",
        ),
        (
            NewLabel {
                end_date: Some("2020-01-03".into()),
                session_id: Some("session-0001".into()),
                ..new_label("label-0001", "2020-01-01", "fatigue")
            },
            "end_date",
        ),
        (
            NewLabel {
                session_id: Some("no spaces please".into()),
                ..new_label("label-0001", "2020-01-01", "fatigue")
            },
            "session_id",
        ),
        (
            NewLabel {
                note: Some("x".repeat(501)),
                ..new_label("label-0001", "2020-01-01", "fatigue")
            },
            "note",
        ),
    ];
    for (label, field) in cases {
        let error = label.check().expect_err(field);
        assert_eq!(error.field, field, "{error}");
    }
}

#[test]
fn an_end_on_the_start_day_is_one_day_and_blank_cells_are_empty() {
    let label = NewLabel {
        end_date: Some("2020-01-01".into()),
        session_id: Some("  ".into()),
        note: Some("  ".into()),
        ..new_label("label-0001", "2020-01-01", "fatigue")
    };
    let checked = label.check().expect("valid");
    assert_eq!(
        (checked.end_date, checked.session_id, checked.note),
        (None, None, None)
    );
    let other = NewLabel {
        note: Some(" moved house ".into()),
        ..new_label("label-0001", "2020-01-01", "other")
    };
    assert_eq!(
        other.check().expect("valid").note.as_deref(),
        Some("moved house")
    );
}

fn sample_labels() -> Vec<Label> {
    vec![
        stored(
            NewLabel {
                end_date: Some("2020-01-08".into()),
                note: Some("Camp in \"Spain\", by bus\nand plane".into()),
                ..new_label("label-range", "2020-01-06", "travel")
            },
            "p03",
        ),
        stored(
            NewLabel {
                session_id: Some("0123456789abcdef".into()),
                ..new_label("label-session", "2020-01-07", "device_or_data_issue")
            },
            "p03",
        ),
        stored(new_label("label-day", "2020-01-02", "illness"), "p01"),
    ]
}

#[test]
fn the_file_round_trips_in_both_layouts_with_ranges_sessions_and_awkward_notes() {
    let labels = sample_labels();
    for format in [LabelFormat::Csv, LabelFormat::Jsonl] {
        let text = write_labels(&labels, format);
        let mut back = read_labels("labels", &text, format).expect("reads back");
        back.sort_by(|a, b| a.id.cmp(&b.id));
        let mut expected = labels.clone();
        for label in &mut expected {
            // The file carries the author's email, not their display name.
            label.author_name = label.author.clone();
        }
        expected.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(back, expected, "{format:?}");
        assert_eq!(
            write_labels(&back, format),
            text,
            "{format:?} writes the same again"
        );
    }
    let csv = write_labels(&labels, LabelFormat::Csv);
    assert_eq!(csv.lines().next(), Some(LABELS_HEADER));
    // p01's day, then p03's range (3 rows) with the session label among them.
    let rows = crate::csv_text::records(&csv);
    let ids: Vec<&str> = rows[1..].iter().map(|r| r.cells[8].as_str()).collect();
    assert_eq!(
        ids,
        [
            "label-day",
            "label-range",
            "label-range",
            "label-session",
            "label-range"
        ]
    );
}

#[test]
fn labels_taken_back_are_not_exported() {
    let mut labels = sample_labels();
    labels[2].deleted_at = Some("2020-02-02T00:00:00Z".into());
    let csv = write_labels(&labels, LabelFormat::Csv);
    assert!(!csv.contains("label-day"));
}

#[test]
fn reading_errors_name_the_line_column_and_value() {
    let head = "athlete_id,date,code,vocabulary_version,author,created_at,label_id\n";
    let cases = [
        ("athlete_id,date,code\n", 1, "vocabulary_version"),
        (
            &*format!("{head}p01,2020-01-01,fatigue,forma-labels-9,c@x,2020-01-01T00:00:00Z,label-0001\n"),
            2,
            "vocabulary_version",
        ),
        (
            &*format!("{head}p01,2020-01-01,fatigue,forma-labels-1,c@x,yesterday,label-0001\n"),
            2,
            "created_at",
        ),
        (
            &*format!("{head}p01,2020-01-01,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z,label-0001\np02,2020-01-02,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z,label-0001\n"),
            3,
            "athlete_id",
        ),
        (
            &*format!("{head}p01,2020-01-01,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z,label-0001\np01,2020-01-04,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z,label-0001\n"),
            3,
            "date",
        ),
        (&*format!("{head}p01,2020-01-01,fatigue,forma-labels-1,,2020-01-01T00:00:00Z,x\n"), 2, "author"),
        (&*format!("{head}p 01,2020-01-01,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z,label-0001\n"), 2, "athlete_id"),
    ];
    for (text, line, column) in cases {
        let error = read_labels("labels.csv", text, LabelFormat::Csv).expect_err(column);
        assert_eq!(
            (error.line, error.column.as_str()),
            (line, column),
            "{error}"
        );
    }
    let jsonl = "{\"athlete_id\":\"p01\",\"date\":\"2020-01-01\",\"code\":\"fatigue\"}\nnot json\n";
    let error = read_labels("labels.jsonl", jsonl, LabelFormat::Jsonl).expect_err("missing keys");
    assert_eq!(
        (error.line, error.column.as_str()),
        (1, "vocabulary_version")
    );
    let error = read_labels(
        "labels.jsonl",
        &jsonl[jsonl.find('\n').expect("newline") + 1..],
        LabelFormat::Jsonl,
    )
    .expect_err("not JSON");
    assert_eq!((error.line, error.column.as_str()), (1, "(line)"));
    let number = "{\"athlete_id\":\"p01\",\"date\":20200101}";
    let error = read_labels("labels.jsonl", number, LabelFormat::Jsonl).expect_err("a number");
    assert_eq!(
        (error.column.as_str(), error.value.as_str()),
        ("date", "20200101")
    );
}

#[test]
fn a_file_without_label_ids_gets_stable_ids_and_reads_a_repeated_row_once() {
    let text = "athlete_id,date,code,vocabulary_version,author,created_at\n\
                p01,2020-01-01,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z\n\
                p01,2020-01-01,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z\n\
                p01,2020-01-02,fatigue,forma-labels-1,c@x,2020-01-01T00:00:00Z\n";
    let first = read_labels("a.csv", text, LabelFormat::Csv).expect("reads");
    let again = read_labels("a.csv", text, LabelFormat::Csv).expect("reads");
    assert_eq!(first.len(), 2);
    assert_eq!(first, again);
    assert!(first
        .iter()
        .all(|l| l.id.starts_with("imported-") && l.end_date.is_none()));
}

#[test]
fn a_deload_touching_the_last_seven_days_explains_a_low_ratio() {
    let deload = stored(
        new_label("label-0001", "2020-03-25", "intentional_deload"),
        "p01",
    );
    assert!(deload_in_window(
        std::slice::from_ref(&deload),
        date(2020, 3, 25)
    ));
    assert!(deload_in_window(
        std::slice::from_ref(&deload),
        date(2020, 3, 31)
    ));
    assert!(!deload_in_window(
        std::slice::from_ref(&deload),
        date(2020, 4, 1)
    ));
    assert!(!deload_in_window(
        std::slice::from_ref(&deload),
        date(2020, 3, 24)
    ));
    let mut undone = deload.clone();
    undone.deleted_at = Some("2020-03-26T00:00:00Z".into());
    assert!(!deload_in_window(&[undone], date(2020, 3, 25)));
    let travel = stored(new_label("label-0002", "2020-03-25", "travel"), "p01");
    assert!(!deload_in_window(&[travel], date(2020, 3, 25)));
}

#[test]
fn device_issues_mark_their_days_unreliable() {
    let issue = stored(
        NewLabel {
            end_date: Some("2020-01-03".into()),
            ..new_label("label-0001", "2020-01-02", "device_or_data_issue")
        },
        "p01",
    );
    let days: Vec<Date> = (1..=4).map(|d| date(2020, 1, d)).collect();
    assert_eq!(unreliable_days(&[issue], &days), [false, true, true, false]);
}

#[test]
fn a_series_is_marked_only_where_a_standing_device_issue_covers_its_days() {
    let issue = stored(
        NewLabel {
            end_date: Some("2020-01-03".into()),
            ..new_label("label-0001", "2020-01-02", "device_or_data_issue")
        },
        "p01",
    );
    let mut series = crate::api::SeriesResponse {
        dates: (1..=4).map(|d| date(2020, 1, d)).collect(),
        ..crate::api::SeriesResponse::default()
    };
    series.mark_unreliable(std::slice::from_ref(&issue));
    assert_eq!(series.unreliable, [false, true, true, false]);
    let travel = stored(new_label("label-0002", "2020-01-02", "travel"), "p01");
    series.mark_unreliable(&[travel]);
    assert!(series.unreliable.is_empty());
    let mut taken_back = issue.clone();
    taken_back.deleted_at = Some("2020-01-05T00:00:00Z".into());
    series.mark_unreliable(&[taken_back]);
    assert!(series.unreliable.is_empty());
    let mut later = crate::api::SeriesResponse {
        dates: vec![date(2020, 2, 1)],
        ..crate::api::SeriesResponse::default()
    };
    later.mark_unreliable(&[issue]);
    assert!(later.unreliable.is_empty());
}

fn session(id: &str, day: Date, load: f64, rpe: Option<f64>, hr: Option<f64>) -> SessionRecord {
    SessionRecord {
        id: id.to_owned(),
        session: Session {
            athlete_id: "p01".parse().expect("id"),
            date: day,
            sport: None,
            duration_min: None,
            rpe,
            load,
            distance_km: None,
            avg_hr: hr,
            source: None,
        },
    }
}

fn day(n: i32) -> Date {
    date_from_epoch_day(epoch_day(date(2020, 1, 1)) + n)
}

fn queue_of(
    sessions: &[SessionRecord],
    events: &[Event],
    labels: &[Label],
    as_of: Date,
) -> Vec<QueueItem> {
    let athlete: AthleteId = "p01".parse().expect("id");
    let mut items = athlete_queue(&QueueInput {
        athlete: &athlete,
        athlete_name: "Participant P01",
        as_of,
        sessions,
        events,
        planned_days: &[day(60), day(61), day(90)],
        overrides: &[Override {
            date: day(55),
            action: "reduce_intensity".into(),
            chosen: "maintain".into(),
            reason_code: Some("athlete_feels_fine".into()),
            note: None,
        }],
        labels,
    });
    rank(&mut items);
    items
}

/// 70 days of steady load 300 with gentle variation, a spike on day 40, a week of
/// almost nothing from day 50, an RPE that disagrees with the heart rate on day 45,
/// and nothing from day 61 on.
fn history() -> Vec<SessionRecord> {
    (0..61)
        .map(|i| {
            let load = match i {
                40 => 1500.0,
                50..=56 => 20.0,
                _ => 300.0 + f64::from(i % 3) * 20.0,
            };
            let (rpe, hr) = match i {
                45 => (9.0, 120.0),
                _ => (5.0 + f64::from(i % 3), 140.0 + f64::from(i % 3) * 8.0),
            };
            session(
                &format!("session-{i:04}"),
                day(i),
                load,
                Some(rpe),
                Some(hr),
            )
        })
        .collect()
}

fn event(n: i32, kind: EventKind) -> Event {
    Event {
        athlete_id: "p01".parse().expect("id"),
        date: day(n),
        kind,
        severity: None,
        body_part: None,
        days_lost: None,
        closed_on: None,
    }
}

#[test]
fn the_queue_finds_every_kind_of_item_and_puts_the_most_needed_first() {
    let events = [
        event(30, EventKind::Injury),
        event(33, EventKind::Injury),
        event(34, EventKind::Illness),
    ];
    let items = queue_of(&history(), &events, &[], day(70));
    let kinds: Vec<QueueKind> = items.iter().map(|i| i.kind).collect();
    let find = |kind| {
        items
            .iter()
            .find(|i| i.kind == kind)
            .unwrap_or_else(|| panic!("{kind:?} in {kinds:?}"))
    };

    assert_eq!(kinds[0], QueueKind::OverriddenRecommendation);
    assert_eq!(find(QueueKind::OverriddenRecommendation).date, day(55));
    let missed: Vec<Date> = items
        .iter()
        .filter(|i| i.kind == QueueKind::MissedPlannedSession)
        .map(|i| i.date)
        .collect();
    assert_eq!(
        missed,
        [day(61)],
        "day 60 had a session; day 90 is after as_of"
    );
    let episode = find(QueueKind::UnlabelledEvent);
    assert_eq!((episode.date, episode.end_date), (day(30), Some(day(34))));
    assert_eq!(
        episode.reason,
        format!(
            "2 injury and 1 illness report(s) from {} to {}: what happened?",
            day(30),
            day(34)
        )
    );
    let mismatch = find(QueueKind::RpeHeartRateMismatch);
    assert_eq!(mismatch.session_id.as_deref(), Some("session-0045"));
    assert!(
        mismatch.reason.contains("RPE 9 (high for them)"),
        "{}",
        mismatch.reason
    );
    let spike = find(QueueKind::UnusualLoad);
    assert_eq!(spike.date, day(40));
    let lows: Vec<&QueueItem> = items
        .iter()
        .filter(|i| i.kind == QueueKind::LowLoad)
        .collect();
    assert!(
        lows.iter()
            .any(|i| i.date <= day(56) && i.end_date.is_some_and(|end| end >= day(54))),
        "{lows:?}"
    );
    assert_eq!(
        items
            .iter()
            .filter(|i| i.kind == QueueKind::UnusualLoad)
            .count(),
        1
    );
    for pair in items.windows(2) {
        assert!(pair[0].priority >= pair[1].priority, "ranked by priority");
    }
    let keys: BTreeSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
    assert_eq!(keys.len(), items.len(), "keys are unique");
}

#[test]
fn labelled_items_carry_their_labels_and_go_after_the_unlabelled() {
    let mut by_other = stored(new_label("label-0002", "2020-02-10", "fatigue"), "p01");
    by_other.author = "other@demo.forma".into();
    let labels = [
        stored(new_label("label-0001", "2020-02-10", "travel"), "p01"), // the spike, day 40
        by_other,
        stored(
            NewLabel {
                end_date: Some(day(34).to_string()),
                ..new_label("label-0003", &day(32).to_string(), "injury")
            },
            "p01",
        ),
    ];
    assert_eq!(day(40), date(2020, 2, 10));
    let items = queue_of(
        &history(),
        &[event(30, EventKind::Injury), event(33, EventKind::Injury)],
        &labels,
        day(70),
    );
    let labelled: Vec<&QueueItem> = items.iter().filter(|i| !i.labels.is_empty()).collect();
    assert_eq!(labelled.len(), 2, "the spike and the episode");
    let spike = labelled
        .iter()
        .find(|i| i.kind == QueueKind::UnusualLoad)
        .expect("spike");
    let authors: Vec<&str> = spike.labels.iter().map(|l| l.author.as_str()).collect();
    assert_eq!(
        authors,
        ["coach@demo.forma", "other@demo.forma"],
        "both coaches' labels are kept"
    );
    let first_labelled = items
        .iter()
        .position(|i| !i.labels.is_empty())
        .expect("some");
    assert!(
        items[first_labelled..].iter().all(|i| !i.labels.is_empty()),
        "unlabelled first"
    );
}

#[test]
fn the_queue_reads_nothing_after_its_day() {
    let items = queue_of(&history(), &[event(65, EventKind::Illness)], &[], day(45));
    assert!(
        items.iter().all(|i| i.last_day_for_test() <= day(45)),
        "{items:?}"
    );
    assert!(!items
        .iter()
        .any(|i| i.kind == QueueKind::OverriddenRecommendation));
}

impl QueueItem {
    fn last_day_for_test(&self) -> Date {
        self.end_date.unwrap_or(self.date)
    }
}

#[test]
fn a_queue_item_makes_the_label_for_its_day_range_or_session() {
    let items = queue_of(
        &history(),
        &[event(30, EventKind::Injury), event(33, EventKind::Injury)],
        &[],
        day(70),
    );
    for item in &items {
        let label = item.new_label("label-0009".into(), LabelCode::Fatigue, None);
        let checked = label.check().expect("a valid label");
        assert_eq!(
            (checked.date, checked.end_date, checked.session_id.clone()),
            (item.date, item.end_date, item.session_id.clone())
        );
    }
}

#[test]
fn a_range_label_previews_exactly_the_other_items_it_will_show_on() {
    let events = [event(30, EventKind::Injury), event(33, EventKind::Injury)];
    let items = queue_of(&history(), &events, &[], day(70));
    let mut ranges_with_others = 0;
    for (index, item) in items.iter().enumerate() {
        let preview: Vec<&str> = also_labelled(&items, index)
            .into_iter()
            .map(|i| items[i].key.as_str())
            .collect();
        assert!(!preview.contains(&item.key.as_str()), "not the item itself");
        // What the queue shows once the label is stored.
        let label = stored(
            item.new_label(format!("label-{index:04}"), LabelCode::Travel, None),
            "p01",
        );
        let after = queue_of(&history(), &events, std::slice::from_ref(&label), day(70));
        let mut shown: Vec<&str> = after
            .iter()
            .filter(|i| i.key != item.key && i.labels.iter().any(|l| l.id == label.id))
            .map(|i| i.key.as_str())
            .collect();
        let mut expected = preview.clone();
        shown.sort_unstable();
        expected.sort_unstable();
        assert_eq!(shown, expected, "{}", item.key);
        if item.end_date.is_some() && !preview.is_empty() {
            ranges_with_others += 1;
        }
    }
    assert!(ranges_with_others > 0, "some range covers other items");
}

#[test]
fn a_session_label_covers_only_its_session_and_another_athlete_is_never_covered() {
    let items = queue_of(&history(), &[], &[], day(70));
    let session = items
        .iter()
        .position(|i| i.session_id.is_some())
        .expect("a session item");
    assert!(also_labelled(&items, session).iter().all(
        |&i| items[i].session_id.is_none() || items[i].session_id == items[session].session_id
    ));
    let mut other = items[session].clone();
    other.athlete_id = "p02".parse().expect("id");
    other.key = "other".into();
    let mut with_other = items.clone();
    with_other.push(other);
    let range = with_other
        .iter()
        .position(|i| i.end_date.is_some())
        .expect("a range item");
    assert!(also_labelled(&with_other, range)
        .iter()
        .all(|&i| with_other[i].athlete_id.as_str() == "p01"));
    assert!(also_labelled(&items, items.len()).is_empty());
}
