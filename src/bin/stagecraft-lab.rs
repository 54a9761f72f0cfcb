//! `stagecraft-lab`: the strategy lab on the command line. Runs one scenario under two
//! policies for many seeds on all cores, writes one line per run (CSV or JSON lines) and
//! prints a summary. Same seeds, same numbers as the lab in the browser. Native only: on
//! wasm32 this binary is empty (trunk builds only the `stagecraft` binary).

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(native::main(&args));
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use rayon::prelude::*;
    use stagecraft::lab::stats::{Measure, Spread};
    use stagecraft::lab::{
        compare, Arm, DoraCluster, Experiment, Policy, RunOutcome, ScenarioChoice,
    };
    use stagecraft::lessons;
    use std::io::Write;
    use std::time::Instant;

    const HELP: &str = "\
stagecraft-lab: what are the odds? Runs one scenario many times (one seed per run) under
two policies, A and B, with a scripted team, and compares the spread of outcomes.

USAGE:
    stagecraft-lab [OPTIONS]

OPTIONS:
    --scenario ID|free-play|@FILE  a built-in lesson by id, free play (the default), or a
                                   scenario file to import
    --policy-a NAME|@FILE          policy A: a preset name (default: cautious) or a JSON file
    --policy-b NAME|@FILE          policy B: a preset name (default: fast) or a JSON file
    --runs N                       seeds per policy (default: 1000)
    --first-seed N                 the first seed; runs use N, N+1, ... (default: 1)
    --period 7d|12h|90m|N          simulated time per run; a bare number is minutes
                                   (default: 7d, at most 30d)
    --format csv|jsonl             the per-run file's format (default: csv)
    --out FILE                     write one line per run there ('-' for standard output,
                                   the summary then goes to standard error)
    --threads N                    worker threads (default: every core); results do not
                                   depend on it
    --list                         list the scenarios and the policy presets
    --print-policy NAME            print a preset as JSON (a start for your own policy file)
    -h, --help                     this text

Per-run columns: arm, seed, production_deploys, deploys_per_day, change_failure_rate,
median_time_to_restore_minutes, median_lead_time_minutes, failed_requests,
user_minutes_affected, incidents, cluster (elite/high/medium/low, DORA 2023; the rule is
in src/lab/outcome.rs). A measure a run has no value for (no deploy, no incident) is empty
in CSV and null in JSON lines. Lines are sorted by arm, then seed.

EXAMPLE:
    cargo run --release --bin stagecraft-lab -- --scenario canary-catches-regression \\
        --runs 10000 --policy-a cautious --policy-b fast --period 7d --format csv --out runs.csv

