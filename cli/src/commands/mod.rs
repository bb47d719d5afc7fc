//! The subcommands, one module each.

mod batch;
mod evaluate;
mod fetch;
mod gate;
mod monitor;
mod predict;
mod promote;
mod publish;
mod rollback;
mod rollout;
mod stage;
mod status;
mod train;
mod validate;

use std::process::ExitCode;

use anyhow::Result;

use carprice_registry::Registry;

pub use monitor::MIN_QUOTES;

/// A command line clap accepts that asks for something impossible (`--mode canary` without
/// `--percent`): reported as any error, with exit code 2 as clap's own usage errors, so that a
/// script never reads it as a verdict.
#[derive(Debug)]
pub struct UsageError(pub String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

use crate::args::{Cli, Command, ContainerArgs};

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
            out,
        } => match (cars, out) {
            (Some(cars), Some(out)) => return batch::run(&model, &cars, &out, csv.delimiter),
            (cars, _) => predict::run(&model, cars.as_deref(), csv.delimiter, json),
        },
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
            challenger,
            commit,
            app_version,
        } => stage::run(&model, &site, challenger.as_deref(), &commit, &app_version),
        Command::Promote {
            version,
            commit,
            expect_record,
            container,
        } => promote::run(&version, &commit, expect_record.as_deref(), &container),
        Command::Rollback {
            from,
            to,
            commit,
            container,
        } => rollback::run(&from, to.as_deref(), &commit, &container),
        Command::Rollout(args) => return rollout::run(&args),
        Command::Status { container } => status::run(&container),
        Command::Monitor(args) => monitor::run(&args),
    }
    .map(|()| ExitCode::SUCCESS)
}

/// Opens the model registry named by `--container` / `CARPRICE_CONTAINER_URL`, with the SAS from
/// the URL or `CARPRICE_SAS`.
fn open_registry(args: &ContainerArgs) -> Result<Registry> {
    let sas = std::env::var("CARPRICE_SAS").ok();
    Ok(Registry::open(&args.url, sas.as_deref(), args.auth)?)
}

/// A written report whose command's exit code is a verdict (`gate`, `rollout --check`): a reader
/// that stops early (a closed pipe) ends the report, not the verdict, so `set -o pipefail` scripts
/// still see a refusal.
fn unless_closed_pipe(written: std::io::Result<()>) -> std::io::Result<()> {
    match written {
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// A commit for messages.
fn display_commit(commit: &str) -> &str {
    if commit.is_empty() {
        "unknown"
    } else {
        commit
    }
}
