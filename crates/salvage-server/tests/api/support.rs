//! A real server on a free loopback port, over a fresh repository, and a real HTTP client.

use crate::contract;
use chrono::{TimeZone, Utc};
use reqwest::{Method, StatusCode};
use salvage_blob::LocalBlobStore;
use salvage_core::clock::ManualClock;
use salvage_core::{Config, Repository};
use salvage_server::Limits;
use salvage_store::SqliteStore;
use serde_json::{json, Value};
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "admin password";

pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    pub clock: Arc<ManualClock>,
    pub repo: Repository,
    stop: Option<oneshot::Sender<()>>,
    /// REST responses that did not match the OpenAPI document (see `contract`).
    mismatches: contract::Mismatches,
    _dir: TempDir,
}

pub async fn start() -> Server {
    start_with(Limits::default()).await
}

pub async fn start_with(limits: Limits) -> Server {
    start_configured(Config::default(), limits).await
}

/// A server whose repository has the settings `config`.
pub async fn start_configured(config: Config, limits: Limits) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("salvage.db")).await.unwrap();
    let blobs = LocalBlobStore::open(dir.path().join("blobs")).await.unwrap();
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()));
    let repo = Repository::new(Arc::new(store), Arc::new(blobs), clock.clone(), config);
    repo.init(Some(ADMIN_PASSWORD)).await.unwrap();
    serve_repo(repo, clock, limits, dir).await
}

async fn serve_repo(repo: Repository, clock: Arc<ManualClock>, limits: Limits, dir: TempDir) -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = oneshot::channel::<()>();
    // Every REST response is checked against the document on its way out.
    let mismatches = contract::Mismatches::default();
    let app = contract::checked(salvage_server::app(repo.clone(), limits.clone()), mismatches.clone());
    tokio::spawn(salvage_server::serve_with(listener, app, &limits, async move {
        let _ = stopped.await;
    }));
    Server {
        base,
        http: reqwest::Client::new(),
        clock,
        repo,
        stop: Some(stop),
        mismatches,
        _dir: dir,
    }
}

impl Server {
    /// Where the server keeps its database and blobs.
    pub fn data_dir(&self) -> &std::path::Path {
        self._dir.path()
    }

    /// A second server on this one's repository (database, blobs and clock), as behind a load
    /// balancer: it shares nothing else with the first. It must not outlive the first, which
    /// holds the data directory.
    pub async fn beside(&self, limits: Limits) -> Server {
        serve_repo(
            self.repo.clone(),
            self.clock.clone(),
            limits,
            tempfile::tempdir().unwrap(),
        )
        .await
    }
}

impl Server {
    /// Records a mismatch as the contract layer does (to show that one fails the test).
    pub fn record_mismatch(&self, why: &str) {
        self.mismatches.lock().unwrap().push(why.to_owned());
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let found = std::mem::take(&mut *self.mismatches.lock().unwrap());
        // A test that failed already says why; a second panic would abort the process.
        if !found.is_empty() && !std::thread::panicking() {
            panic!(
                "{} response(s) did not match the OpenAPI document:\n{}",
                found.len(),
                found.join("\n")
            );
        }
    }
}

/// A response read whole: status, headers and body (JSON when it parses).
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, String::from_utf8_lossy(&self.bytes)))
    }

    /// Asserts a problem document with this status and code, and returns it.
    pub fn problem(&self, status: u16, code: &str) -> Value {
        assert_eq!(self.status.as_u16(), status, "{}", String::from_utf8_lossy(&self.bytes));
        assert_eq!(self.headers["content-type"], "application/problem+json");
        let p = self.json();
        assert_eq!(p["code"], code, "{p}");
        assert_eq!(p["type"], format!("urn:salvage:problem:{code}"));
        assert_eq!(p["status"], status);
        assert!(!p["detail"].as_str().unwrap().is_empty());
        p
    }
}

impl Server {
    pub async fn send(&self, method: Method, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let mut req = self.http.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        Reply {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body)).await
    }

    /// GET that must succeed with JSON.
    pub async fn ok(&self, path: &str, token: &str) -> Value {
        let r = self.get(path, token).await;
        assert!(
            r.status.is_success(),
            "GET {path}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.bytes)
        );
        r.json()
    }

    /// POST that must succeed with JSON.
    pub async fn made(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self.post(path, token, body).await;
        assert!(
            r.status.is_success(),
            "POST {path}: {} {}",
            r.status,
            String::from_utf8_lossy(&r.bytes)
        );
        r.json()
    }

    pub async fn login(&self, login: &str, password: &str) -> String {
        let r = self
            .send(
                Method::POST,
                "/api/v1/sessions",
                None,
                Some(json!({ "login": login, "password": password })),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.bytes));
        r.json()["token"].as_str().unwrap().to_owned()
    }

    /// A token for the administrator made without HTTP (for servers whose limits would refuse
    /// the login itself).
    pub async fn repo_login(&self) -> String {
        self.repo.login(None, "admin", ADMIN_PASSWORD, None).await.unwrap().0
    }

    pub async fn admin(&self) -> String {
        self.login("admin", ADMIN_PASSWORD).await
    }

    /// Creates a user with a role and returns (id, token).
    pub async fn user(&self, admin: &str, name: &str, role: &str) -> (i64, String) {
        let u = self
            .made(
                "/api/v1/users",
                admin,
                json!({ "username": name, "password": "password 123", "role": role }),
            )
            .await;
        (u["id"].as_i64().unwrap(), self.login(name, "password 123").await)
    }

    pub async fn upload(&self, token: &str, folder: i64, name: &str, content: &[u8]) -> Reply {
        let res = self
            .http
            .post(format!("{}/api/v1/nodes/{folder}/documents", self.base))
            .query(&[("name", name)])
            .bearer_auth(token)
            .body(content.to_vec())
            .send()
            .await
            .unwrap();
        Reply {
            status: res.status(),
            headers: res.headers().clone(),
            bytes: res.bytes().await.unwrap().to_vec(),
        }
    }

    pub async fn uploaded(&self, token: &str, folder: i64, name: &str, content: &[u8]) -> i64 {
        let r = self.upload(token, folder, name, content).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&r.bytes));
        r.json()["document"]["id"].as_i64().unwrap()
    }

    pub async fn library(&self, token: &str, name: &str) -> i64 {
        self.made("/api/v1/libraries", token, json!({ "name": name })).await["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn folder(&self, token: &str, parent: i64, name: &str) -> i64 {
        self.made(
            &format!("/api/v1/nodes/{parent}/folders"),
            token,
            json!({ "name": name }),
        )
        .await["id"]
            .as_i64()
            .unwrap()
    }

    pub async fn delete(&self, token: &str, node: i64) -> Value {
        let r = self
            .send(Method::DELETE, &format!("/api/v1/nodes/{node}"), Some(token), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", String::from_utf8_lossy(&r.bytes));
        r.json()
    }
}
