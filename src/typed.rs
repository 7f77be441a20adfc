//! What people type into number fields: a comma or a point for decimals, and an
//! empty field for "not given".

/// A number as typed, with a comma or a point for decimals; empty (or not a
/// number) is none.
pub fn parse_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    (!text.is_empty()).then(|| text.parse().ok()).flatten()
}

/// A stored value as a field shows it: empty for none.
pub fn shown(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comma_or_a_point_marks_decimals_and_empty_is_none() {
        assert_eq!(parse_number(" 7,5 "), Some(7.5));
        assert_eq!(parse_number("7.25"), Some(7.25));
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("  "), None);
        assert_eq!(parse_number("seven"), None);
    }

    #[test]
    fn the_shown_value_is_empty_for_nothing() {
        assert_eq!(shown(None), "");
        assert_eq!(shown(Some(7.5)), "7.5");
    }
}
