//! The Scene7 IPS face: transport (SOAP 1.1 and 1.2, any IPS namespace, gzip), the WSDL, the
//! three ways to authenticate, roles, and every fault kind, hostile XML included. The trash,
//! folder, asset and upload operations are in `scene7_trash.rs`, the WSDL in `scene7_wsdl.rs`.

use crate::support::*;
use reqwest::StatusCode;
use salvage_core::model::{NewUser, Role};
use salvage_server::soap::{read_envelope, Element};
use std::io::Read;

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

#[tokio::test]
async fn every_way_to_authenticate_in_soap_11_and_12() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let email = member(&s, tenant, "ann", Role::IpsUser).await;
    let ways = [
        Auth::Header(email.clone(), PASSWORD.into()),
        Auth::VersionedHeader(email.clone(), PASSWORD.into()),
        Auth::Basic(email.clone(), PASSWORD.into()),
        Auth::Legacy(email.clone(), PASSWORD.into()),
        // The username works as well as the e-mail.
        Auth::Header("ann".into(), PASSWORD.into()),
    ];
    let body = format!("<ns1:getCompanyInfoParam xmlns:ns1=\"{V2008}\"><ns1:companyHandle>{c}</ns1:companyHandle></ns1:getCompanyInfoParam>");
    for auth in &ways {
        for (soap_ns, content_type) in [
            (SOAP11, "text/xml; charset=UTF-8"),
            (SOAP12, "application/soap+xml; charset=utf-8"),
        ] {
            let r = post_raw(&s, content_type, auth, envelope(soap_ns, auth, &body)).await;
            let ret = r.ret("getCompanyInfo", V2008);
            let info = ret.child("companyInfo").unwrap();
            assert_eq!(text(info, "companyHandle"), c);
            assert_eq!(text(info, "rootPath"), "Acme/");
            let env = read_envelope(&r.bytes).unwrap();
            assert_eq!(
                r.headers["content-type"],
                if soap_ns == SOAP11 {
                    "text/xml; charset=utf-8"
                } else {
                    "application/soap+xml; charset=utf-8"
                }
            );
            assert_eq!(
                env.version,
                if soap_ns == SOAP11 {
                    salvage_server::soap::SoapVersion::V11
                } else {
                    salvage_server::soap::SoapVersion::V12
                }
            );
        }
    }
    // The reply is in whatever namespace the request used, and getUserInfo names the caller.
    for ns in [
        UNVERSIONED,
        "http://www.scene7.com/IpsApi/xsd/2022-11-01-beta",
        "http://www.scene7.com/IpsApi/xsd/2023-01-15",
    ] {
        let r = call(&s, &ways[0], ns, "getUserInfo", "").await;
        let info = r.ret("getUserInfo", ns).child("userInfo").unwrap().clone();
        assert_eq!(text(&info, "email"), email);
        assert!(text(&info, "userHandle").starts_with("u|"));
        assert_eq!(text(&info, "isIpsAdmin"), "false");
        assert_eq!(text(&info, "defaultRole"), "IpsUser");
    }
    let r = call(&s, &ways[0], V2008, "getCompanyMembership", "").await;
    let ret = r.ret("getCompanyMembership", V2008);
    let items: Vec<&Element> = ret.child("membershipArray").unwrap().children_named("items").collect();
    assert_eq!(items.len(), 1);
    assert_eq!(text(items[0].child("company").unwrap(), "name"), "Acme");
    assert_eq!(text(items[0], "role"), "IpsUser");

    for (email_given, password, status) in [
        (email.as_str(), PASSWORD, "ValidLogin"),
        (email.as_str(), "wrong", "InvalidLogin"),
        ("nobody@x", PASSWORD, "InvalidLogin"),
    ] {
        let r = call(
            &s,
            &ways[0],
            V2008,
            "checkLogin",
            &format!("<companyHandle>{c}</companyHandle><email>{email_given}</email><password>{password}</password>"),
        )
        .await;
        assert_eq!(text(&r.ret("checkLogin", V2008), "status"), status);
    }
}

