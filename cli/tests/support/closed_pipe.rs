//! A command whose reader is gone before it writes (`carprice … | head -0`): it must exit 0 quietly,
//! not panic on the broken pipe. Shared by the command line and Blob storage tests.

use std::process::{Command, Stdio};

/// Runs `command` with its standard output closed from the start and asserts that it exits 0 with
/// nothing on standard error.
#[track_caller]
pub fn assert_quiet_exit(command: &mut Command) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    assert!(stderr.is_empty(), "stderr: {stderr}");
}
