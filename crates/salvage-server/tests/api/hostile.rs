//! Hostile clients on every face: slow headers and bodies (slowloris), billion laughs, enormous
//! attribute values and oversized bodies. Each is refused in the face's own convention, and the
//! server goes on serving everyone else meanwhile. (DTDs, undefined entities and deep nesting
//! are covered beside each face's other tests.)

use crate::scene7::{self, Auth, SOAP11, V2008};
use crate::support::*;
use reqwest::StatusCode;
use salvage_server::Limits;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
/// The limit on bodies in these tests, so that "too large" is cheap to send.
const LIMIT: usize = 64 * 1024;
/// Longer than any timeout here: a server that never gives up on a slow client fails the test.
const PATIENCE: Duration = Duration::from_secs(20);
/// The administrator's `authHeader`, as the upload servlet's `auth` part.
const SCENE7_AUTH: &str = "<authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>admin</user><password>admin password</password></authHeader>";

fn limits() -> Limits {
    Limits {
        max_body_bytes: LIMIT,
        max_soap_bytes: LIMIT,
        max_upload_bytes: LIMIT as u64,
        header_read_timeout: Duration::from_millis(500),
        body_read_timeout: Duration::from_millis(300),
        ..Limits::default()
    }
}

fn address(s: &Server) -> &str {
    s.base.trim_start_matches("http://")
}

/// Everything the server sends on `stream` until it closes the connection.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    let read = tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "the server kept a stalled connection open");
    // A reset after the answer is fine: what was read before it is kept.
    String::from_utf8_lossy(&answer).into_owned()
}

/// Sends a request's head and the first `sent` bytes of a body of `declared` bytes, then
/// stalls; returns the server's answer (status line, headers, body).
async fn stalled_body(s: &Server, request_line: &str, headers: &str, body_start: &str, declared: usize) -> String {
    let mut stream = TcpStream::connect(address(s)).await.unwrap();
    let head = format!(
        "{request_line} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{headers}Content-Length: {declared}\r\n\r\n{body_start}"
    );
    assert!(body_start.len() < declared);
    stream.write_all(head.as_bytes()).await.unwrap();
    until_closed(&mut stream).await
}

fn infourouter_envelope(soap_ns: &str, body: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{soap_ns}\"><soap:Body>{body}</soap:Body></soap:Envelope>")
}

/// The billion laughs: ten levels of ten references, a few gigabytes if anything expanded it.
fn billion_laughs(root: &str) -> String {
    let mut dtd = String::from("<!ENTITY lol0 \"lol\">");
    for level in 1..10 {
        let refs: String = (0..10).map(|_| format!("&lol{};", level - 1)).collect();
        dtd.push_str(&format!("<!ENTITY lol{level} \"{refs}\">"));
    }
    format!("<?xml version=\"1.0\"?><!DOCTYPE lolz [{dtd}]>{root}")
}

async fn post(s: &Server, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> (StatusCode, String) {
    let r = s
        .http
        .post(format!("{}{path}", s.base))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test]
async fn slow_headers_are_cut_off_while_other_clients_are_served() {
    let s = start_with(limits()).await;
    // Clients that begin a request and never finish its headers.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut stream = TcpStream::connect(address(&s)).await.unwrap();
        stream
            .write_all(b"POST /srv.asmx HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\n")
            .await
            .unwrap();
        slow.push(stream);
    }
    // Meanwhile everyone else is served, on every face.
    let health = s.http.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    let token = s.admin().await;
    assert!(!token.is_empty());
    let (status, text) = post(
        &s,
        "/srv.asmx/AuthenticateUser",
        "application/x-www-form-urlencoded",
        format!("UID=admin&PWD={}", ADMIN_PASSWORD.replace(' ', "+")),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("success=\"true\""), "{text}");
    // And the slow clients are disconnected, unanswered.
    for mut stream in slow {
        let answer = until_closed(&mut stream).await;
        assert!(!answer.contains(" 200 "), "{answer}");
    }
}