#[tokio::test]
async fn authentication_faults_are_http_500_unless_asked_otherwise() {
    let s = start().await;
    let (_, c) = company(&s, "Acme").await;
    let body =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>");
    let r = soap(&s, &Auth::None, &body).await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    r.fault("authenticationFault", 10000);
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultcode"), "soap:Client");
    assert_eq!(text(&env.body, "faultstring"), "AuthenticationException");

    for auth in [
        Auth::Header("admin".into(), "wrong".into()),
        Auth::Basic("admin".into(), "wrong".into()),
        Auth::Header("nobody".into(), "x".into()),
    ] {
        let r = soap(&s, &auth, &body).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        r.fault("authenticationFault", 10001);
    }
    // Flash clients ask for faults with status 200.
    let auth = Auth::Raw(format!(
        "<authHeader xmlns=\"{UNVERSIONED}\"><faultHttpStatusCode>200</faultHttpStatusCode><user>admin</user><password>wrong</password></authHeader>"
    ));
    let r = soap(&s, &auth, &body).await;
    assert_eq!(r.status, StatusCode::OK);
    r.fault("authenticationFault", 10001);
    // SOAP 1.2 faults carry the same detail.
    let r = post_raw(
        &s,
        "application/soap+xml",
        &Auth::None,
        envelope(SOAP12, &Auth::None, &body),
    )
    .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    r.fault("authenticationFault", 10000);
}

