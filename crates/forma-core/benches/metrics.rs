//! How long forma-core takes over 1,000 athletes x 3 years: parsing the canonical
//! sessions CSV, building the daily series, the load metrics alone
//! ([`DailyMetrics::compute_into`], target < 100 ms), and what `forma metrics`
//! runs: the sessions read straight into series (on every core) and the metrics
//! CSV formatted.
//!
//! `cargo bench -p forma-core --bench metrics [-- sessions.csv]`. Without a file,
//! the same shape is generated in memory (1,000 athletes, 1,096 days, a session
//! on 80% of days). A benchmark rather than a test: a figure to read, not a
//! bound that fails on a busy machine.

use std::fmt::Write as _;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use forma_core::bounds::DateWindow;
use forma_core::canonical::BadRows;
use forma_core::metrics::{DailyMetrics, MetricsOptions};
use forma_core::pipeline::{build_series, read_inputs, read_series, CsvFile};
use forma_core::series::DailySeries;

const RUNS: usize = 10;
const ATHLETES: usize = 1_000;
const DAYS: usize = 3 * 365 + 1;
const TRAINING_SHARE: f64 = 0.8;

fn main() -> ExitCode {
    // `cargo bench` adds `--bench`; the first other argument is the file.
    let path = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let (source, text) = match &path {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => (path.clone(), text),
            Err(e) => {
                eprintln!("cannot read the sessions CSV {path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => ("synthetic, in memory".to_owned(), synthetic_sessions_csv()),
    };
    let rows = text.lines().count().saturating_sub(1);

    let sessions = CsvFile {
        name: &source,
        text: &text,
    };
    let (read_direct, _) =
        measure(|| read_series(sessions, None, BadRows::Fail, DateWindow::default(), None));
    let (parse, inputs) =
        measure(|| read_inputs(&text, None, BadRows::Fail, DateWindow::default()));
    let inputs = match inputs {
        Ok(inputs) => inputs,
        Err(e) => {
            eprintln!("{source}: {e}");
            return ExitCode::FAILURE;
        }
    };
    drop(text);
    let (series_time, series) = measure(|| build_series(&inputs, None));
    drop(inputs);
    let options = MetricsOptions::default();
    let mut metrics = DailyMetrics::default();
    let (compute, checksum) = measure(|| compute_all(&series, &options, &mut metrics));
    let mut csv = Vec::new();
    let (format, bytes) = measure(|| format_all(&series, &options, &mut metrics, &mut csv));
    let (format_serde, serde_bytes) =
        measure(|| format_all_with_csv_crate(&series, &options, &mut metrics, &mut csv));

    let days: usize = series.iter().map(DailySeries::len).sum();
    let longest = series.iter().map(DailySeries::len).max().unwrap_or(0);
    println!("forma-core metrics, best and median of {RUNS} runs: {source}");
    println!(
        "{} athletes, {days} athlete-days (longest {longest} days), {rows} session rows",
        series.len()
    );
    println!("parse sessions CSV:           {parse}");
    println!("build daily series:           {series_time}");
    println!("DailyMetrics::compute_into:   {compute} (target < 100 ms)");
    println!("read_series (forma metrics):  {read_direct}");
    println!("compute and format the CSV:   {format} ({bytes} bytes, one core)");
    println!("the same with csv and serde:  {format_serde} ({serde_bytes} bytes, one core)");
    println!("checksum (sum of last CTL):   {checksum:.6}");
    ExitCode::SUCCESS
}

/// The metrics of every athlete into one reused buffer; the sum of the last CTLs
/// keeps the work observable.
fn compute_all(series: &[DailySeries], options: &MetricsOptions, m: &mut DailyMetrics) -> f64 {
    let mut checksum = 0.0;
    for s in series {
        m.compute_into(black_box(s), options);
        checksum += m.ctl.last().copied().unwrap_or(0.0);
    }
    checksum
}

/// The metrics CSV rows of every athlete, one athlete at a time into `csv`, as
/// `forma metrics` formats them; the number of bytes.
fn format_all(
    series: &[DailySeries],
    options: &MetricsOptions,
    m: &mut DailyMetrics,
    csv: &mut Vec<u8>,
) -> usize {
    let mut bytes = 0;
    for s in series {
        m.compute_into(black_box(s), options);
        csv.clear();
        m.write_csv_rows(csv);
        bytes += csv.len();
    }
    bytes
}

/// One metrics row as serde sees it, for the `csv` crate's writer.
#[derive(serde::Serialize)]
struct MetricsRow<'a> {
    athlete_id: &'a str,
    date: jiff::civil::Date,
    numbers: [Option<f64>; 15],
    observed: bool,
}

/// As [`format_all`], written with the `csv` crate and serde instead of
/// `DailyMetrics::write_csv_rows`: what the hand-written writer is measured against.
fn format_all_with_csv_crate(
    series: &[DailySeries],
    options: &MetricsOptions,
    m: &mut DailyMetrics,
    csv: &mut Vec<u8>,
) -> usize {
    let mut bytes = 0;
    for s in series {
        m.compute_into(black_box(s), options);
        csv.clear();
        let (Some(id), Some(start)) = (&m.athlete_id, m.start) else {
            continue;
        };
        let mut writer = ::csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut *csv);
        for i in 0..m.len() {
            let row = MetricsRow {
                athlete_id: id.as_str(),
                date: start + jiff::Span::new().days(i as i64),
                numbers: [
                    Some(m.load[i]),
                    m.acute_rac[i],
                    m.chronic_rac[i],
                    m.acwr_rac[i],
                    m.chronic_rau[i],
                    m.acwr_rau[i],
                    m.acute_ewma[i],
                    m.chronic_ewma[i],
                    m.acwr_ewma[i],
                    m.monotony[i],
                    m.strain[i],
                    m.week_change_pct[i],
                    Some(m.ctl[i]),
                    Some(m.atl[i]),
                    Some(m.tsb[i]),
                ],
                observed: m.observed[i],
            };
            if let Err(e) = writer.serialize(row) {
                eprintln!("the csv crate could not write a row: {e}");
                return bytes;
            }
        }
        drop(writer);
        bytes += csv.len();
    }
    bytes
}

