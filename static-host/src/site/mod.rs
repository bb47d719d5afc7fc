//! The built site, served as Azure Static Web Apps serves it.
//!
//! For each request: decode the path into its one normal form ([`SitePath`], 400 otherwise); find
//! the first route of `staticwebapp.config.json` that applies (roles, redirect, rewrite, status,
//! headers); allow only GET and HEAD; serve the file (a precompressed copy if accepted and current,
//! an `ETag` of the bytes sent, `304` when fresh), else the navigation fallback unless excluded,
//! else a 404 through `responseOverrides`. Global headers, then route headers, go on every answer;
//! error answers get [`ERROR_CACHE_CONTROL`] whatever the routes say, so no cache keeps an error.
//! Files without a precompressed copy are compressed on the fly.

pub mod config;
pub mod files;
pub mod path;
pub mod pattern;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use headers::HeaderMapExt;
use thiserror::Error;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;

use config::{ConfigError, HeaderChange, SiteConfig};
use files::SiteFiles;
pub use path::{PathError, SitePath};

/// The configuration file's name, at the root of the site. It is read, never served.
pub const CONFIG_FILE: &str = "staticwebapp.config.json";

/// `Cache-Control` when the configuration sets none: always revalidate (cheap with `ETag`).
const DEFAULT_CACHE_CONTROL: &str = "no-cache";

/// `Cache-Control` of every error answer, whatever the routes say: stale at once, so a hashed
/// asset missing during a deploy is never remembered as missing. The value the Static Web Apps
/// emulator sends with its error pages.
pub const ERROR_CACHE_CONTROL: &str = "public, max-age=0";

/// Marks an answer whose headers the site has set (global, route and caching), so that the
/// server-wide layer leaves them as they are.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decorated;