#[tokio::test]
async fn authorization_and_parameter_faults() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let (_, other) = company(&s, "Other").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    // Another company's handle is exactly an unknown one.
    for handle in [other.as_str(), "c|999999", "garbage"] {
        let r = call(
            &s,
            &ann,
            V2008,
            "searchAssets",
            &format!("<companyHandle>{handle}</companyHandle>"),
        )
        .await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        r.fault("authorizationFault", 20000);
    }
    let r = call(&s, &ann, V2008, "addCompany", "<companyName>Mine</companyName>").await;
    let d = r.fault("authorizationFault", 20003);
    assert_eq!(
        text(&d, "reason"),
        "User does not have permission to access operation 'addCompany'"
    );
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultstring"), "AuthorizationException");

    let r = call(
        &s,
        &ann,
        V2008,
        "searchAssets",
        "<includeSubfolders>true</includeSubfolders>",
    )
    .await;
    assert!(text(&r.fault("ipsApiFault", 30002), "reason").contains("companyHandle"));
    let env = read_envelope(&r.bytes).unwrap();
    assert_eq!(text(&env.body, "faultcode"), "soap:Server");
    assert_eq!(text(&env.body, "faultstring"), "ipsApiFault");
    for bad in [
        "<trashState>InEmptiedTrash</trashState>",
        "<includeSubfolders>maybe</includeSubfolders>",
        "<recordsPerPage>ten</recordsPerPage>",
        "<folder>f|Other/x/</folder>",
        "<keywordArray><items>x</items></keywordArray>",
    ] {
        let r = call(
            &s,
            &ann,
            V2008,
            "searchAssets",
            &format!("<companyHandle>{c}</companyHandle>{bad}"),
        )
        .await;
        r.fault("ipsApiFault", 30001);
    }
    let r = call(
        &s,
        &ann,
        V2008,
        "getFolderTree",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    r.fault("ipsApiFault", 30002);
    // An operation this server does not offer.
    let r = call(
        &s,
        &ann,
        V2008,
        "submitJob",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    r.fault("ipsApiFault", 30000);
    // accessUserHandle: only an administrator may act as someone else.
    let bob = member(&s, tenant, "bob", Role::IpsUser).await;
    let bob_info = call(&s, &Auth::user(&bob), V2008, "getUserInfo", "").await;
    let bob_handle = text(
        bob_info.ret("getUserInfo", V2008).child("userInfo").unwrap(),
        "userHandle",
    )
    .to_owned();
    let body = format!("<companyHandle>{c}</companyHandle><accessUserHandle>{bob_handle}</accessUserHandle>");
    call(&s, &ann, V2008, "searchAssets", &body)
        .await
        .fault("authorizationFault", 20004);
    call(&s, &Auth::admin(), V2008, "searchAssets", &body)
        .await
        .ret("searchAssets", V2008);
}

#[tokio::test]
async fn hostile_xml_is_refused_without_being_expanded() {
    let s = start_with(salvage_server::Limits {
        max_body_bytes: 64 * 1024,
        ..Default::default()
    })
    .await;
    let (_, c) = company(&s, "Acme").await;
    let auth = Auth::admin();
    let laughs = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;\">]>{}",
        envelope(SOAP11, &auth, &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>&lol2;</companyHandle></getCompanyInfoParam>"))
    );
    let external = format!(
        "<!DOCTYPE x SYSTEM \"file:///etc/passwd\">{}",
        envelope(
            SOAP11,
            &auth,
            &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>")
        )
    );
    let deep = envelope(
        SOAP11,
        &auth,
        &format!(
            "<getCompanyInfoParam xmlns=\"{V2008}\">{}{}</getCompanyInfoParam>",
            "<a>".repeat(200),
            "</a>".repeat(200)
        ),
    );
    let huge = envelope(
        SOAP11,
        &auth,
        &format!(
            "<getCompanyInfoParam xmlns=\"{V2008}\"><companyName>{}</companyName></getCompanyInfoParam>",
            "x".repeat(100 * 1024)
        ),
    );
    let undefined = envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>&xxe;</companyHandle></getCompanyInfoParam>"),
    );
    let foreign = envelope(
        SOAP11,
        &auth,
        &format!("<getCompanyInfoParam xmlns=\"urn:other\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>"),
    );
    for body in [
        laughs,
        external,
        deep,
        huge,
        undefined,
        foreign,
        "not xml".to_owned(),
        "<a/>".to_owned(),
    ] {
        let r = post_raw(&s, "text/xml", &auth, body).await;
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        let d = r.fault("ipsApiFault", 30003);
        assert!(!text(&d, "reason").contains("lollol"));
    }
    // Nothing of it was taken for a company.
    let r = call(&s, &auth, V2008, "getCompanyMembership", "").await;
    let ret = r.ret("getCompanyMembership", V2008);
    assert_eq!(
        ret.child("membershipArray").unwrap().children.len(),
        2,
        "default and Acme"
    );
}

#[tokio::test]
async fn role_refusals_change_nothing() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let hat = asset(&s, tenant, "/Images", "hat.jpg").await;
    for role in [Role::ImagePortalUser, Role::TrialSiteUser, Role::WebServiceUser] {
        let viewer = Auth::user(&member(&s, tenant, &format!("{role:?}").to_lowercase(), role).await);
        for (op, fields) in [
            ("deleteAsset", format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle>")),
            ("deleteAssets", format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat]))),
            ("deleteFolder", format!("<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/</folderHandle>")),
            ("createFolder", format!("<companyHandle>{c}</companyHandle><folderPath>Images/New</folderPath>")),
            ("renameAsset", format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle><newName>cap</newName><validateName>true</validateName>")),
        ] {
            call(&s, &viewer, V2008, op, &fields).await.fault("authorizationFault", 20003);
        }
        // Reading is allowed.
        let r = call(
            &s,
            &viewer,
            V2008,
            "getAssets",
            &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat])),
        )
        .await;
        let ret = r.ret("getAssets", V2008);
        let a = ret.child("assetArray").unwrap().child("items").unwrap();
        assert_eq!(text(a, "name"), "hat");
        assert_eq!(text(a, "trashState"), "NotInTrash");
    }
    let r = call(
        &s,
        &Auth::admin(),
        V2008,
        "getFolders",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    let paths: Vec<String> = r
        .ret("getFolders", V2008)
        .child("folderArray")
        .unwrap()
        .children
        .iter()
        .map(|f| text(f, "path").to_owned())
        .collect();
    assert_eq!(paths, ["Acme/", "Acme/Images/"]);
}

