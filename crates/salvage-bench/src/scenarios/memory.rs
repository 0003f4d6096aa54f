//! memory: what unauthenticated clients can make the server hold. For every route that reads a
//! body into memory before it knows the caller, 8 clients at once send the largest body that
//! route accepts (or, for the Scene7 upload servlet, a 512 MiB `auth` part), with credentials
//! that are wrong; the server's peak resident memory above its idle size is the figure.
//!
//! The server runs in a process of its own — this program started again with `--serve-memory`,
//! which serves `salvage_server::app` with the default limits over SQLite, as `salvage serve`
//! does — so that the clients' own buffers are not counted. Each route gets a fresh server, so
//! memory the allocator kept from one route cannot hide the next one's. Its memory is read from
//! `/proc/<pid>/status`: `VmRSS` sampled every few milliseconds while the requests run, and the
//! high-water mark `VmHWM`, reset before each route.

use crate::installation::ADMIN_PASSWORD;
use crate::report::Report;
use anyhow::{bail, Context, Result};
use futures_util::stream;
use salvage_blob::LocalBlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::{Config, Repository};
use salvage_server::Limits;
use salvage_store::SqliteStore;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};
use tokio::process::{Child, Command};

const SCENARIO: &str = "memory";
const CLIENTS: usize = 8;
const MIB: usize = 1024 * 1024;
/// How often the server's resident size is read while requests run.
const SAMPLE_EVERY: Duration = Duration::from_millis(5);

/// A route that buffers before it authenticates, and the largest body it takes.
struct Route {
    name: &'static str,
    path: &'static str,
    content_type: String,
    headers: Vec<(&'static str, &'static str)>,
    body: Body,
}

enum Body {
    /// The same bytes for every client.
    Whole(bytes::Bytes),
    /// A head, `filler` bytes of spaces and a tail, generated as it is sent (too large to hold).
    Generated { head: String, filler: usize, tail: String },
}

impl Body {
    fn request(&self) -> reqwest::Body {
        match self {
            Body::Whole(bytes) => reqwest::Body::from(bytes.clone()),
            Body::Generated { head, filler, tail } => {
                let chunk = bytes::Bytes::from(vec![b' '; MIB]);
                let mut pieces = vec![bytes::Bytes::from(head.clone())];
                pieces.extend((0..filler / MIB).map(|_| chunk.clone()));
                pieces.push(bytes::Bytes::from(vec![b' '; filler % MIB]));
                pieces.push(bytes::Bytes::from(tail.clone()));
                reqwest::Body::wrap_stream(stream::iter(pieces.into_iter().map(Ok::<_, std::io::Error>)))
            }
        }
    }
}

/// base64 text of `len` characters (`QUJD` is "ABC").
fn base64_text(len: usize) -> String {
    "QUJD".repeat(len / 4)
}

