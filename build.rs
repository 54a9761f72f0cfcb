//! Lists the built-in lessons from `static/lessons/*.json`, so adding a lesson is adding a
//! file: no Rust code names them. Writes `$OUT_DIR/builtin_lessons.rs` with every id and,
//! for builds with the `bundled-lessons` feature (tests, native tools), the file texts. The
//! web app is built without that feature and fetches `lessons/<id>.json` when it needs them,
//! which keeps them out of the first download.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("static/lessons");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("static/lessons exists")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| {
            let id = p.file_stem().unwrap().to_string_lossy().into_owned();
            (id, p.to_string_lossy().into_owned())
        })
        .collect();
    // Directory order differs between machines; the catalogue order comes from each
    // file's `order` field once read.
    files.sort();

    let mut out =
        String::from("/// Every built-in lesson id (file names in static/lessons), sorted.\n");
    out.push_str("pub const IDS: &[&str] = &[\n");
    for (id, _) in &files {
        writeln!(out, "    {id:?},").unwrap();
    }
    out.push_str("];\n\n/// `(id, file text)` for every built-in lesson.\n#[cfg(feature = \"bundled-lessons\")]\n");
    out.push_str("pub const FILES: &[(&str, &str)] = &[\n");
    for (id, path) in &files {
        writeln!(out, "    ({id:?}, include_str!({path:?})),").unwrap();
    }
    out.push_str("];\n");
    let sandbox = files
        .iter()
        .find(|(id, _)| id == "sandbox")
        .expect("static/lessons/sandbox.json exists");
    writeln!(out, "\n/// Free play's scenario, always compiled in: the app opens with it.\npub const SANDBOX_ID: &str = \"sandbox\";\npub const SANDBOX: &str = include_str!({:?});", sandbox.1).unwrap();

    let target = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_lessons.rs");
    std::fs::write(target, out).unwrap();
}
