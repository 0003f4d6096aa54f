//! Memory before authentication: the Scene7 upload servlet's `auth` and `uploadParams` parts are
//! bounded and refused before any credential is checked, and the server-wide budget of buffered
//! body bytes refuses what does not fit with 503 and `Retry-After` in each face's convention,
//! admits it again once room is free, and never counts uploads, which stream.

use crate::scene7::{self, Auth, SOAP11, UNVERSIONED, V2008};
use crate::support::*;
use reqwest::StatusCode;
use salvage_server::soap::read_document;
use salvage_server::Limits;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The budget of the tests that exhaust it: far below every face's own limit.
const BUDGET: u64 = 16 * 1024;
/// Beyond what an `auth` or `uploadParams` part may hold (64 KiB).
const OVERSIZED_PART: usize = 256 * 1024;

fn small_budget() -> Limits {
    Limits {
        max_buffered_bytes: BUDGET,
        buffer_wait: Duration::from_millis(100),
        ..Limits::default()
    }
}

fn auth_part(user: &str, password: &str, padding: usize) -> String {
    // Whitespace is as good as anything to make a part large and still a valid document.
    format!(
        "<authHeader xmlns=\"{UNVERSIONED}\"><user>{user}</user>{}<password>{password}</password></authHeader>",
        " ".repeat(padding)
    )
}

fn params_part(company: &str, padding: usize) -> String {
    format!(
        "<uploadPostParam xmlns=\"{V2008}\"><companyHandle>{company}</companyHandle><jobName>j</jobName>{}<destFolder>Acme/Images</destFolder></uploadPostParam>",
        " ".repeat(padding)
    )
}