#[tokio::test]
async fn a_stalled_body_fails_in_each_face_s_own_convention() {
    let s = start_with(limits()).await;
    let token = s.admin().await;
    let library = s.library(&token, "L").await;

    // infoRouter SOAP: a fault.
    let answer = stalled_body(
        &s,
        "POST /srv.asmx",
        "Content-Type: text/xml\r\n",
        "<soap:Envelope",
        1000,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("<faultcode>soap:Client</faultcode>") && answer.contains("stopped arriving"),
        "{answer}"
    );
    // infoRouter HTTP POST: the binding's exception.
    let answer = stalled_body(
        &s,
        "POST /srv.asmx/AuthenticateUser",
        "Content-Type: application/x-www-form-urlencoded\r\n",
        "UID=adm",
        100,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("System.Web.HttpException: The request body stopped arriving."),
        "{answer}"
    );
    // Scene7 SOAP: fault 30003.
    let answer = stalled_body(
        &s,
        "POST /scene7/services/IpsApiService",
        "Content-Type: text/xml\r\n",
        "<soapenv:Envelope",
        1000,
    )
    .await;
    assert!(answer.contains("code>30003</"), "{answer}");
    // Scene7 UploadFile, stalled in the middle of a file: fault 30003.
    let (_, c) = scene7::company(&s, "Acme").await;
    let part =
        |name: &str, text: &str| format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{text}\r\n");
    let form = format!(
        "{}{}--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\nJFIF",
        part("auth", SCENE7_AUTH),
        part(
            "uploadParams",
            &format!("<uploadPostParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle><jobName>j</jobName><destFolder>Acme/Images</destFolder></uploadPostParam>"),
        )
    );
    let answer = stalled_body(
        &s,
        "POST /scene7/UploadFile",
        "Content-Type: multipart/form-data; boundary=XyZ\r\n",
        &form,
        form.len() + 1000,
    )
    .await;
    assert!(
        answer.contains("<code>30003</code>") || answer.contains("<tns:code>30003</tns:code>"),
        "{answer}"
    );
    // REST JSON: a problem.
    let answer = stalled_body(
        &s,
        "POST /api/v1/sessions",
        "Content-Type: application/json\r\n",
        "{\"login\": \"ad",
        100,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        answer.contains("application/problem+json") && answer.contains("\"code\":\"timeout\""),
        "{answer}"
    );
    // REST upload: a problem too, and no document.
    let answer = stalled_body(
        &s,
        &format!("POST /api/v1/nodes/{library}/documents?name=half.bin"),
        &format!("Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n"),
        "half of it",
        1000,
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"timeout\""), "{answer}");
    let children = s.ok(&format!("/api/v1/nodes/{library}/children"), &token).await;
    assert_eq!(children["items"], serde_json::json!([]), "{children}");
}

