//! Request paths of the site, decoded, checked and normalised once into the one form that route
//! matching, the navigation fallback and file lookup all use, so that no rule can be sidestepped
//! by spelling a path another way (`//admin/secret.html` is `/admin/secret.html` for all of them,
//! as for Static Web Apps).

use percent_encoding::percent_decode_str;
use thiserror::Error;

/// A request path that cannot name anything in the site.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// Percent-encoding that is not UTF-8.
    #[error("the path is not valid UTF-8 once decoded")]
    NotUtf8,
    /// `..`, an encoded slash or backslash, a NUL or another control character.
    #[error("the path leaves the site or hides a separator")]
    Unsafe,
    /// Not an absolute path (`*`, or a full URL in the request line).
    #[error("the path does not start with `/`")]
    NotAbsolute,
}

/// A decoded path in normal form: it starts with `/`, its segments are separated by single
/// slashes, none is empty (except after a trailing `/`) or `.`, and none is `..` or holds a
/// separator or control character.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SitePath(String);

impl SitePath {
    /// Decodes a request path (percent-encoding), checks it, and drops empty and `.` segments
    /// (a path ending in one keeps a trailing `/`).
    ///
    /// # Errors
    /// [`PathError`] for undecodable or unsafe paths.
    pub fn parse(raw: &str) -> Result<Self, PathError> {
        let rest = raw.strip_prefix('/').ok_or(PathError::NotAbsolute)?;
        let mut path = String::with_capacity(raw.len());
        let mut trailing_slash = false;
        for segment in rest.split('/') {
            let text = percent_decode_str(segment)
                .decode_utf8()
                .map_err(|_| PathError::NotUtf8)?;
            if text == ".." || text.contains(['/', '\\']) || text.chars().any(char::is_control) {
                return Err(PathError::Unsafe);
            }
            trailing_slash = text.is_empty() || text == ".";
            if !trailing_slash {
                path.push('/');
                path.push_str(&text);
            }
        }
        if trailing_slash || path.is_empty() {
            path.push('/');
        }
        Ok(SitePath(path))
    }

    /// The path, starting with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for SitePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(raw: &str) -> Result<String, PathError> {
        SitePath::parse(raw).map(|p| p.as_str().to_string())
    }

    #[test]
    fn decodes_paths_and_refuses_escapes() {
        assert_eq!(parse("/a%20b/c.html").unwrap(), "/a b/c.html");
        assert_eq!(parse("/").unwrap(), "/");
        assert_eq!(parse("/help/").unwrap(), "/help/");
        assert_eq!(parse("/%2e%2e/etc/passwd"), Err(PathError::Unsafe));
        assert_eq!(parse("/../etc/passwd"), Err(PathError::Unsafe));
        assert_eq!(parse("/a%2fb"), Err(PathError::Unsafe));
        assert_eq!(parse("/a%5c..%5cb"), Err(PathError::Unsafe));
        assert_eq!(parse("/a%00"), Err(PathError::Unsafe));
        assert_eq!(parse("/%ff"), Err(PathError::NotUtf8));
    }

    #[test]
    fn other_spellings_of_a_path_are_that_path() {
        for odd in [
            "//admin/secret.html",
            "/admin//secret.html",
            "/./admin/secret.html",
            "/admin/./secret.html",
            "/admin/%2e/secret.html",
            "///admin/secret.html",
        ] {
            assert_eq!(parse(odd).unwrap(), "/admin/secret.html", "{odd}");
        }
        assert_eq!(parse("//").unwrap(), "/");
        assert_eq!(parse("/help/.").unwrap(), "/help/");
        assert_eq!(parse("/help//").unwrap(), "/help/");
        assert_eq!(parse("*"), Err(PathError::NotAbsolute));
        assert_eq!(parse(""), Err(PathError::NotAbsolute));
    }
}