/// Every route that reads a body into memory before the caller is known, with bodies `scale`
/// times the largest one it accepts (1 for the real figures, smaller in `--smoke`).
fn routes(scale: f64) -> Vec<Route> {
    let limits = Limits::default();
    let size = |limit: usize| ((limit as f64 * scale) as usize).saturating_sub(4096);
    let soap_text = base64_text(size(limits.max_soap_bytes));
    let envelope = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body><UploadDocument xmlns=\"http://tempuri.org/\"><AuthenticationTicket>not-a-ticket</AuthenticationTicket><Path>\\Finance\\big.bin</Path><FileContent>{soap_text}</FileContent></UploadDocument></soap:Body></soap:Envelope>"
    );
    let form = format!("AuthenticationTicket=not-a-ticket&Path=%5CFinance%5Cbig.bin&FileContent={soap_text}");
    let boundary = "salvage-bench-boundary";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"AuthenticationTicket\"\r\n\r\nnot-a-ticket\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"Path\"\r\n\r\n\\Finance\\big.bin\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"fileContent\"; filename=\"big.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n{}\r\n--{boundary}--\r\n",
        "x".repeat(size(limits.max_soap_bytes))
    );
    let scene7 = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Header><authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>admin</user><password>wrong</password></authHeader></soapenv:Header><soapenv:Body><getCompanyInfoParam xmlns=\"http://www.scene7.com/IpsApi/xsd/2008-01-15\"><companyHandle>{}</companyHandle></getCompanyInfoParam></soapenv:Body></soapenv:Envelope>",
        "c".repeat(size(limits.max_body_bytes))
    );
    let json = format!(
        "{{\"login\":\"admin\",{}\"password\":\"wrong\"}}",
        " ".repeat(size(limits.max_body_bytes))
    );
    let sign_in = format!("login=admin&password=wrong{}", "+".repeat(size(limits.max_body_bytes)));
    let auth_part = ((512 * MIB) as f64 * scale) as usize;
    let whole = |s: String| Body::Whole(bytes::Bytes::from(s));
    vec![
        Route {
            name: "inforouter_soap11",
            path: "/srv.asmx",
            content_type: "text/xml; charset=utf-8".into(),
            headers: vec![("soapaction", "\"http://tempuri.org/UploadDocument\"")],
            body: whole(envelope),
        },
        Route {
            name: "inforouter_post_form",
            path: "/srv.asmx/UploadDocument",
            content_type: "application/x-www-form-urlencoded".into(),
            headers: vec![],
            body: whole(form),
        },
        Route {
            name: "inforouter_multipart",
            path: "/srv.asmx/UploadDocument",
            content_type: format!("multipart/form-data; boundary={boundary}"),
            headers: vec![],
            body: whole(multipart),
        },
        Route {
            name: "scene7_soap",
            path: "/scene7/services/IpsApiService",
            content_type: "text/xml; charset=utf-8".into(),
            headers: vec![],
            body: whole(scene7),
        },
        Route {
            name: "scene7_upload_auth_part",
            path: "/scene7/UploadFile",
            content_type: format!("multipart/form-data; boundary={boundary}"),
            headers: vec![],
            body: Body::Generated {
                head: format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"auth\"\r\n\r\n<authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>admin</user>"
                ),
                filler: auth_part,
                tail: format!("<password>wrong</password></authHeader>\r\n--{boundary}--\r\n"),
            },
        },
        Route {
            name: "rest_json",
            path: "/api/v1/sessions",
            content_type: "application/json".into(),
            headers: vec![],
            body: whole(json),
        },
        Route {
            name: "web_sign_in",
            path: "/login",
            content_type: "application/x-www-form-urlencoded".into(),
            headers: vec![],
            body: whole(sign_in),
        },
    ]
}

pub async fn run(report: &mut Report, smoke: bool) -> Result<()> {
    let scale = if smoke { 1.0 / 32.0 } else { 1.0 };
    for route in routes(scale) {
        let server = ServerProcess::start().await?;
        let idle = server.status("VmRSS:")?;
        server.reset_peak();
        let sampler = server.sample();
        let answers = send_all(&server, &route).await;
        let sampled = sampler.stop().await;
        let peak = server.status("VmHWM:")?.max(sampled);
        let name = |figure: &str| format!("{}.{figure}", route.name);
        report.record(SCENARIO, "sqlite", &name("peak_over_idle"), peak - idle, "MiB");
        report.record(
            SCENARIO,
            "sqlite",
            &name("refused_busy"),
            answers.busy as f64,
            "requests",
        );
        report.record(
            SCENARIO,
            "sqlite",
            &name("answered"),
            answers.answered as f64,
            "requests",
        );
        server.stop().await;
    }
    Ok(())
}

#[derive(Default)]
struct Answers {
    /// Requests the server answered (a refusal of the credentials, a fault, a 413...).
    answered: usize,
    /// Of those, the ones refused for want of room in the body budget.
    busy: usize,
}

