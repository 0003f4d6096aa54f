//! `salvage serve` as a child process, for tests that talk to it over the network.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running server, killed when dropped.
pub struct Running {
    child: Child,
    /// `http://127.0.0.1:{port}`, no trailing slash.
    pub base: String,
    /// What the server printed before its address.
    pub banner: Vec<String>,
}

/// Starts `salvage serve` with `args` and waits for the line that gives its address.
pub fn serve(args: &[&str], vars: &[(&str, &str)]) -> Running {
    serve_logging(args, vars, Stdio::null())
}

/// Like `serve`, with the server's log output (standard error) sent to `stderr`.
pub fn serve_logging(args: &[&str], vars: &[(&str, &str)], stderr: Stdio) -> Running {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_salvage"));
    cmd.arg("serve")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .env_remove("SALVAGE_DATA_DIR")
        .env_remove("SALVAGE_LISTEN")
        .env_remove("SALVAGE_METRICS_LISTEN")
        .env_remove("SALVAGE_TRUSTED_PROXIES")
        .env_remove("RUST_LOG");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("start salvage serve");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut banner = Vec::new();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address before exiting")
            .expect("the server's output is text");
        if let Some(rest) = line.split("serving http://").nth(1) {
            break format!("http://{}", rest.split('/').next().unwrap_or_default());
        }
        banner.push(line);
    };
    // Keep reading so the server never blocks on a full pipe.
    std::thread::spawn(move || lines.for_each(drop));
    Running { child, base, banner }
}

/// The demo (see `commands/demo.rs` for what it holds) on a free port. It keeps its data in its
/// own temporary directory, deleted when it stops.
pub fn demo() -> Running {
    serve(&["--demo", "--listen", "127.0.0.1:0"], &[])
}

impl Running {
    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the server to exit by itself.
    pub fn wait(mut self) -> std::process::ExitStatus {
        self.child.wait().expect("wait for the server")
    }

    /// Kills the server with SIGKILL, as a power cut or the OOM killer would: no request in
    /// flight finishes and nothing is flushed on the way out.
    pub fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("wait for the server");
    }

    /// Stops the server with SIGTERM, as a service manager would, and waits for it to exit.
    pub fn stop(mut self) -> std::process::ExitStatus {
        Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        self.child.wait().expect("wait for the server")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
