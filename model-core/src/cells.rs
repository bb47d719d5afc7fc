//! How cell text is read, one rule everywhere (training, evaluation, prediction, car checking):
//! which texts mean a missing value, and which mean yes or no.

/// Cell texts that mean "no value" (compared without case, after trimming).
pub const MISSING_MARKERS: [&str; 6] = ["", "?", "NA", "N/A", "null", "NaN"];

/// Whether a cell or a text value means "missing": empty, `?`, `NA`, `N/A`, `null` or `NaN`
/// (any case, surrounding spaces ignored).
pub fn is_missing(text: &str) -> bool {
    // A cell with plain characters at both ends is a value when it is longer than any marker or
    // starts unlike every marker (`?`, `n`, `N`): most cells need no comparison.
    let bytes = text.as_bytes();
    let plain = |b: u8| b > b' ' && b < 0x80;
    if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
        if plain(first) && plain(last) && (bytes.len() > 4 || !matches!(first, b'?' | b'n' | b'N'))
        {
            return false;
        }
    }
    let text = trim(text);
    // No marker is longer than 4 bytes.
    text.len() <= 4
        && MISSING_MARKERS
            .iter()
            .any(|marker| marker.eq_ignore_ascii_case(text))
}

/// `text` without leading and trailing white space (Unicode's, as `str::trim`), without looking
/// further when its ends are plain ASCII characters.
pub(crate) fn trim(text: &str) -> &str {
    let plain = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if plain(text.as_bytes().first()) && plain(text.as_bytes().last()) {
        text
    } else {
        text.trim()
    }
}

/// Reads a yes/no word: `true`/`false`, `yes`/`no`, `1`/`0` (any case, surrounding spaces ignored).
pub fn parse_yes_no(text: &str) -> Option<bool> {
    let text = text.trim();
    let is = |words: [&str; 3]| words.iter().any(|w| w.eq_ignore_ascii_case(text));
    if is(["yes", "true", "1"]) {
        Some(true)
    } else if is(["no", "false", "0"]) {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_words_are_read_in_any_case() {
        for (text, value) in [("Yes", true), ("TRUE", true), ("1", true), (" no ", false)] {
            assert_eq!(parse_yes_no(text), Some(value), "{text:?}");
        }
        assert_eq!(parse_yes_no("0"), Some(false));
        for text in ["y", "2", "", "1.0"] {
            assert_eq!(parse_yes_no(text), None, "{text:?}");
        }
    }

    #[test]
    fn missing_markers_are_recognised_in_any_case() {
        for text in [
            "", " ", "?", "NA", "na", "N/A", "n/a", "null", "NULL", "NaN", "nan", " NA", "null ",
            "\u{a0}?",
        ] {
            assert!(is_missing(text), "{text:?}");
        }
        for text in [
            "0", "none", "audi", "N", "-", "n", "?x", "nil", "NAN!", "7", "nine", "Nissan", " 4 ",
        ] {
            assert!(!is_missing(text), "{text:?}");
        }
    }
}
