//! The team table's rows as plain data: what a row holds, how rows sort by a
//! column (also from the phone's list of choices) and how the filter picks them.

use forma_core::api::AthleteStatus;
use forma_core::overview::Attention;

/// One row of the table: the status and why it needs attention.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub status: AthleteStatus,
    pub attention: Attention,
}

/// The columns a coach can sort by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Attention,
    Name,
    Ratio,
    Form,
    Freshness,
}

/// Sorts rows by `key`; undefined values go last either way. Attention sorts most
/// urgent first; ties keep name order.
pub fn sort_rows(rows: &mut [Row], key: SortKey, descending: bool) {
    rows.sort_by(|a, b| a.status.athlete.name.cmp(&b.status.athlete.name));
    let number = |row: &Row| -> Option<f64> {
        match key {
            SortKey::Attention => Some(f64::from(row.attention.level)),
            SortKey::Ratio => row.status.acwr,
            SortKey::Form => row.status.form,
            SortKey::Freshness => row.status.days_since_data.map(|d| d as f64),
            SortKey::Name => None,
        }
    };
    if key == SortKey::Name {
        if descending {
            rows.reverse();
        }
        return;
    }
    rows.sort_by(|a, b| match (number(a), number(b)) {
        (Some(x), Some(y)) => {
            let order = x.total_cmp(&y);
            if descending {
                order.reverse()
            } else {
                order
            }
        }
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// Rows whose name contains `filter` (any case) and, when asked, that need attention.
pub fn filter_rows(rows: &[Row], filter: &str, attention_only: bool) -> Vec<Row> {
    let filter = filter.trim().to_lowercase();
    rows.iter()
        .filter(|row| {
            filter.is_empty()
                || row.status.athlete.name.to_lowercase().contains(&filter)
                || row.status.athlete.id.as_str().contains(&filter)
        })
        .filter(|row| !attention_only || row.attention.level > 0)
        .cloned()
        .collect()
}

/// The phone's sort choices, every column both ways: (value, label, sort).
pub const SORT_CHOICES: [(&str, &str, (SortKey, bool)); 10] = [
    ("attention", "Most urgent first", (SortKey::Attention, true)),
    (
        "attention-low",
        "Least urgent first",
        (SortKey::Attention, false),
    ),
    ("name", "Name, A to Z", (SortKey::Name, false)),
    ("name-desc", "Name, Z to A", (SortKey::Name, true)),
    ("ratio-high", "Highest load ratio", (SortKey::Ratio, true)),
    ("ratio-low", "Lowest load ratio", (SortKey::Ratio, false)),
    ("form-high", "Highest form", (SortKey::Form, true)),
    ("form-low", "Lowest form", (SortKey::Form, false)),
    ("stale", "Oldest data first", (SortKey::Freshness, true)),
    ("fresh", "Newest data first", (SortKey::Freshness, false)),
];

pub fn sort_choice(value: &str) -> Option<(SortKey, bool)> {
    SORT_CHOICES
        .iter()
        .find(|(v, _, _)| *v == value)
        .map(|(_, _, sort)| *sort)
}

pub fn sort_value(sort: (SortKey, bool)) -> &'static str {
    SORT_CHOICES
        .iter()
        .find(|(_, _, s)| *s == sort)
        .map_or("attention", |(v, _, _)| *v)
}
pub fn rows_needing(rows: &[Row]) -> usize {
    rows.iter().filter(|row| row.attention.level > 0).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use forma_core::api::{AthleteProfile, QualityCounts};

    fn row(name: &str, ratio: Option<f64>, level: u8) -> Row {
        Row {
            status: AthleteStatus {
                athlete: AthleteProfile {
                    id: name.to_lowercase().parse().expect("id"),
                    team_id: "t".to_owned(),
                    name: name.to_owned(),
                    time_zone: "UTC".to_owned(),
                    sex: None,
                    birth_year: None,
                    sport: None,
                    hr_max: None,
                    hr_rest: None,
                    data_version: 0,
                },
                as_of: forma_core::types::parse_date("2024-01-01").expect("date"),
                last_data: None,
                days_since_data: None,
                acwr: ratio,
                ratio_through: None,
                ratio_form: String::new(),
                form: None,
                fitness: None,
                hrv_status: None,
                readiness: None,
                quality: QualityCounts::default(),
                intentional_deload: false,
            },
            attention: Attention {
                level,
                reasons: Vec::new(),
            },
        }
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter()
            .map(|r| r.status.athlete.name.as_str())
            .collect()
    }

    #[test]
    fn the_most_urgent_come_first_and_ties_keep_name_order() {
        let mut rows = vec![
            row("Cleo", None, 0),
            row("Ada", None, 2),
            row("Bo", None, 2),
            row("Dan", None, 3),
        ];
        sort_rows(&mut rows, SortKey::Attention, true);
        assert_eq!(names(&rows), ["Dan", "Ada", "Bo", "Cleo"]);
    }

    #[test]
    fn undefined_ratios_sort_last_in_both_directions() {
        let mut rows = vec![
            row("A", None, 0),
            row("B", Some(1.4), 0),
            row("C", Some(0.9), 0),
        ];
        sort_rows(&mut rows, SortKey::Ratio, true);
        assert_eq!(names(&rows), ["B", "C", "A"]);
        sort_rows(&mut rows, SortKey::Ratio, false);
        assert_eq!(names(&rows), ["C", "B", "A"]);
    }

    #[test]
    fn every_column_can_be_sorted_both_ways_from_the_phone_list() {
        for key in [
            SortKey::Attention,
            SortKey::Name,
            SortKey::Ratio,
            SortKey::Form,
            SortKey::Freshness,
        ] {
            for descending in [true, false] {
                let value = sort_value((key, descending));
                assert_eq!(sort_choice(value), Some((key, descending)), "{value}");
            }
        }
        assert_eq!(sort_choice("sideways"), None);
    }

    #[test]
    fn the_filter_matches_names_and_can_keep_only_those_needing_a_look() {
        let rows = vec![
            row("Ada", None, 0),
            row("Adam", None, 1),
            row("Bo", None, 2),
        ];
        assert_eq!(names(&filter_rows(&rows, "ad", false)), ["Ada", "Adam"]);
        assert_eq!(names(&filter_rows(&rows, "", true)), ["Adam", "Bo"]);
    }
}
