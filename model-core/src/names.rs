//! Finding a repeated name in a list (attribute names, categories, JSON object keys).

/// The first name (in list order) that occurs again later in the list, if any.
///
/// Compares every pair: lists are short (a model has at most [`crate::MAX_WEIGHTS`] names, JSON
/// objects at most [`crate::json::MAX_MEMBERS`] members), and neither a sort nor a hash table is
/// added to the web app's download.
pub(crate) fn repeated<'a>(names: &[&'a str]) -> Option<&'a str> {
    names
        .iter()
        .enumerate()
        .find(|(i, name)| names[i + 1..].contains(name))
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_repeated_name() {
        assert_eq!(repeated(&["b", "a", "c", "a", "b"]), Some("b"));
        assert_eq!(repeated(&["b", "a", "c"]), None);
        assert_eq!(repeated(&[]), None);
    }
}
