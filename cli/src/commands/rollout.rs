//! `carprice rollout`: try a published version beside the live one (the champion) as a
//! challenger, in the shadow or as a canary on a share of devices, change its mode or percent, or
//! end the rollout with `--halt`. The next deploy ships the rollout state in `release.json`.
//! `--check` judges the rollout's telemetry against thresholds ([`super::monitor::run_check`]).

use std::process::ExitCode;

use anyhow::{Context, Result};
use carprice_registry::{RecordState, Rollout};
use model_core::release::RolloutMode;
use model_core::ModelVersion;

use super::{display_commit, gate, open_registry, UsageError};
use crate::args::{ContainerArgs, RolloutArgs};

/// Starts or changes a rollout, halts it, or checks its telemetry.
pub fn run(args: &RolloutArgs) -> Result<ExitCode> {
    if let (true, Some(config)) = (args.check, &args.config) {
        return super::monitor::run_check(config, &args.telemetry, &args.registry);
    }
    // The command line first: a wrong one is a usage error whatever the registry.
    let started = match (&args.version, args.mode) {
        (Some(version), Some(mode)) => Some((
            version_of(version)?,
            mode,
            percent_of(mode, args.percent, version)?,
        )),
        _ => None,
    };
    let container = ContainerArgs {
        url: args.registry.url().context(
            "the model registry is needed: give --container or set CARPRICE_CONTAINER_URL",
        )?,
        auth: args.registry.auth,
    };
    let expected: Option<RecordState> =
        args.expect_record.as_deref().map(str::parse).transpose()?;
    match started {
        Some((version, mode, percent)) => start(
            &version,
            mode,
            percent,
            &args.commit,
            expected.as_ref(),
            &container,
        ),
        None => halt(&args.commit, expected.as_ref(), &container),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// `--version`, a published version.
fn version_of(text: &str) -> Result<ModelVersion> {
    text.parse().map_err(|e| {
        UsageError(format!(
            "--version takes a published version such as 1.2.0: {e}"
        ))
        .into()
    })
}

/// The percent a mode takes: `--mode canary` needs `--percent`, shadow takes none (0).
fn percent_of(mode: RolloutMode, percent: Option<u8>, version: &str) -> Result<u8> {
    match (mode, percent) {
        (RolloutMode::Canary, None) => Err(UsageError(
            "--mode canary needs --percent P: the share of devices, 0 to 100, shown the \
             challenger's price"
                .to_string(),
        )
        .into()),
        (RolloutMode::Shadow, Some(percent)) if percent != 0 => Err(UsageError(format!(
            "--mode shadow shows the challenger's price on no device, so it takes no --percent \
             (got {percent}): to show it on {percent}% of devices, run `carprice rollout \
             --version {version} --mode canary --percent {percent}`"
        ))
        .into()),
        (_, percent) => Ok(percent.unwrap_or(0)),
    }
}

/// `--version V --mode M [--percent P]`, checked.
fn start(
    version: &ModelVersion,
    mode: RolloutMode,
    percent: u8,
    commit: &str,
    expected: Option<&RecordState>,
    container: &ContainerArgs,
) -> Result<()> {
    let rollout = open_registry(container)?.rollout(version, mode, percent, commit, expected)?;
    print_rollout(&rollout, commit)
}

fn print_rollout(rollout: &Rollout, commit: &str) -> Result<()> {
    let Rollout {
        challenger,
        champion,
        gate: judged,
        already_recorded,
    } = rollout;
    if let Some((ours, theirs)) = judged {
        outln!(
            "gate: challenger {} against live {champion}, on the challenger's test data ({} rows)",
            challenger.version,
            ours.rows
        )?;
        out!(
            "{}",
            gate::side_by_side(ours, Some(theirs), &carprice_registry::Bar::against(theirs))
        )?;
    }
    let shown = match challenger.mode {
        RolloutMode::Shadow => "priced beside every quote, never shown".to_string(),
        RolloutMode::Canary => format!("shown on {}% of devices", challenger.percent),
    };
    let already = if *already_recorded {
        " (the record already said so)"
    } else {
        ""
    };
    outln!(
        "production: model {} is the challenger of {champion} in {} mode, {shown} (commit {}){already}. Run the deploy workflow to ship it",
        challenger.version,
        challenger.mode,
        display_commit(commit),
    )?;
    Ok(())
}

/// `--halt`.
fn halt(commit: &str, expected: Option<&RecordState>, container: &ContainerArgs) -> Result<()> {
    match open_registry(container)?.halt(commit, expected)? {
        Some(version) => outln!(
            "production: the rollout of model {version} is halted (commit {}); the live model alone prices. Run the deploy workflow to ship it",
            display_commit(commit)
        )?,
        None => outln!("production: no rollout is in progress; nothing to halt")?,
    }
    Ok(())
}
