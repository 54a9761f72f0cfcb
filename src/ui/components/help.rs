//! The keyboard shortcut overlay (`?`).

use yew::prelude::*;

use crate::ui::state::Action;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub on_action: Callback<Action>,
}

pub const SHORTCUTS: [(&str, &str); 9] = [
    ("Space", "Play or pause the clock, wherever the focus is (except while typing or choosing in a list); on a moment card it continues"),
    (".", "Step one simulated minute"),
    ("1 2 3 4", "Speed 1×, 4×, 16×, 64×"),
    ("p", "Presenter mode (big type, fewer panels)"),
    ("?", "Show or hide this help"),
    ("Esc", "Close this help"),
    ("n", "Jump to the control for the lesson's next step"),
    ("a", "Jump to \"Acting as\" (then the arrow keys choose who)"),
    ("Tab", "Move between controls; Enter presses the focused button"),
];

#[component]
pub fn Help(props: &HelpProps) -> Html {
    let close = props.on_action.reform(|_: MouseEvent| Action::ClosedHelp);
    let button = use_node_ref();
    {
        let button = button.clone();
        use_effect_with((), move |_| {
            if let Some(b) = button.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    html! {
        <div class="overlay">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="help-heading">
                <h2 id="help-heading">{ "Keyboard shortcuts" }</h2>
                <dl>
                    { for SHORTCUTS.iter().map(|(k, d)| html! { <><dt><kbd>{ *k }</kbd></dt><dd>{ *d }</dd></> }) }
                </dl>
                <p class="hint">{ "Shortcuts are ignored while you type in a field." }</p>
                <button type="button" ref={button} class="primary" onclick={close}>{ "Close help" }</button>
            </div>
        </div>
    }
}
