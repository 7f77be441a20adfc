//! What the native build and the browser build must compute bit for bit, shared
//! by `tests/real_data` (native) and `tests/wasm.rs` (wasm32 in a browser).
//!
//! The 16 PMData participants are embedded at compile time from `shared/data`
//! beside the project (the repository holds no copy). Both builds assert the same
//! constants, so if they ever disagree one of them fails. The constants are what
//! the native build produced; after a deliberate change to a computation, the
//! failing assertion prints the replacement.

use forma_core::banister::BanisterParams;
use forma_core::metrics::{DailyMetrics, MetricsOptions};
use forma_core::pipeline::{build_series, metrics_csv_from_series, Inputs};
use forma_core::pmdata::{convert_participant, norway, Converted, ParticipantFiles};
use forma_core::readiness::{hrv_status, readiness, HrvOptions, WellnessColumns};
use forma_core::series::DailySeries;
use forma_core::types::AthleteId;

macro_rules! pmdata_file {
    (yes, $p:literal, $path:literal) => {
        Some(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/pmdata/",
            $p,
            "/",
            $path
        )))
    };
    (no, $p:literal, $path:literal) => {
        None
    };
}

macro_rules! participant {
    ($p:literal, injury: $injury:ident, resting_hr: $rhr:ident) => {
        (
            $p,
            ParticipantFiles {
                srpe_csv: pmdata_file!(yes, $p, "pmsys/srpe.csv"),
                wellness_csv: pmdata_file!(yes, $p, "pmsys/wellness.csv"),
                injury_csv: pmdata_file!($injury, $p, "pmsys/injury.csv"),
                resting_heart_rate_json: pmdata_file!($rhr, $p, "fitbit/resting_heart_rate.json"),
            },
        )
    };
}

