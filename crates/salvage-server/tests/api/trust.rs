//! What the server trusts a request for: the session cookie is `Secure` when a trusted proxy
//! says the client came over HTTPS (and only then); a session ends at its absolute lifetime
//! however much it is used; and on `/srv.asmx` a `ticket` cookie authenticates operations that
//! change nothing, never those that change something.

use crate::credentials::assert_everywhere;
use crate::inforouter::{self as ir, B};
use crate::support::*;
use chrono::Duration;
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use salvage_core::Config;
use salvage_server::{Limits, TrustedProxies};
use serde_json::Value;

const PASSWORD: &str = "password 123";

fn trusting(proxies: &[&str]) -> Limits {
    Limits {
        trusted_proxies: TrustedProxies::parse(proxies).unwrap(),
        ..Limits::default()
    }
}

/// A client that sends `headers` with every request and follows no redirect.
fn client_with(headers: &[(&'static str, &str)]) -> reqwest::Client {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.insert(*name, value.parse().unwrap());
    }
    reqwest::Client::builder()
        .default_headers(map)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

fn is_secure(set_cookie: &str) -> bool {
    set_cookie.split(';').any(|a| a.trim().eq_ignore_ascii_case("secure"))
}

/// Signs in on the web pages and out again; returns both `Set-Cookie` headers.
async fn sign_in_and_out(s: &Server, headers: &[(&'static str, &str)]) -> (String, String) {
    let http = client_with(headers);
    let res = http
        .post(format!("{}/login", s.base))
        .form(&[("login", "admin"), ("password", ADMIN_PASSWORD), ("tenant", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let set = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    let cookie = set.split(';').next().unwrap().to_owned();
    let page = http
        .get(format!("{}/trash", s.base))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = page
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let res = http
        .post(format!("{}/logout", s.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cleared = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    (set, cleared)
}

#[tokio::test]
async fn the_session_cookie_is_secure_when_a_trusted_proxy_says_https() {
    let s = start_with(trusting(&["127.0.0.1"])).await;
    let (set, cleared) = sign_in_and_out(&s, &[("x-forwarded-proto", "https")]).await;
    assert!(is_secure(&set) && is_secure(&cleared), "{set} / {cleared}");
    for plain in [vec![], vec![("x-forwarded-proto", "http")]] {
        let (set, cleared) = sign_in_and_out(&s, &plain).await;
        assert!(!is_secure(&set) && !is_secure(&cleared), "{plain:?}: {set} / {cleared}");
    }
    // Anyone else saying so is not believed.
    let s = start_with(trusting(&["10.9.9.9"])).await;
    let (set, _) = sign_in_and_out(&s, &[("x-forwarded-proto", "https")]).await;
    assert!(!is_secure(&set), "{set}");
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_lifetime_however_much_it_is_used() {
    let config = Config {
        session_max_age: Duration::hours(24),
        ..Config::default()
    };
    let s = start_configured(config, Limits::default()).await;
    let admin = s.admin().await;
    s.user(&admin, "erin", "IpsUser").await;
    let ticket = s.login("erin", PASSWORD).await;
    // Used every five hours, well within its idle expiry, it slides on...
    for _ in 0..4 {
        s.clock.advance(Duration::hours(5));
        assert_everywhere(&s, &ticket, true).await;
    }
    // ...until a day after it was opened: then every face refuses it, four hours after its
    // last use.
    s.clock.advance(Duration::hours(4) + Duration::seconds(1));
    assert_everywhere(&s, &ticket, false).await;
    assert_eq!(Config::default().session_max_age, Duration::days(7));
}

/// What a REST client sees of the library and the bin, to tell whether anything changed.
async fn state_of(s: &Server, admin: &str, lib: i64) -> (Value, Value) {
    (
        s.ok(&format!("/api/v1/nodes/{lib}/children"), admin).await,
        s.ok("/api/v1/trash", admin).await,
    )
}

#[tokio::test]
async fn srv_asmx_changes_need_the_ticket_in_the_request_not_a_cookie() {
    let mut s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    s.uploaded(&admin, lib, "keep.txt", b"keep").await;
    let gone = s.uploaded(&admin, lib, "gone.txt", b"gone").await;
    s.delete(&admin, gone).await;
    let ticket = ir::ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    let with_cookie = client_with(&[("cookie", &format!("lang=en; ticket={ticket}"))]);
    let without = reqwest::Client::new();

    let writes: [(&str, &[(&str, &str)]); 5] = [
        ("DeleteDocument", &[("Path", "/L/keep.txt")]),
        ("CreateFolder", &[("Path", "/L/New")]),
        ("EmptyRecycleBin", &[]),
        ("PurgeRecycleBinItem", &[("ItemHandler", "D1")]),
        ("LogOut", &[]),
    ];
    let before = state_of(&s, &admin, lib).await;
    for b in ir::ALL {
        for (op, params) in writes {
            // Answered as if no ticket had been sent, infoRouter's own way...
            s.http = without.clone();
            let no_ticket = ir::call(&s, b, op, params).await;
            s.http = with_cookie.clone();
            let cookie_only = ir::call(&s, b, op, params).await;
            assert_ne!(cookie_only.attribute("success"), Some("true"), "{b:?} {op}");
            assert_eq!(cookie_only, no_ticket, "{b:?} {op}");
            // ...and nothing changed.
            assert_eq!(state_of(&s, &admin, lib).await, before, "{b:?} {op}");
        }
        // Reads take the cookie.
        s.http = with_cookie.clone();
        for (op, params) in [
            ("GetRecycleBinContent", &[][..]),
            ("GetDocument", &[("Path", "/L/keep.txt")][..]),
            ("isValidTicket", &[][..]),
        ] {
            ir::ok(&ir::call(&s, b, op, params).await);
        }
    }
    // The same change with the ticket in the request goes through.
    s.http = without;
    let deleted = ir::call(
        &s,
        B::Post,
        "DeleteDocument",
        &[("AuthenticationTicket", &ticket), ("Path", "/L/keep.txt")],
    )
    .await;
    ir::ok(&deleted);
    assert_ne!(state_of(&s, &admin, lib).await, before);
}

/// The service addresses both WSDLs give, and the one the infoRouter service page shows, asked
/// for with `headers`.
async fn advertised(s: &Server, headers: &[(&'static str, &str)]) -> [String; 3] {
    let http = client_with(headers);
    let get = |path: String| {
        let http = &http;
        async move {
            let res = http.get(format!("{}{path}", s.base)).send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            res.text().await.unwrap()
        }
    };
    let location = |wsdl: &str| {
        let doc = salvage_server::soap::read_document(wsdl.as_bytes()).unwrap();
        let service = doc.child("service").unwrap();
        let port = service.children_named("port").next().unwrap();
        port.children[0].attribute("location").unwrap().to_owned()
    };
    let inforouter = location(&get("/srv.asmx?WSDL".into()).await);
    let scene7 = location(&get("/scene7/webservice/IpsApi-2008-01-15.wsdl".into()).await);
    let page = get("/srv.asmx".into()).await;
    let shown = page
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap()
        .to_owned();
    [inforouter, scene7, shown]
}

#[tokio::test]
async fn service_addresses_are_those_the_client_used_through_a_trusted_proxy() {
    let s = start_with(trusting(&["127.0.0.1"])).await;
    let host = s.base.trim_start_matches("http://").to_owned();
    let expect = |origin: &str| {
        [
            format!("{origin}/srv.asmx"),
            format!("{origin}/scene7/services/IpsApiService"),
            format!("{origin}/srv.asmx"),
        ]
    };
    assert_eq!(advertised(&s, &[]).await, expect(&format!("http://{host}")));
    let told = [
        vec![
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "files.example.com"),
        ],
        vec![("forwarded", "for=203.0.113.7;proto=https;host=files.example.com")],
    ];
    for headers in &told {
        assert_eq!(
            advertised(&s, headers).await,
            expect("https://files.example.com"),
            "{headers:?}"
        );
    }
    assert_eq!(
        advertised(&s, &[("x-forwarded-proto", "https")]).await,
        expect(&format!("https://{host}"))
    );

    // The same headers from a peer that is not a trusted proxy change nothing, on either face.
    let s = start_with(trusting(&["10.9.9.9"])).await;
    let host = s.base.trim_start_matches("http://").to_owned();
    for headers in &told {
        assert_eq!(
            advertised(&s, headers).await,
            expect(&format!("http://{host}")),
            "{headers:?}"
        );
    }
    assert_eq!(
        advertised(&s, &[("x-forwarded-proto", "https")]).await,
        expect(&format!("http://{host}"))
    );
}
