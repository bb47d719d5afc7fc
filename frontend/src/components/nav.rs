//! The navigation between screens ([`crate::desk::Screen::ALL`]).

use yew::prelude::*;

use crate::desk::Screen;

/// The screen tabs; `on_show` is called with the chosen screen.
pub fn nav(current: Screen, on_show: &Callback<Screen>) -> Html {
    html! {
        <nav class="screens" aria-label="Screens">
            { for Screen::ALL.iter().map(|&screen| {
                let on_click = on_show.reform(move |_: MouseEvent| screen);
                html! {
                    <button type="button" class="screen-tab" data-screen={screen.key()}
                        aria-current={(screen == current).then_some("page")} onclick={on_click}>
                        { screen.title() }
                    </button>
                }
            }) }
        </nav>
    }
}