/// Best and median of [`RUNS`] runs.
struct Timing {
    best: Duration,
    median: Duration,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        write!(
            f,
            "best {:7.1} ms, median {:7.1} ms",
            ms(self.best),
            ms(self.median)
        )
    }
}

/// Runs `work` [`RUNS`] times and returns the timing and the last result. The
/// previous result is dropped before each run, outside the timed part.
fn measure<T>(mut work: impl FnMut() -> T) -> (Timing, T) {
    let mut times = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        drop(last.take());
        let started = Instant::now();
        let out = black_box(work());
        times.push(started.elapsed());
        last = Some(out);
    }
    times.sort();
    let timing = Timing {
        best: times[0],
        median: (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2,
    };
    (timing, last.expect("RUNS > 0"))
}

/// Canonical sessions CSV of the benchmark's shape: per athlete and day from
/// 2021-01-01, a session with probability [`TRAINING_SHARE`], minutes and RPE
/// drawn from typical values. Deterministic (SplitMix64, fixed seed).
fn synthetic_sessions_csv() -> String {
    const MINUTES: [u32; 8] = [20, 30, 45, 60, 60, 75, 90, 120];
    let mut random = SplitMix64(0x5eed_f0e4a);
    let first = jiff::civil::date(2021, 1, 1);
    let dates: Vec<String> = (0..DAYS)
        .scan(first, |day, _| {
            let today = *day;
            *day = day.tomorrow().expect("2021-2024 are valid dates");
            Some(today.to_string())
        })
        .collect();
    let mut csv = String::with_capacity(ATHLETES * DAYS * 45);
    csv.push_str("athlete_id,date,sport,duration_min,rpe,load,distance_km,avg_hr,source\n");
    for athlete in 0..ATHLETES {
        for date in &dates {
            if random.unit() < TRAINING_SHARE {
                let minutes = MINUTES[(random.next() % MINUTES.len() as u64) as usize];
                let rpe = 1 + random.next() % 10;
                writeln!(csv, "a{athlete:04},{date},running,{minutes},{rpe},,,,bench")
                    .expect("writing to a String cannot fail");
            }
        }
    }
    csv
}

/// A small deterministic generator (SplitMix64, Steele et al. 2014).
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}
