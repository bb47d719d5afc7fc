//! Command-line options, checked once into the [`Settings`] the server runs with.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use carprice_registry::telemetry::TelemetryAuth;
use carprice_registry::AuthChoice;
use clap::Parser;
use thiserror::Error;

use crate::api::DEFAULT_BATCHES_PER_MINUTE;

/// The environment variable through which the Azure Functions host hands a custom handler its port.
pub const FUNCTIONS_PORT_VARIABLE: &str = "FUNCTIONS_CUSTOMHANDLER_PORT";

/// Options as typed on the command line.
#[derive(Debug, Parser)]
#[command(
    name = "static-host",
    version,
    about = "Serves a built carprice site as Azure Static Web Apps does, the model as /api/score, and stores rollout telemetry from /api/telemetry"
)]
pub struct Options {
    /// The built site (holding `staticwebapp.config.json`). Optional when running only the API,
    /// e.g. as an Azure Functions custom handler.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Port to listen on; `FUNCTIONS_CUSTOMHANDLER_PORT` takes precedence when set.
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,
    /// Model document to serve [default: `<dir>/model.json`].
    #[arg(long)]
    pub model: Option<PathBuf>,
    /// Folder where `POST /api/telemetry` stores batches (one file per batch), when no container
    /// is configured. Must not lie inside the site.
    #[arg(long, env = "CARPRICE_TELEMETRY_DIR", default_value = DEFAULT_TELEMETRY_DIR)]
    pub telemetry_dir: PathBuf,
    /// Blob container for telemetry batches instead of the folder, e.g.
    /// `https://ACCOUNT.blob.core.windows.net/telemetry` (a SAS query string may follow; or set
    /// CARPRICE_TELEMETRY_SAS).
    #[arg(long, env = "CARPRICE_TELEMETRY_CONTAINER_URL", hide_env_values = true)]
    pub telemetry_container_url: Option<String>,
    /// How to authorise to the telemetry container.
    #[command(flatten)]
    pub telemetry_auth: TelemetryAuth,
    /// Telemetry batches one client may send per minute (all at once after a quiet minute).
    #[arg(long, default_value_t = DEFAULT_BATCHES_PER_MINUTE)]
    pub telemetry_per_minute: u32,
}

/// The telemetry folder when none is given: `telemetry` in the working folder.
pub const DEFAULT_TELEMETRY_DIR: &str = "telemetry";

/// Where telemetry batches go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TelemetryPlace {
    /// A local folder.
    Folder(PathBuf),
    /// A Blob container (URL as given, possibly with a SAS) and how to authorise.
    Container {
        /// The container URL.
        url: String,
        /// How to authorise.
        auth: AuthChoice,
    },
}

/// What the server runs with: a socket address, the model file and the optional site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Where to listen.
    pub address: SocketAddr,
    /// The model document, watched for changes.
    pub model: PathBuf,
    /// The built site, if any.
    pub site: Option<PathBuf>,
    /// Where telemetry batches are stored.
    pub telemetry: TelemetryPlace,
    /// Telemetry batches one client may send per minute.
    pub telemetry_per_minute: NonZeroU32,
}

/// Options that cannot be run.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// Neither `--model` nor `--dir` says where the model is.
    #[error("no model: pass --model <file>, or --dir <site> holding model.json")]
    NoModel,
    /// The telemetry folder would be served as part of the site.
    #[error("the telemetry folder {telemetry} lies inside the site {site}, which would publish it: choose a folder outside the site (--telemetry-dir)")]
    TelemetryInsideSite {
        /// The telemetry folder.
        telemetry: String,
        /// The site folder.
        site: String,
    },
    /// A rate of zero batches a minute.
    #[error("--telemetry-per-minute must be at least 1")]
    NoTelemetryRate,
    /// The Functions port variable is not a port number.
    #[error("{FUNCTIONS_PORT_VARIABLE}={value:?} is not a port number")]
    BadFunctionsPort {
        /// The value found.
        value: String,
    },
}

