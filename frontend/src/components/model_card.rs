//! The model card: which model prices, when it was trained and released, and how well it did on
//! cars it never saw.

use std::rc::Rc;

use model_core::{format_fixed, format_whole_dollars};
use yew::prelude::*;

use crate::release::LoadedModel;
use crate::state::ModelSource;

/// What [`model_card`] shows.
pub struct ModelCardProps {
    /// The model in use.
    pub loaded: Rc<LoadedModel>,
    /// Where it came from.
    pub source: ModelSource,
    /// The release's rollout of a challenger, if any ([`crate::rollout::summary`]).
    pub rollout: Option<String>,
}

/// `2026-11-27T05:00:00Z` → `2026-11-27 05:00 UTC`; anything else unchanged.
pub(super) fn when(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(day), Some(time)) if timestamp.ends_with('Z') => format!("{day} {time} UTC"),
        _ if timestamp.is_empty() => "unknown".to_string(),
        _ => timestamp.to_string(),
    }
}

/// The model card.
pub fn model_card(props: &ModelCardProps) -> Html {
    let document = props.loaded.model().document();
    let release = props.loaded.release();
    let source = match props.source {
        ModelSource::Saved => "saved in this browser",
        ModelSource::Network | ModelSource::None => "from the site",
    };
    let app = match release
        .commit
        .get(..7)
        .filter(|_| !release.commit.is_empty())
    {
        Some(commit) => format!("{} ({commit})", release.app_version),
        None => release.app_version.clone(),
    };
    html! {
        <section class="card model-card" aria-labelledby="model-card-title" data-testid="model-card">
            <h2 id="model-card-title">{ "About this price" }</h2>
            <dl>
                <dt>{ "Model" }</dt>
                <dd data-testid="model-version">{ format!("{} {}", document.name, document.version) }
                    <span class="muted">{ format!(" · {source}") }</span></dd>
                <dt>{ "Trained" }</dt>
                <dd>{ format!("{} on {} cars", when(&document.created), document.training.rows) }</dd>
                if let Some(metrics) = &document.test_metrics {
                    <dt>{ "Tested" }</dt>
                    <dd>{ format!("on {} other cars: typical error {} ({}%), R² {}",
                        metrics.rows, format_whole_dollars(metrics.mae),
                        format_fixed(metrics.mape, 1), format_fixed(metrics.r2, 3)) }</dd>
                }
                <dt>{ "Released" }</dt>
                <dd>{ when(&release.built_at) }</dd>
                if let Some(rollout) = &props.rollout {
                    <dt>{ "Rollout" }</dt>
                    <dd data-testid="rollout">{ rollout }</dd>
                }
                if !app.is_empty() {
                    <dt>{ "App" }</dt>
                    <dd>{ app }</dd>
                }
            </dl>
        </section>
    }
}