#[tokio::test]
async fn replies_are_gzipped_when_the_client_accepts_it() {
    let s = start().await;
    let (_, c) = company(&s, "Acme").await;
    let info =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>{c}</companyHandle></getCompanyInfoParam>");
    // A company handle that names no company: a fault, which follows the same rules.
    let unknown =
        format!("<getCompanyInfoParam xmlns=\"{V2008}\"><companyHandle>c|999999</companyHandle></getCompanyInfoParam>");
    let send = |auth: Auth, body: &str| {
        let s = &s;
        let body = envelope(SOAP11, &auth, body);
        async move {
            let res = s
                .http
                .post(format!("{}/scene7/services/IpsApiService", s.base))
                .header("content-type", "text/xml")
                .header("accept-encoding", "gzip")
                .body(body)
                .send()
                .await
                .unwrap();
            let encoding = res
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap().to_owned());
            (res.status(), encoding, res.bytes().await.unwrap().to_vec())
        }
    };
    let gunzip = |zipped: &[u8]| {
        let mut xml = Vec::new();
        flate2::read::GzDecoder::new(zipped).read_to_end(&mut xml).unwrap();
        read_envelope(&xml).unwrap()
    };
    let with_gzip = |value: &str| {
        Auth::Raw(format!(
            "<authHeader xmlns=\"{UNVERSIONED}\"><user>admin</user><password>{ADMIN_PASSWORD}</password><gzipResponse>{value}</gzipResponse></authHeader>"
        ))
    };
    for auth in [Auth::admin(), with_gzip("true")] {
        let (status, encoding, bytes) = send(auth.clone(), &info).await;
        assert_eq!((status, encoding.as_deref()), (StatusCode::OK, Some("gzip")));
        assert_eq!(gunzip(&bytes).body.name, "getCompanyInfoReturn");
        let (status, encoding, bytes) = send(auth, &unknown).await;
        assert_eq!(
            (status, encoding.as_deref()),
            (StatusCode::INTERNAL_SERVER_ERROR, Some("gzip"))
        );
        assert_eq!(gunzip(&bytes).body.name, "Fault");
    }

    // `gzipResponse` false: plain XML with no Content-Encoding at all (not even `identity`,
    // which PHP's SoapClient refuses), for a reply and for a fault alike.
    for value in ["false", "0"] {
        let (status, encoding, bytes) = send(with_gzip(value), &info).await;
        assert_eq!((status, encoding), (StatusCode::OK, None));
        assert_eq!(read_envelope(&bytes).unwrap().body.name, "getCompanyInfoReturn");
        let (status, encoding, bytes) = send(with_gzip(value), &unknown).await;
        assert_eq!((status, encoding), (StatusCode::INTERNAL_SERVER_ERROR, None));
        assert_eq!(read_envelope(&bytes).unwrap().body.name, "Fault");
    }
    let wrong = Auth::Raw(format!(
        "<authHeader xmlns=\"{UNVERSIONED}\"><user>admin</user><password>wrong</password><gzipResponse>false</gzipResponse></authHeader>"
    ));
    let (status, encoding, bytes) = send(wrong, &info).await;
    assert_eq!((status, encoding), (StatusCode::INTERNAL_SERVER_ERROR, None));
    assert_eq!(read_envelope(&bytes).unwrap().body.name, "Fault");
    // Without Accept-Encoding, plain XML.
    let r = soap(&s, &Auth::admin(), &info).await;
    assert!(r.headers.get("content-encoding").is_none());
}
