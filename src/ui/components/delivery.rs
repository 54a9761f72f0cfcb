//! The four delivery measures (DORA) and user impact, from the engine's running totals.

use yew::prelude::*;

use super::Snapshot;

#[derive(Properties, PartialEq)]
pub struct DeliveryProps {
    pub snapshot: Snapshot,
}

#[component]
pub fn Delivery(props: &DeliveryProps) -> Html {
    let world = &props.snapshot.world;
    let r = world.delivery.report(world.now);
    let none = || "—".to_string();
    let tiles = [
        (
            "Deployment frequency",
            format!("{:.1} / day", r.deploys_per_day),
            format!("{} production deploys", r.production_deploys),
        ),
        (
            "Lead time for changes",
            r.lead_time.map_or_else(none, |m| m.to_string()),
            "commit → production".to_string(),
        ),
        (
            "Change failure rate",
            r.change_failure_rate
                .map_or_else(none, |x| format!("{:.0} %", x * 100.0)),
            "deploys that hurt users".to_string(),
        ),
        (
            "Time to restore",
            r.time_to_restore.map_or_else(none, |m| m.to_string()),
            "average per incident".to_string(),
        ),
        (
            "Failed requests",
            r.failed_requests.to_string(),
            "seen by users".to_string(),
        ),
        (
            "User-minutes affected",
            format!("{:.0}", r.user_minutes_affected),
            "users × minutes with errors".to_string(),
        ),
    ];
    html! {
        <section class="card delivery" aria-labelledby="delivery-heading">
            <h2 id="delivery-heading">{ "Delivery measures" }</h2>
            <dl class="tiles">
                { for tiles.into_iter().map(|(name, value, note)| html! {
                    <div class="tile"><dt>{ name }</dt><dd><strong>{ value }</strong><small>{ note }</small></dd></div>
                }) }
            </dl>
        </section>
    }
}
