//! Small clients of the three network faces, for tests that drive a real server with many calls.
//! Every call returns the transport error instead of panicking, so a test can tell a server
//! that was killed mid-request from one that answered.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// A client whose every request gives up after `timeout` (a generous bound: a request that
/// takes longer is a hung server, not a slow one).
pub fn http(timeout: Duration) -> Client {
    Client::builder()
        .timeout(timeout)
        .build()
        .expect("build an HTTP client")
}

/// A REST caller: one user's bearer token on one server.
#[derive(Clone)]
pub struct Rest {
    pub http: Client,
    pub base: String,
    pub token: String,
}

impl Rest {
    /// Logs `login` in over REST.
    pub async fn login(http: &Client, base: &str, login: &str, password: &str) -> Rest {
        let r = http
            .post(format!("{base}/api/v1/sessions"))
            .json(&json!({ "login": login, "password": password }))
            .send()
            .await
            .expect("log in");
        assert_eq!(r.status(), StatusCode::CREATED, "log in as {login}");
        let token = r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
        Rest {
            http: http.clone(),
            base: base.to_owned(),
            token,
        }
    }

    /// `method /api/v1{path}` with an optional JSON body; the status and the JSON answer
    /// (`Null` when the answer is not JSON).
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Result<(StatusCode, Value)> {
        let mut request = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let r = request.send().await?;
        let status = r.status();
        let bytes = r.bytes().await?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }

    pub async fn get(&self, path: &str) -> reqwest::Result<(StatusCode, Value)> {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> reqwest::Result<(StatusCode, Value)> {
        self.call(Method::POST, path, Some(body)).await
    }

    /// Every page of a listing that answers `{items, next}` (children pages take `after`, trash
    /// pages `cursor`).
    pub async fn all_pages(&self, path: &str, cursor_param: &str) -> Vec<Value> {
        let mut items = Vec::new();
        let mut next: Option<String> = None;
        let separator = if path.contains('?') { '&' } else { '?' };
        for _ in 0..1000 {
            let mut url = format!("{path}{separator}limit=1000");
            if let Some(cursor) = &next {
                url.push_str(&format!("&{cursor_param}={}", urlencode(cursor)));
            }
            let (status, page) = self.get(&url).await.expect("list a page");
            assert_eq!(status, StatusCode::OK, "GET {url}: {page}");
            items.extend(page["items"].as_array().cloned().unwrap_or_default());
            match page["next"].as_str() {
                Some(cursor) => next = Some(cursor.to_owned()),
                None => return items,
            }
        }
        panic!("{path} has more than 1000 pages");
    }

    /// A document's current content.
    pub async fn download(&self, document: i64) -> reqwest::Result<(StatusCode, Vec<u8>)> {
        let r = self
            .http
            .get(format!("{}/api/v1/documents/{document}/content", self.base))
            .bearer_auth(&self.token)
            .send()
            .await?;
        let status = r.status();
        Ok((status, r.bytes().await?.to_vec()))
    }

    /// Uploads `content` as `name` into folder `parent`.
    pub async fn upload(&self, parent: i64, name: &str, content: Vec<u8>) -> reqwest::Result<(StatusCode, Value)> {
        let r = self
            .http
            .post(format!("{}/api/v1/nodes/{parent}/documents", self.base))
            .query(&[("name", name)])
            .bearer_auth(&self.token)
            .body(content)
            .send()
            .await?;
        let status = r.status();
        let bytes = r.bytes().await?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or(Value::Null)))
    }
}

pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// How an infoRouter call travels: the four ASMX bindings.
#[derive(Debug, Clone, Copy)]
pub enum Binding {
    Get,
    Post,
    Soap11,
    Soap12,
}

