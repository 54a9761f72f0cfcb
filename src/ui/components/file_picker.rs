//! A labelled file input that reads one text file: files over 1 MB are refused before
//! reading; the text goes to a reducer (the app's or the lab's), which validates it.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::file::callbacks::FileReader;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::ui::persist::MAX_FILE_BYTES;

#[derive(Properties, PartialEq)]
pub struct FilePickerProps {
    pub id: AttrValue,
    pub label: AttrValue,
    /// The file's name and text.
    pub on_text: Callback<(String, String)>,
    /// The file's name and why it was not read.
    pub on_refused: Callback<(String, String)>,
    #[prop_or_default]
    pub disabled: bool,
}

#[component]
pub fn FilePicker(props: &FilePickerProps) -> Html {
    // The pending read: dropping a reader cancels it, so it is kept until the next one.
    let reader: Rc<RefCell<Option<FileReader>>> = use_mut_ref(|| None);
    let onchange = {
        let (read, refused) = (props.on_text.clone(), props.on_refused.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            else {
                return;
            };
            let Some(file) = input.files().and_then(|l| l.get(0)) else {
                return;
            };
            input.set_value("");
            let name = file.name();
            if file.size() > MAX_FILE_BYTES {
                let reason = format!(
                    "It is {:.1} MB; files over 1 MB are refused without being read.",
                    file.size() / 1_048_576.0
                );
                refused.emit((name, reason));
                return;
            }
            let (read, refused) = (read.clone(), refused.clone());
            let task =
                gloo::file::callbacks::read_as_text(&gloo::file::File::from(file), move |result| {
                    match result {
                        Ok(text) => read.emit((name, text)),
                        Err(_) => refused.emit((name, "The browser could not read it as text.".into())),
                    }
                });
            *reader.borrow_mut() = Some(task);
        })
    };
    html! {
        <label class="file" for={props.id.clone()}>{ props.label.clone() }
            <input type="file" id={props.id.clone()} accept=".json,application/json" disabled={props.disabled} {onchange} />
        </label>
    }
}

/// The app's action for a file the picker did not read.
pub fn refused((name, reason): (String, String)) -> crate::ui::state::Action {
    crate::ui::state::Action::RefusedFile { name, reason }
}
