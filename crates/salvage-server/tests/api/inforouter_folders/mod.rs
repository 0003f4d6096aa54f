//! infoRouter folder and document operations over the bindings.
//!
//! The fixture and helpers are here; the tests are in `folders`, `documents` and `content`.

use crate::inforouter::{call, raw, ALL, B};
use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_server::soap::{read_document, read_envelope, Element};
mod content;
mod documents;
mod folders;

/// DownloadDocument over `b`: the base64 text of the result.
async fn download(s: &Server, b: B, t: &str, path: &str) -> String {
    let (_, bytes) = raw(s, b, "DownloadDocument", &[("AuthenticationTicket", t), ("Path", path)]).await;
    match b {
        B::Get | B::Post => {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("<base64Binary xmlns=\"http://tempuri.org/\""), "{text}");
            let node = read_document(text.as_bytes()).unwrap();
            assert_eq!(node.name, "base64Binary");
            node.text.clone()
        }
        B::Soap11 | B::Soap12 => {
            let env = read_envelope(&bytes).unwrap();
            assert_eq!(env.body.name, "DownloadDocumentResponse");
            let result = env.body.child("DownloadDocumentResult").unwrap();
            assert!(result.children.is_empty());
            result.text.clone()
        }
    }
}

fn attrs(node: &Element) -> Vec<(&str, &str)> {
    node.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn names(node: &Element) -> Vec<&str> {
    node.attributes.iter().map(|(k, _)| k.as_str()).collect()
}

fn ok(node: &Element) {
    assert_eq!(node.attribute("success"), Some("true"), "{node:?}");
}

fn failed(node: &Element, error: &str, code: &str) {
    assert_eq!(node.attribute("error"), Some(error), "{node:?}");
    assert_eq!(node.attribute("errorCode"), Some(code), "{node:?}");
    assert_ne!(node.attribute("success"), Some("true"), "{node:?}");
}

async fn ticket(s: &Server, user: &str, password: &str) -> String {
    let node = call(s, B::Get, "AuthenticateUser", &[("UID", user), ("PWD", password)]).await;
    ok(&node);
    node.attribute("ticket").unwrap().to_owned()
}

const B64: base64::engine::general_purpose::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    B64.encode(bytes)
}

fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    B64.decode(text.trim()).unwrap()
}

struct Fixture {
    s: Server,
    admin: String,
    t: String,
    lib: i64,
    reports: i64,
    q1: i64,
}

/// `/Finance` with `Reports/q1.pdf` and `memo.txt`; `t` is an administrator's ticket.
async fn fixture() -> Fixture {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let q1 = s.uploaded(&admin, reports, "q1.pdf", b"%PDF-1.4 report").await;
    s.uploaded(&admin, lib, "memo.txt", b"hello").await;
    let t = ticket(&s, "admin", ADMIN_PASSWORD).await;
    Fixture {
        s,
        admin,
        t,
        lib,
        reports,
        q1,
    }
}
