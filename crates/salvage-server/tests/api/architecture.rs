//! The shape of the source tree, checked from the files: the faces of the server are siblings
//! (none imports another, and the shared modules import none), no source file of the workspace
//! grows past 700 lines, and the README's layout section names every module.
//!
//! The faces live in one crate, so Cargo cannot keep them apart; this test does. It reads paths
//! the way the code writes them to reach outside its own module (`crate::face::…`, including
//! `crate::{face, …}`, and `super::` chains that climb to the crate root); `super::` within a face
//! stays in that face.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The faces: each maps its own wire format onto the core, and may use only itself, the core and
/// the shared modules at the top of `src/` (`soap` among them: a SOAP toolkit both legacy faces
/// use, which knows neither).
const FACES: &[&str] = &["rest", "web", "inforouter", "scene7"];

/// Files at the top that name every face by design: the wiring of the application, and the
/// fuzzing entry points that reach each face's readers.
const WIRING: &[&str] = &["lib.rs", "fuzzing.rs"];

/// Imports across faces that still exist, each with the work that removes it. An entry that no
/// longer matches fails the test, so the list only shrinks.
const KNOWN: &[(&str, &str, &str)] = &[];

const MAX_LINES: usize = 700;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`, as paths relative to `dir`, skipping build output and hidden
/// folders.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.expect("a directory entry").path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    pending.push(path);
                }
            } else if name.ends_with(".rs") {
                found.push(path.strip_prefix(dir).expect("under dir").to_path_buf());
            }
        }
    }
    found.sort();
    found
}

/// The module path of a file under `src/`: `lib.rs` → `[]`, `ops.rs` → `[ops]`,
/// `rest/mod.rs` → `[rest]`, `rest/trash.rs` → `[rest, trash]`.
fn module_path(file: &Path) -> Vec<String> {
    let mut parts: Vec<String> = file.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().expect("a file name");
    match last.as_str() {
        "lib.rs" | "mod.rs" => {}
        name => parts.push(name.trim_end_matches(".rs").to_owned()),
    }
    parts
}

/// The code of a file without its comments (line comments and doc comments alike).
fn code(text: &str) -> String {
    text.lines()
        .map(|line| line.split_once("//").map_or(line, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segments of the crate-root paths a file names: `crate::rest::x` and
/// `crate::{rest, soap::y}` give `rest` (and `soap`); `super::super::web` from `scene7/x.rs`
/// gives `web`.
fn roots_named(module: &[String], code: &str) -> BTreeSet<String> {
    let mut roots = BTreeSet::new();
    let words: Vec<&str> = code
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':' || c == '{' || c == '}' || c == ','))
        .filter(|w| !w.is_empty())
        .collect();
    // Paths are split on whitespace above; join `crate::{a, b}` groups back first.
    let joined = words.join(" ");
    let mut rest = joined.as_str();
    while let Some(at) = rest.find("crate::") {
        let before_ok = at == 0 || !rest[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_');
        rest = &rest[at + "crate::".len()..];
        if !before_ok {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let group = group.split('}').next().unwrap_or_default();
            for item in group.split(',') {
                let first = item.trim().split("::").next().unwrap_or_default();
                if !first.is_empty() {
                    roots.insert(first.to_owned());
                }
            }
        } else {
            let first: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            roots.insert(first);
        }
    }
    for word in &words {
        let mut path = *word;
        let mut up = 0;
        while let Some(next) = path.strip_prefix("super::") {
            path = next;
            up += 1;
        }
        if up > 0 && up >= module.len() {
            let first: String = path.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            roots.insert(first);
        }
    }
    roots
}

/// Every (file, face) pair where a file of the server names a face it does not belong to.
fn crossings() -> BTreeSet<(String, String)> {
    let mut found = BTreeSet::new();
    for file in rust_files(&src()) {
        let shown = file.to_string_lossy().replace('\\', "/");
        if WIRING.contains(&shown.as_str()) {
            continue;
        }
        let module = module_path(&file);
        let own = module.first().map(String::as_str).unwrap_or_default();
        let text = std::fs::read_to_string(src().join(&file)).expect("a readable source file");
        for root in roots_named(&module, &code(&text)) {
            if FACES.contains(&root.as_str()) && root != own {
                found.insert((shown.clone(), root));
            }
        }
    }
    found
}

#[test]
fn no_face_imports_another_and_shared_modules_import_no_face() {
    let found = crossings();
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(f, face, _)| (f.to_string(), face.to_string()))
        .collect();
    let new: Vec<_> = found.difference(&known).collect();
    assert!(
        new.is_empty(),
        "a face may use only itself, the core and the shared modules, and a shared module no face; \
         these files cross (file, face): {new:?}"
    );
    let gone: Vec<_> = known.difference(&found).collect();
    assert!(
        gone.is_empty(),
        "these known crossings are gone; take them off KNOWN in tests/api/architecture.rs: {gone:?}"
    );
}

#[test]
fn the_reader_finds_every_way_of_naming_a_face() {
    let module = |m: &[&str]| m.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let roots = |m: &[&str], text: &str| roots_named(&module(m), &code(text));
    assert!(roots(&["web", "trash"], "let id = crate::rest::trash::spawn(&state);").contains("rest"));
    assert!(roots(&["web"], "use crate::{\n    rest::trash,\n    soap,\n};").contains("rest"));
    assert!(roots(&["scene7", "x"], "use super::super::web::session;").contains("web"));
    assert!(roots(&["scene7"], "use super::rest::auth;").contains("rest"));
    assert!(!roots(&["scene7", "x"], "use super::faults;").contains("faults"));
    assert!(!roots(&["web"], "// see crate::rest::trash").contains("rest"));
    assert!(!roots(&["web"], "use salvage_crate::rest;").contains("rest"));
}

/// Small files with one job: no Rust file of the workspace, sources and tests alike, is over
/// the limit.
#[test]
fn no_source_file_is_over_700_lines() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut over = Vec::new();
    for file in rust_files(&workspace) {
        let text = std::fs::read_to_string(workspace.join(&file)).expect("a readable source file");
        let lines = text.lines().count();
        if lines > MAX_LINES {
            over.push(format!("{} ({lines} lines)", file.display()));
        }
    }
    assert!(over.is_empty(), "files over {MAX_LINES} lines:\n{}", over.join("\n"));
}

/// The README's layout section lists every crate and every module of its `src/`, one per line
/// (`  path/under/src.rs   its job`), so the map a newcomer reads is the code.
#[test]
fn the_readme_layout_names_every_module() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme = std::fs::read_to_string(workspace.join("README.md")).expect("the README");
    let layout = readme
        .split("### Layout")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("a layout section in the README");
    let listed: BTreeSet<&str> = layout
        .lines()
        .filter_map(|line| line.strip_prefix("  ")?.split_whitespace().next())
        .collect();
    let mut missing = Vec::new();
    let crates = std::fs::read_dir(workspace.join("crates")).expect("the crates directory");
    for krate in crates.map(|e| e.expect("a directory entry").path()) {
        let name = krate
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !layout.contains(&format!("crates/{name} — ")) {
            missing.push(format!("crates/{name}"));
        }
        for file in rust_files(&krate.join("src")) {
            let module = file.to_string_lossy().replace('\\', "/");
            if !listed.contains(module.as_str()) {
                missing.push(format!("crates/{name}/src/{module}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "not in the README's layout section:\n{}",
        missing.join("\n")
    );
}
