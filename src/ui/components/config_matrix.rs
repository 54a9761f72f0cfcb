//! Configuration matrix: every key against every environment. Secrets show as ••••; a key
//! missing where others have it is marked in words, not only colour.

use std::collections::BTreeSet;

use yew::prelude::*;

use super::Snapshot;
use crate::sim::ConfigKey;

#[derive(Properties, PartialEq)]
pub struct ConfigMatrixProps {
    pub snapshot: Snapshot,
}

#[component]
pub fn ConfigMatrix(props: &ConfigMatrixProps) -> Html {
    let world = &props.snapshot.world;
    // Extending, not collecting: a collected set sorts first and adds a sort routine to the build.
    let mut keys: BTreeSet<&ConfigKey> = BTreeSet::new();
    keys.extend(
        world
            .stages
            .iter()
            .flat_map(|s| s.settings.keys().chain(s.secrets.iter())),
    );
    let rows = keys.into_iter().map(|key| {
        let present: Vec<bool> = world.stages.iter().map(|s| s.has_config(key)).collect();
        let drift = present.iter().any(|p| !p) && present.iter().any(|p| *p);
        let cells = world.stages.iter().map(|s| {
            if s.secrets.contains(key) {
                html! { <td class="secret"><span aria-label="secret set">{ "•••• " }</span><small>{ "(secret)" }</small></td> }
            } else if let Some(v) = s.settings.get(key) {
                html! { <td><code>{ v.clone() }</code></td> }
            } else {
                html! { <td class={classes!("missing", drift.then_some("bad"))}>{ "⚠ missing" }</td> }
            }
        });
        html! {
            <tr key={key.as_str().to_string()} class={classes!(drift.then_some("drift"))}>
                <th scope="row"><code>{ key.as_str().to_string() }</code></th>
                { for cells }
                <td>{ if drift { "⚠ drift" } else { "same keys" } }</td>
            </tr>
        }
    });
    html! {
        <section class="card config" aria-labelledby="config-heading">
            <h2 id="config-heading">{ "Configuration" }</h2>
            <p class="hint">{ "The same build runs everywhere; only configuration differs. A key missing in one environment is drift: the classic “worked on staging, broke in production”." }</p>
            // Scrolls sideways on phones: focusable, so keyboard users can scroll it too.
            <div class="table-wrap" tabindex="0" role="region" aria-label="Configuration by environment">
                <table class="matrix">
                    <thead><tr>
                        <th scope="col">{ "Key" }</th>
                        { for world.stages.iter().map(|s| html! { <th scope="col">{ s.name().to_string() }</th> }) }
                        <th scope="col">{ "Status" }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
            </div>
        </section>
    }
}