#[tokio::test]
async fn the_billion_laughs_are_refused_unexpanded_by_both_dialects() {
    let s = start_with(limits()).await;
    // infoRouter, SOAP 1.1 and 1.2.
    let root = infourouter_envelope(
        scene7::SOAP11,
        "<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>&lol9;</UID><PWD>x</PWD></AuthenticateUser>",
    );
    let (status, text) = post(&s, "/srv.asmx", "text/xml; charset=utf-8", billion_laughs(&root)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(
        text.contains("<faultcode>soap:Client</faultcode>") && text.contains("DTD"),
        "{text}"
    );
    assert!(!text.contains("lollol"));
    let root = infourouter_envelope(
        SOAP12,
        "<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>&lol9;</UID><PWD>x</PWD></AuthenticateUser>",
    );
    let (status, text) = post(
        &s,
        "/srv.asmx",
        "application/soap+xml; charset=utf-8",
        billion_laughs(&root),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{text}");
    assert!(text.contains("soap:Sender") && text.contains("DTD"), "{text}");
    // Scene7, in the service and in the upload servlet's XML parts.
    let auth = Auth::admin();
    let root = scene7::envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>&lol9;</companyHandle></getCompanyInfoParam>"),
    );
    let r = scene7::post_raw(&s, "text/xml", &auth, billion_laughs(&root)).await;
    let detail = r.fault("ipsApiFault", 30003);
    assert!(scene7::text(&detail, "reason").contains("DTD"));
    let laughs =
        billion_laughs("<authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>&lol9;</user></authHeader>");
    let form = reqwest::multipart::Form::new().text("auth", laughs).part(
        "file",
        reqwest::multipart::Part::bytes(b"JFIF".to_vec()).file_name("a.jpg"),
    );
    let r = s
        .http
        .post(format!("{}/scene7/UploadFile", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(
        text.contains("<tns:code>30003</tns:code>") && text.contains("DTD"),
        "{text}"
    );
    assert!(!text.contains("lollol"));
}

#[tokio::test]
async fn enormous_attribute_values_are_read_within_the_limit_and_refused_beyond_it() {
    let s = start_with(limits()).await;
    let within = "a".repeat(LIMIT / 2);
    let beyond = "a".repeat(LIMIT * 4);
    // infoRouter: an attribute on the operation carries nothing; the call is answered.
    let call = |value: &str| {
        infourouter_envelope(
            scene7::SOAP11,
            &format!("<AuthenticateUser xmlns=\"http://tempuri.org/\" junk=\"{value}\"><UID>admin</UID><PWD>wrong</PWD></AuthenticateUser>"),
        )
    };
    let (status, text) = post(&s, "/srv.asmx", "text/xml; charset=utf-8", call(&within)).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(text.contains("success=\"false\""), "{text}");
    let (status, text) = post(&s, "/srv.asmx", "text/xml; charset=utf-8", call(&beyond)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        text.contains("<faultcode>soap:Client</faultcode>") && text.contains("Maximum request length exceeded."),
        "{text}"
    );
    // Scene7 likewise.
    let auth = Auth::admin();
    let call = |value: &str| {
        scene7::envelope(
            SOAP11,
            &auth,
            &format!("<getCompanyMembershipParam xmlns=\"{V2008}\" junk=\"{value}\"/>"),
        )
    };
    scene7::post_raw(&s, "text/xml", &auth, call(&within))
        .await
        .ret("getCompanyMembership", V2008);
    scene7::post_raw(&s, "text/xml", &auth, call(&beyond))
        .await
        .fault("ipsApiFault", 30003);
}

#[tokio::test]
async fn oversized_bodies_are_refused_by_the_forms_and_uploads_of_the_legacy_faces() {
    let s = start_with(limits()).await;
    let huge = "x".repeat(LIMIT + 1);
    // infoRouter HTTP POST binding.
    let (status, text) = post(
        &s,
        "/srv.asmx/AuthenticateUser",
        "application/x-www-form-urlencoded",
        format!("UID={huge}"),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        text.contains("System.Web.HttpException: Maximum request length exceeded."),
        "{text}"
    );
    // infoRouter SOAP 1.2.
    let (status, text) = post(&s, "/srv.asmx", "application/soap+xml", huge.clone()).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        text.contains("soap:Sender") && text.contains("Maximum request length exceeded."),
        "{text}"
    );
    // Scene7 UploadFile, beyond the upload limit: fault 30003.
    let (_, c) = scene7::company(&s, "Acme").await;
    let params = format!(
        "<uploadPostParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle><jobName>j</jobName><destFolder>Acme/Images</destFolder></uploadPostParam>"
    );
    let form = reqwest::multipart::Form::new()
        .text("auth", SCENE7_AUTH)
        .text("uploadParams", params)
        .part(
            "file",
            reqwest::multipart::Part::bytes(huge.into_bytes()).file_name("big.jpg"),
        );
    let r = s
        .http
        .post(format!("{}/scene7/UploadFile", s.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let text = r.text().await.unwrap();
    assert!(text.contains("<tns:code>30003</tns:code>"), "{text}");
}
