//! The timeline (recent events, newest first) and the audit log, filterable by stage, kind
//! and text. Clicking an event highlights the stage and release it concerns.

use yew::prelude::*;

use super::{value_of, Snapshot};
use crate::sim::audit::Outcome;
use crate::sim::world::RECENT_CAP;
use crate::sim::{StageId, World};
use crate::ui::labels::{actor_and_text, event_actor, EventGroup};
use crate::ui::state::{Action, TimelineFilter};

/// Rows drawn at most (the engine keeps more; a long list would only slow the page).
pub const TIMELINE_ROWS: usize = 80;
pub const AUDIT_ROWS: usize = 40;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub snapshot: Snapshot,
    pub filter: TimelineFilter,
    pub on_action: Callback<Action>,
}

/// The world as the event list reads it: equal when the recent events, the stage names and
/// the clock's start are, so a tick that added no event does not rebuild 80 rows (at 64× most
/// frames add none to what is shown, and each rebuild held a second copy of every row).
#[derive(Clone)]
struct EventsOf(Snapshot);

impl PartialEq for EventsOf {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0.world, &other.0.world);
        self.0 == other.0
            || (a.event_count == b.event_count
                && same_frame(a, b)
                && a.recent.len() == b.recent.len()
                // Newest first: a rewound or replaced world differs at its newest events.
                && a.recent.iter().rev().eq(b.recent.iter().rev()))
    }
}

/// The world as the audit table reads it: its counts and the rows it shows.
#[derive(Clone)]
struct AuditOf(Snapshot);

impl PartialEq for AuditOf {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (&self.0.world.audit, &other.0.world.audit);
        self.0 == other.0
            || (a.total == b.total
                && a.rejected == b.rejected
                && same_frame(&self.0.world, &other.0.world)
                && a.entries().rev().take(AUDIT_ROWS).eq(b.entries().rev().take(AUDIT_ROWS)))
    }
}

/// What a row's text depends on besides the row: stage names and the clock's start.
fn same_frame(a: &World, b: &World) -> bool {
    a.config.start_minute_of_day == b.config.start_minute_of_day
        && a.stages.len() == b.stages.len()
        && a.stages.iter().zip(&b.stages).all(|(x, y)| x.config.id == y.config.id && x.name() == y.name())
}

