//! `staticwebapp.config.json`: read once, checked into types the router uses directly.
//!
//! The parts that shape responses are honoured: `routes` (first match wins; `rewrite`, `redirect`,
//! `statusCode`, `headers`, `methods`, `allowedRoles`), `navigationFallback` with `exclude`,
//! `globalHeaders`, `mimeTypes` and `responseOverrides`. Other sections (`auth`, `networking`,
//! `platform`, ...) are accepted and ignored.

use std::collections::BTreeMap;

use axum::http::header::{HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use serde::Deserialize;
use thiserror::Error;

use super::path::{PathError, SitePath};
use super::pattern::{PatternError, RoutePattern};

/// A configuration file that cannot be used.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// Not JSON of the expected shape.
    #[error("staticwebapp.config.json is malformed: {0}")]
    Json(#[from] serde_json::Error),
    /// A route or exclude pattern is invalid.
    #[error("staticwebapp.config.json: {0}")]
    Pattern(#[from] PatternError),
    /// A header name or value is invalid.
    #[error("staticwebapp.config.json: header {name:?}: {value:?} is not a valid header")]
    Header {
        /// The header name.
        name: String,
        /// The value.
        value: String,
    },
    /// A status code is not one HTTP has.
    #[error("staticwebapp.config.json: {0} is not an HTTP status code")]
    Status(u16),
    /// A method name is invalid.
    #[error("staticwebapp.config.json: {0:?} is not an HTTP method")]
    Method(String),
    /// A `rewrite` is not a path a request could name.
    #[error("staticwebapp.config.json: rewrite {path:?} is not a usable path: {source}")]
    Rewrite {
        /// The path given.
        path: String,
        /// What is wrong with it.
        source: PathError,
    },
}

/// The checked configuration.
#[derive(Debug, Clone, Default)]
pub struct SiteConfig {
    /// Routes, in order.
    pub routes: Vec<Route>,
    /// Where requests for missing files go, unless excluded.
    pub navigation_fallback: Option<NavigationFallback>,
    /// Headers on every response, before route headers.
    pub global_headers: Headers,
    /// Content types by file extension (with the dot, lower case).
    pub mime_types: BTreeMap<String, String>,
    /// What to answer instead of an error status.
    pub response_overrides: BTreeMap<u16, ResponseOverride>,
}

/// Applies header changes to an answer, in order (`None` removes the header).
pub fn apply(headers: &mut axum::http::HeaderMap, changes: &[HeaderChange]) {
    for (name, value) in changes {
        match value {
            Some(value) => {
                headers.insert(name.clone(), value.clone());
            }
            None => {
                headers.remove(name);
            }
        }
    }
}

/// A header change: a value sets the header, `None` (an empty string in the file) removes it.
pub type HeaderChange = (HeaderName, Option<HeaderValue>);

/// Header changes, applied in order.
pub type Headers = Vec<HeaderChange>;

/// One rule of `routes`.
#[derive(Debug, Clone)]
pub struct Route {
    /// Which paths it applies to.
    pub pattern: RoutePattern,
    /// Methods it applies to; all when `None`.
    pub methods: Option<Vec<Method>>,
    /// Serve this path instead.
    pub rewrite: Option<SitePath>,
    /// Redirect here.
    pub redirect: Option<String>,
    /// Status to answer with (301/302 for redirects).
    pub status: Option<StatusCode>,
    /// Headers for matching responses, over the global ones.
    pub headers: Headers,
    /// Roles allowed; anyone when `None` or when it lists `anonymous`.
    pub allowed_roles: Option<Vec<String>>,
}

impl Route {
    /// Whether the route applies to a request.
    pub fn applies(&self, method: &Method, path: &SitePath) -> bool {
        self.methods
            .as_ref()
            .is_none_or(|methods| methods.contains(method))
            && self.pattern.matches(path.as_str())
    }

    /// Whether an anonymous visitor (the only kind a local server has) may see it.
    pub fn allows_anonymous(&self) -> bool {
        self.allowed_roles
            .as_ref()
            .is_none_or(|roles| roles.is_empty() || roles.iter().any(|r| r == "anonymous"))
    }
}

/// `navigationFallback`.
#[derive(Debug, Clone)]
pub struct NavigationFallback {
    /// The page to serve, e.g. `/index.html`.
    pub rewrite: SitePath,
    /// Paths that get a 404 instead.
    pub exclude: Vec<RoutePattern>,
}

impl NavigationFallback {
    /// Whether a missing path falls back to the page.
    pub fn covers(&self, path: &SitePath) -> bool {
        !self
            .exclude
            .iter()
            .any(|pattern| pattern.matches(path.as_str()))
    }
}

/// One entry of `responseOverrides`.
#[derive(Debug, Clone)]
pub struct ResponseOverride {
    /// Serve this path instead.
    pub rewrite: Option<SitePath>,
    /// Redirect here instead.
    pub redirect: Option<String>,
    /// Status to answer with instead.
    pub status: Option<StatusCode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    routes: Vec<RawRoute>,
    navigation_fallback: Option<RawFallback>,
    #[serde(default)]
    global_headers: BTreeMap<String, String>,
    #[serde(default)]
    mime_types: BTreeMap<String, String>,
    #[serde(default)]
    response_overrides: BTreeMap<u16, RawOverride>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRoute {
    route: String,
    methods: Option<Vec<String>>,
    rewrite: Option<String>,
    redirect: Option<String>,
    status_code: Option<u16>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    allowed_roles: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct RawFallback {
    rewrite: String,
    #[serde(default)]
    exclude: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawOverride {
    rewrite: Option<String>,
    redirect: Option<String>,
    status_code: Option<u16>,
}

impl SiteConfig {
    /// Reads and checks a configuration file's text.
    ///
    /// # Errors
    /// [`ConfigError`] naming the first thing the service would also refuse.
    pub fn parse(text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_str(text)?;
        Ok(SiteConfig {
            routes: raw
                .routes
                .into_iter()
                .map(route)
                .collect::<Result<_, _>>()?,
            navigation_fallback: raw
                .navigation_fallback
                .map(|fallback| {
                    Ok::<_, ConfigError>(NavigationFallback {
                        rewrite: rewrite(fallback.rewrite)?,
                        exclude: fallback
                            .exclude
                            .iter()
                            .map(|p| RoutePattern::parse(p))
                            .collect::<Result<_, _>>()?,
                    })
                })
                .transpose()?,
            global_headers: headers(raw.global_headers)?,
            mime_types: raw
                .mime_types
                .into_iter()
                .map(|(extension, mime)| {
                    let extension = extension.to_ascii_lowercase();
                    let extension = if extension.starts_with('.') {
                        extension
                    } else {
                        format!(".{extension}")
                    };
                    (extension, mime)
                })
                .collect(),
            response_overrides: raw
                .response_overrides
                .into_iter()
                .map(|(code, o)| {
                    Ok((
                        code,
                        ResponseOverride {
                            rewrite: o.rewrite.map(rewrite).transpose()?,
                            redirect: o.redirect,
                            status: o.status_code.map(status).transpose()?,
                        },
                    ))
                })
                .collect::<Result<_, ConfigError>>()?,
        })
    }
}

fn route(raw: RawRoute) -> Result<Route, ConfigError> {
    Ok(Route {
        pattern: RoutePattern::parse(&raw.route)?,
        methods: raw
            .methods
            .map(|methods| {
                methods
                    .into_iter()
                    .map(|m| {
                        Method::from_bytes(m.to_ascii_uppercase().as_bytes())
                            .map_err(|_| ConfigError::Method(m))
                    })
                    .collect::<Result<_, _>>()
            })
            .transpose()?,
        rewrite: raw.rewrite.map(rewrite).transpose()?,
        redirect: raw.redirect,
        status: raw.status_code.map(status).transpose()?,
        headers: headers(raw.headers)?,
        allowed_roles: raw.allowed_roles,
    })
}

fn status(code: u16) -> Result<StatusCode, ConfigError> {
    StatusCode::from_u16(code).map_err(|_| ConfigError::Status(code))
}

/// A rewrite target, relative paths taken from the root as the service does.
fn rewrite(path: String) -> Result<SitePath, ConfigError> {
    let absolute = if path.starts_with('/') {
        path.clone()
    } else {
        format!("/{path}")
    };
    SitePath::parse(&absolute).map_err(|source| ConfigError::Rewrite { path, source })
}

fn headers(raw: BTreeMap<String, String>) -> Result<Headers, ConfigError> {
    raw.into_iter()
        .map(|(name, value)| {
            let bad = || ConfigError::Header {
                name: name.clone(),
                value: value.clone(),
            };
            let header = HeaderName::from_bytes(name.as_bytes()).map_err(|_| bad())?;
            let value = if value.is_empty() {
                None
            } else {
                Some(HeaderValue::from_str(&value).map_err(|_| bad())?)
            };
            Ok((header, value))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_sections_that_shape_responses() {
        let config = SiteConfig::parse(
            r#"{
              "routes": [{"route": "/old", "redirect": "/new", "statusCode": 301},
                         {"route": "/frontend-*", "headers": {"cache-control": "public, max-age=31536000, immutable"}}],
              "navigationFallback": {"rewrite": "index.html", "exclude": ["/assets/*", "*.{wasm,js}"]},
              "globalHeaders": {"X-Frame-Options": "DENY", "Server": ""},
              "mimeTypes": {".WASM": "application/wasm", "json": "application/json"},
              "responseOverrides": {"404": {"rewrite": "/404.html"}},
              "platform": {"apiRuntime": "custom"}
            }"#,
        )
        .unwrap();
        assert_eq!(config.routes.len(), 2);
        assert_eq!(config.routes[0].status, Some(StatusCode::MOVED_PERMANENTLY));
        let fallback = config.navigation_fallback.unwrap();
        assert_eq!(fallback.rewrite.as_str(), "/index.html");
        let path = |p| SitePath::parse(p).unwrap();
        assert!(fallback.covers(&path("/cars/42")));
        assert!(!fallback.covers(&path("/assets/missing.css")));
        assert!(!fallback.covers(&path("/missing.wasm")));
        assert!(config
            .global_headers
            .contains(&(HeaderName::from_static("server"), None)));
        assert_eq!(config.mime_types[".wasm"], "application/wasm");
        assert_eq!(config.mime_types[".json"], "application/json");
        assert_eq!(
            config.response_overrides[&404]
                .rewrite
                .as_ref()
                .map(SitePath::as_str),
            Some("/404.html")
        );
    }

    #[test]
    fn refuses_bad_patterns_headers_and_statuses() {
        assert!(matches!(
            SiteConfig::parse(r#"{"routes": [{"route": "/a/*/b"}]}"#),
            Err(ConfigError::Pattern(_))
        ));
        assert!(matches!(
            SiteConfig::parse(r#"{"globalHeaders": {"bad header": "x"}}"#),
            Err(ConfigError::Header { .. })
        ));
        assert!(matches!(
            SiteConfig::parse(r#"{"routes": [{"route": "/", "statusCode": 1000}]}"#),
            Err(ConfigError::Status(1000))
        ));
        assert!(matches!(
            SiteConfig::parse(r#"{"navigationFallback": {"rewrite": "/../index.html"}}"#),
            Err(ConfigError::Rewrite { .. })
        ));
    }
}
