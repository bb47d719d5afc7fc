//! The small text readers, model versions (`ModelVersion`) and held-out row lists
//! (`parse_row_list`), against plain reference readings of their grammars.

use model_core::{parse_row_list, ModelVersion};
use proptest::prelude::*;

/// Texts over the characters the two grammars use, and a few others.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            10 => proptest::sample::select(b"0123456789".to_vec()).prop_map(char::from),
            3 => proptest::sample::select(b".\n# -+\r\t".to_vec()).prop_map(char::from),
            1 => any::<char>(),
        ],
        0..80,
    )
    .prop_map(String::from_iter)
}

/// Dot-separated numbers that fit a `u64`, at most 64 bytes in all.
fn reference_version(text: &str) -> Option<Vec<u64>> {
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    text.split('.')
        .map(|part| {
            let digits = !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
            digits.then(|| part.parse::<u64>().ok()).flatten()
        })
        .collect()
}

/// Row numbers one per line, comments and blank lines skipped; none repeated, at least one.
fn reference_rows(text: &str) -> Option<Vec<usize>> {
    let mut rows = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if !line.is_empty() {
            rows.push(line.parse::<usize>().ok()?);
        }
    }
    let mut sorted = rows.clone();
    sorted.sort_unstable();
    sorted.dedup();
    (!rows.is_empty() && sorted.len() == rows.len()).then_some(rows)
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn versions_read_like_the_reference(text in text()) {
        let version = text.parse::<ModelVersion>().ok();
        prop_assert_eq!(version.as_ref().map(|v| v.parts().to_vec()), reference_version(&text));
        if let Some(version) = version {
            prop_assert_eq!(version.as_str(), text.as_str());
        }
    }

    #[test]
    fn row_lists_read_like_the_reference(text in text()) {
        prop_assert_eq!(parse_row_list(&text).ok(), reference_rows(&text));
    }
}
