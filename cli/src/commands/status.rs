//! `carprice status`: the latest published version, the live one (the champion), the production
//! record's state and the rollout in progress, as `key=value` lines that can be appended to
//! `$GITHUB_OUTPUT` (the scheduled deploy exits early when `latest` and `live` are equal; `record`
//! goes to `promote --expect-record`; a non-empty `challenger` makes the deploy ship it).

use anyhow::Result;

use super::open_registry;
use crate::args::ContainerArgs;

/// Prints `latest=`, `live=`, `record=`, then `challenger=`, `mode=` and `percent=` (each empty
/// when there is no such version or no rollout).
pub fn run(container: &ContainerArgs) -> Result<()> {
    let status = open_registry(container)?.status()?;
    let challenger = status.challenger.as_ref();
    let field = |f: &dyn Fn(&carprice_registry::ChallengerRecord) -> String| {
        challenger.map(f).unwrap_or_default()
    };
    // A reader that stops early (`carprice status | grep -q live=`) is a closed pipe, which ends
    // the command with exit 0 (see `outln!`).
    out!(
        "latest={}\nlive={}\nrecord={}\nchallenger={}\nmode={}\npercent={}\n",
        status.latest.map(|v| v.to_string()).unwrap_or_default(),
        status.live.as_deref().unwrap_or_default(),
        status.record,
        field(&|c| c.version.clone()),
        field(&|c| c.mode.to_string()),
        field(&|c| c.percent.to_string()),
    )?;
    Ok(())
}
