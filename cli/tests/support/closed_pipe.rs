//! A command whose reader is gone before it writes (`carprice … | head -0`): it must exit 0 quietly,
//! not panic on the broken pipe. Shared by the command line and Blob storage tests.

use std::process::{Command, Output, Stdio};

/// Runs `command` with its standard output closed from the start.
pub fn run_with_stdout_closed(command: &mut Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// Runs `command` with its standard output closed from the start and asserts that it exits 0 with
/// nothing on standard error.
#[track_caller]
pub fn assert_quiet_exit(command: &mut Command) {
    let output = run_with_stdout_closed(command);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "stderr: {stderr}");
}