impl Binding {
    pub const ALL: [Binding; 4] = [Binding::Get, Binding::Post, Binding::Soap11, Binding::Soap12];
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// An infoRouter `/srv.asmx` call; the status and the response text.
pub async fn inforouter(
    http: &Client,
    base: &str,
    binding: Binding,
    operation: &str,
    params: &[(&str, &str)],
) -> reqwest::Result<(StatusCode, String)> {
    let request = match binding {
        Binding::Get => http.get(format!("{base}/srv.asmx/{operation}")).query(params),
        Binding::Post => http.post(format!("{base}/srv.asmx/{operation}")).form(params),
        Binding::Soap11 | Binding::Soap12 => {
            let fields: String = params
                .iter()
                .map(|(k, v)| format!("<{k}>{}</{k}>", xml_escape(v)))
                .collect();
            let (envelope, content_type) = match binding {
                Binding::Soap11 => (
                    "http://schemas.xmlsoap.org/soap/envelope/",
                    "text/xml; charset=utf-8".to_owned(),
                ),
                _ => (
                    "http://www.w3.org/2003/05/soap-envelope",
                    format!("application/soap+xml; charset=utf-8; action=\"http://tempuri.org/{operation}\""),
                ),
            };
            let body = format!(
                "<soap:Envelope xmlns:soap=\"{envelope}\"><soap:Body>\
                 <{operation} xmlns=\"http://tempuri.org/\">{fields}</{operation}>\
                 </soap:Body></soap:Envelope>"
            );
            http.post(format!("{base}/srv.asmx"))
                .header("content-type", content_type)
                .header("SOAPAction", format!("\"http://tempuri.org/{operation}\""))
                .body(body)
        }
    };
    let r = request.send().await?;
    let status = r.status();
    Ok((status, r.text().await?))
}

/// An infoRouter ticket for `user`.
pub async fn ticket(http: &Client, base: &str, user: &str, password: &str) -> String {
    let (_, response) = inforouter(
        http,
        base,
        Binding::Get,
        "AuthenticateUser",
        &[("UID", user), ("PWD", password)],
    )
    .await
    .expect("authenticate over infoRouter");
    response
        .split("ticket=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("no ticket in {response}"))
        .to_owned()
}

/// Whether an infoRouter response says it succeeded.
pub fn succeeded(response: &str) -> bool {
    response.contains("success=\"true\"")
}

/// A Scene7 IPS SOAP call (`body` is the operation's element, e.g. `<deleteAssetsParam>…`),
/// authenticated with HTTP Basic; the status and the response text.
pub async fn scene7(
    http: &Client,
    base: &str,
    user: &str,
    password: &str,
    body: &str,
) -> reqwest::Result<(StatusCode, String)> {
    let envelope = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
         <soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>"
    );
    let r = http
        .post(format!("{base}/scene7/services/IpsApiService"))
        .basic_auth(user, Some(password))
        .header("content-type", "text/xml; charset=utf-8")
        .body(envelope)
        .send()
        .await?;
    let status = r.status();
    Ok((status, r.text().await?))
}

/// The Scene7 namespace the tests write their calls in.
pub const IPS: &str = "http://www.scene7.com/IpsApi/xsd/2008-01-15";

/// `<items>a|{id}</items>…` for an `assetHandleArray`.
pub fn asset_handles(ids: &[i64]) -> String {
    ids.iter().map(|id| format!("<items>a|{id}</items>")).collect()
}

/// Runs the `salvage` command line with `args` (global options included).
pub fn salvage(args: &[&str]) -> Output {
    salvage_with(args, &[])
}

/// Runs the `salvage` command line with `args` and the environment variables `vars`.
pub fn salvage_with(args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_salvage"));
    cmd.args(args)
        .env_remove("SALVAGE_DATA_DIR")
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.output().expect("run salvage")
}

/// `salvage check` on an embedded data directory (or with `--database-url`), which must find
/// every invariant holding.
pub fn assert_check_clean(location: &[&str], when: &str) {
    let mut args = location.to_vec();
    args.push("check");
    let out = salvage(&args);
    assert!(
        out.status.success(),
        "salvage check {when}:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `salvage check` on a data directory.
pub fn assert_data_dir_clean(dir: &Path, when: &str) {
    let dir = dir.display().to_string();
    assert_check_clean(&["--data-dir", &dir], when);
}
