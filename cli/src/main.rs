//! `carprice`: the command line of the carprice car pricing product.

mod args;
mod commands;
mod data_path;
mod files;
#[cfg(test)]
mod workflow_invocations;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = args::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(error) => {
            // One readable line: the chain of contexts, no backtrace.
            eprintln!("carprice: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
