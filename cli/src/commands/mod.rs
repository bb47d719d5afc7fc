//! The subcommands, one module each.

mod evaluate;
mod fetch;
mod gate;
mod predict;
mod promote;
mod publish;
mod rollback;
mod stage;
mod status;
mod train;
mod validate;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{Cli, Command, ContainerArgs};
use crate::blob::{Container, ContainerLocation};
use crate::registry::Registry;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Train(args) => train::run(args),
        Command::Evaluate {
            model,
            data,
            csv,
            rows,
            json,
        } => evaluate::run(
            &model,
            data.as_deref(),
            csv.delimiter,
            rows.as_deref(),
            json,
        ),
        Command::Predict {
            model,
            cars,
            csv,
            json,
        } => predict::run(&model, cars.as_deref(), csv.delimiter, json),
        Command::Validate { model } => validate::run(&model),
        Command::Publish {
            model,
            test_data,
            csv,
            container,
        } => publish::run(&model, &test_data, csv.delimiter, &container),
        Command::Fetch {
            version,
            out,
            container,
        } => fetch::run(&version, &out, &container),
        Command::Gate {
            candidate,
            production,
        } => return gate::run(&candidate, production.as_deref()),
        Command::Stage {
            model,
            site,
            commit,
            app_version,
        } => stage::run(&model, &site, &commit, &app_version),
        Command::Promote {
            version,
            commit,
            container,
        } => promote::run(&version, &commit, &container),
        Command::Rollback {
            to,
            commit,
            container,
        } => rollback::run(to.as_deref(), &commit, &container),
        Command::Status { container } => status::run(&container),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// Opens the model registry named by `--container` / `CARPRICE_CONTAINER_URL`, with the SAS from
/// the URL or `CARPRICE_SAS`.
fn open_registry(args: &ContainerArgs) -> Result<Registry> {
    let sas = std::env::var("CARPRICE_SAS").ok();
    let location = ContainerLocation::new(&args.url, sas.as_deref(), args.auth)?;
    Ok(Registry::new(Container::open(location)?))
}
