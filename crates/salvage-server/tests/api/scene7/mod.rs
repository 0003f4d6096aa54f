//! The Scene7 IPS face: transport (SOAP 1.1 and 1.2, any IPS namespace, gzip), the WSDL, the
//! three ways to authenticate, roles, and every fault kind, hostile XML included. The trash,
//! folder, asset and upload operations are in `scene7_trash.rs`.
//!
//! The helpers here serve every Scene7 test (and the authorization matrix); this module's own tests
//! are in `transport` and `faults`.

use crate::support::*;
use reqwest::StatusCode;
use salvage_core::model::{NewUser, Role};
use salvage_server::soap::{read_document, read_envelope, Element};
use std::io::Read;
mod faults;
mod transport;

pub(crate) const V2008: &str = "http://www.scene7.com/IpsApi/xsd/2008-01-15";
pub(crate) const UNVERSIONED: &str = "http://www.scene7.com/IpsApi/xsd";
pub(crate) const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub(crate) const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub(crate) const PASSWORD: &str = "password 123";

/// How a request authenticates.
#[derive(Clone)]
pub(crate) enum Auth {
    None,
    /// The documented unversioned `authHeader`.
    Header(String, String),
    /// A versioned `authHeader` with its children in another order.
    VersionedHeader(String, String),
    Basic(String, String),
    Legacy(String, String),
    /// Raw SOAP header content.
    Raw(String),
}

impl Auth {
    pub(crate) fn admin() -> Auth {
        Auth::Header("admin".into(), ADMIN_PASSWORD.into())
    }

    pub(crate) fn user(email: &str) -> Auth {
        Auth::Header(email.into(), PASSWORD.into())
    }

    fn soap_header(&self) -> String {
        match self {
            Auth::Header(u, p) => format!(
                "<authHeader xmlns=\"{UNVERSIONED}\"><user>{u}</user><password>{p}</password><appName>tests</appName><appVersion>1.0</appVersion></authHeader>"
            ),
            Auth::VersionedHeader(u, p) => format!(
                "<h:authHeader xmlns:h=\"http://www.scene7.com/IpsApi/xsd/2016-01-14-beta\"><h:appVersion>1</h:appVersion><h:password>{p}</h:password><h:appName>t</h:appName><h:user>{u}</h:user></h:authHeader>"
            ),
            Auth::Legacy(u, p) => format!(
                "<AuthUser xmlns=\"http://www.scene7.com/IpsApi\">{u}</AuthUser><AuthPassword xmlns=\"http://www.scene7.com/IpsApi\">{p}</AuthPassword>"
            ),
            Auth::Raw(h) => h.clone(),
            Auth::None | Auth::Basic(..) => String::new(),
        }
    }
}

pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The body's first element, which must be `{op}Return` in `ns` (a successful call).
    pub(crate) fn ret(&self, op: &str, ns: &str) -> Element {
        assert_eq!(self.status, StatusCode::OK, "{}", String::from_utf8_lossy(&self.bytes));
        let env = read_envelope(&self.bytes).unwrap();
        assert_eq!(
            env.body.name,
            format!("{op}Return"),
            "{}",
            String::from_utf8_lossy(&self.bytes)
        );
        assert_eq!(env.body.namespace.as_deref(), Some(ns));
        for c in &env.body.children {
            assert_eq!(c.namespace.as_deref(), Some(ns), "{} is qualified", c.name);
        }
        env.body
    }

    /// The fault detail, which must be `kind` with `code`.
    pub(crate) fn fault(&self, kind: &str, code: u32) -> Element {
        let env =
            read_envelope(&self.bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.bytes)));
        assert_eq!(env.body.name, "Fault", "{}", String::from_utf8_lossy(&self.bytes));
        let detail = env.body.child("detail").or_else(|| env.body.child("Detail")).unwrap();
        let d = detail.children[0].clone();
        assert_eq!(d.name, kind, "{}", String::from_utf8_lossy(&self.bytes));
        assert_eq!(d.namespace.as_deref(), Some(UNVERSIONED));
        assert_eq!(
            d.child("code").unwrap().text,
            code.to_string(),
            "{}",
            d.child("reason").unwrap().text
        );
        d
    }
}

