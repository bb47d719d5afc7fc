//! Finding a repeated name in a list (attribute names, categories, JSON object keys).

/// A name that occurs more than once, if any (the smallest such name, in byte order).
///
/// Sorts a list of references: O(n log n) for documents with thousands of names, and no hash
/// table code in the web app's download.
pub(crate) fn repeated<'a>(names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut names: Vec<&str> = names.into_iter().collect();
    names.sort_unstable();
    names
        .windows(2)
        .find(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_repeated_name() {
        assert_eq!(repeated(["b", "a", "c", "a"]), Some("a"));
        assert_eq!(repeated(["b", "a", "c"]), None);
        assert_eq!(repeated([]), None);
    }
}
