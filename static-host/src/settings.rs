//! Command-line options, checked once into the [`Settings`] the server runs with.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use thiserror::Error;

/// The environment variable through which the Azure Functions host hands a custom handler its port.
pub const FUNCTIONS_PORT_VARIABLE: &str = "FUNCTIONS_CUSTOMHANDLER_PORT";

/// Options as typed on the command line.
#[derive(Debug, Parser)]
#[command(
    name = "static-host",
    version,
    about = "Serves a built carprice site as Azure Static Web Apps does, and the model as /api/score"
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
}

/// Options that cannot be run.
#[derive(Debug, Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum SettingsError {
    /// Neither `--model` nor `--dir` says where the model is.
    #[error("no model: pass --model <file>, or --dir <site> holding model.json")]
    NoModel,
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
        Ok(Settings {
            address: SocketAddr::new(options.host, port),
            model,
            site: options.dir,
        })
    }
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
