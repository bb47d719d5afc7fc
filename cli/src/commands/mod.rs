//! The subcommands, one module each.

mod evaluate;
mod predict;
mod train;
mod validate;

use std::process::ExitCode;

use anyhow::Result;

use crate::args::{Cli, Command};

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Train {
            data,
            test_rows,
            out,
            version,
            created,
            name,
        } => train::run(train::Request {
            data,
            test_rows,
            out,
            version,
            created,
            name,
        }),
        Command::Evaluate {
            model,
            data,
            rows,
            json,
        } => evaluate::run(&model, data.as_deref(), rows.as_deref(), json),
        Command::Predict { model, cars, json } => predict::run(&model, cars.as_deref(), json),
        Command::Validate { model } => validate::run(&model),
    }
    .map(|()| ExitCode::SUCCESS)
}