impl Settings {
    /// Checks options, given the value of `FUNCTIONS_CUSTOMHANDLER_PORT` (if set).
    ///
    /// # Errors
    /// [`SettingsError`] when no model is named or the Functions port is not a number.
    pub fn new(options: Options, functions_port: Option<String>) -> Result<Self, SettingsError> {
        let port = match functions_port {
            Some(value) => value
                .trim()
                .parse()
                .map_err(|_| SettingsError::BadFunctionsPort { value })?,
            None => options.port,
        };
        let model = match (options.model, &options.dir) {
            (Some(model), _) => model,
            (None, Some(dir)) => dir.join("model.json"),
            (None, None) => return Err(SettingsError::NoModel),
        };
        let telemetry = match options.telemetry_container_url {
            Some(url) if !url.is_empty() => TelemetryPlace::Container {
                url,
                auth: options.telemetry_auth.choice,
            },
            _ => {
                if let Some(site) = &options.dir {
                    if inside(&options.telemetry_dir, site) {
                        return Err(SettingsError::TelemetryInsideSite {
                            telemetry: options.telemetry_dir.display().to_string(),
                            site: site.display().to_string(),
                        });
                    }
                }
                TelemetryPlace::Folder(options.telemetry_dir)
            }
        };
        Ok(Settings {
            address: SocketAddr::new(options.host, port),
            model,
            site: options.dir,
            telemetry,
            telemetry_per_minute: NonZeroU32::new(options.telemetry_per_minute)
                .ok_or(SettingsError::NoTelemetryRate)?,
        })
    }
}

/// Whether `path` is `folder` or lies inside it, comparing absolute paths (resolved through
/// symlinks as far as they exist).
fn inside(path: &Path, folder: &Path) -> bool {
    let absolute = |p: &Path| {
        let p = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // Resolve the longest existing prefix, keep the rest as written.
        let mut existing = p.as_path();
        let mut rest = Vec::new();
        while !existing.exists() {
            match (existing.parent(), existing.file_name()) {
                (Some(parent), Some(name)) => {
                    rest.push(name.to_os_string());
                    existing = parent;
                }
                _ => break,
            }
        }
        let mut resolved = existing
            .canonicalize()
            .unwrap_or_else(|_| existing.to_path_buf());
        resolved.extend(rest.iter().rev());
        resolved
    };
    absolute(path).starts_with(absolute(folder))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(args: &[&str]) -> Options {
        Options::parse_from(std::iter::once("static-host").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_to_localhost_8080_and_the_sites_model() {
        let settings = Settings::new(options(&["--dir", "dist"]), None).unwrap();
        assert_eq!(settings.address, "127.0.0.1:8080".parse().unwrap());
        assert_eq!(settings.model, PathBuf::from("dist/model.json"));
        assert_eq!(settings.site, Some(PathBuf::from("dist")));
    }

    #[test]
    fn functions_port_wins_over_port() {
        let settings = Settings::new(
            options(&["--model", "m.json", "--port", "9000"]),
            Some("7071".into()),
        )
        .unwrap();
        assert_eq!(settings.address.port(), 7071);
        assert_eq!(settings.site, None);
    }

    #[test]
    fn telemetry_goes_to_a_folder_unless_a_container_is_named() {
        let settings = Settings::new(options(&["--dir", "dist"]), None).unwrap();
        assert_eq!(
            settings.telemetry,
            TelemetryPlace::Folder(PathBuf::from(DEFAULT_TELEMETRY_DIR))
        );
        assert_eq!(
            settings.telemetry_per_minute.get(),
            DEFAULT_BATCHES_PER_MINUTE
        );
        let url = "http://127.0.0.1:10000/devstoreaccount1/telemetry";
        let settings = Settings::new(
            options(&["--model", "m.json", "--telemetry-container-url", url]),
            None,
        )
        .unwrap();
        assert_eq!(
            settings.telemetry,
            TelemetryPlace::Container {
                url: url.into(),
                auth: AuthChoice::Auto
            }
        );
    }

    #[test]
    fn refuses_a_telemetry_folder_inside_the_site_and_a_zero_rate() {
        for inner in ["dist/telemetry", "dist", "./dist/./t"] {
            let refused =
                Settings::new(options(&["--dir", "dist", "--telemetry-dir", inner]), None);
            assert!(
                matches!(refused, Err(SettingsError::TelemetryInsideSite { .. })),
                "{inner}: {refused:?}"
            );
        }
        assert_eq!(
            Settings::new(
                options(&["--model", "m.json", "--telemetry-per-minute", "0"]),
                None
            ),
            Err(SettingsError::NoTelemetryRate)
        );
    }

    #[test]
    fn refuses_a_bad_functions_port_and_a_missing_model() {
        assert_eq!(
            Settings::new(options(&["--model", "m.json"]), Some("http".into())),
            Err(SettingsError::BadFunctionsPort {
                value: "http".into()
            })
        );
        assert_eq!(
            Settings::new(options(&[]), None),
            Err(SettingsError::NoModel)
        );
    }
}
