//! The one rule for missing values, used by training, evaluation, prediction and car checking.

/// Cell texts that mean "no value" (compared without case, after trimming).
pub const MISSING_MARKERS: [&str; 6] = ["", "?", "NA", "N/A", "null", "NaN"];

/// Whether a cell or a text value means "missing": empty, `?`, `NA`, `N/A`, `null` or `NaN`
/// (any case, surrounding spaces ignored).
pub fn is_missing(text: &str) -> bool {
    let text = text.trim();
    MISSING_MARKERS
        .iter()
        .any(|marker| marker.eq_ignore_ascii_case(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_markers_are_recognised_in_any_case() {
        for text in [
            "", " ", "?", "NA", "na", "N/A", "n/a", "null", "NULL", "NaN", "nan",
        ] {
            assert!(is_missing(text), "{text:?}");
        }
        for text in ["0", "none", "audi", "N", "-"] {
            assert!(!is_missing(text), "{text:?}");
        }
    }
}
