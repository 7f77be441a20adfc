//! The fitness-fatigue model reproduces Clarke & Skiba's (2013) published fit of
//! the dorem `bike_score` data: p0 = 262 W, k1 = 0.18, k2 = 0.23, tau1 = 36 d,
//! tau2 = 21 d, R^2 = 0.979.

use forma_core::banister::{fit_banister, FitOptions};

use crate::data_dir;

#[test]
fn the_fit_of_bike_score_matches_clarke_and_skiba() {
    let path = data_dir().join("dorem/bike-score.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut load = Vec::new();
    let mut tests = Vec::new();
    for line in text.trim_start_matches('\u{feff}').lines().skip(1) {
        let cells: Vec<&str> = line.trim().split(',').collect();
        let day: usize = cells[0].parse().expect("a day number");
        assert_eq!(day, load.len() + 1, "days are consecutive from 1");
        load.push(cells[1].parse::<f64>().expect("a BikeScore"));
        if let Some(p) = cells.get(2).filter(|c| !c.is_empty()) {
            tests.push((day - 1, p.parse::<f64>().expect("a power")));
        }
    }
    // The file holds nine tests (the data README says ten; the file is what counts).
    assert_eq!((load.len(), tests.len()), (165, 9));
    let fit = fit_banister(&load, &tests, &FitOptions::default()).unwrap();
    let p = fit.params;
    println!("{fit:?}");
    assert!((p.p0 - 262.0).abs() < 3.0, "{fit:?}");
    assert!((p.k1 - 0.18).abs() < 0.02, "{fit:?}");
    assert!((p.k2 - 0.23).abs() < 0.03, "{fit:?}");
    assert!((p.tau1 - 36.0).abs() < 3.0, "{fit:?}");
    assert!((p.tau2 - 21.0).abs() < 3.0, "{fit:?}");
    assert!(fit.r_squared >= 0.97, "{fit:?}");
}
