//! The metrics CSV that `forma metrics` writes: one row per athlete and day in
//! the [`METRICS_HEADER`] layout.
//!
//! Written through [`CsvBytes`], Forma's own buffered writer, rather than the
//! `csv` crate that writes every other CSV: formatting is most of the cost of a
//! large metrics file. On the benchmark's 1,000 athletes x 3 years (1,094,131
//! rows, `cargo bench -p forma-core --bench metrics -- FILE` prints both), the
//! metrics and their CSV took a median 634 ms with this writer and 1,202 ms
//! with the `csv` crate and serde, on one core of a 2-core machine.

use jiff::civil::Date;

use super::DailyMetrics;
use crate::csv_text::CsvBytes;

impl DailyMetrics {
    /// Appends one CSV row per day in the [`METRICS_HEADER`] layout.
    pub fn write_csv_rows(&self, out: &mut Vec<u8>) {
        let (Some(id), Some(start)) = (&self.athlete_id, self.start) else {
            return;
        };
        let mut csv = CsvBytes::new(out);
        let first = crate::types::epoch_day(start);
        let mut date = DateText::default();
        for i in 0..self.len() {
            csv.text(id.as_str().as_bytes());
            csv.byte(b',');
            csv.text(date.next(|| crate::types::date_from_epoch_day(first + i as i32)));
            csv.numbers([
                Some(self.load[i]),
                self.acute_rac[i],
                self.chronic_rac[i],
                self.acwr_rac[i],
                self.chronic_rau[i],
                self.acwr_rau[i],
                self.acute_ewma[i],
                self.chronic_ewma[i],
                self.acwr_ewma[i],
                self.monotony[i],
                self.strain[i],
                self.week_change_pct[i],
                Some(self.ctl[i]),
                Some(self.atl[i]),
                Some(self.tsb[i]),
            ]);
            csv.text(if self.observed[i] {
                b",true\n"
            } else {
                b",false\n"
            });
        }
    }
}

/// The text of consecutive dates: from the day before's text while the month
/// cannot end (days 1 to 27), which saves a calendar conversion on most rows.
#[derive(Default)]
pub(super) struct DateText {
    /// `YYYY-MM-DD` of the last day, when it was written that way.
    plain: Option<[u8; 10]>,
    /// The last day's text otherwise.
    other: String,
}

impl DateText {
    /// The text of the day after the last one (of `date()` for the first).
    #[inline(always)]
    pub(super) fn next(&mut self, date: impl FnOnce() -> Date) -> &[u8] {
        let advanced = match &mut self.plain {
            Some([.., tens, ones]) if *tens < b'2' || (*tens == b'2' && *ones < b'8') => {
                if *ones == b'9' {
                    (*tens, *ones) = (*tens + 1, b'0');
                } else {
                    *ones += 1;
                }
                true
            }
            _ => false,
        };
        if !advanced {
            self.other.clear();
            write_date(&mut self.other, date());
            self.plain = self.other.as_bytes().try_into().ok();
        }
        match &self.plain {
            Some(text) => text,
            None => self.other.as_bytes(),
        }
    }
}

/// Appends `date` as `YYYY-MM-DD`, as its `Display` does, without the formatter.
fn write_date(out: &mut String, date: Date) {
    let Ok(year) = u16::try_from(date.year()) else {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, "{date}");
        return;
    };
    let digit = |n: u16| b'0' + (n % 10) as u8;
    let (month, day) = (date.month() as u16, date.day() as u16);
    let text = [
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(month / 10),
        digit(month),
        b'-',
        digit(day / 10),
        digit(day),
    ];
    out.push_str(std::str::from_utf8(&text).unwrap_or_default());
}

/// Header of the metrics CSV written by [`DailyMetrics::write_csv_rows`].
pub const METRICS_HEADER: &str = "athlete_id,date,load,acute_rac,chronic_rac,acwr_rac,chronic_rau,acwr_rau,acute_ewma,chronic_ewma,acwr_ewma,monotony,strain,week_change_pct,ctl,atl,tsb,observed";
