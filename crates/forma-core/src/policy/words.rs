//! Numbers as a coach reads them.

/// A load in whole units with thousands separators: `3,150 AU`.
pub(super) fn au(x: f64) -> String {
    format!("{} AU", thousands(x))
}

/// A whole number with thousands separators.
pub(super) fn thousands(x: f64) -> String {
    if !x.is_finite() {
        return "n/a".to_owned();
    }
    let rounded = x.round();
    let negative = rounded < 0.0;
    let digits = format!("{:.0}", rounded.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if negative && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// A probability as a percentage: one decimal below 10%, none above.
pub fn percent(p: f64) -> String {
    let v = p * 100.0;
    if v.abs() < 10.0 {
        format!("{v:.1}%")
    } else {
        format!("{v:.0}%")
    }
}

/// A load ratio to two decimals ("no chronic load" for a positive load over none).
pub(super) fn ratio(r: f64) -> String {
    if r.is_finite() {
        format!("{r:.2}")
    } else {
        "undefined (load after four weeks without)".to_owned()
    }
}

/// A number to `decimals` places, without a trailing `.0` when whole.
pub(super) fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    }
}

/// "1 day", "3 days".
pub(super) fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_owned()
    } else {
        format!("{n} days")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_a_coach_writes_them() {
        assert_eq!(au(3149.6), "3,150 AU");
        assert_eq!(thousands(999.0), "999");
        assert_eq!(thousands(1_234_567.0), "1,234,567");
        assert_eq!(thousands(-1200.0), "-1,200");
        assert_eq!(percent(0.0312), "3.1%");
        assert_eq!(percent(0.184), "18%");
        assert_eq!(num(1.50, 2), "1.5");
        assert_eq!(num(2.0, 1), "2");
        assert_eq!(ratio(1.6), "1.60");
        assert_eq!(days(1), "1 day");
    }
}