/// Posts an upload form; returns the status and the reply's text.
async fn upload_file(s: &Server, auth: String, params: String, file: Vec<u8>) -> (StatusCode, String) {
    let form = reqwest::multipart::Form::new()
        .text("auth", auth)
        .text("uploadParams", params)
        .part("file", reqwest::multipart::Part::bytes(file).file_name("photo.jpg"));
    let r = s
        .http
        .post(format!("{}/scene7/UploadFile", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// Asserts the servlet's bare `ipsApiFault` 30003 saying that `part` is too large.
fn part_refused(text: &str, part: &str) {
    let fault = read_document(text.as_bytes()).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(fault.name, "ipsApiFault", "{text}");
    assert_eq!(fault.child("code").unwrap().text, "30003", "{text}");
    assert!(
        fault
            .child("reason")
            .unwrap()
            .text
            .contains(&format!("the {part} part is larger than")),
        "{text}"
    );
}

/// A wrong password sent more often than the login throttle allows locks the account, unless the
/// password was never checked: after these refusals the administrator must still get in.
async fn credentials_were_never_checked(s: &Server, company: &str) {
    let (status, text) = upload_file(
        s,
        auth_part("admin", ADMIN_PASSWORD, 0),
        params_part(company, 0),
        b"JFIF".to_vec(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("uploadPostReturn"), "{text}");
}

#[tokio::test]
async fn an_oversized_scene7_auth_part_is_refused_before_any_credential_is_checked() {
    let s = start().await;
    let (_, c) = scene7::company(&s, "Acme").await;
    let failures = salvage_core::throttle::ThrottlePolicy::default().account_failures as usize;
    for _ in 0..=failures {
        let (_, text) = upload_file(
            &s,
            auth_part("admin", "wrong password", OVERSIZED_PART),
            params_part(&c, 0),
            b"JFIF".to_vec(),
        )
        .await;
        part_refused(&text, "auth");
    }
    credentials_were_never_checked(&s, &c).await;
}

#[tokio::test]
async fn an_oversized_scene7_upload_params_part_is_refused_before_any_credential_is_checked() {
    let s = start().await;
    let (_, c) = scene7::company(&s, "Acme").await;
    let failures = salvage_core::throttle::ThrottlePolicy::default().account_failures as usize;
    for _ in 0..=failures {
        let (_, text) = upload_file(
            &s,
            auth_part("admin", "wrong password", 0),
            params_part(&c, OVERSIZED_PART),
            b"JFIF".to_vec(),
        )
        .await;
        part_refused(&text, "uploadParams");
    }
    credentials_were_never_checked(&s, &c).await;
}

/// A client that declares a body as large as the whole budget and sends only its first bytes:
/// the server reserves the declared length and holds it while the rest is awaited.
struct Holder {
    stream: TcpStream,
    rest: String,
}

impl Holder {
    async fn start(s: &Server) -> Holder {
        // Whitespace between the fields makes the body as large as the budget.
        let body = format!(
            "{{\"login\":\"admin\",{}\"password\":\"{ADMIN_PASSWORD}\"}}",
            " ".repeat(BUDGET as usize - 100)
        );
        let (first, rest) = body.split_at(10);
        let mut stream = TcpStream::connect(s.base.trim_start_matches("http://")).await.unwrap();
        let head = format!(
            "POST /api/v1/sessions HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{first}",
            body.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        Holder {
            stream,
            rest: rest.to_owned(),
        }
    }

    /// Sends the rest of the body and reads the answer; the budget is free again once it came.
    async fn finish(mut self) -> String {
        self.stream.write_all(self.rest.as_bytes()).await.unwrap();
        let mut answer = Vec::new();
        self.stream.read_to_end(&mut answer).await.unwrap();
        String::from_utf8_lossy(&answer).into_owned()
    }
}

/// Whether the REST login is refused for want of room: polled, because the holder's request
/// reaches the server's budget a moment after its bytes are written.
async fn budget_is_full(s: &Server) -> bool {
    for _ in 0..200 {
        let r = rest_login(s).await;
        if r.status == StatusCode::SERVICE_UNAVAILABLE {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

async fn rest_login(s: &Server) -> Reply {
    s.send(
        reqwest::Method::POST,
        "/api/v1/sessions",
        None,
        Some(serde_json::json!({ "login": "admin", "password": ADMIN_PASSWORD })),
    )
    .await
}

async fn post(s: &Server, path: &str, content_type: &str, body: String) -> reqwest::Response {
    s.http
        .post(format!("{}{path}", s.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

fn inforouter_login() -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{SOAP11}\"><soap:Body><AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>admin</UID><PWD>{ADMIN_PASSWORD}</PWD></AuthenticateUser></soap:Body></soap:Envelope>"
    )
}

fn retry_after(r: &reqwest::Response) -> u64 {
    r.headers()
        .get("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After: {:?}", r.headers()))
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_full_budget_answers_503_with_retry_after_in_each_face_s_convention_until_room_is_free() {
    let s = start_with(small_budget()).await;
    let holder = Holder::start(&s).await;
    assert!(
        budget_is_full(&s).await,
        "the holder's declared body never filled the budget"
    );

    // REST: a problem document.
    let r = rest_login(&s).await;
    r.problem(503, "server-busy");
    assert!(r.headers["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);

    // infoRouter SOAP: a fault of the server's side; the POST binding: its exception.
    let r = post(&s, "/srv.asmx", "text/xml; charset=utf-8", inforouter_login()).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after(&r) >= 1);
    let text = r.text().await.unwrap();
    assert!(
        text.contains("<faultcode>soap:Server</faultcode>") && text.contains("Server Too Busy"),
        "{text}"
    );
    let form = format!("UID=admin&PWD={}", ADMIN_PASSWORD.replace(' ', "+"));
    let r = post(
        &s,
        "/srv.asmx/AuthenticateUser",
        "application/x-www-form-urlencoded",
        form.clone(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after(&r) >= 1);
    let text = r.text().await.unwrap();
    assert!(text.contains("System.Web.HttpException: Server Too Busy"), "{text}");

    // Scene7: an ipsApiFault, with 503.
    let auth = Auth::admin();
    let call = scene7::envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyMembershipParam xmlns=\"{V2008}\"/>"),
    );
    let r = post(&s, "/scene7/services/IpsApiService", "text/xml", call.clone()).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after(&r) >= 1);
    let reply = scene7::Reply {
        status: r.status(),
        headers: r.headers().clone(),
        bytes: r.bytes().await.unwrap().to_vec(),
    };
    let detail = reply.fault("ipsApiFault", 30000);
    assert!(scene7::text(&detail, "reason").contains("busy"));

    // The web sign-in: a page.
    let sign_in = format!("login=admin&password={}", ADMIN_PASSWORD.replace(' ', "+"));
    let r = post(&s, "/login", "application/x-www-form-urlencoded", sign_in.clone()).await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(retry_after(&r) >= 1);
    assert!(r.text().await.unwrap().contains("The server is busy."));

    // Once the holder's request is answered, its share is back and everyone is served.
    let answer = holder.finish().await;
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");
    assert_eq!(rest_login(&s).await.status, StatusCode::CREATED);
    let r = post(&s, "/srv.asmx", "text/xml; charset=utf-8", inforouter_login()).await;
    let text = r.text().await.unwrap();
    assert!(text.contains("success=\"true\""), "{text}");
    let r = post(
        &s,
        "/srv.asmx/AuthenticateUser",
        "application/x-www-form-urlencoded",
        form,
    )
    .await;
    assert!(r.text().await.unwrap().contains("success=\"true\""));
    scene7::post_raw(&s, "text/xml", &auth, call)
        .await
        .ret("getCompanyMembership", V2008);
    let r = post(&s, "/login", "application/x-www-form-urlencoded", sign_in).await;
    assert_ne!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn large_uploads_stream_past_a_small_budget_on_every_face() {
    let s = start_with(small_budget()).await;
    let large: Vec<u8> = (0..64 * BUDGET).map(|i| (i % 251) as u8).collect();
    let token = s.repo_login().await;
    let library = s.library(&token, "Finance").await;

    // REST.
    let id = s.uploaded(&token, library, "large.bin", &large).await;
    let r = s.get(&format!("/api/v1/documents/{id}/content"), &token).await;
    assert_eq!(r.bytes, large);

    // infoRouter, a multipart UploadDocument.
    let ticket = s.repo_login().await;
    let form = reqwest::multipart::Form::new()
        .text("AuthenticationTicket", ticket)
        .text("Path", "\\Finance\\scan.bin")
        .part(
            "fileContent",
            reqwest::multipart::Part::bytes(large.clone()).file_name("scan.bin"),
        );
    let r = s
        .http
        .post(format!("{}/srv.asmx/UploadDocument", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    let node = read_document(text.as_bytes()).unwrap();
    assert_eq!(node.attribute("success"), Some("true"), "{text}");
    let id: i64 = node.attribute("DocumentId").unwrap().parse().unwrap();
    let r = s.get(&format!("/api/v1/documents/{id}/content"), &token).await;
    assert_eq!(r.bytes, large);

    // Scene7, the upload servlet.
    let (_, c) = scene7::company(&s, "Acme").await;
    let (status, text) = upload_file(
        &s,
        auth_part("admin", ADMIN_PASSWORD, 0),
        params_part(&c, 0),
        large.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("uploadPostReturn"), "{text}");
}
