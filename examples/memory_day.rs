//! A long class day, natively: the root reducer driven as `bench/frames.mjs` drives the page
//! (free play at 64×, 8 minutes a tick, a commit every 40 ticks, i.e. every 5 s), with the
//! previous state kept alive while the next is built (as Yew does) and the autosave's text
//! kept as `persist::use_autosave` keeps it. A counting allocator reports the live heap and
//! its high-water mark, and the sizes of the things that grow, so what fills up after the
//! warm-up can be told apart from a leak.
//!
//! `cargo run --release --example memory_day -- [warm-up ticks] [measured ticks]`
//! (defaults: 480 and 4800, the bench's 60 s and 600 s at 8 ticks a second).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    day::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod day {
    use stagecraft::lessons::share::SessionText;
    use stagecraft::sim::{CommitTraits, TraitsChoice};
    use stagecraft::ui::state::{Action, AppState, Speed};
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::rc::Rc;
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use yew::Reducible;

    struct Counting;
    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
            unsafe { System.alloc(l) }
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            LIVE.fetch_sub(l.size(), Relaxed);
            unsafe { System.dealloc(p, l) }
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
            // Both blocks are live for a moment.
            let now = LIVE.fetch_add(n, Relaxed) + n;
            PEAK.fetch_max(now, Relaxed);
            LIVE.fetch_sub(l.size(), Relaxed);
            unsafe { System.realloc(p, l, n) }
        }
    }

    #[global_allocator]
    static A: Counting = Counting;

    fn kb(n: usize) -> String {
        format!("{:8.1} KB", n as f64 / 1e3)
    }

    fn report(label: &str, s: &AppState, save: &SessionText, text_len: usize) {
        let w = &s.world;
        let world_json = serde_json::to_string(&**w).map_or(0, |t| t.len());
        println!(
            "{label:>6}: live {} | min {:6} | log {:4} audit {:4} recent {:3} releases {:2} builds {} incidents {:2} | world json {} autosave {} ({} cmds)",
            kb(LIVE.load(Relaxed)),
            w.now.0,
            s.log.len(),
            w.audit.len(),
            w.recent.len(),
            w.releases.len(),
            w.builds.len(),
            w.incidents.len(),
            kb(world_json),
            kb(text_len),
            save.written(),
        );
    }

    /// Heap bytes a clone of `x` allocates: about what `x` holds (without spare capacity).
    fn held<T: Clone>(x: &T) -> usize {
        let before = LIVE.load(Relaxed);
        let copy = x.clone();
        let n = LIVE.load(Relaxed) - before;
        drop(copy);
        n
    }

    fn breakdown(s: &AppState) {
        let w = &s.world;
        // The histories share their chunks between clones: what they hold is measured on a
        // plain copy of their items.
        let whole = |v: Vec<_>| held(&v);
        println!(
            "        world clone {} | held: recent {} audit {} releases {} series {} incidents {} config {} | log {}",
            kb(held(&**w)),
            kb(whole(w.recent.iter().cloned().collect())),
            kb(held(&w.audit.entries().cloned().collect::<Vec<_>>())),
            kb(held(&w.releases.values().cloned().collect::<Vec<_>>())),
            kb(w.stages.iter().map(|st| held(&st.monitor.series.iter().copied().collect::<Vec<_>>())).sum()),
            kb(held(&w.incidents)),
            kb(held(&w.config)),
            kb(held(&s.log.to_vec())),
        );
    }

    pub fn main() {
        let args: Vec<u32> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
        let warm = args.first().copied().unwrap_or(480);
        let measured = args.get(1).copied().unwrap_or(4800);
        let mut state = Rc::new(AppState::default());
        for a in [Action::ToggledAutoPause, Action::ChoseSpeed(Speed::X64), Action::TogglePlay] {
            state = state.clone().reduce(a);
        }
        let mut save = SessionText::new(&state.training.scenario, state.seed);
        let mut text_len = 0;
        let mut taken = 0;
        // The highest the heap went during a step (a tick, a commit, the autosave's text),
        // with the states before and after alive, as in the app.
        let mut step_peak = 0;
        report("start", &state, &save, text_len);
        let every = (warm + measured) / 10;
        for tick in 1..=warm + measured {
            let base = LIVE.load(Relaxed);
            PEAK.store(base, Relaxed);
            let previous = state.clone();
            state = previous.clone().reduce(Action::ClockTicked);
            drop(previous);
            if tick % 40 == 0 {
                let previous = state.clone();
                state = previous.clone().reduce(Action::SubmittedCommit {
                    summary: "Add gift cards".into(),
                    traits: TraitsChoice::Exactly(CommitTraits::default()),
                });
                drop(previous);
            }
            state.log.iter_with(|commands| save.extend(commands));
            // The app moves the finished pieces into a JavaScript string (outside wasm
            // memory): here they are counted and dropped.
            for piece in save.take_finished() {
                taken += piece.len();
            }
            text_len = taken + save.rest(state.world.now).len();
            step_peak = step_peak.max(PEAK.load(Relaxed));
            if tick == warm {
                report("warm", &state, &save, text_len);
                breakdown(&state);
                println!("        highest during a step so far: {}", kb(step_peak));
                step_peak = 0;
            } else if tick % every == 0 {
                report(&tick.to_string(), &state, &save, text_len);
            }
        }
        report("end", &state, &save, text_len);
        breakdown(&state);
        println!("        highest during a step after the warm-up: {}", kb(step_peak));
        // Where one tick's high-water mark comes from.
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let w = (*state.world).clone();
        println!("  world clone: +{}", kb(PEAK.load(Relaxed) - base));
        let mut w2 = w.clone();
        drop(w);
        let base2 = LIVE.load(Relaxed);
        PEAK.store(base2, Relaxed);
        for _ in 0..8 {
            w2.tick();
        }
        println!("  8 minutes on a clone: peak +{} live +{}", kb(PEAK.load(Relaxed) - base2), kb(LIVE.load(Relaxed) - base2));
        drop(w2);
        PEAK.store(LIVE.load(Relaxed), Relaxed);
        let base = LIVE.load(Relaxed);
        let next = state.clone().reduce(Action::ClockTicked);
        println!("  one tick through the reducer: peak +{} live +{}", kb(PEAK.load(Relaxed) - base), kb(LIVE.load(Relaxed) - base));
        drop(next);
    }
}