#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let world = &props.snapshot.world;
    let f = &props.filter;
    let set = |change: fn(&mut TimelineFilter, String)| {
        let on = props.on_action.clone();
        let filter = f.clone();
        Callback::from(move |e: Event| {
            let mut next = filter.clone();
            change(&mut next, value_of(&e));
            on.emit(Action::ChangedFilter(next));
        })
    };
    let text_input = {
        let on = props.on_action.clone();
        let filter = f.clone();
        Callback::from(move |e: InputEvent| {
            let mut next = filter.clone();
            next.text = value_of(&e);
            on.emit(Action::ChangedFilter(next));
        })
    };
    html! {
        <section class="card timeline" aria-labelledby="timeline-heading">
            <h2 id="timeline-heading">{ "Timeline" }</h2>
            <div class="filters">
                <label>{ "Stage" }
                    <select aria-label="Stage" onchange={set(|f, v| f.stage = (!v.is_empty()).then(|| StageId::new(v)))}>
                        <option value="" selected={f.stage.is_none()}>{ "All stages" }</option>
                        { for world.stages.iter().map(|s| html! {
                            <option value={s.config.id.as_str().to_string()} selected={f.stage.as_ref() == Some(&s.config.id)}>{ s.name().to_string() }</option>
                        }) }
                    </select>
                </label>
                <label>{ "Kind" }
                    <select aria-label="Kind" onchange={set(|f, v| f.kind = EventGroup::from_key(&v))}>
                        <option value="" selected={f.kind.is_none()}>{ "All kinds" }</option>
                        { for EventGroup::ALL.iter().map(|g| html! { <option value={g.key()} selected={f.kind == Some(*g)}>{ g.label() }</option> }) }
                    </select>
                </label>
                <label>{ "Search" }<input aria-label="Search" type="search" value={f.text.clone()} oninput={text_input} /></label>
            </div>
            <EventList world={EventsOf(props.snapshot.clone())} filter={f.clone()} on_action={props.on_action.clone()} />
            <AuditTable world={AuditOf(props.snapshot.clone())} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EventListProps {
    world: EventsOf,
    filter: TimelineFilter,
    on_action: Callback<Action>,
}

#[component]
fn EventList(props: &EventListProps) -> Html {
    let world = &props.world.0.world;
    let f = &props.filter;
    let start = world.config.start_minute_of_day;
    // ASCII case folding: the event texts are English, and full Unicode lowercasing
    // would add its tables (about 7 KB gzip) to the download for nothing.
    let needle = f.text.trim().to_ascii_lowercase();
    let first_seq = world.event_count - world.recent.len() as u64;
    let rows = world
        .recent
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, e)| f.stage.as_ref().is_none_or(|s| e.stage() == Some(s)))
        .filter(|(_, e)| f.kind.is_none_or(|k| EventGroup::of(e) == k))
        .map(|(k, e)| (k, e, world.describe(e)))
        .filter(|(_, _, text)| needle.is_empty() || text.to_ascii_lowercase().contains(&needle))
        .take(TIMELINE_ROWS)
        .map(|(k, e, text)| {
            let on = props.on_action.clone();
            let (stage, release, at) = (e.stage().cloned(), e.release(), e.at);
            let click = Callback::from(move |_: MouseEvent| on.emit(Action::ClickedEvent { stage: stage.clone(), release, at }));
            let important = e.is_important();
            let (who, what) = actor_and_text(event_actor(e), &text);
            html! {
                <li key={(first_seq + k as u64).to_string()} class={classes!(important.then_some("important"))}>
                    <button type="button" class="event" onclick={click}>
                        <time>{ e.at.label(start) }</time>
                        if let Some(who) = who { <span class="who">{ who }</span> }
                        <span class="what">{ what.to_string() }</span>
                    </button>
                </li>
            }
        })
        .collect::<Vec<Html>>();
    // Filters that match nothing say so, and how far back the timeline reaches (a week-long
    // run from the lab began long before its newest events).
    let unmatched = rows.is_empty() && !world.recent.is_empty();
    let oldest = world.recent.iter().next().map(|e| e.at.label(start)).unwrap_or_default();
    html! {
        <>
            if world.recent.is_empty() {
                <p class="hint">{ "Nothing has happened yet. Commit a change, or press Play." }</p>
            }
            if unmatched {
                <p class="hint" role="status">{ format!("No event matches these filters. The timeline keeps the newest {RECENT_CAP} events, back to {oldest}.") }</p>
            }
            <ol class="events" aria-label="Events, newest first">{ for rows }</ol>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AuditTableProps {
    world: AuditOf,
}

#[component]
fn AuditTable(props: &AuditTableProps) -> Html {
    let world = &props.world.0.world;
    let start = world.config.start_minute_of_day;
    let audit = world.audit.entries().rev().take(AUDIT_ROWS).map(|a| {
        let (outcome, class) = match &a.outcome {
            Outcome::Applied => ("✓ applied".to_string(), "ok"),
            Outcome::Rejected { reason } => (format!("✕ refused: {reason}"), "bad"),
        };
        html! {
            <tr key={a.seq.to_string()} class={class}>
                <td>{ a.at.label(start) }</td>
                <td>{ format!("{}{}", a.actor, a.role.map(|r| format!(" ({})", r.label())).unwrap_or_default()) }</td>
                <td>{ a.action.to_string() }</td>
                <td>{ outcome }</td>
            </tr>
        }
    });
    html! {
        <>
            <h3>{ format!("Audit log ({} commands, {} refused)", world.audit.total, world.audit.rejected) }</h3>
            // Scrolls once the log is long: focusable, so keyboard users can scroll it too.
            <div class="table-wrap" tabindex="0" role="region" aria-label="Audit log">
                <table class="audit">
                    <thead><tr><th scope="col">{ "When" }</th><th scope="col">{ "Who" }</th><th scope="col">{ "Command" }</th><th scope="col">{ "Outcome" }</th></tr></thead>
                    <tbody>{ for audit }</tbody>
                </table>
            </div>
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::command::{Command, TraitsChoice};
    use crate::sim::config::WorldConfig;
    use crate::sim::ids::ActorId;
    use std::rc::Rc;

    /// A world one minute in, with one commit summarised `summary`.
    fn committed(summary: &str, rev: u64) -> Snapshot {
        let mut w = World::new(WorldConfig::standard(), 1);
        w.tick();
        let commit = Command::Commit { summary: summary.into(), traits: TraitsChoice::Surprise };
        w.apply(&ActorId::new("dana"), commit).expect("a commit is accepted");
        Snapshot { world: Rc::new(w), rev }
    }

    #[test]
    fn the_lists_redraw_when_their_rows_differ_even_with_the_same_counts() {
        let (first, second) = (committed("first idea", 1), committed("second idea", 2));
        assert_eq!(first.world.event_count, second.world.event_count);
        assert_eq!(first.world.audit.total, second.world.audit.total);
        assert!(EventsOf(first.clone()) != EventsOf(second.clone()));
        assert!(AuditOf(first) != AuditOf(second));
    }

    #[test]
    fn a_new_revision_of_the_same_rows_does_not_redraw() {
        let (a, b) = (committed("same", 1), committed("same", 2));
        assert!(a != b, "different snapshots");
        assert!(EventsOf(a.clone()) == EventsOf(b.clone()));
        assert!(AuditOf(a) == AuditOf(b));
    }
}
