use yew::prelude::*;

#[component]
fn App() -> Html {
    html! { <main><h1>{ "Stagecraft" }</h1></main> }
}

pub fn start() {
    yew::Renderer::<App>::new().render();
}
