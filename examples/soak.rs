//! Soak: many long random sessions through the engine, on all cores, checking after every
//! step the invariants the property tests check (`tests/support/invariants.rs`), plus, at the
//! end of each sequence, that replaying its log rebuilds the same world, that the saved world
//! reads back as itself, and that the session survives a session file.
//!
//! Each sequence is one scenario (a built-in lesson or free play) with a random seed and about
//! 200 commands from every member of its cast, chaos from the instructor included, between
//! random waits. Sequence `i` of master seed `s` is always the same, so a failure is
//! reproduced by `--seed s --only i`; it is also shrunk and printed as a share link.
//!
//! `./x soak` runs it (100,000 sequences); by hand:
//! `cargo run --profile soak --example soak -- [--sequences N] [--seed S] [--commands C]
//! [--only I] [--replay LINK]` (or SOAK_SEQUENCES, SOAK_SEED, SOAK_COMMANDS).

#[cfg(not(target_arch = "wasm32"))]
#[path = "../tests/support/invariants.rs"]
mod invariants;

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    std::process::exit(soak::main());
}

#[cfg(not(target_arch = "wasm32"))]
mod soak {
    use crate::invariants::{check_world, Before, Violation, Watch};
    use rayon::prelude::*;
    use stagecraft::lessons::share::{self, ScenarioRef, SharedSession};
    use stagecraft::lessons::{self, Lesson, Session};
    use stagecraft::sim::replay::LoggedCommand;
    use stagecraft::sim::rng::Pcg32;
    use stagecraft::sim::*;
    use std::cell::RefCell;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::sync::Mutex;
    use std::time::{Duration, Instant};

    const DEFAULT_SEQUENCES: u64 = 100_000;
    const DEFAULT_SEED: u64 = 13;
    const DEFAULT_COMMANDS: u32 = 200;
    /// The saved-world checks (no secret in it; it reads back and saves as the same text)
    /// serialise and parse a world of about 300 KB: two thirds of a sequence's time. They run
    /// on every fourth sequence (and on every replay and shrink step); the others run on all.
    const SAVED_WORLD_EVERY: u64 = 4;
    /// Failures shrunk and printed in full (the others are counted and listed by index).
    const SHRINK_AT_MOST: usize = 5;

    #[derive(Clone, Debug, PartialEq)]
    enum Step {
        Wait(u32),
        Act(ActorId, Command),
    }

    #[derive(Clone, Copy, Debug, Default)]
    struct Stats {
        sequences: u64,
        applied: u64,
        refused: u64,
        minutes: u64,
        events: u64,
    }

    impl Stats {
        fn add(mut self, o: Stats) -> Stats {
            self.sequences += o.sequences;
            self.applied += o.applied;
            self.refused += o.refused;
            self.minutes += o.minutes;
            self.events += o.events;
            self
        }
    }

    struct Run {
        steps: Vec<Step>,
        stats: Stats,
        log: Vec<LoggedCommand>,
        now: SimTime,
        result: Result<(), Violation>,
    }

    /// A failing sequence, as the worker thread found it. Only plain data crosses threads (the
    /// engine's ids are `Rc<str>`): the steps are drawn again from the index to shrink them.
    struct Found {
        index: u64,
        violation: Violation,
    }

    struct Options {
        sequences: u64,
        seed: u64,
        commands: u32,
        only: Option<u64>,
        replay: Option<String>,
    }

    thread_local! {
        static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
        /// Each thread's own copy of the scenarios (a `Lesson` is not `Sync`).
        static SCENARIOS: Vec<Lesson> = scenarios();
    }

    pub fn main() -> i32 {
        let options = match options() {
            Ok(o) => o,
            Err(e) => {
                eprintln!("soak: {e}");
                eprintln!("usage: soak [--sequences N] [--seed S] [--commands C] [--only INDEX] [--replay LINK]");
                return 2;
            }
        };
        // A panic is a finding: keep its message for the report instead of printing it.
        std::panic::set_hook(Box::new(|info| {
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(info.to_string()));
        }));
        let scenarios = scenarios();
        if let Some(link) = &options.replay {
            return replay_link(&scenarios, link);
        }
        let range = match options.only {
            Some(i) => i..i + 1,
            None => 0..options.sequences,
        };
        let total = range.end - range.start;
        println!(
            "soak: {total} sequences of {} commands (master seed {}, {} scenarios, {} threads)",
            options.commands,
            options.seed,
            scenarios.len(),
            rayon::current_num_threads()
        );