Exit status: 0 on success, 2 for bad input (with a message), 1 if a file cannot be written.";

    #[derive(Clone, Copy, PartialEq)]
    enum Format {
        Csv,
        Jsonl,
    }

    struct Options {
        experiment: Experiment,
        format: Format,
        out: Option<String>,
        threads: Option<usize>,
    }

    enum Parsed {
        Run(Box<Options>),
        /// Print this and stop (help, lists).
        Print(String),
    }

    /// Runs the command line; returns the exit status.
    pub fn main(args: &[String]) -> i32 {
        let options = match parse(args) {
            Ok(Parsed::Run(o)) => o,
            Ok(Parsed::Print(text)) => {
                println!("{text}");
                return 0;
            }
            Err(why) => {
                eprintln!("stagecraft-lab: {why}\n(see stagecraft-lab --help)");
                return 2;
            }
        };
        match run(&options) {
            Ok(()) => 0,
            Err((code, why)) => {
                eprintln!("stagecraft-lab: {why}");
                code
            }
        }
    }

    fn parse(args: &[String]) -> Result<Parsed, String> {
        let mut scenario = ScenarioChoice::FreePlay;
        let (mut a, mut b) = (Policy::cautious(), Policy::fast_and_loose());
        let mut experiment_runs = stagecraft::lab::DEFAULT_RUNS;
        let mut first_seed = 1u64;
        let mut period = 7 * 24 * 60;
        let mut format = Format::Csv;
        let mut out = None;
        let mut threads = None;
        let mut it = args.iter();
        while let Some(flag) = it.next() {
            let mut value = || {
                it.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "-h" | "--help" => return Ok(Parsed::Print(HELP.to_string())),
                "--list" => return Ok(Parsed::Print(list())),
                "--print-policy" => {
                    let name = value()?;
                    let p = preset(&name)?;
                    return Ok(Parsed::Print(
                        serde_json::to_string_pretty(&p).expect("a policy serialises"),
                    ));
                }
                "--scenario" => scenario = scenario_arg(&value()?)?,
                "--policy-a" => a = policy_arg(&value()?)?,
                "--policy-b" => b = policy_arg(&value()?)?,
                "--runs" => experiment_runs = number(flag, &value()?)?,
                "--first-seed" => first_seed = number(flag, &value()?)?,
                "--period" => period = period_arg(&value()?)?,
                "--format" => {
                    format = match value()?.as_str() {
                        "csv" => Format::Csv,
                        "jsonl" => Format::Jsonl,
                        other => {
                            return Err(format!("--format must be csv or jsonl, not \"{other}\""))
                        }
                    }
                }
                "--out" => out = Some(value()?),
                "--threads" => {
                    let n: usize = number(flag, &value()?)?;
                    if n == 0 {
                        return Err("--threads must be at least 1".into());
                    }
                    threads = Some(n);
                }
                other => return Err(format!("unknown option \"{other}\"")),
            }
        }
        let mut experiment = Experiment::new(scenario, a, b);
        experiment.runs = experiment_runs;
        experiment.first_seed = first_seed;
        experiment.period_minutes = period;
        Ok(Parsed::Run(Box::new(Options {
            experiment,
            format,
            out,
            threads,
        })))
    }

    fn number<T: std::str::FromStr>(flag: &str, text: &str) -> Result<T, String> {
        text.parse()
            .map_err(|_| format!("{flag} needs a whole number, 0 or more, not \"{text}\""))
    }

    fn period_arg(text: &str) -> Result<u32, String> {
        let (digits, unit) = match text.char_indices().last() {
            Some((i, 'd')) => (&text[..i], 24 * 60),
            Some((i, 'h')) => (&text[..i], 60),
            Some((i, 'm')) => (&text[..i], 1),
            _ => (text, 1),
        };
        let n: u32 = digits.parse().map_err(|_| {
            format!("--period takes a duration like 7d, 12h or 90m, not \"{text}\"")
        })?;
        n.checked_mul(unit)
            .ok_or_else(|| format!("--period {text} is too long"))
    }

    fn scenario_arg(text: &str) -> Result<ScenarioChoice, String> {
        if let Some(path) = text.strip_prefix('@') {
            let body = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the scenario file {path}: {e}"))?;
            return Ok(ScenarioChoice::Imported(body));
        }
        if text == "free-play" || text == lessons::FREE_PLAY_ID {
            return Ok(ScenarioChoice::FreePlay);
        }
        if lessons::ids().contains(&text) {
            return Ok(ScenarioChoice::Lesson(text.to_string()));
        }
        Err(format!(
            "there is no scenario \"{text}\"; use free-play, @FILE or one of: {}",
            lessons::ids().join(", ")
        ))
    }

    fn preset(name: &str) -> Result<Policy, String> {
        Policy::preset(name).ok_or_else(|| {
            let names: Vec<_> = Policy::presets().into_iter().map(|(n, _)| n).collect();
            format!(
                "there is no policy preset \"{name}\"; use @FILE or one of: {}",
                names.join(", ")
            )
        })
    }

    fn policy_arg(text: &str) -> Result<Policy, String> {
        let Some(path) = text.strip_prefix('@') else {
            return preset(text);
        };
        let body = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read the policy file {path}: {e}"))?;
        Policy::from_json(&body).map_err(|e| format!("the policy file {path} is not valid: {e}"))
    }

    fn list() -> String {
        let mut s = String::from("Scenarios (--scenario):\n  free-play\n");
        for l in lessons::catalog() {
            if l.id != lessons::FREE_PLAY_ID {
                s += &format!("  {:<28} {}\n", l.id, l.title);
            }
        }
        s += "\nPolicy presets (--policy-a, --policy-b):\n";
        for (name, p) in Policy::presets() {
            s += &format!("  {name:<16} {}\n", p.name);
        }
        s
    }

    fn run(options: &Options) -> Result<(), (i32, String)> {
        let experiment = &options.experiment;
        // Checked here once for a clear message; each chunk of work prepares its own copy
        // (the engine's world shares strings by `Rc`, so a prepared scenario stays on one thread).
        experiment.prepare().map_err(|e| (2, e.to_string()))?;
        let jobs: Vec<(Arm, u64)> = [Arm::A, Arm::B]
            .into_iter()
            .flat_map(|arm| experiment.seeds().map(move |s| (arm, s)))
            .collect();
        let started = Instant::now();
        let work = || -> Vec<RunOutcome> {
            let chunk = jobs.len().div_ceil(rayon::current_num_threads() * 4).max(1);
            jobs.par_chunks(chunk)
                .flat_map_iter(|jobs| {
                    let prepared = experiment.prepare().expect("prepared once already");
                    jobs.iter()
                        .map(|(arm, seed)| prepared.run_one(*arm, *seed))
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        let (mut runs, threads) = match options.threads {
            Some(n) => {
                let pool = rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .map_err(|e| (1, format!("cannot start {n} threads: {e}")))?;
                (pool.install(work), n)
            }
            None => (work(), rayon::current_num_threads()),
        };
        let seconds = started.elapsed().as_secs_f64();
        runs.sort_by_key(|r| (r.arm, r.seed));
        let to_stdout = options.out.as_deref() == Some("-");
        if let Some(path) = &options.out {
            write_runs(path, options.format, &runs)
                .map_err(|e| (1, format!("cannot write {path}: {e}")))?;
        }
        let summary = summary(experiment, &runs, seconds, threads);
        if to_stdout {
            eprint!("{summary}");
        } else {
            print!("{summary}");
        }
        Ok(())
    }

    fn write_runs(path: &str, format: Format, runs: &[RunOutcome]) -> std::io::Result<()> {
        let mut text = String::new();
        if format == Format::Csv {
            text += "arm,seed,production_deploys,deploys_per_day,change_failure_rate,median_time_to_restore_minutes,median_lead_time_minutes,failed_requests,user_minutes_affected,incidents,cluster\n";
        }
        for r in runs {
            match format {
                Format::Jsonl => {
                    text += &serde_json::to_string(r).expect("an outcome serialises");
                }
                Format::Csv => {
                    let opt = |v: Option<String>| v.unwrap_or_default();
                    text += &format!(
                        "{},{},{},{},{},{},{},{},{},{},{}",
                        r.arm,
                        r.seed,
                        r.production_deploys,
                        r.deploys_per_day,
                        opt(r.change_failure_rate.map(|x| x.to_string())),
                        opt(r.median_time_to_restore_minutes.map(|x| x.to_string())),
                        opt(r.median_lead_time_minutes.map(|x| x.to_string())),
                        r.failed_requests,
                        r.user_minutes_affected,
                        r.incidents,
                        r.cluster.label().to_lowercase(),
                    );
                }
            }
            text.push('\n');
        }
        if path == "-" {
            std::io::stdout().lock().write_all(text.as_bytes())
        } else {
            std::fs::write(path, text)
        }
    }

    fn summary(e: &Experiment, runs: &[RunOutcome], seconds: f64, threads: usize) -> String {
        let (a, b): (Vec<_>, Vec<_>) = runs.iter().cloned().partition(|r| r.arm == Arm::A);
        let cmp = compare(&a, &b);
        let scenario = match &e.scenario {
            ScenarioChoice::Lesson(id) => id.clone(),
            ScenarioChoice::FreePlay => "free play".into(),
            ScenarioChoice::Imported(_) => "imported scenario".into(),
        };
        let mut s = format!(
            "{scenario}: {} seeds from {}, {} simulated minutes each\nA: {}\nB: {}\n{} runs in {seconds:.2} s on {threads} threads ({:.0} runs/s)\n\n",
            e.runs,
            e.first_seed,
            e.period_minutes,
            e.a.name,
            e.b.name,
            runs.len(),
            runs.len() as f64 / seconds.max(1e-9),
        );
        s += &format!("{:<30} {:>30} {:>30}\n", "median [p5 – p95]", "A", "B");
        let cell = |spread: &Option<Spread>, without: u32, m: Measure| match spread {
            None => "no value".to_string(),
            Some(x) => {
                let f = |v: f64| match m {
                    Measure::ChangeFailureRate => format!("{:.1} %", v * 100.0),
                    Measure::DeploysPerDay => format!("{v:.2}"),
                    _ => format!("{v:.0}"),
                };
                let note = if without > 0 {
                    format!(" ({without} none)")
                } else {
                    String::new()
                };
                format!("{} [{} – {}]{note}", f(x.median), f(x.p5), f(x.p95))
            }
        };
        for m in &cmp.measures {
            s += &format!(
                "{:<30} {:>30} {:>30}\n",
                m.measure.label(),
                cell(&m.a.spread, m.a.without_value, m.measure),
                cell(&m.b.spread, m.b.without_value, m.measure),
            );
        }
        s += &format!(
            "\n{:<30} {:>30} {:>30}\n",
            "DORA cluster (share of runs)", "A", "B"
        );
        for c in DoraCluster::ALL {
            s += &format!(
                "{:<30} {:>29.1}% {:>29.1}%\n",
                c.label(),
                cmp.clusters_a.share(c) * 100.0,
                cmp.clusters_b.share(c) * 100.0
            );
        }
        s
    }
}