/// A site that cannot be served.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SiteError {
    /// The directory is missing or unreadable.
    #[error("cannot serve {path}: {source}")]
    Directory {
        /// The site directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration file cannot be read.
    #[error("cannot read {path}: {source}")]
    ConfigFile {
        /// The configuration file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
}

/// A built site and its configuration.
#[derive(Debug, Clone)]
pub struct Site {
    files: SiteFiles,
    config: SiteConfig,
}

impl Site {
    /// Opens a site directory and reads its `staticwebapp.config.json` (an absent file means the
    /// service's defaults).
    ///
    /// # Errors
    /// [`SiteError`] for a missing directory or an unreadable or invalid configuration.
    pub fn open(dir: &Path) -> Result<Self, SiteError> {
        let files = SiteFiles::new(dir).map_err(|source| SiteError::Directory {
            path: dir.to_path_buf(),
            source,
        })?;
        let config_path = files.root().join(CONFIG_FILE);
        let config = match std::fs::read_to_string(&config_path) {
            Ok(text) => SiteConfig::parse(&text)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => SiteConfig::default(),
            Err(source) => {
                return Err(SiteError::ConfigFile {
                    path: config_path,
                    source,
                })
            }
        };
        Ok(Site { files, config })
    }

    /// The service answering every request for the site, with on-the-fly compression of files
    /// that have no precompressed copy. A HEAD request is answered as a GET whose body is
    /// dropped, so that both carry the same headers (compression included).
    pub fn service(self) -> Router {
        let compress = DefaultPredicate::new().and(
            |status: StatusCode,
             _: axum::http::Version,
             _: &HeaderMap,
             _: &axum::http::Extensions| {
                status == StatusCode::OK || status == StatusCode::NOT_FOUND
            },
        );
        Router::new()
            .fallback(serve)
            .with_state(Arc::new(self))
            .layer(CompressionLayer::new().compress_when(compress))
            .layer(middleware::from_fn(head_as_get))
    }

    async fn respond(&self, method: &Method, raw_path: &str, request: &HeaderMap) -> Response {
        let Ok(path) = SitePath::parse(raw_path) else {
            return self.error(StatusCode::BAD_REQUEST, &[], request).await;
        };
        let route = self.config.routes.iter().find(|r| r.applies(method, &path));
        let route_headers = route.map_or(&[][..], |r| &r.headers[..]);
        if let Some(route) = route {
            if !route.allows_anonymous() {
                return self
                    .error(StatusCode::UNAUTHORIZED, route_headers, request)
                    .await;
            }
            if let Some(location) = &route.redirect {
                let status = match route.status {
                    Some(StatusCode::MOVED_PERMANENTLY) => StatusCode::MOVED_PERMANENTLY,
                    _ => StatusCode::FOUND,
                };
                return self.redirect(status, location, route_headers);
            }
        }
        if method != Method::GET {
            // Like the service: an empty 405, no error page. (HEAD arrives here as GET.)
            let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return self.decorate(response, route_headers);
        }
        let status = route.and_then(|r| r.status).unwrap_or(StatusCode::OK);
        let rewrite = route.and_then(|r| r.rewrite.as_ref());
        if (status.is_client_error() || status.is_server_error()) && rewrite.is_none() {
            return self.error(status, route_headers, request).await;
        }
        if let Some(file) = self.files.find(rewrite.unwrap_or(&path)) {
            return self.file(status, &file, route_headers, request).await;
        }
        if let Some(fallback) = self
            .config
            .navigation_fallback
            .as_ref()
            .filter(|f| f.covers(&path))
        {
            if let Some(file) = self.files.find(&fallback.rewrite) {
                // The page is served with its own caching, never with the caching of the asset
                // that was asked for (an immutable hashed name must not keep the page).
                let page = self.route_headers(&fallback.rewrite);
                let headers: Vec<HeaderChange> = route_headers
                    .iter()
                    .filter(|(name, _)| name != header::CACHE_CONTROL)
                    .chain(
                        page.iter()
                            .filter(|(name, _)| name == header::CACHE_CONTROL),
                    )
                    .cloned()
                    .collect();
                return self.file(StatusCode::OK, &file, &headers, request).await;
            }
        }
        self.error(StatusCode::NOT_FOUND, route_headers, request)
            .await
    }

    /// Headers of the first route that applies to a GET of `path`.
    fn route_headers(&self, path: &SitePath) -> &[HeaderChange] {
        self.config
            .routes
            .iter()
            .find(|r| r.applies(&Method::GET, path))
            .map_or(&[][..], |r| &r.headers[..])
    }

    /// Sends a file (or `304 Not Modified` when the client's copy is current).
    async fn file(
        &self,
        status: StatusCode,
        file: &Path,
        route: &[HeaderChange],
        request: &HeaderMap,
    ) -> Response {
        let asset = match self.files.read(file, request, &self.config).await {
            Ok(asset) => asset,
            Err(error) => {
                tracing::error!(file = %file.display(), %error, "cannot read a site file");
                return self.decorate(StatusCode::INTERNAL_SERVER_ERROR.into_response(), route);
            }
        };
        let mut response = if status == StatusCode::OK && asset.is_fresh_for(request) {
            (StatusCode::NOT_MODIFIED, Body::empty()).into_response()
        } else {
            let length = asset.body.len();
            let mut response = (status, Body::from(asset.body)).into_response();
            response
                .headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(length));
            if let Ok(value) = HeaderValue::from_str(&asset.content_type) {
                response.headers_mut().insert(header::CONTENT_TYPE, value);
            }
            if let Some(encoding) = asset.encoding {
                response.headers_mut().insert(
                    header::CONTENT_ENCODING,
                    HeaderValue::from_static(encoding.token()),
                );
            }
            response
        };
        let headers = response.headers_mut();
        headers.typed_insert(asset.etag);
        headers.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        self.decorate(response, route)
    }

    /// An error status: the `responseOverrides` entry for it, or a small HTML page.
    async fn error(
        &self,
        status: StatusCode,
        route: &[HeaderChange],
        request: &HeaderMap,
    ) -> Response {
        if let Some(replacement) = self.config.response_overrides.get(&status.as_u16()) {
            if let Some(location) = &replacement.redirect {
                return self.redirect(
                    replacement.status.unwrap_or(StatusCode::FOUND),
                    location,
                    route,
                );
            }
            let file = replacement
                .rewrite
                .as_ref()
                .and_then(|path| self.files.find(path));
            if let Some(file) = file {
                return Box::pin(self.file(
                    replacement.status.unwrap_or(status),
                    &file,
                    route,
                    request,
                ))
                .await;
            }
        }
        let page = format!("<!doctype html><title>{status}</title><h1>{status}</h1>\n",);
        let mut response = (status, page).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
        self.decorate(response, route)
    }

    fn redirect(&self, status: StatusCode, location: &str, route: &[HeaderChange]) -> Response {
        let mut response = status.into_response();
        if let Ok(value) = HeaderValue::from_str(location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        self.decorate(response, route)
    }

    /// Global headers, then route headers (an empty value removes), then the cache policy: the
    /// configuration's (or [`DEFAULT_CACHE_CONTROL`]) for successful answers and redirects,
    /// [`ERROR_CACHE_CONTROL`] for errors.
    fn decorate(&self, mut response: Response, route: &[HeaderChange]) -> Response {
        let error = response.status().is_client_error() || response.status().is_server_error();
        let headers = response.headers_mut();
        config::apply(headers, &self.config.global_headers);
        config::apply(headers, route);
        if error {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(ERROR_CACHE_CONTROL),
            );
        } else if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static(DEFAULT_CACHE_CONTROL),
            );
        }
        response.extensions_mut().insert(Decorated);
        response
    }

    /// The site's configuration.
    pub fn config(&self) -> &SiteConfig {
        &self.config
    }
}

/// Answers HEAD as GET. (axum drops the body of an answer to HEAD without polling it, so
/// nothing is read or compressed for nothing.)
async fn head_as_get(mut request: Request, next: Next) -> Response {
    if request.method() == Method::HEAD {
        *request.method_mut() = Method::GET;
    }
    next.run(request).await
}

async fn serve(
    State(site): State<Arc<Site>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    site.respond(&method, uri.path(), &headers).await
}
