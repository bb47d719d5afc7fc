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
    let container = ContainerArgs {
        url: args.registry.container.clone().context(
            "the model registry is needed: give --container or set CARPRICE_CONTAINER_URL",
        )?,
        auth: args.registry.auth,
    };
    let expected: Option<RecordState> =
        args.expect_record.as_deref().map(str::parse).transpose()?;
    match (&args.version, args.mode) {
        (Some(version), Some(mode)) => start(
            version,
            mode,
            args.percent,
            &args.commit,
            expected.as_ref(),
            &container,
        ),
        _ => halt(&args.commit, expected.as_ref(), &container),
    }?;
    Ok(ExitCode::SUCCESS)
}

/// `--version V --mode M [--percent P]`.
fn start(
    version: &str,
    mode: RolloutMode,
    percent: Option<u8>,
    commit: &str,
    expected: Option<&RecordState>,
    container: &ContainerArgs,
) -> Result<()> {
    let version: ModelVersion = version
        .parse()
        .context("--version takes a published version")?;
    let percent = match (mode, percent) {
        (RolloutMode::Canary, None) => {
            return Err(UsageError(
                "--mode canary needs --percent P: the share of devices, 0 to 100, shown the \
                 challenger's price"
                    .to_string(),
            )
            .into())
        }
        (RolloutMode::Shadow, Some(percent)) if percent != 0 => {
            return Err(UsageError(format!(
                "--mode shadow shows the challenger's price on no device, so it takes no \
                 --percent (got {percent}): to show it on {percent}% of devices, run `carprice \
                 rollout --version {version} --mode canary --percent {percent}`"
            ))
            .into())
        }
        (_, percent) => percent.unwrap_or(0),
    };
    let rollout = open_registry(container)?.rollout(&version, mode, percent, commit, expected)?;
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
