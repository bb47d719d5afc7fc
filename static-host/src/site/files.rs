//! Files of the site: safe path resolution, content negotiation of precompressed variants, types
//! and validators.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use axum::http::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING, IF_NONE_MATCH};
use percent_encoding::percent_decode_str;
use thiserror::Error;

use super::config::SiteConfig;
use super::pattern::index_html;

/// A request path that cannot name a file of the site.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// Percent-encoding that is not UTF-8.
    #[error("the path is not valid UTF-8 once decoded")]
    NotUtf8,
    /// `..`, an encoded slash or backslash, a NUL or another control character.
    #[error("the path leaves the site or hides a separator")]
    Unsafe,
}

/// Decodes a request path and refuses anything that could leave the site or smuggle a separator.
///
/// # Errors
/// [`PathError`] for undecodable or unsafe paths.
pub fn decode_path(raw: &str) -> Result<String, PathError> {
    let segments = raw
        .split('/')
        .map(|segment| {
            let text = percent_decode_str(segment)
                .decode_utf8()
                .map_err(|_| PathError::NotUtf8)?;
            if text == ".." || text.contains(['/', '\\']) || text.chars().any(char::is_control) {
                Err(PathError::Unsafe)
            } else {
                Ok(text)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(segments.join("/"))
}

/// A content coding the site may hold a precompressed copy in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `br`, file suffix `.br`.
    Brotli,
    /// `gzip`, file suffix `.gz`.
    Gzip,
}

impl Encoding {
    /// The `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
        }
    }

    fn suffix(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gz",
        }
    }

    /// Codings the client accepts, best first (q=0 excluded).
    pub fn accepted(headers: &HeaderMap) -> Vec<Encoding> {
        let accepts = |token: &str| {
            headers.get_all(ACCEPT_ENCODING).iter().any(|value| {
                value.to_str().unwrap_or("").split(',').any(|item| {
                    let mut parts = item.split(';');
                    let name = parts.next().unwrap_or("").trim();
                    let refused = parts.any(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.trim().parse::<f32>().ok())
                            .is_some_and(|q| q <= 0.0)
                    });
                    name.eq_ignore_ascii_case(token) && !refused
                })
            })
        };
        [Encoding::Brotli, Encoding::Gzip]
            .into_iter()
            .filter(|e| accepts(e.token()))
            .collect()
    }
}

/// A file of the site, ready to send.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The bytes to send (the precompressed copy when [`Asset::encoding`] is set).
    pub body: Vec<u8>,
    /// The coding of `body`.
    pub encoding: Option<Encoding>,
    /// Content type of the file (not of its compressed copy).
    pub content_type: String,
    /// Weak validator: size and modification time of the file.
    pub etag: HeaderValue,
}

impl Asset {
    /// Whether the client's `If-None-Match` already holds this version.
    pub fn is_fresh_for(&self, headers: &HeaderMap) -> bool {
        let ours = opaque(self.etag.to_str().unwrap_or(""));
        headers.get_all(IF_NONE_MATCH).iter().any(|value| {
            value
                .to_str()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || opaque(tag) == ours)
        })
    }
}

fn opaque(tag: &str) -> &str {
    tag.strip_prefix("W/").unwrap_or(tag)
}

/// The files under one directory.
#[derive(Debug, Clone)]
pub struct SiteFiles {
    root: PathBuf,
}

impl SiteFiles {
    /// Files under `root` (made absolute and free of symlinks).
    ///
    /// # Errors
    /// The I/O error when `root` is not an accessible directory.
    pub fn new(root: &Path) -> std::io::Result<Self> {
        let root = root.canonicalize()?;
        if !root.is_dir() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::NotADirectory,
                format!("{} is not a directory", root.display()),
            ));
        }
        Ok(SiteFiles { root })
    }

    /// The root directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file a decoded path names (`/` and extension-less directories through `index.html`),
    /// if it exists inside the site. The configuration file itself is never served.
    pub fn find(&self, path: &str) -> Option<PathBuf> {
        let direct = self.inside(path).filter(|file| file.is_file());
        direct
            .or_else(|| {
                index_html(path)
                    .and_then(|index| self.inside(&index))
                    .filter(|file| file.is_file())
            })
            .filter(|file| {
                file.file_name()
                    .is_none_or(|name| name != super::CONFIG_FILE)
            })
    }

    fn inside(&self, path: &str) -> Option<PathBuf> {
        let relative = Path::new(path.trim_start_matches('/'));
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        let file = self.root.join(relative).canonicalize().ok()?;
        file.starts_with(&self.root).then_some(file)
    }

    /// Reads a file, picking the best precompressed copy the client accepts.
    ///
    /// # Errors
    /// The I/O error when the file cannot be read.
    pub async fn read(
        &self,
        file: &Path,
        headers: &HeaderMap,
        config: &SiteConfig,
    ) -> std::io::Result<Asset> {
        let metadata = tokio::fs::metadata(file).await?;
        let modified = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        let etag = HeaderValue::from_str(&format!("W/\"{:x}-{:x}\"", metadata.len(), modified))
            .expect("hex digits make a valid header");
        for encoding in Encoding::accepted(headers) {
            let mut name = file.as_os_str().to_owned();
            name.push(".");
            name.push(encoding.suffix());
            if let Ok(body) = tokio::fs::read(&name).await {
                return Ok(Asset {
                    body,
                    encoding: Some(encoding),
                    content_type: content_type(file, config),
                    etag,
                });
            }
        }
        Ok(Asset {
            body: tokio::fs::read(file).await?,
            encoding: None,
            content_type: content_type(file, config),
            etag,
        })
    }
}

/// The content type of a file: the configuration's `mimeTypes` first, then the usual table.
pub fn content_type(file: &Path, config: &SiteConfig) -> String {
    let extension = file
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy().to_ascii_lowercase()))
        .unwrap_or_default();
    config
        .mime_types
        .get(&extension)
        .cloned()
        .unwrap_or_else(|| {
            mime_guess::from_path(file)
                .first_raw()
                .unwrap_or("application/octet-stream")
                .to_string()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_paths_and_refuses_escapes() {
        assert_eq!(decode_path("/a%20b/c.html").unwrap(), "/a b/c.html");
        assert_eq!(decode_path("/").unwrap(), "/");
        assert_eq!(decode_path("/%2e%2e/etc/passwd"), Err(PathError::Unsafe));
        assert_eq!(decode_path("/../etc/passwd"), Err(PathError::Unsafe));
        assert_eq!(decode_path("/a%2fb"), Err(PathError::Unsafe));
        assert_eq!(decode_path("/a%5c..%5cb"), Err(PathError::Unsafe));
        assert_eq!(decode_path("/a%00"), Err(PathError::Unsafe));
        assert_eq!(decode_path("/%ff"), Err(PathError::NotUtf8));
    }

    #[test]
    fn negotiates_encodings_by_preference_and_refusal() {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT_ENCODING,
            HeaderValue::from_static("gzip, deflate, br"),
        );
        assert_eq!(
            Encoding::accepted(&headers),
            vec![Encoding::Brotli, Encoding::Gzip]
        );
        headers.insert(
            ACCEPT_ENCODING,
            HeaderValue::from_static("br;q=0, gzip;q=0.5"),
        );
        assert_eq!(Encoding::accepted(&headers), vec![Encoding::Gzip]);
        assert!(Encoding::accepted(&HeaderMap::new()).is_empty());
    }
}
