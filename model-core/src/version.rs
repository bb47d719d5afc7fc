//! Model release versions: dot-separated numbers compared numerically, so `1.10` is newer than `1.9`.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A model release version such as `1.2.0` or `2026.11.27`.
///
/// ```
/// use model_core::ModelVersion;
/// let a: ModelVersion = "1.9".parse().unwrap();
/// let b: ModelVersion = "1.10".parse().unwrap();
/// assert!(a < b);
/// ```
#[derive(Debug, Clone, Eq)]
pub struct ModelVersion {
    text: String,
    parts: Vec<u64>,
}

/// A version string that is not dot-separated numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("version \"{text}\" is not dot-separated numbers (e.g. 1.2.0 or 2026.11.27)")]
pub struct VersionError {
    text: String,
}

impl ModelVersion {
    /// The numeric components.
    pub fn parts(&self) -> &[u64] {
        &self.parts
    }

    /// The version as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl FromStr for ModelVersion {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || VersionError {
            text: text.to_string(),
        };
        if text.is_empty() || text.len() > 64 {
            return Err(bad());
        }
        let mut parts = Vec::new();
        for part in text.split('.') {
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            parts.push(part.parse::<u64>().map_err(|_| bad())?);
        }
        Ok(ModelVersion {
            text: text.to_string(),
            parts,
        })
    }
}

impl Ord for ModelVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        // Missing trailing components count as 0, so 1.2 == 1.2.0 in order; ties fall back to the text
        // so that the order is total and consistent with equality.
        let len = self.parts.len().max(other.parts.len());
        (0..len)
            .map(|i| {
                let a = self.parts.get(i).copied().unwrap_or(0);
                let b = other.parts.get(i).copied().unwrap_or(0);
                a.cmp(&b)
            })
            .find(|o| o.is_ne())
            .unwrap_or_else(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for ModelVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ModelVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl fmt::Display for ModelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> ModelVersion {
        s.parse().unwrap()
    }

    #[test]
    fn orders_numerically_not_lexically() {
        let mut versions = [v("1.10"), v("1.9"), v("2"), v("1.9.1"), v("0.99")];
        versions.sort();
        let texts: Vec<_> = versions.iter().map(|x| x.as_str()).collect();
        assert_eq!(texts, ["0.99", "1.9", "1.9.1", "1.10", "2"]);
    }

    #[test]
    fn rejects_non_numeric_versions() {
        for bad in [
            "",
            "1..2",
            "v1",
            "1.2-beta",
            ".1",
            "1.",
            "99999999999999999999999",
        ] {
            assert!(bad.parse::<ModelVersion>().is_err(), "{bad:?} accepted");
        }
    }
}
