//! Non-blocking messages above the form: a new model, a refused model, a fallback.

use yew::prelude::*;

use crate::release::LoadError;
use crate::state::{Notice, NoticeKind};

/// What [`notices`] shows.
pub struct NoticesProps {
    /// The notices, oldest first.
    pub notices: Vec<Notice>,
    /// Called with a notice's id when the user dismisses it.
    pub on_dismiss: Callback<u64>,
}

/// The list of notices, announced politely to screen readers.
pub fn notices(props: &NoticesProps) -> Html {
    html! {
        <div class="notices" aria-live="polite" data-testid="notices">
            { for props.notices.iter().map(|notice| {
                let (class, title, body) = words(&notice.kind);
                let id = notice.id;
                let on_dismiss = props.on_dismiss.reform(move |_: MouseEvent| id);
                let dismiss_label = format!("Dismiss: {title}");
                html! {
                    <div class={format!("notice {class}")} data-kind={class}>
                        <div class="notice-text">
                            <strong>{ title }</strong>
                            <span>{ body }</span>
                        </div>
                        <button type="button" class="notice-close" onclick={on_dismiss}
                            aria-label={dismiss_label}>{ "×" }</button>
                    </div>
                }
            }) }
        </div>
    }
}

/// CSS class, title and explanation of a notice.
fn words(kind: &NoticeKind) -> (&'static str, String, String) {
    match kind {
        NoticeKind::Updated { from, to } => (
            "notice-updated",
            format!("Now pricing with model {to}"),
            format!("A new release replaced model {from}. Your entries were kept."),
        ),
        NoticeKind::Rejected {
            error: error @ LoadError::Config(_),
            ..
        } => (
            "notice-rejected",
            "The site's configuration was not used".to_string(),
            format!("{error}. The app uses its default settings."),
        ),
        NoticeKind::Rejected { error, kept } => (
            "notice-rejected",
            "The newly published model was not used".to_string(),
            format!("{error}. Prices still come from model {kept}, the last good one."),
        ),
        NoticeKind::Dropped { dropped } => (
            "notice-dropped",
            "Some of this car could not be used".to_string(),
            format!(
                "Left out: {}. Those fields show the model's usual values instead.",
                dropped.join("; ")
            ),
        ),
        NoticeKind::EndpointFallback { message } => (
            "notice-fallback",
            "Priced in this browser".to_string(),
            format!("The pricing service is unavailable ({message}); the same model priced the car here."),
        ),
    }
}
