//! PHP's SoapClient, the most common Scene7 client, for the PHP client scripts: Debian's
//! `php-cli`, `php-soap` and `php-xml`, installed with apt-get when missing (as `.ci/run`
//! installs Chromium for the browser tests). Where that cannot be done the tests skip with a
//! message, unless `SALVAGE_REQUIRE_CLIENTS=1` makes it a failure.

use super::{required, run_quietly};
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

/// The Debian packages that give `php` with the soap, SimpleXML and zlib extensions.
pub const PHP_PACKAGES: &[&str] = &["php-cli", "php-soap", "php-xml"];

/// The `php` to run the client scripts with, or `None` (after saying why) when it is missing
/// and cannot be installed here. Panics instead when `SALVAGE_REQUIRE_CLIENTS=1`.
pub fn php_soap() -> Option<PathBuf> {
    // Tests of one binary run in parallel; the first one installs, the others wait.
    static FOUND: Mutex<Option<Result<PathBuf, String>>> = Mutex::new(None);
    let mut found = FOUND.lock().unwrap_or_else(|e| e.into_inner());
    match found.get_or_insert_with(find_or_install).clone() {
        Ok(php) => Some(php),
        Err(reason) if required() => panic!("SALVAGE_REQUIRE_CLIENTS=1, but PHP cannot be used: {reason}"),
        Err(reason) => {
            // Straight to standard error: output of a passing test is captured and never shown.
            let _ = writeln!(
                std::io::stderr(),
                "skipping a test that needs PHP's SoapClient: {reason}; \
                 set SALVAGE_REQUIRE_CLIENTS=1 to fail instead"
            );
            None
        }
    }
}

fn find_or_install() -> Result<PathBuf, String> {
    if let Some(php) = usable() {
        return Ok(php);
    }
    let packages = PHP_PACKAGES.join(" ");
    if Command::new("apt-get").arg("--version").output().is_err() {
        return Err(format!(
            "php with the soap extension is missing and there is no apt-get to install it ({packages})"
        ));
    }
    eprintln!("installing {packages} for the PHP client tests");
    let install = || {
        run_quietly(
            Command::new("apt-get")
                .args(["install", "-y", "-q"])
                .args(PHP_PACKAGES)
                .env("DEBIAN_FRONTEND", "noninteractive"),
        )
    };
    // A fresh system may have no package lists yet.
    let installed =
        install().or_else(|_| run_quietly(Command::new("apt-get").args(["update", "-q"])).and_then(|()| install()));
    // Another process may have installed it meanwhile, whatever this one's apt-get said.
    match (usable(), installed) {
        (Some(php), _) => Ok(php),
        (None, Err(e)) => Err(format!("apt-get install {packages} failed: {e}")),
        (None, Ok(())) => Err(format!("php has no soap extension after apt-get install {packages}")),
    }
}

/// `php` when it runs and has the extensions the scripts use.
fn usable() -> Option<PathBuf> {
    let out = Command::new("php").arg("-m").output().ok()?;
    let modules = String::from_utf8_lossy(&out.stdout);
    let has = |m: &str| modules.lines().any(|l| l.trim().eq_ignore_ascii_case(m));
    (out.status.success() && ["soap", "SimpleXML", "zlib"].iter().all(|m| has(m))).then(|| PathBuf::from("php"))
}
