//! Third-party tools for the tests: the WSDL-driven SOAP clients zeep and PHP's SoapClient
//! (running the scripts in `tests/clients/` at the workspace root; PHP in `php`), the OpenAPI
//! validator and client generator, and moto's S3-compatible server.
//!
//! Each runs from a virtual environment with pinned packages, created under the workspace's
//! `target/` on first use. Where Python, venv or the package index is not available the tests
//! skip with a message, unless `SALVAGE_REQUIRE_CLIENTS=1` (set by CI) makes that a failure: a
//! skipped test must not pass unnoticed there.

mod php;

pub use php::{php_soap, PHP_PACKAGES};

use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A set of pinned Python packages, installed together in one virtual environment.
pub struct Tool {
    /// Names the environment under `target/python-tools/`; a new pin must get a new name.
    pub name: &'static str,
    pub requirements: &'static [&'static str],
}

/// The WSDL-driven SOAP client the client scripts are written against.
pub const ZEEP: Tool = Tool {
    name: "zeep-4.3.3",
    requirements: &["zeep==4.3.3"],
};

/// The REST API's contract tools: `openapi-spec-validator` checks the served document, and
/// `openapi-python-client` generates a client from it; the generated client needs `httpx`,
/// `attrs` (both come with the generator) and `python-dateutil`.
pub const OPENAPI: Tool = Tool {
    name: "openapi-0.9.0-0.29.1",
    requirements: &[
        "openapi-spec-validator==0.9.0",
        "openapi-python-client==0.29.1",
        "python-dateutil==2.9.0.post0",
    ],
};

/// moto's server mode: an S3-compatible object store on loopback.
pub const MOTO: Tool = Tool {
    name: "moto-5.1.22",
    requirements: &["moto[server]==5.1.22"],
};

/// How long one script may run before it is killed (zeep has no timeout of its own).
const CLIENT_TIMEOUT: Duration = Duration::from_secs(120);

/// The workspace root, where `tests/clients/` and the default `target/` are.
pub fn workspace() -> PathBuf {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate_dir
        .ancestors()
        .nth(2)
        .expect("crates/salvage-testkit is two levels down")
        .to_path_buf()
}

/// A client script by file name, e.g. `inforouter_zeep.py`.
pub fn script(name: &str) -> PathBuf {
    workspace().join("tests/clients").join(name)
}

/// Whether a missing tool must fail the test instead of skipping it.
pub fn required() -> bool {
    std::env::var("SALVAGE_REQUIRE_CLIENTS").as_deref() == Ok("1")
}