        let done = AtomicU64::new(0);
        let failed = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let failures: Mutex<Vec<Found>> = Mutex::new(Vec::new());
        let start = Instant::now();
        let stats = std::thread::scope(|scope| {
            scope.spawn(|| progress(total, &done, &failed, &stop, start));
            let stats = range
                .into_par_iter()
                .map(|index| {
                    let (stats, result) = SCENARIOS.with(|scenarios| {
                        let (_, _, run) =
                            sequence(scenarios, options.seed, options.commands, index);
                        (run.stats, run.result)
                    });
                    done.fetch_add(1, Ordering::Relaxed);
                    if let Err(violation) = result {
                        failed.fetch_add(1, Ordering::Relaxed);
                        failures.lock().unwrap().push(Found { index, violation });
                    }
                    stats
                })
                .reduce(Stats::default, Stats::add);
            stop.store(true, Ordering::Relaxed);
            stats
        });
        let seconds = start.elapsed().as_secs_f64();
        let mut failures = failures.into_inner().unwrap();
        failures.sort_by_key(|f| f.index);

        println!(
            "soak: {} sequences in {seconds:.1} s ({:.0} sequences/s)",
            stats.sequences,
            stats.sequences as f64 / seconds
        );
        println!(
            "  commands: {} applied, {} refused ({:.0} commands/s); {} events",
            stats.applied,
            stats.refused,
            (stats.applied + stats.refused) as f64 / seconds,
            stats.events
        );
        println!(
            "  simulated: {} minutes ({:.1} years; {:.0} minutes per sequence)",
            stats.minutes,
            stats.minutes as f64 / (365.0 * 24.0 * 60.0),
            stats.minutes as f64 / stats.sequences.max(1) as f64
        );
        println!("  failures: {}", failures.len());
        if failures.is_empty() {
            return 0;
        }
        report(&scenarios, &options, &failures);
        1
    }

    fn options() -> Result<Options, String> {
        let env = |name: &str| std::env::var(name).ok();
        let number = |what: &str, text: Option<String>, default: u64| -> Result<u64, String> {
            match text {
                None => Ok(default),
                Some(t) => t
                    .replace('_', "")
                    .parse()
                    .map_err(|_| format!("{what}: expected a whole number, found \"{t}\"")),
            }
        };
        let mut sequences = env("SOAK_SEQUENCES");
        let mut seed = env("SOAK_SEED");
        let mut commands = env("SOAK_COMMANDS");
        let mut only = None;
        let mut replay = None;
        let mut args = std::env::args().skip(1);
        while let Some(arg) = args.next() {
            let mut value = || args.next().ok_or(format!("{arg} needs a value"));
            match arg.as_str() {
                "--sequences" | "-n" => sequences = Some(value()?),
                "--seed" => seed = Some(value()?),
                "--commands" => commands = Some(value()?),
                "--only" => only = Some(value()?),
                "--replay" => replay = Some(value()?),
                _ => return Err(format!("unknown argument {arg}")),
            }
        }
        Ok(Options {
            sequences: number("--sequences", sequences, DEFAULT_SEQUENCES)?,
            seed: number("--seed", seed, DEFAULT_SEED)?,
            commands: u32::try_from(number("--commands", commands, u64::from(DEFAULT_COMMANDS))?)
                .map_err(|_| "--commands: too large".to_string())?,
            only: only.map(|o| number("--only", Some(o), 0)).transpose()?,
            replay,
        })
    }

    /// Every built-in lesson in catalogue order, and free play.
    fn scenarios() -> Vec<Lesson> {
        let mut ids: Vec<String> = lessons::catalog().into_iter().map(|s| s.id).collect();
        if !ids.iter().any(|i| i == lessons::FREE_PLAY_ID) {
            ids.push(lessons::FREE_PLAY_ID.to_string());
        }
        ids.iter()
            .map(|id| {
                lessons::load(id).unwrap_or_else(|p| panic!("lesson {id} does not load: {p:?}"))
            })
            .collect()
    }

    fn progress(
        total: u64,
        done: &AtomicU64,
        failed: &AtomicU64,
        stop: &AtomicBool,
        start: Instant,
    ) {
        let mut last = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            std::thread::sleep(Duration::from_millis(200));
            if last.elapsed() < Duration::from_secs(30) {
                continue;
            }
            last = Instant::now();
            let n = done.load(Ordering::Relaxed);
            let elapsed = start.elapsed().as_secs_f64();
            let rate = n as f64 / elapsed;
            eprintln!(
                "soak: {n}/{total} sequences, {rate:.0}/s, about {:.0} s to go, {} failures",
                (total - n) as f64 / rate.max(1e-9),
                failed.load(Ordering::Relaxed)
            );
        }
    }

    /// Sequence `index` of master seed `master`: its scenario, world seed and run.
    fn sequence(scenarios: &[Lesson], master: u64, commands: u32, index: u64) -> (usize, u64, Run) {
        let mut rng = Pcg32::new(master, index);
        let lesson = rng.below(scenarios.len() as u32) as usize;
        let seed = u64::from(rng.below(1_000_000));
        let mut generator = Generator::new(&scenarios[lesson], rng, commands);
        let saved_world = index % SAVED_WORLD_EVERY == 0;
        let run = run(&scenarios[lesson], seed, saved_world, |w| generator.next(w));
        (lesson, seed, run)
    }

    /// Runs steps (from `next`, which sees the world) through a live session of `lesson`,
    /// checking every invariant after each; stops at the first broken one.
    fn run(
        lesson: &Lesson,
        seed: u64,
        saved_world: bool,
        mut next: impl FnMut(&World) -> Option<Step>,
    ) -> Run {
        let mut steps = Vec::new();
        let mut stats = Stats {
            sequences: 1,
            ..Stats::default()
        };
        let mut session = None;
        let result = catch_unwind(AssertUnwindSafe(|| {
            let s = session.insert(Session::with_seed(lesson.clone(), seed));
            play(
                lesson,
                seed,
                s,
                &mut next,
                &mut steps,
                &mut stats,
                saved_world,
            )
        }))
        .unwrap_or_else(|_| {
            let message = LAST_PANIC
                .with(|p| p.borrow_mut().take())
                .unwrap_or_default();
            Err(Violation {
                invariant: "no panic",
                detail: message,
            })
        });
        let (log, now) = session.map_or((Vec::new(), SimTime::ZERO), |s| (s.log, s.world.now));
        stats.minutes = now.0;
        Run {
            steps,
            stats,
            log,
            now,
            result,
        }
    }

    fn play(
        lesson: &Lesson,
        seed: u64,
        session: &mut Session,
        next: &mut impl FnMut(&World) -> Option<Step>,
        steps: &mut Vec<Step>,
        stats: &mut Stats,
        saved_world: bool,
    ) -> Result<(), Violation> {
        let mut watch = Watch::new();
        while let Some(step) = next(&session.world) {
            steps.push(step.clone());
            let events = match step {
                Step::Wait(n) => session.run_until(SimTime(session.world.now.0 + u64::from(n))),
                Step::Act(actor, command) => {
                    let before = Before::take(&mut session.world);
                    let result = session.apply(&actor, command);
                    match &result {
                        Ok(_) => stats.applied += 1,
                        Err(_) => stats.refused += 1,
                    }
                    watch.command(before, &mut session.world, &actor, &result)?;
                    result.unwrap_or_default()
                }
            };
            stats.events += events.len() as u64;
            watch.events(&session.world, &events)?;
            check_world(&session.world)?;
        }
        let world = &session.world;
        let saved = saved_world.then(|| stagecraft::lessons::json::to_string(world));
        watch.finish(world, saved.as_deref())?;
        // What a share link promises: the log replayed on a fresh world is the same world.
        replays(lesson, seed, session)?;
        // What autosave promises: the saved world reads back, and saves as the same text.
        if let Some(text) = saved {
            let back = serde_json::from_str(&text)
                .map_err(|e| e.to_string())
                .and_then(|v| stagecraft::lessons::json::from_value::<World>(&v).map_err(|e| e.to_string()));
            let again = back.map(|w| stagecraft::lessons::json::to_string(&w));
            if again.as_ref() != Ok(&text) {
                return Err(Violation {
                    invariant: "a saved world reads back as itself",
                    detail: match again {
                        Err(e) => format!("does not read back: {e}"),
                        Ok(_) => "reads back as another world".into(),
                    },
                });
            }
        }
        session_file(lesson, seed, session)
    }

    fn replays(lesson: &Lesson, seed: u64, session: &Session) -> Result<(), Violation> {
        let world = &session.world;
        let replayed =
            stagecraft::sim::replay::replay(lesson.config.clone(), seed, &session.log, world.now);
        if replayed != *world {
            return Err(Violation {
                invariant: "a replayed log rebuilds the same world",
                detail: format!(
                    "replaying {} commands to minute {} gave another world{}",
                    session.log.len(),
                    world.now.0,
                    crate::invariants::first_difference(&replayed, world)
                ),
            });
        }
        Ok(())
    }

    /// What a session file promises: the session reads back as itself.
    fn session_file(lesson: &Lesson, seed: u64, session: &Session) -> Result<(), Violation> {
        let shared = shared(lesson, seed, session.log.clone(), session.world.now);
        let text = share::session_to_string(&shared);
        match share::session_from_str("soak", &text) {
            Ok(back) if back == shared => Ok(()),
            other => Err(Violation {
                invariant: "a session file reads back as itself",
                detail: format!("{:?}", other.err()),
            }),
        }
    }

    fn shared(lesson: &Lesson, seed: u64, log: Vec<LoggedCommand>, now: SimTime) -> SharedSession {
        SharedSession {
            scenario: ScenarioRef::Lesson(lesson.id().to_string()),
            seed,
            log,
            now,
        }
    }

    fn fixed(lesson: &Lesson, seed: u64, steps: &[Step]) -> Run {
        let mut it = steps.iter().cloned();
        run(lesson, seed, true, |_| it.next())
    }

    /// Greedy shrinking: drops runs of steps, halving their length down to one, while the same
    /// invariant still breaks; then shortens each wait as far as it still does.
    fn shrink(
        lesson: &Lesson,
        seed: u64,
        steps: &[Step],
        broken: &Violation,
    ) -> (Vec<Step>, Violation) {
        let fails = |candidate: &[Step]| -> Option<(Vec<Step>, Violation)> {
            let run = fixed(lesson, seed, candidate);
            match run.result {
                Err(v) if v.invariant == broken.invariant => Some((run.steps, v)),
                _ => None,
            }
        };
        let (mut steps, mut violation) = fails(steps).unwrap_or((steps.to_vec(), broken.clone()));
        let mut chunk = steps.len().div_ceil(2);
        while chunk >= 1 {
            let mut i = 0;
            while i < steps.len() {
                let mut candidate = steps.clone();
                candidate.drain(i..(i + chunk).min(steps.len()));
                match fails(&candidate) {
                    Some((s, v)) => (steps, violation) = (s, v),
                    None => i += chunk,
                }
            }
            if chunk == 1 {
                break;
            }
            chunk = chunk.div_ceil(2).min(chunk - 1);
        }
        for i in 0..steps.len() {
            while let Step::Wait(n) = steps[i] {
                if n <= 1 {
                    break;
                }
                let mut candidate = steps.clone();
                candidate[i] = Step::Wait(n / 2);
                match fails(&candidate) {
                    Some((s, v)) if s.len() == steps.len() => (steps, violation) = (s, v),
                    _ => break,
                }
            }
        }
        (steps, violation)
    }

    fn report(scenarios: &[Lesson], options: &Options, failures: &[Found]) {
        let mut shown = 0;
        for f in failures {
            let (lesson, seed, run) = sequence(scenarios, options.seed, options.commands, f.index);
            let lesson = &scenarios[lesson];
            println!(
                "\nFAILED sequence {} ({}, seed {seed}): {}",
                f.index,
                lesson.id(),
                f.violation
            );
            println!(
                "  reproduce: cargo run --profile soak --example soak -- --seed {} --commands {} --only {}",
                options.seed, options.commands, f.index
            );
            if shown == SHRINK_AT_MOST {
                continue;
            }
            shown += 1;
            let (steps, violation) = shrink(lesson, seed, &run.steps, &f.violation);
            println!(
                "  shrunk from {} to {} steps: {violation}",
                run.steps.len(),
                steps.len()
            );
            let run = fixed(lesson, seed, &steps);
            let mut now = 0u64;
            for step in &steps {
                match step {
                    Step::Wait(n) => now += u64::from(*n),
                    Step::Act(actor, command) => println!("    minute {now}: {actor}: {command:?}"),
                }
            }
            println!("    then to minute {now}");
            let session = shared(lesson, seed, run.log, run.now);
            match share::encode(&session) {
                Ok(link) => {
                    println!(
                        "  share link (open the app with #s=<link>, or: soak --replay <link>):"
                    );
                    println!("    {link}");
                }
                Err(e) => {
                    println!("  {e} Session file:");
                    println!("{}", share::session_to_string(&session));
                }
            }
        }
    }

    /// Replays a share link's session with every check: its log becomes the steps (commands at
    /// their minutes, the waits between them).
    fn replay_link(scenarios: &[Lesson], link: &str) -> i32 {
        let link = link.rsplit("#s=").next().unwrap_or(link);
        let session = match share::decode(link) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("soak: {e}");
                return 2;
            }
        };
        let ScenarioRef::Lesson(id) = &session.scenario else {
            eprintln!(
                "soak: the link carries a custom scenario; only built-in lessons replay here"
            );
            return 2;
        };
        let Some(lesson) = scenarios.iter().find(|l| l.id() == id) else {
            eprintln!("soak: no built-in lesson {id}");
            return 2;
        };
        let mut steps = Vec::new();
        let mut now = 0;
        for entry in &session.log {
            if entry.at.0 > now {
                steps.push(Step::Wait((entry.at.0 - now) as u32));
                now = entry.at.0;
            }
            steps.push(Step::Act(entry.actor.clone(), entry.command.clone()));
        }
        if session.now.0 > now {
            steps.push(Step::Wait((session.now.0 - now) as u32));
        }
        let run = fixed(lesson, session.seed, &steps);
        println!(
            "replayed {} ({} commands, seed {}, to minute {})",
            id,
            session.log.len(),
            session.seed,
            session.now.0
        );
        match run.result {
            Ok(()) => {
                println!("every invariant holds");
                0
            }
            Err(v) => {
                println!("FAILED: {v}");
                1
            }
        }
    }

    /// Draws a session's steps: about `commands` commands from the whole cast (chaos from the
    /// instructor), each after a wait of 1 to 39 minutes two times in five, about real ids
    /// (the scenario's stages and the releases that exist) with a few wrong ones.
    struct Generator {
        rng: Pcg32,
        left: u32,
        stages: Vec<StageId>,
        actors: Vec<ActorId>,
        instructor: Option<ActorId>,
        keys: Vec<ConfigKey>,
    }

    impl Generator {
        fn new(lesson: &Lesson, rng: Pcg32, commands: u32) -> Generator {
            let c = &lesson.config;
            let mut keys: Vec<ConfigKey> = c
                .stages
                .iter()
                .flat_map(|s| s.config.keys().cloned())
                .collect();
            keys.extend(
                c.scripted_commits
                    .iter()
                    .filter_map(|t| t.requires_config.clone()),
            );
            keys.push(ConfigKey::new("CACHE_URL"));
            keys.sort();
            keys.dedup();
            Generator {
                rng,
                left: commands,
                stages: c.stages.iter().map(|s| s.id.clone()).collect(),
                actors: c.actors.iter().map(|a| a.id.clone()).collect(),
                instructor: lesson.instructor.clone(),
                keys,
            }
        }

        fn below(&mut self, n: usize) -> usize {
            self.rng.below(n as u32) as usize
        }

        fn chance(&mut self, p: f64) -> bool {
            self.rng.chance(p)
        }

        fn pick<T: Clone>(&mut self, items: &[T]) -> T {
            items[self.below(items.len())].clone()
        }

        fn next(&mut self, w: &World) -> Option<Step> {
            if self.left == 0 {
                return None;
            }
            if self.chance(0.4) {
                return Some(Step::Wait(1 + self.rng.below(39)));
            }
            self.left -= 1;
            let command = self.command(w);
            let chaos = matches!(command, Command::Inject { .. } | Command::Schedule { .. });
            let instructor = self.instructor.clone();
            let actor = match instructor {
                Some(i) if chaos && self.chance(0.8) => i,
                _ if self.chance(0.03) => ActorId::new("ghost"),
                _ => {
                    // Mostly someone whose role may do it (so more commands go through), else
                    // anyone in the cast.
                    let mut actors = self.actors.clone();
                    if self.chance(0.7) {
                        let allowed: Vec<ActorId> = actors
                            .iter()
                            .filter(|a| w.permits(a, &command).is_ok())
                            .cloned()
                            .collect();
                        if !allowed.is_empty() {
                            actors = allowed;
                        }
                    }
                    self.pick(&actors)
                }
            };
            Some(Step::Act(actor, command))
        }

        fn stage(&mut self) -> StageId {
            if self.chance(0.03) {
                return StageId::new("nowhere");
            }
            let stages = self.stages.clone();
            self.pick(&stages)
        }

        fn version(&mut self, w: &World) -> Version {
            if self.chance(0.75) && !w.releases.is_empty() {
                let i = self.below(w.releases.len());
                if let Some(v) = w.releases.keys().nth(i) {
                    return *v;
                }
            }
            Version::new(1, self.rng.below(8) as u16, self.rng.below(3) as u16)
        }

        fn key(&mut self) -> ConfigKey {
            let keys = self.keys.clone();
            self.pick(&keys)
        }

        /// A rolling limit: a count (0 to 4, some beyond a small stage) or a percentage
        /// (0 to 120, some beyond 100 %), so refusals are exercised too.
        fn amount(&mut self) -> stagecraft::sim::Amount {
            use stagecraft::sim::Amount::{Count, Percent};
            match self.below(2) {
                0 => Count(self.below(5) as u8),
                _ => Percent((self.below(5) * 30) as u8),
            }
        }

        fn strategy(&mut self) -> stagecraft::sim::Strategy {
            use stagecraft::sim::Strategy as S;
            match self.below(6) {
                0 => S::AllAtOnce,
                1 => S::Rolling(stagecraft::sim::RollingPlan::Limits {
                    max_surge: self.amount(),
                    max_unavailable: self.amount(),
                }),
                2 => S::BlueGreen,
                3 => S::Canary(Box::default()),
                4 => {
                    let steps = (0..self.below(4))
                        .map(|_| self.rng.below(120) as u8)
                        .collect();
                    S::Canary(Box::new(CanaryPlan {
                        steps,
                        pause_minutes: self.rng.below(20),
                        ..CanaryPlan::default()
                    }))
                }
                _ => S::DarkLaunch {
                    flag: FlagName::new("dark"),
                },
            }
        }

        fn failure(&mut self) -> Failure {
            let minutes = self.rng.below(90);
            match self.below(9) {
                0 => Failure::InstanceCrash {
                    stage: self.stage(),
                },
                1 => Failure::DependencyOutage {
                    stage: self.stage(),
                    minutes,
                },
                2 => Failure::DatabaseOutage {
                    stage: self.stage(),
                    minutes,
                },
                3 => Failure::TrafficSpike {
                    stage: self.stage(),
                    factor: self.rng.between(-2.0, 20.0),
                    minutes: 1 + self.rng.below(59),
                },
                4 => Failure::DataLoss {
                    stage: self.stage(),
                },
                5 => Failure::RegionOutage {
                    stage: self.stage(),
                },
                6 => Failure::CertificateExpiry {
                    stage: self.stage(),
                },
                7 => Failure::FlakyTests {
                    minutes: self.rng.below(60),
                },
                _ => Failure::UnauthorizedDeploy {
                    stage: self.stage(),
                },
            }
        }

        /// The property tests' mix of commands (same weights), plus scaling.
        fn command(&mut self, w: &World) -> Command {
            const WEIGHTS: [u32; 21] = [
                3, 1, 4, 3, 1, 1, 1, 1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 1,
            ];
            let mut roll = self.rng.below(WEIGHTS.iter().sum());
            let mut kind = 0;
            while roll >= WEIGHTS[kind] {
                roll -= WEIGHTS[kind];
                kind += 1;
            }
            match kind {
                0 => {
                    let requires_config = if self.chance(0.3) {
                        Some(self.key())
                    } else {
                        None
                    };
                    Command::Commit {
                        summary: "change".into(),
                        traits: TraitsChoice::Exactly(CommitTraits {
                            defect: self.pick(&Defect::ALL),
                            migration: self.pick(&[
                                Migration::None,
                                Migration::Additive,
                                Migration::Destructive,
                            ]),
                            requires_config,
                            ..CommitTraits::default()
                        }),
                    }
                }
                1 => Command::Commit {
                    summary: "surprise".into(),
                    traits: TraitsChoice::Surprise,
                },
                2 => Command::Promote {
                    release: self.version(w),
                    to: self.stage(),
                    strategy: self.strategy(),
                    gates: if self.chance(0.2) {
                        GateMode::Override {
                            reason: "soak".into(),
                        }
                    } else {
                        GateMode::Enforce
                    },
                },
                3 => Command::Approve {
                    release: self.version(w),
                    stage: self.stage(),
                },
                4 => Command::PauseRollout {
                    stage: self.stage(),
                },
                5 => Command::ResumeRollout {
                    stage: self.stage(),
                },
                6 => Command::AdvanceRollout {
                    stage: self.stage(),
                },
                7 => Command::AbortRollout {
                    stage: self.stage(),
                },
                8 => Command::SwitchTraffic {
                    stage: self.stage(),
                },
                9 => Command::Rollback {
                    stage: self.stage(),
                    to: self.version(w),
                },
                10 => Command::Hotfix {
                    base: self.version(w),
                    summary: "fix".into(),
                },
                11 => Command::SetFlag {
                    stage: self.stage(),
                    flag: FlagName::new("dark"),
                    percent: self.rng.below(120) as u8,
                },
                12 => Command::SetConfig {
                    stage: self.stage(),
                    key: self.key(),
                    value: self.chance(0.7).then(|| "redis://x".to_string()),
                },
                13 => Command::SetSecret {
                    stage: self.stage(),
                    name: ConfigKey::new("TOKEN"),
                    value: SecretValue(format!("SECRET-{}", self.rng.below(1000))),
                },
                14 => Command::TakeBackup {
                    stage: self.stage(),
                },
                15 => Command::RestoreBackup {
                    stage: self.stage(),
                    backup: BackupId(self.rng.below(10)),
                },
                16 => Command::Failover {
                    stage: self.stage(),
                },
                17 => Command::RenewCertificate {
                    stage: self.stage(),
                },
                18 => Command::Scale {
                    stage: self.stage(),
                    instances: self.rng.below(12) as u8,
                },
                19 => Command::Inject {
                    failure: self.failure(),
                },
                _ => {
                    let at = if self.chance(0.5) {
                        self.rng.below(400).into()
                    } else {
                        w.now.0 + u64::from(self.rng.below(400))
                    };
                    Command::Schedule {
                        at: SimTime(at),
                        failure: self.failure(),
                    }
                }
            }
        }
    }
}
