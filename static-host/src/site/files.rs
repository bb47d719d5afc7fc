//! Files of the site: lookup confined to the site folder (precompressed variants included),
//! content negotiation of variants no older than their original, types and validators.

use std::path::{Component, Path, PathBuf};

use axum::http::header::{HeaderMap, ACCEPT_ENCODING};
use headers::{ETag, HeaderMapExt, IfNoneMatch};

use super::config::SiteConfig;
use super::path::SitePath;
use super::pattern::index_html;

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
    /// Validator computed from `body`, the bytes sent: strong for a precompressed copy, weak for
    /// the plain file, which the server may still compress on the fly (RFC 9110, 8.8.1).
    pub etag: ETag,
}

impl Asset {
    fn new(body: Vec<u8>, encoding: Option<Encoding>, content_type: String) -> Self {
        let digest = model_core::hex_sha256(&body);
        let tag = match encoding {
            Some(_) => format!("\"{}\"", &digest[..32]),
            None => format!("W/\"{}\"", &digest[..32]),
        };
        let etag = tag.parse().expect("hex digits make a valid entity tag");
        Asset {
            body,
            encoding,
            content_type,
            etag,
        }
    }

    /// Whether the client's `If-None-Match` already holds this version (weak comparison).
    pub fn is_fresh_for(&self, headers: &HeaderMap) -> bool {
        headers
            .typed_get::<IfNoneMatch>()
            .is_some_and(|condition| !condition.precondition_passes(&self.etag))
    }
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

    /// The file a path names (`/` and extension-less directories through `index.html`), if it
    /// exists inside the site once symlinks are resolved. The configuration file itself is never
    /// served.
    pub fn find(&self, path: &SitePath) -> Option<PathBuf> {
        let path = path.as_str();
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

    /// The real path of `path` under the root, if it stays under the root.
    fn inside(&self, path: &str) -> Option<PathBuf> {
        let relative = Path::new(path.trim_start_matches('/'));
        if relative
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
        {
            return None;
        }
        self.confined(&self.root.join(relative))
    }

    /// `file` with symlinks resolved, if that is under the root.
    fn confined(&self, file: &Path) -> Option<PathBuf> {
        let file = file.canonicalize().ok()?;
        file.starts_with(&self.root).then_some(file)
    }

    /// The precompressed copy of a found file in `encoding`: a file beside it, inside the site
    /// once symlinks are resolved, and modified no earlier than the file itself (a copy left
    /// from before the file was replaced is ignored).
    async fn variant(&self, file: &Path, encoding: Encoding) -> Option<PathBuf> {
        let mut name = file.as_os_str().to_owned();
        name.push(".");
        name.push(encoding.suffix());
        let variant = self.confined(Path::new(&name))?;
        let (original, copy) =
            tokio::join!(tokio::fs::metadata(file), tokio::fs::metadata(&variant));
        let (original, copy) = (original.ok()?, copy.ok()?);
        let fresh = copy.is_file() && copy.modified().ok()? >= original.modified().ok()?;
        fresh.then_some(variant)
    }

    /// Reads a found file, picking the best precompressed copy the client accepts.
    ///
    /// # Errors
    /// The I/O error when the file cannot be read.
    pub async fn read(
        &self,
        file: &Path,
        headers: &HeaderMap,
        config: &SiteConfig,
    ) -> std::io::Result<Asset> {
        let content_type = content_type(file, config);
        for encoding in Encoding::accepted(headers) {
            if let Some(variant) = self.variant(file, encoding).await {
                if let Ok(body) = tokio::fs::read(&variant).await {
                    return Ok(Asset::new(body, Some(encoding), content_type));
                }
            }
        }
        Ok(Asset::new(tokio::fs::read(file).await?, None, content_type))
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
    use axum::http::HeaderValue;

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