/// The `bin/` directory of a virtual environment holding `tool`, or `None` (after saying why)
/// when one cannot be made here. Panics instead when `SALVAGE_REQUIRE_CLIENTS=1`.
pub fn tool_bin(tool: &Tool) -> Option<PathBuf> {
    // Tests of one binary run in parallel; the first one builds an environment, the others wait.
    static BUILT: Mutex<Vec<(&'static str, Result<PathBuf, String>)>> = Mutex::new(Vec::new());
    let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    let result = match built.iter().find(|(name, _)| *name == tool.name) {
        Some((_, result)) => result.clone(),
        None => {
            let result = venv(tool);
            built.push((tool.name, result.clone()));
            result
        }
    };
    match result {
        Ok(bin) => Some(bin),
        Err(reason) if required() => {
            panic!(
                "SALVAGE_REQUIRE_CLIENTS=1, but {} cannot be installed: {reason}",
                tool.name
            )
        }
        Err(reason) => {
            // Straight to standard error: the test passes, and `eprintln!` output of a passing
            // test is captured and never shown.
            let _ = writeln!(
                std::io::stderr(),
                "skipping a test that needs {}: it cannot be installed ({reason}); \
                 set SALVAGE_REQUIRE_CLIENTS=1 to fail instead",
                tool.name
            );
            None
        }
    }
}

/// The Python of an environment with zeep.
pub fn zeep_python() -> Option<PathBuf> {
    tool_bin(&ZEEP).map(|bin| bin.join("python"))
}

/// The `bin/` of an environment with the OpenAPI tools (`openapi-spec-validator`,
/// `openapi-python-client` and its `python`).
pub fn openapi_tools() -> Option<PathBuf> {
    tool_bin(&OPENAPI)
}

/// The `bin/` of `target/python-tools/{tool.name}`, created if missing.
///
/// Other `cargo test` processes may be creating the same environment, so it is built in a
/// directory of this process's own and renamed into place when complete: a renamed venv works
/// when its programs are started by path, and a rename either wins or finds a finished
/// environment there.
fn venv(tool: &Tool) -> Result<PathBuf, String> {
    let root = workspace().join("target/python-tools");
    let dir = root.join(tool.name);
    let bin = dir.join("bin");
    if bin.join("python").exists() {
        return Ok(bin);
    }
    let partial = root.join(format!(".partial-{}-{}", tool.name, std::process::id()));
    let _ = std::fs::remove_dir_all(&partial);
    std::fs::create_dir_all(&root).map_err(|e| format!("cannot create {}: {e}", root.display()))?;
    let started = Instant::now();
    let built = run_quietly(Command::new("python3").arg("-m").arg("venv").arg(&partial))
        .map_err(|e| format!("python3 -m venv: {e}"))
        .and_then(|()| {
            run_quietly(
                Command::new(partial.join("bin/python"))
                    .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
                    .args(tool.requirements),
            )
            .map_err(|e| format!("pip install {}: {e}", tool.requirements.join(" ")))
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
    if bin.join("python").exists() {
        Ok(bin)
    } else {
        Err(format!("{} is missing after the install", bin.join("python").display()))
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

impl ClientRun {
    /// Asserts that `script` (run with `args`) exited successfully and printed `last`, the line
    /// it prints once every step has run; a failure shows the whole output.
    pub fn assert_finished(&self, script: &Path, args: &[&str], last: &str) {
        assert!(
            self.status.success(),
            "{} {args:?} failed ({}); its output:\n{}",
            script.display(),
            self.status,
            self.output
        );
        assert!(
            self.output.contains(last),
            "{} {args:?}: {}",
            script.display(),
            self.output
        );
    }
}

/// Runs `script` with its interpreter (a Python of `zeep_python`, or `php_soap`) and `args`,
/// killing it after `CLIENT_TIMEOUT`.
pub fn run_client(interpreter: &Path, script: &Path, args: &[&str]) -> ClientRun {
    let mut log = tempfile::tempfile().expect("a temporary file for the client's output");
    let mut child = Command::new(interpreter)
        .arg(script)
        .args(args)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("a second handle on the log"))
        .stderr(log.try_clone().expect("a second handle on the log"))
        .spawn()
        .unwrap_or_else(|e| panic!("start {} {}: {e}", interpreter.display(), script.display()));
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

/// moto's S3-compatible server on a free loopback port, stopped when dropped. It keeps
/// everything in memory and accepts any credentials.
pub struct MotoServer {
    child: std::process::Child,
    /// `http://127.0.0.1:{port}`.
    pub endpoint: String,
}

impl MotoServer {
    /// Starts moto, or returns `None` (after saying why) where it cannot be installed.
    pub fn start() -> Option<MotoServer> {
        let bin = tool_bin(&MOTO)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        // Through the interpreter: the environment was built elsewhere and renamed into place,
        // so its console scripts' `#!` lines name a directory that no longer exists.
        let child = Command::new(bin.join("python"))
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto_server");
        let server = MotoServer {
            child,
            endpoint: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto_server did not start listening within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// The `AWS_*` settings that point an S3 client at this server.
    pub fn environment(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("AWS_ALLOW_HTTP", "true".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_ACCESS_KEY_ID", "salvage-test".into()),
            ("AWS_SECRET_ACCESS_KEY", "salvage-test".into()),
        ]
    }
}

impl Drop for MotoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Debian's ChromeDriver on a free loopback port, driving headless Chromium; stopped when
/// dropped. The test setup installs both (`apt-get install chromium chromium-driver`).
pub struct ChromeDriver {
    child: std::process::Child,
    /// `http://127.0.0.1:{port}`, the WebDriver endpoint.
    pub url: String,
}

impl ChromeDriver {
    /// Starts chromedriver, or returns `None` (after saying why) where it is not installed —
    /// unless `SALVAGE_REQUIRE_BROWSER=1` (set by CI), which makes that a failure.
    pub fn start() -> Option<ChromeDriver> {
        let found = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .map(Path::new)
            .find(|p| p.exists());
        let Some(driver) = found else {
            let why = "chromedriver is not installed (apt-get install chromium chromium-driver)";
            if std::env::var("SALVAGE_REQUIRE_BROWSER").as_deref() == Ok("1") {
                panic!("SALVAGE_REQUIRE_BROWSER=1, but {why}");
            }
            let _ = writeln!(std::io::stderr(), "skipping a browser test: {why}");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = ChromeDriver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "chromedriver did not start listening within 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(driver)
    }
}

impl Drop for ChromeDriver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where tests leave screenshots as build artefacts: `target/screenshots/`.
pub fn screenshot_dir() -> PathBuf {
    let dir = workspace().join("target/screenshots");
    std::fs::create_dir_all(&dir).expect("create target/screenshots");
    dir
}
