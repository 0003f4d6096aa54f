//! Third-party client scripts (`tests/clients/*.py` at the workspace root) run against the server.
//!
//! The scripts run with the Python of a virtual environment that holds a pinned zeep, created
//! under the workspace's `target/` on first use. Where Python, venv or the package index is not
//! available the tests skip with a message, unless `SALVAGE_REQUIRE_CLIENTS=1` (set by CI) makes
//! that a failure: a skipped client test must not pass unnoticed there.

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The zeep release the client scripts are written against.
const ZEEP: &str = "zeep==4.3.3";

/// How long one script may run before it is killed (zeep has no timeout of its own).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// The workspace root, where `tests/clients/` and the default `target/` are.
pub fn workspace() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .expect("crates/salvage is two levels down")
        .to_path_buf()
}

/// A client script by file name, e.g. `inforouter_zeep.py`.
pub fn script(name: &str) -> PathBuf {
    workspace().join("tests/clients").join(name)
}

/// The Python of a virtual environment with zeep installed, or `None` (after saying why) when one
/// cannot be made here. Panics instead when `SALVAGE_REQUIRE_CLIENTS=1`.
pub fn zeep_python() -> Option<PathBuf> {
    // Tests of one binary run in parallel; the first one builds the environment, the others wait.
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(|| venv(ZEEP)) {
        Ok(python) => Some(python.clone()),
        Err(reason) if std::env::var("SALVAGE_REQUIRE_CLIENTS").as_deref() == Ok("1") => {
            panic!("SALVAGE_REQUIRE_CLIENTS=1, but the client environment cannot be made: {reason}")
        }
        Err(reason) => {
            // Straight to standard error: the test passes, and `eprintln!` output of a passing
            // test is captured and never shown.
            let _ = writeln!(
                std::io::stderr(),
                "skipping a client test: the client environment cannot be made ({reason}); \
                 set SALVAGE_REQUIRE_CLIENTS=1 to fail instead"
            );
            None
        }
    }
}

/// The Python of `target/zeep-venv/{requirement}`, created if missing.
///
/// Other `cargo test` processes may be creating the same environment, so it is built in a
/// directory of this process's own and renamed into place when complete: a renamed venv works
/// when started as `bin/python`, and a rename either wins or finds a finished environment there.
/// Naming it by the requirement means a new pin gets a new environment.
fn venv(requirement: &str) -> Result<PathBuf, String> {
    let root = workspace().join("target/zeep-venv");
    let dir = root.join(requirement.replace("==", "-"));
    let python = dir.join("bin/python");
    if python.exists() {
        return Ok(python);
    }
    let partial = root.join(format!(".partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let started = Instant::now();
    let built = run_quietly(Command::new("python3").arg("-m").arg("venv").arg(&partial))
        .map_err(|e| format!("python3 -m venv: {e}"))
        .and_then(|()| {
            run_quietly(
                Command::new(partial.join("bin/python"))
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
                    .arg(requirement),
            )
            .map_err(|e| format!("pip install {requirement}: {e}"))
        });
    if let Err(reason) = built {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(reason);
    }
    if std::fs::rename(&partial, &dir).is_err() {
        // Another process finished first; its environment is as good as ours.
        let _ = std::fs::remove_dir_all(&partial);
    }
    eprintln!("made {} in {:.1?}", dir.display(), started.elapsed());
    if python.exists() {
        Ok(python)
    } else {
        Err(format!("{} is missing after the install", python.display()))
    }
}

/// Runs a setup command; an error carries its output.
fn run_quietly(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| e.to_string())?;
    if out.status.success() {
        return Ok(());
    }
    Err(format!(
        "{}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ))
}

/// What a client script did: its exit status and its output (standard output and error,
/// interleaved as written).
pub struct ClientRun {
    pub status: ExitStatus,
    pub output: String,
}

/// Runs `script` with `python` and `args`, killing it after `CLIENT_TIMEOUT`.
pub fn run_client(python: &Path, script: &Path, args: &[&str]) -> ClientRun {
    let mut log = tempfile::tempfile().expect("a temporary file for the client's output");
    let mut child = Command::new(python)
        .arg(script)
        .args(args)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("a second handle on the log"))
        .stderr(log.try_clone().expect("a second handle on the log"))
        .spawn()
        .unwrap_or_else(|e| panic!("start {} {}: {e}", python.display(), script.display()));
    let deadline = Instant::now() + CLIENT_TIMEOUT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for the client") {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut output = String::new();
    log.rewind().expect("rewind the client's output");
    log.read_to_string(&mut output).expect("read the client's output");
    let Some(status) = status else {
        panic!(
            "{} did not finish within {CLIENT_TIMEOUT:?}; its output:\n{output}",
            script.display()
        );
    };
    ClientRun { status, output }
}