/// Every participant's files as PMData has them: p08 has no injury report, p12
/// and p13 no resting heart rate. (The native test checks this against the folder.)
const PARTICIPANTS: [(&str, ParticipantFiles<'static>); 16] = [
    participant!("p01", injury: yes, resting_hr: yes),
    participant!("p02", injury: yes, resting_hr: yes),
    participant!("p03", injury: yes, resting_hr: yes),
    participant!("p04", injury: yes, resting_hr: yes),
    participant!("p05", injury: yes, resting_hr: yes),
    participant!("p06", injury: yes, resting_hr: yes),
    participant!("p07", injury: yes, resting_hr: yes),
    participant!("p08", injury: no, resting_hr: yes),
    participant!("p09", injury: yes, resting_hr: yes),
    participant!("p10", injury: yes, resting_hr: yes),
    participant!("p11", injury: yes, resting_hr: yes),
    participant!("p12", injury: yes, resting_hr: no),
    participant!("p13", injury: yes, resting_hr: no),
    participant!("p14", injury: yes, resting_hr: yes),
    participant!("p15", injury: yes, resting_hr: yes),
    participant!("p16", injury: yes, resting_hr: yes),
];

/// FNV-1a, 64 bits (Fowler, Noll, Vo): enough to notice any changed byte.
pub struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv1a {
    pub fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    pub fn finish(&self) -> u64 {
        self.0
    }
}

/// The embedded participants, converted as the native tests convert the files.
pub fn converted() -> Vec<(AthleteId, Converted)> {
    PARTICIPANTS
        .iter()
        .map(|(id, files)| {
            let id: AthleteId = id.parse().expect("a valid participant id");
            let converted =
                convert_participant(&id, files, &norway()).unwrap_or_else(|e| panic!("{id}: {e}"));
            (id, converted)
        })
        .collect()
}

/// Every participant's daily series, sessions and wellness together.
fn series(all: &[(AthleteId, Converted)]) -> Vec<DailySeries> {
    let inputs = Inputs {
        sessions: all.iter().flat_map(|(_, c)| c.sessions.clone()).collect(),
        wellness: all.iter().flat_map(|(_, c)| c.wellness.clone()).collect(),
        skipped: Vec::new(),
    };
    build_series(&inputs, None)
}

/// Clarke & Skiba's (2013) fit of `bike_score`, applied to every athlete's load.
const BANISTER: BanisterParams = BanisterParams {
    p0: 262.0,
    k1: 0.18,
    tau1: 36.0,
    k2: 0.23,
    tau2: 21.0,
};

/// The whole metrics CSV of the 16 participants: its length and hash.
const METRICS_CSV_BYTES: usize = 475_091;
const METRICS_CSV_FNV1A: u64 = 0x830459a4983d2c09;

/// The metrics CSV is byte for byte the native one.
pub fn check_metrics_csv() {
    let csv = metrics_csv_from_series(&series(&converted()), &MetricsOptions::default());
    let mut hash = Fnv1a::default();
    hash.write(csv.as_bytes());
    assert_eq!(
        (csv.len(), hash.finish()),
        (METRICS_CSV_BYTES, METRICS_CSV_FNV1A),
        "metrics CSV (bytes, FNV-1a); actual hash {:#018x}",
        hash.finish()
    );
}

/// Each participant's last day: CTL, EWMA ACWR and Banister performance, as
/// `f64::to_bits` (p16's sRPE rows all lack RPE or minutes: no load at all).
type LastDay = (&'static str, u64, Option<u64>, u64);

#[rustfmt::skip]
const LAST_DAYS: [LastDay; 16] = [
    ("p01", 0x4047ceadc8dfa9ec, Some(0x3f99ec5d2890f72e), 0x4078d87274bb82c6),
    ("p02", 0x4066a20344502371, Some(0x3fe154140225a711), 0x40825ed6fa8997fd),
    ("p03", 0x3fec3444766aa65e, Some(0x3e3b7c92a4e0e7df), 0x40709c7ee8ca090f),
    ("p04", 0x4065c9594b2aa26b, Some(0x3ff11fcf173be77b), 0x407c1105763d2668),
    ("p05", 0x4015d8ed0ebd1599, Some(0x3f144b517a1c94d7), 0x4071b712c7754ad0),
    ("p06", 0x4047bec187f0dc4a, Some(0x3ff3b20464fc75f7), 0x4074c343b00bc6c2),
    ("p07", 0x4068eabbf00fbc9a, Some(0x3fe2e51a50bdc91b), 0x40863755327704d1),
    ("p08", 0x40767910cae213ad, Some(0x3ff1eb94177fd75e), 0x4085a9b0b4849db2),
    ("p09", 0x400ef4eb633fb634, Some(0x3e78e6a7155b14bd), 0x407162ffbbb5aef0),
    ("p10", 0x404beaf732a6aaec, Some(0x3fcfd957c6af92d0), 0x4076fe13f9b0f238),
    ("p11", 0x405435ce14d8030b, Some(0x3fb66f9bb58debfb), 0x407a147edef294b2),
    ("p12", 0x4058a68a36bdd6a1, Some(0x3fee8b263fefb3e3), 0x4080123bdc23ac05),
    ("p13", 0x4031ed4951c22e12, Some(0x3fdf75da2f23f913), 0x4071bd99d5e4019f),
    ("p14", 0x406031c324eaeb4a, Some(0x3fed92e07fb05f35), 0x407b17fc9eda8774),
    ("p15", 0x40781c56d2fe04bb, Some(0x3fe4d5f2237eaf48), 0x408e4ab6457257ac),
    ("p16", 0x0000000000000000, None, 0x4070600000000000),
];

/// Each participant's last CTL, EWMA ACWR and Banister performance are bit for
/// bit the native ones.
pub fn check_last_days() {
    let options = MetricsOptions::default();
    let mut metrics = DailyMetrics::default();
    let actual: Vec<LastDay> = series(&converted())
        .iter()
        .zip(PARTICIPANTS.map(|(id, _)| id))
        .map(|(s, athlete)| {
            assert_eq!(s.athlete_id.as_str(), athlete);
            metrics.compute_into(s, &options);
            let last = s.len() - 1;
            let performance = BANISTER.predict(&s.load)[last];
            (
                athlete,
                metrics.ctl[last].to_bits(),
                metrics.acwr_ewma[last].map(f64::to_bits),
                performance.to_bits(),
            )
        })
        .collect();
    let show = |days: &[LastDay]| -> String {
        days.iter()
            .map(|(athlete, ctl, acwr, performance)| {
                let acwr = acwr.map_or("None".to_owned(), |b| format!("Some({b:#018x})"));
                format!("    ({athlete:?}, {ctl:#018x}, {acwr}, {performance:#018x}),\n")
            })
            .collect()
    };
    assert!(
        actual == LAST_DAYS,
        "last days (athlete, ctl, acwr_ewma, performance) differ; expected\n{}actual\n{}",
        show(&LAST_DAYS),
        show(&actual)
    );
}

/// Every participant's Banister prediction, every day, and their readiness
/// (resting heart rate and wellness against baselines) as JSON. The readiness value
/// depends on reading PMData's resting heart rates exactly: serde_json's
/// `float_roundtrip` (enabled by forma-core) gives the correctly rounded f64.
const BANISTER_FNV1A: u64 = 0xa5d7477b435b2bec;
const READINESS_FNV1A: u64 = 0x0b400db8866093ad;

/// Banister predictions and readiness over the participants are bit for bit the
/// native ones.
pub fn check_banister_and_readiness() {
    let all = converted();
    let mut performance = Fnv1a::default();
    let mut ready = Fnv1a::default();
    for (s, (_, c)) in series(&all).iter().zip(&all) {
        for p in BANISTER.predict(&s.load) {
            performance.write(&p.to_bits().to_le_bytes());
        }
        let columns = WellnessColumns::build(s.start, s.len(), &c.wellness);
        let r = readiness(&columns, &HrvOptions::default());
        // serde_json writes the shortest text that reads back as the same f64.
        ready.write(
            serde_json::to_string(&r)
                .expect("readiness serialises")
                .as_bytes(),
        );
    }
    assert_eq!(
        (performance.finish(), ready.finish()),
        (BANISTER_FNV1A, READINESS_FNV1A),
        "(Banister, readiness) FNV-1a: ({:#018x}, {:#018x})",
        performance.finish(),
        ready.finish()
    );
}

/// PMData has no HRV, so a synthetic 120-day rMSSD series covers the HRV status
/// and its natural logarithm (`f64::ln` gave different last bits natively and in
/// the browser; forma-core now takes ln and exp from `libm` on every target).
const HRV_FNV1A: u64 = 0xf4848fad428ec11a;

/// HRV status on synthetic readings is bit for bit the native one.
pub fn check_hrv_status() {
    let mut random = XorShift64(0x9e37_79b9_7f4a_7c15);
    let rmssd: Vec<Option<f64>> = (0..120)
        .map(|_| {
            let r = random.next() % 1000;
            (r >= 150).then(|| 40.0 + r as f64 / 17.0)
        })
        .collect();
    let json = serde_json::to_string(&hrv_status(&rmssd, &HrvOptions::default()))
        .expect("HRV readings serialise");
    let mut hash = Fnv1a::default();
    hash.write(json.as_bytes());
    assert_eq!(
        hash.finish(),
        HRV_FNV1A,
        "HRV FNV-1a: {:#018x}",
        hash.finish()
    );
}

/// xorshift64 (Marsaglia 2003): deterministic loads without a dependency.
struct XorShift64(u64);

impl XorShift64 {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// One synthetic athlete over three years (1,096 days from 2021-01-01), rest on
/// about 30% of days, RPE rising with load.
pub fn three_years() -> DailySeries {
    let mut random = XorShift64(0x2545_f491_4f6c_dd1d);
    let load: Vec<f64> = (0..3 * 365 + 1)
        .map(|_| {
            let r = (random.next() % 1000) as f64;
            if r < 300.0 {
                0.0
            } else {
                r
            }
        })
        .collect();
    let mut s = DailySeries::from_loads(
        "synthetic".parse().expect("a valid id"),
        jiff::civil::date(2021, 1, 1),
        load,
    );
    s.max_rpe = s
        .load
        .iter()
        .map(|l| (*l > 0.0).then_some(l / 150.0))
        .collect();
    s
}

/// The last CTL of [`three_years`], natively.
const THREE_YEARS_LAST_CTL: u64 = 0x40790d9754fa7ce0;

/// `metrics` (of [`three_years`]) ends on the native CTL, which is also what the
/// TrainingPeaks formula gives step by step: CTL += (1/42) (load - CTL).
pub fn check_three_years_last_ctl(metrics: &DailyMetrics) {
    let by_formula = three_years()
        .load
        .iter()
        .fold(0.0f64, |ctl, x| ctl + (1.0 / 42.0) * (x - ctl));
    let last = metrics.ctl.last().copied().expect("three years of days");
    assert_eq!(
        last.to_bits(),
        by_formula.to_bits(),
        "{last} vs {by_formula}"
    );
    assert_eq!(
        last.to_bits(),
        THREE_YEARS_LAST_CTL,
        "last CTL {last} = {:#018x}",
        last.to_bits()
    );
}
