//! `static-host`: serve a built carprice site and its model, as Azure Static Web Apps would.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::Duration;

use carprice_registry::telemetry::TelemetryStore;
use clap::Parser;
use static_host::server::{serve, shutdown_signal};
use static_host::settings::{Options, TelemetryPlace, FUNCTIONS_PORT_VARIABLE};
use static_host::{app, Limits, LiveModel, Settings, Site, Telemetry};

/// How often the model file is checked for a new version.
const MODEL_POLL: Duration = Duration::from_secs(1);

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "static_host=info,tower_http=info".into()),
        )
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
    match run(Options::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("static-host: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run(options: Options) -> Result<(), String> {
    let settings = Settings::new(options, std::env::var(FUNCTIONS_PORT_VARIABLE).ok())
        .map_err(|e| e.to_string())?;
    let model = LiveModel::load(&settings.model).map_err(|e| e.to_string())?;
    model.watch(MODEL_POLL);
    let site = match &settings.site {
        Some(dir) => Some(Site::open(dir).map_err(|e| e.to_string())?),
        None => None,
    };
    let store = match &settings.telemetry {
        TelemetryPlace::Folder(dir) => TelemetryStore::folder(dir),
        TelemetryPlace::Container { url, auth } => {
            let sas = std::env::var("CARPRICE_TELEMETRY_SAS").ok();
            TelemetryStore::container(url, sas.as_deref(), *auth).map_err(|e| e.to_string())?
        }
    };
    let store_name = store.to_string();
    let telemetry = Telemetry::new(store, settings.telemetry_per_minute);
    let listener = tokio::net::TcpListener::bind(settings.address)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", settings.address))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    println!(
        "static-host: serving on http://{address}/ (model {}, telemetry to {store_name})",
        model.current().version()
    );
    let limits = Limits::default();
    serve(
        listener,
        app(model, site, telemetry, &limits),
        &limits,
        shutdown_signal(),
    )
    .await;
    Ok(())
}
