//! `carprice`: the command line of the carprice car pricing product.

// `println!`/`eprintln!` panic on a closed or full stream: print with `outln!`/`errln!` (print.rs).
#![deny(clippy::print_stdout, clippy::print_stderr)]

#[macro_use]
mod print;

mod args;
mod commands;
mod data_path;
mod drift;
mod files;
mod interrupt;
mod out_file;
#[cfg(test)]
mod workflow_invocations;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = args::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        // The reader went away (`carprice predict | head`): nothing is wrong, as for ripgrep.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            // One readable line: the chain of contexts, no backtrace, no control character (a
            // value quoted from the input), a long value shortened.
            errln!(
                "carprice: error: {}",
                model_core::batch::OneLine(&format!("{error:#}"))
            );
            if error.downcast_ref::<commands::UsageError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}

/// Whether an error comes from writing to a closed pipe.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