async fn send_all(server: &ServerProcess, route: &Route) -> Answers {
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let mut request = server
            .http
            .post(format!("{}{}", server.base, route.path))
            .header("content-type", &route.content_type)
            .body(route.body.request());
        for (k, v) in &route.headers {
            request = request.header(*k, *v);
        }
        tasks.push(tokio::spawn(async move {
            // A server that refuses a body before reading all of it may close the connection
            // while it is still being sent: that is an answer too, though the client never
            // reads it.
            let response = request.send().await.ok()?;
            let status = response.status();
            let _ = response.bytes().await;
            Some(status)
        }));
    }
    let mut answers = Answers::default();
    for task in tasks {
        if let Ok(Some(status)) = task.await {
            answers.answered += 1;
            if status == reqwest::StatusCode::SERVICE_UNAVAILABLE {
                answers.busy += 1;
            }
        }
    }
    answers
}

/// A salvage server in a process of its own.
struct ServerProcess {
    /// The server's data directory, removed when it is done.
    _dir: tempfile::TempDir,
    child: Child,
    pid: u32,
    base: String,
    http: reqwest::Client,
}

impl ServerProcess {
    async fn start() -> Result<ServerProcess> {
        let dir = tempfile::tempdir()?;
        let mut child = Command::new(std::env::current_exe()?)
            .arg("--serve-memory")
            .arg(dir.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .context("start the server process")?;
        let pid = child.id().context("the server's pid")?;
        let stdout = child.stdout.take().context("the server's output")?;
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).await?;
        let Some(address) = line.trim().strip_prefix("listening on ") else {
            bail!("the server process said {line:?}");
        };
        let server = ServerProcess {
            _dir: dir,
            child,
            pid,
            base: format!("http://{address}"),
            http: reqwest::Client::builder().pool_max_idle_per_host(0).build()?,
        };
        server.http.get(format!("{}/healthz", server.base)).send().await?;
        Ok(server)
    }

    /// A field of `/proc/<pid>/status`, in MiB.
    fn status(&self, field: &str) -> Result<f64> {
        status_field(self.pid, field).with_context(|| format!("{field} of the server process"))
    }

    /// Sets the high-water mark back to the current size.
    fn reset_peak(&self) {
        let _ = std::fs::write(format!("/proc/{}/clear_refs", self.pid), "5");
    }

    fn sample(&self) -> Sampler {
        let pid = self.pid;
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let mut peak = 0f64;
            loop {
                if let Some(rss) = status_field(pid, "VmRSS:") {
                    peak = peak.max(rss);
                }
                tokio::select! {
                    _ = &mut stopped => return peak,
                    _ = tokio::time::sleep(SAMPLE_EVERY) => {}
                }
            }
        });
        Sampler { stop, task }
    }

    async fn stop(mut self) {
        // Closing its input tells the server to stop.
        drop(self.child.stdin.take());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
        let _ = self.child.kill().await;
    }
}

struct Sampler {
    stop: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<f64>,
}

impl Sampler {
    async fn stop(self) -> f64 {
        let _ = self.stop.send(());
        self.task.await.unwrap_or(0.0)
    }
}

fn status_field(pid: u32, field: &str) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
}

/// The server process (`--serve-memory DIR`): a fresh repository on SQLite in `dir`, served with
/// the default limits on a free loopback port, which it prints; it stops when its input closes.
pub async fn serve(dir: &std::path::Path) -> Result<()> {
    // As `salvage` does when it starts.
    salvage_server::allocator::return_large_buffers();
    let store = SqliteStore::open(&dir.join("salvage.db")).await?;
    let blobs = LocalBlobStore::open(dir.join("blobs")).await?;
    let repo = Repository::new(
        Arc::new(store),
        Arc::new(blobs),
        Arc::new(SystemClock),
        Config::default(),
    );
    repo.init(Some(ADMIN_PASSWORD)).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("listening on {}", listener.local_addr()?);
    let limits = Limits::default();
    let app = salvage_server::app(repo, limits.clone());
    let shutdown = async {
        let mut input = tokio::io::stdin();
        let mut byte = [0u8; 1];
        let _ = input.read(&mut byte).await;
    };
    salvage_server::serve_with(listener, app, &limits, shutdown).await?;
    Ok(())
}
