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
    println!(
        "latest={}",
        status.latest.map(|v| v.to_string()).unwrap_or_default()
    );
    println!("live={}", status.live.unwrap_or_default());
    println!("record={}", status.record);
    let challenger = status.challenger;
    let field = |f: &dyn Fn(&carprice_registry::ChallengerRecord) -> String| {
        challenger.as_ref().map(f).unwrap_or_default()
    };
    println!("challenger={}", field(&|c| c.version.clone()));
    println!("mode={}", field(&|c| c.mode.to_string()));
    println!("percent={}", field(&|c| c.percent.to_string()));
    Ok(())
}
