//! Route patterns of `staticwebapp.config.json`, matched as Azure Static Web Apps matches them.
//!
//! A pattern is an exact path (`/index.html`), `*` (everything), a prefix ending in a wildcard
//! (`/assets/*`, `/frontend-*`), or a prefix with a wildcard and file extensions
//! (`/images/*.png`, `/images/*.{png,jpg}`). Matching ignores ASCII case, like the service. A path
//! that names no file (no `.` in it) also matches through its `index.html`, so `/blog/*` covers
//! `/blog`.

use thiserror::Error;

/// A pattern the service would reject.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[error("route pattern {pattern:?} is invalid: {problem}")]
pub struct PatternError {
    /// The pattern.
    pub pattern: String,
    /// What is wrong.
    pub problem: &'static str,
}

/// A checked route pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoutePattern {
    /// Matches one path.
    Exact(String),
    /// Matches every path starting with the prefix.
    Prefix(String),
    /// Matches paths starting with the prefix and ending in one of the extensions (with the dot).
    Extensions {
        /// What the path starts with.
        prefix: String,
        /// Accepted endings, e.g. `.png`.
        extensions: Vec<String>,
    },
}

impl RoutePattern {
    /// Checks a pattern.
    ///
    /// # Errors
    /// [`PatternError`] for an empty pattern, more than one wildcard, or text after a wildcard
    /// that is not a file extension.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        let error = |problem| PatternError {
            pattern: pattern.to_string(),
            problem,
        };
        if pattern.is_empty() {
            return Err(error("it is empty"));
        }
        let lower = pattern.to_ascii_lowercase();
        let Some((prefix, rest)) = lower.split_once('*') else {
            return Ok(RoutePattern::Exact(lower));
        };
        if rest.contains('*') {
            return Err(error("only one wildcard is allowed"));
        }
        if rest.is_empty() {
            return Ok(RoutePattern::Prefix(prefix.to_string()));
        }
        let names = rest.strip_prefix('.').ok_or_else(|| {
            error("a wildcard must end the pattern or be followed by a file extension")
        })?;
        let names = match names.strip_prefix('{') {
            Some(list) => list
                .strip_suffix('}')
                .ok_or_else(|| error("unbalanced braces"))?,
            None => names,
        };
        let extensions = names
            .split(',')
            .map(|name| {
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    Ok(format!(".{name}"))
                } else {
                    Err(error("file extensions are letters, digits and underscores"))
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(RoutePattern::Extensions {
            prefix: prefix.to_string(),
            extensions,
        })
    }

    /// Whether a decoded request path matches, directly or through its `index.html`.
    pub fn matches(&self, path: &str) -> bool {
        let path = path.to_ascii_lowercase();
        self.matches_exactly(&path)
            || index_html(&path).is_some_and(|index| self.matches_exactly(&index))
    }

    fn matches_exactly(&self, path: &str) -> bool {
        match self {
            RoutePattern::Exact(exact) => path == exact,
            RoutePattern::Prefix(prefix) => path.starts_with(prefix.as_str()),
            RoutePattern::Extensions { prefix, extensions } => {
                path.starts_with(prefix.as_str())
                    && extensions.iter().any(|extension| {
                        path.len() >= prefix.len() + extension.len()
                            && path.ends_with(extension.as_str())
                    })
            }
        }
    }
}

/// The `index.html` a path that names no file stands for (`/blog` → `/blog/index.html`).
pub fn index_html(path: &str) -> Option<String> {
    if path.contains('.') {
        None
    } else if path.ends_with('/') {
        Some(format!("{path}index.html"))
    } else {
        Some(format!("{path}/index.html"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matches(pattern: &str, path: &str) -> bool {
        RoutePattern::parse(pattern).unwrap().matches(path)
    }

    #[test]
    fn exact_paths_match_themselves_and_through_index_html() {
        assert!(matches("/index.html", "/index.html"));
        assert!(matches("/index.html", "/"));
        assert!(matches("/INDEX.html", "/index.HTML"));
        assert!(!matches("/index.html", "/index.htm"));
    }

    #[test]
    fn prefix_wildcards_match_everything_below() {
        assert!(matches("/assets/*", "/assets/app.css"));
        assert!(matches("/assets/*", "/assets/deep/app.css"));
        assert!(matches("/assets/*", "/assets"));
        assert!(matches("/frontend-*", "/frontend-abc123_bg.wasm"));
        assert!(!matches("/frontend-*", "/index.html"));
        assert!(matches("*", "/anything/at/all"));
    }

    #[test]
    fn extension_wildcards_match_only_those_files() {
        assert!(matches("/*.wasm", "/frontend-abc123_bg.wasm"));
        assert!(matches("/images/*.{png,jpg}", "/images/a/b.JPG"));
        assert!(!matches("/images/*.{png,jpg}", "/images/a.gif"));
        assert!(!matches("/*.wasm", "/.wasm.txt"));
    }

    #[test]
    fn refuses_patterns_the_service_refuses() {
        for bad in ["", "/a/*/b", "/*.{png", "/*.p ng", "/**"] {
            assert!(RoutePattern::parse(bad).is_err(), "{bad:?}");
        }
    }
}