pub(crate) fn envelope(soap_ns: &str, auth: &Auth, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"{soap_ns}\"><soapenv:Header>{}</soapenv:Header><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>",
        auth.soap_header()
    )
}

/// Posts a raw body to the service.
pub(crate) async fn post_raw(s: &Server, content_type: &str, auth: &Auth, body: impl Into<reqwest::Body>) -> Reply {
    let mut req = s
        .http
        .post(format!("{}/scene7/services/IpsApiService", s.base))
        .header("content-type", content_type)
        .body(body);
    if let Auth::Basic(u, p) = auth {
        req = req.basic_auth(u, Some(p));
    }
    let res = req.send().await.unwrap();
    Reply {
        status: res.status(),
        headers: res.headers().clone(),
        bytes: res.bytes().await.unwrap().to_vec(),
    }
}

/// A SOAP 1.1 call with `body` as the Body's content.
pub(crate) async fn soap(s: &Server, auth: &Auth, body: &str) -> Reply {
    post_raw(s, "text/xml; charset=UTF-8", auth, envelope(SOAP11, auth, body)).await
}

/// `<{op}Param xmlns="ns">{fields}</{op}Param>` over SOAP 1.1.
pub(crate) async fn call(s: &Server, auth: &Auth, ns: &str, op: &str, fields: &str) -> Reply {
    soap(s, auth, &format!("<{op}Param xmlns=\"{ns}\">{fields}</{op}Param>")).await
}

pub(crate) fn text<'a>(e: &'a Element, name: &str) -> &'a str {
    &e.child(name).unwrap_or_else(|| panic!("no {name} in {e:?}")).text
}

/// A company made through addCompany by the administrator: (tenant id, company handle).
pub(crate) async fn company(s: &Server, name: &str) -> (i64, String) {
    let r = call(
        s,
        &Auth::admin(),
        V2008,
        "addCompany",
        &format!("<companyName>{name}</companyName>"),
    )
    .await;
    let info = r.ret("addCompany", V2008).child("companyInfo").unwrap().clone();
    assert_eq!(text(&info, "name"), name);
    assert_eq!(text(&info, "rootPath"), format!("{name}/"));
    let handle = text(&info, "companyHandle").to_owned();
    (handle.strip_prefix("c|").unwrap().parse().unwrap(), handle)
}

/// A member of a company with a role; returns their e-mail (their login).
pub(crate) async fn member(s: &Server, tenant: i64, name: &str, role: Role) -> String {
    let admin = s.repo.check_login("admin", ADMIN_PASSWORD, None).await.unwrap();
    let actor = s.repo.actor_for(&admin, tenant).await.unwrap();
    let email = format!("{name}@example.com");
    s.repo
        .create_user(
            &actor,
            &NewUser {
                username: name.into(),
                email: email.clone(),
                first_name: name.into(),
                last_name: "Tester".into(),
                password: PASSWORD.into(),
                is_system_admin: false,
            },
            role,
        )
        .await
        .unwrap();
    email
}

/// Uploads a file as the administrator into a folder path of a company (created as needed);
/// returns its asset handle.
pub(crate) async fn asset(s: &Server, tenant: i64, folder: &str, name: &str) -> String {
    let admin = s.repo.check_login("admin", ADMIN_PASSWORD, None).await.unwrap();
    let actor = s.repo.actor_for(&admin, tenant).await.unwrap();
    let parent = s.repo.ensure_folder_path(&actor, folder).await.unwrap();
    let (node, _) = s
        .repo
        .upload(&actor, parent.id, name, &mut &b"image bytes"[..])
        .await
        .unwrap();
    format!("a|{}", node.id)
}

pub(crate) fn handles(items: &[&str]) -> String {
    let items: String = items.iter().map(|h| format!("<items>{h}</items>")).collect();
    format!("<assetHandleArray>{items}</assetHandleArray>")
}
