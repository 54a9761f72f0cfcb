//! The strategy lab's web worker: trunk builds it as its own wasm (`index.html`,
//! `data-type="worker"`, into `dist/lab/`), so the lab's runs never load with the app's first
//! screen and never run on the page's main thread. What it does is in `ui::lab::worker`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    stagecraft::ui::lab::worker::register();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("lab_worker runs inside a browser (the strategy lab); from a terminal, use the stagecraft-lab binary.");
}
