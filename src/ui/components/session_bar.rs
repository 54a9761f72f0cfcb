//! The training session: undo and reset, a share link (or a session file when the link
//! would be too long), session files in and out, a custom scenario, the report, the
//! trainer's guide and the strategy lab.

use yew::prelude::*;

use super::file_picker::{refused, FilePicker};
use super::ActionButton;
use crate::ui::persist::share_url;
use crate::ui::state::{Action, Share};

#[derive(Properties, PartialEq)]
pub struct SessionBarProps {
    /// The last command's time, if there is one to undo.
    pub undo_to: Option<AttrValue>,
    pub share: Option<Share>,
    pub on_action: Callback<Action>,
}

#[component]
pub fn SessionBar(props: &SessionBarProps) -> Html {
    let emit = |a: Action| props.on_action.reform(move |_: MouseEvent| a.clone());
    let undo_why = props
        .undo_to
        .is_none()
        .then(|| AttrValue::from("Nothing to undo yet."));
    let undo_label = props
        .undo_to
        .as_ref()
        .map_or("Undo last command".to_string(), |t| {
            format!("Undo last command (back to {t})")
        });
    let shared = match &props.share {
        Some(Share::Link { link, .. }) => html! {
            <div class="share-result">
                <label for="share-link">{ "Session link (copied if the browser allowed it)" }
                    <input id="share-link" type="text" readonly=true value={share_url(link)} data-testid="share-link" />
                </label>
            </div>
        },
        Some(Share::TooLong { message }) => html! {
            <div class="share-result" role="status">
                <p>{ message.clone() }</p>
                <button type="button" class="primary" onclick={emit(Action::ClickedDownloadSession)}>{ "Download session file" }</button>
            </div>
        },
        None => html! {},
    };
    html! {
        <section class="card session" aria-labelledby="session-heading">
            <h2 id="session-heading">{ "Session" }</h2>
            <div class="button-row">
                <ActionButton id="undo" label={undo_label} why_not={undo_why} onclick={props.on_action.reform(|_| Action::ClickedUndo)} />
                <button type="button" id="reset" onclick={emit(Action::ClickedReset)}>{ "Reset" }</button>
                <button type="button" id="copy-link" onclick={emit(Action::ClickedCopyLink)}>{ "Copy link" }</button>
            </div>
            { shared }
            <div class="button-row">
                <button type="button" onclick={emit(Action::ClickedDownloadSession)}>{ "Download session file" }</button>
                <button type="button" onclick={emit(Action::ClickedExportReport)}>{ "Export report (Markdown)" }</button>
                <button type="button" id="open-guide" onclick={emit(Action::OpenedGuide)}>{ "Trainer's guide" }</button>
                <button type="button" id="open-lab" onclick={emit(Action::OpenedLab)} title="The strategy lab: two policies over many seeds, as distributions">{ "What are the odds?" }</button>
            </div>
            <div class="files">
                <FilePicker id="open-session" label="Open a session file" on_refused={props.on_action.reform(refused)}
                    on_text={props.on_action.reform(|(name, text)| Action::ChoseSessionFile { name, text })} />
                <FilePicker id="open-scenario" label="Load a custom scenario" on_refused={props.on_action.reform(refused)}
                    on_text={props.on_action.reform(|(name, text)| Action::ChoseScenarioFile { name, text })} />
            </div>
        </section>
    }
}
