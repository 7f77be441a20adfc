//! `forma metrics` and `forma quality`: canonical CSV in, the metrics CSV or the
//! data-quality report out.

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};

use clap::ValueEnum;
use forma_core::canonical::{self, BadRows, CsvError};
use forma_core::metrics::{DailyMetrics, Ddof, Decay, MetricsOptions, PmcVariant, METRICS_HEADER};
use forma_core::pipeline::{self, AthleteRows, CsvFile, Inputs};
use forma_core::quality::{self, QualityOptions};
use forma_core::types::parse_date;

use super::{emit, emit_with, read_text};

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum PmcArg {
    Trainingpeaks,
    Goldencheetah,
    Intervals,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DecayArg {
    Span,
    #[value(name = "half_life", alias = "half-life")]
    HalfLife,
}

#[derive(Debug, clap::Args)]
pub struct MetricsArgs {
    /// Canonical sessions CSV.
    #[arg(long)]
    pub sessions: PathBuf,
    /// Canonical wellness CSV (marks days as observed).
    #[arg(long)]
    pub wellness: Option<PathBuf>,
    /// Fitness, fatigue and form arithmetic to reproduce.
    #[arg(long, value_enum, default_value = "trainingpeaks")]
    pub pmc: PmcArg,
    /// Standard deviation in monotony: 1 = sample (default), 0 = population.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(0..=1))]
    pub monotony_ddof: u8,
    /// EWMA decay: span (lambda = 2/(N+1)) or half_life.
    #[arg(long, value_enum, default_value = "span")]
    pub decay: DecayArg,
    /// Write here instead of stdout (atomically: all or nothing).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Skip rows that cannot be read, and list them, instead of stopping.
    #[arg(long)]
    pub skip_bad: bool,
}

#[derive(Debug, clap::Args)]
pub struct QualityArgs {
    /// Canonical sessions CSV.
    #[arg(long)]
    pub sessions: PathBuf,
    /// Canonical wellness CSV.
    #[arg(long)]
    pub wellness: Option<PathBuf>,
    /// The day the report is for (YYYY-MM-DD); enables the stale-data check.
    #[arg(long)]
    pub as_of: Option<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Skip rows that cannot be read, and list them, instead of stopping.
    #[arg(long)]
    pub skip_bad: bool,
}

fn bad_rows(skip: bool) -> BadRows {
    if skip {
        BadRows::Skip
    } else {
        BadRows::Fail
    }
}

/// Reads the canonical files, naming each by the path the user gave in any error.
fn read_rows(
    sessions: &Path,
    wellness: Option<&Path>,
    bad: BadRows,
) -> anyhow::Result<AthleteRows> {
    let sessions_text = read_large_text(sessions)?;
    let wellness_text = wellness.map(read_text).transpose()?;
    let (sessions_name, wellness_name) = (
        sessions.display().to_string(),
        wellness.map(|path| path.display().to_string()),
    );
    let wellness = match (&wellness_name, &wellness_text) {
        (Some(name), Some(text)) => Some(CsvFile { name, text }),
        _ => None,
    };
    let sessions = CsvFile {
        name: &sessions_name,
        text: &sessions_text,
    };
    Ok(pipeline::read_athlete_rows(
        sessions,
        wellness,
        bad,
        crate::record_dates(),
        None,
    )?)
}

/// As [`read_text`], reading a large file a part per core: copying it is most of
/// the time. Anything unusual (a short read, a file that grew, text that is not
/// UTF-8) is left to [`read_text`], whose error names the file.
fn read_large_text(path: &Path) -> anyhow::Result<String> {
    read_in_parts(path).map_or_else(|| read_text(path), Ok)
}

#[cfg(unix)]
fn read_in_parts(path: &Path) -> Option<String> {
    use std::os::unix::fs::FileExt;
    /// Below this size one read is as fast.
    const MIN_BYTES: usize = 4 << 20;
    let file = std::fs::File::open(path).ok()?;
    let len = usize::try_from(file.metadata().ok()?.len()).ok()?;
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    if cores < 2 || len < MIN_BYTES {
        return None;
    }
    let mut bytes = vec![0; len];
    let per_core = len.div_ceil(cores);
    let file = &file;
    let read = |(k, part): (usize, &mut [u8])| file.read_exact_at(part, (k * per_core) as u64);
    let whole = std::thread::scope(|scope| {
        let mut parts = bytes.chunks_mut(per_core).enumerate();
        let first = parts.next();
        let others: Vec<_> = parts.map(|part| scope.spawn(move || read(part))).collect();
        let first = first.map(read);
        let others_read = others
            .into_iter()
            .all(|other| other.join().is_ok_and(|read| read.is_ok()));
        others_read && first.is_some_and(|read| read.is_ok())
    });
    let grown = file.read_at(&mut [0], len as u64).map_or(true, |n| n > 0);
    if !whole || grown {
        return None;
    }
    String::from_utf8(bytes).ok()
}

#[cfg(not(unix))]
fn read_in_parts(_path: &Path) -> Option<String> {
    None
}

/// Reads the canonical files, naming each by the path the user gave in any error.
fn read_inputs(sessions: &Path, wellness: Option<&Path>, bad: BadRows) -> anyhow::Result<Inputs> {
    let dates = crate::record_dates();
    let parsed = canonical::parse_sessions(
        &sessions.display().to_string(),
        &read_text(sessions)?,
        bad,
        dates,
    )?;
    let mut inputs = Inputs {
        sessions: parsed.records,
        wellness: Vec::new(),
        skipped: parsed.skipped,
    };
    if let Some(path) = wellness {
        let parsed =
            canonical::parse_wellness(&path.display().to_string(), &read_text(path)?, bad, dates)?;
        inputs.wellness = parsed.records;
        inputs.skipped.extend(parsed.skipped);
    }
    Ok(inputs)
}

fn report_skipped(skipped: &[CsvError]) {
    if !skipped.is_empty() {
        eprintln!(
            "forma: skipped {} row(s) that could not be read:",
            skipped.len()
        );
        for error in skipped {
            eprintln!("  {error}");
        }
    }
}

/// Runs `forma metrics`.
///
/// # Errors
/// An unreadable file, or a bad row (naming file, line, column, value and what is
/// accepted) unless `--skip-bad`.
pub fn metrics(args: &MetricsArgs) -> anyhow::Result<()> {
    let rows = read_rows(
        &args.sessions,
        args.wellness.as_deref(),
        bad_rows(args.skip_bad),
    )?;
    let options = MetricsOptions {
        pmc: match args.pmc {
            PmcArg::Trainingpeaks => PmcVariant::TrainingPeaks,
            PmcArg::Goldencheetah => PmcVariant::GoldenCheetah,
            PmcArg::Intervals => PmcVariant::Intervals,
        },
        ddof: if args.monotony_ddof == 0 {
            Ddof::Zero
        } else {
            Ddof::One
        },
        decay: match args.decay {
            DecayArg::Span => Decay::Span,
            DecayArg::HalfLife => Decay::HalfLife,
        },
        ..MetricsOptions::default()
    };
    report_skipped(&rows.skipped);
    emit_with(args.out.as_deref(), |out| {
        write_metrics(&rows, &options, out)
    })
}

/// Days of output one worker formats at a time: about a megabyte, so that the
/// writer starts early, the workers stay evenly busy and the buffers in flight
/// stay few and warm in the cache.
const CHUNK_DAYS: usize = 4_096;

/// Lays out, computes and formats the metrics CSV on every core, a chunk of
/// athletes at a time, and writes the chunks in order. Formatting numbers, not
/// the metrics, is most of the work.
fn write_metrics(
    rows: &AthleteRows,
    options: &MetricsOptions,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    out.write_all(METRICS_HEADER.as_bytes())?;
    out.write_all(b"\n")?;
    let mut chunks: Vec<Range<usize>> = Vec::new();
    let (mut first, mut days) = (0, 0);
    for i in 0..rows.len() {
        days += rows.days(i);
        if days >= CHUNK_DAYS || i + 1 == rows.len() {
            chunks.push(first..i + 1);
            (first, days) = (i + 1, 0);
        }
    }
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(chunks.len())
        .max(1);
    // A fixed set of buffers passes between workers and the writer: memory stays
    // bounded and no buffer is allocated (and faulted in) twice.
    let (free_tx, free_rx) = mpsc::channel::<Vec<u8>>();
    for _ in 0..2 * workers + 2 {
        free_tx.send(Vec::new())?;
    }
    let free_rx = Mutex::new(free_rx);
    let (done_tx, done_rx) = mpsc::channel::<(usize, Vec<u8>)>();
    let next_chunk = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let done_tx = done_tx.clone();
            let (free_rx, next_chunk, chunks) = (&free_rx, &next_chunk, &chunks);
            scope.spawn(move || {
                // One athlete's days and metrics at a time, in buffers reused
                // for the next.
                let mut series = None;
                let mut metrics = DailyMetrics::default();
                loop {
                    // Take a buffer before a chunk, so the chunk the writer
                    // waits for always has one.
                    let buffer = free_rx.lock().map(|free| free.recv());
                    let Ok(Ok(mut buffer)) = buffer else { break };
                    let k = next_chunk.fetch_add(1, Ordering::Relaxed);
                    let Some(chunk) = chunks.get(k) else { break };
                    buffer.clear();
                    for i in chunk.clone() {
                        if let Some(series) = rows.series_into(i, &mut series) {
                            metrics.compute_into(series, options);
                            metrics.write_csv_rows(&mut buffer);
                        }
                    }
                    if done_tx.send((k, buffer)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(done_tx);
        let mut waiting = BTreeMap::new();
        let mut wanted = 0;
        for (k, buffer) in done_rx {
            waiting.insert(k, buffer);
            while let Some(buffer) = waiting.remove(&wanted) {
                out.write_all(&buffer)?;
                wanted += 1;
                // The workers may all have finished; the buffer is then dropped.
                let _ = free_tx.send(buffer);
            }
        }
        drop(free_tx);
        anyhow::ensure!(
            wanted == chunks.len(),
            "a worker stopped before the metrics were written"
        );
        Ok(())
    })
}

/// Runs `forma quality`.
///
/// # Errors
/// As [`metrics`], or an invalid `--as-of` date.
pub fn quality(args: &QualityArgs) -> anyhow::Result<()> {
    let inputs = read_inputs(
        &args.sessions,
        args.wellness.as_deref(),
        bad_rows(args.skip_bad),
    )?;
    let report_date = args
        .as_of
        .as_deref()
        .map(parse_date)
        .transpose()
        .map_err(|error| anyhow::anyhow!("--as-of: {error}"))?;
    let options = QualityOptions {
        report_date,
        ..QualityOptions::default()
    };
    report_skipped(&inputs.skipped);
    let reports: Vec<_> = pipeline::build_series(&inputs, report_date)
        .iter()
        .map(|series| quality::check(series, &options))
        .collect();
    let text = if args.json {
        let mut json = quality::to_json(&reports)?;
        json.push('\n');
        json
    } else {
        quality::to_text(&reports)
    };
    emit(None, &text)
}
