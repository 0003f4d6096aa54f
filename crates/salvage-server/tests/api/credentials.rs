//! Credentials on every way in: repeated failed logins are throttled on each login path (REST,
//! infoRouter, Scene7's three ways to send credentials and its checkLogin, the web sign-in),
//! and a ticket ended by a logout on any face, or by expiry, is refused by every face. How the
//! throttle tells clients and accounts apart is in `throttle.rs`.

use crate::inforouter::{self as ir, B};
use crate::scene7::{self as s7, Auth, V2008};
use crate::support::*;
use chrono::Duration;
use reqwest::redirect::Policy;
use reqwest::{Method, StatusCode};
use salvage_core::throttle::ThrottlePolicy;
use salvage_core::Config;
use salvage_server::Limits;
use serde_json::json;

const PASSWORD: &str = "password 123";

/// Three failures of an account from one address lock that address out of it for a minute.
async fn throttled_server() -> Server {
    start_configured(
        Config {
            login_throttle: ThrottlePolicy {
                account_failures: 3,
                ..ThrottlePolicy::default()
            },
            ..Config::default()
        },
        Limits::default(),
    )
    .await
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

async fn rest_login(s: &Server, login: &str, password: &str) -> Reply {
    s.send(
        Method::POST,
        "/api/v1/sessions",
        None,
        Some(json!({ "login": login, "password": password })),
    )
    .await
}

async fn web_sign_in(s: &Server, login: &str, password: &str) -> reqwest::Response {
    browser()
        .post(format!("{}/login", s.base))
        .form(&[("login", login), ("password", password), ("tenant", "")])
        .send()
        .await
        .unwrap()
}

async fn ir_login(s: &Server, op: &str, login: &str, password: &str) -> String {
    let node = ir::call(s, B::Post, op, &[("UID", login), ("PWD", password), ("Lang", "en")]).await;
    match node.attribute("success") {
        Some("true") => "ok".into(),
        _ => ir::error(&node).to_owned(),
    }
}

async fn s7_user_info(s: &Server, auth: &Auth) -> s7::Reply {
    s7::call(s, auth, V2008, "getUserInfo", "").await
}

/// The account is refused (from this test's address) with a 429 on REST and its own error
/// elsewhere, even with the right password, until the lockout ends.
async fn assert_locked(s: &Server, login: &str) {
    let r = rest_login(s, login, PASSWORD).await;
    let p = r.problem(429, "too-many-attempts");
    assert!(p["detail"].as_str().unwrap().contains("try again in"), "{p}");
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry >= 1, "{retry}");

    for op in ["AuthenticateUser", "AuthenticateUser1"] {
        let error = ir_login(s, op, login, PASSWORD).await;
        assert!(
            error.starts_with("[900] Authentication failed") && error.contains("too many"),
            "{error}"
        );
    }
    for auth in [
        Auth::Header(login.into(), PASSWORD.into()),
        Auth::Basic(login.into(), PASSWORD.into()),
        Auth::Legacy(login.into(), PASSWORD.into()),
    ] {
        let fault = s7_user_info(s, &auth).await.fault("authenticationFault", 10001);
        assert!(fault.child("reason").unwrap().text.contains("too many"), "{fault:?}");
    }

    let res = web_sign_in(s, login, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let html = res.text().await.unwrap();
    assert!(html.contains("Too many failed attempts"), "{html}");
}

#[tokio::test]
async fn each_login_path_counts_failures_and_refuses_a_locked_account() {
    let s = throttled_server().await;
    let admin = s.admin().await;
    s.user(&admin, "bob", "IpsUser").await;
    s.user(&admin, "carol", "IpsUser").await;

    // Failures on three different paths add up for one account.
    rest_login(&s, "bob", "wrong")
        .await
        .problem(401, "authentication-failed");
    assert_eq!(
        ir_login(&s, "AuthenticateUser", "BOB", "wrong").await,
        "[900] Authentication failed"
    );
    s7_user_info(&s, &Auth::Basic("bob".into(), "wrong".into()))
        .await
        .fault("authenticationFault", 10001);
    assert_locked(&s, "bob").await;
    // Other accounts from the same address are not affected.
    assert_eq!(rest_login(&s, "carol", PASSWORD).await.status, StatusCode::CREATED);

    // Attempts while locked are not even checked, so they do not count: once the minute is
    // over, the right password works at once, and that success clears the count.
    s.clock.advance(Duration::seconds(61));
    assert_eq!(rest_login(&s, "bob", PASSWORD).await.status, StatusCode::CREATED);
    for _ in 0..2 {
        rest_login(&s, "bob", "wrong")
            .await
            .problem(401, "authentication-failed");
    }
    assert_eq!(rest_login(&s, "bob", PASSWORD).await.status, StatusCode::CREATED);

    // A lockout doubles with each failure after it.
    for _ in 0..3 {
        web_sign_in(&s, "bob", "wrong").await;
    }
    s.clock.advance(Duration::seconds(61));
    let r = s7::call(
        &s,
        &Auth::admin(),
        V2008,
        "checkLogin",
        "<email>bob</email><password>wrong</password>",
    )
    .await;
    assert_eq!(s7::text(&r.ret("checkLogin", V2008), "status"), "InvalidLogin");
    assert_locked(&s, "bob").await;
    let r = rest_login(&s, "bob", PASSWORD).await;
    let retry: i64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(retry > 60, "the second lockout is longer: {retry}");
    // checkLogin of a locked account says so rather than guessing.
    s7::call(
        &s,
        &Auth::admin(),
        V2008,
        "checkLogin",
        &format!("<email>bob</email><password>{PASSWORD}</password>"),
    )
    .await
    .fault("authenticationFault", 10001);
}

// --- the end of a session -----------------------------------------------------------------------

/// Whether each face takes `ticket`: REST (bearer and cookie), infoRouter over every binding
/// (parameter and cookie) and the web pages.
async fn accepted_by(s: &Server, ticket: &str) -> Vec<(String, bool)> {
    let mut seen = Vec::new();
    let r = s.get("/api/v1/me", ticket).await;
    seen.push(("REST bearer".into(), r.status == StatusCode::OK));
    let res = s
        .http
        .get(format!("{}/api/v1/me", s.base))
        .header("cookie", format!("salvage_session={ticket}"))
        .send()
        .await
        .unwrap();
    seen.push(("REST cookie".into(), res.status() == StatusCode::OK));
    for b in ir::ALL {
        let node = ir::call(s, b, "GetRecycleBinContent", &[("AuthenticationTicket", ticket)]).await;
        seen.push((format!("infoRouter {b:?}"), node.attribute("success") == Some("true")));
    }
    let res = s
        .http
        .get(format!("{}/srv.asmx/isValidTicket", s.base))
        .header("cookie", format!("ticket={ticket}"))
        .send()
        .await
        .unwrap();
    let body = res.text().await.unwrap();
    seen.push(("infoRouter cookie".into(), body.contains("success=\"true\"")));
    let res = browser()
        .get(format!("{}/trash", s.base))
        .header("cookie", format!("salvage_session={ticket}"))
        .send()
        .await
        .unwrap();
    seen.push(("web".into(), res.status() == StatusCode::OK));
    seen
}

pub(crate) async fn assert_everywhere(s: &Server, ticket: &str, accepted: bool) {
    for (face, ok) in accepted_by(s, ticket).await {
        assert_eq!(
            ok,
            accepted,
            "{face}: expected the ticket to be {}",
            if accepted { "accepted" } else { "refused" }
        );
    }
}

#[tokio::test]
async fn a_logout_on_any_face_or_expiry_ends_the_ticket_on_every_face() {
    let s = start().await;
    let admin = s.admin().await;
    s.user(&admin, "erin", "IpsUser").await;

    // REST log-out.
    let token = s.login("erin", PASSWORD).await;
    assert_everywhere(&s, &token, true).await;
    let r = s
        .send(Method::DELETE, "/api/v1/sessions/current", Some(&token), None)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_everywhere(&s, &token, false).await;

    // infoRouter LogOut, over each binding.
    for b in ir::ALL {
        let ticket = ir::ticket(&s, b, "erin", PASSWORD).await;
        assert_everywhere(&s, &ticket, true).await;
        ir::ok(&ir::call(&s, b, "LogOut", &[("AuthenticationTicket", &ticket)]).await);
        assert_everywhere(&s, &ticket, false).await;
    }

    // Web sign-out.
    let res = web_sign_in(&s, "erin", PASSWORD).await;
    let cookie = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let ticket = cookie.trim_start_matches("salvage_session=").to_owned();
    assert_everywhere(&s, &ticket, true).await;
    let page = browser()
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
    let res = browser()
        .post(format!("{}/logout", s.base))
        .header("cookie", &cookie)
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_everywhere(&s, &ticket, false).await;

    // Expiry: use slides it, idleness past the lifetime ends it.
    let ttl = s.repo.session_ttl();
    let ticket = s.login("erin", PASSWORD).await;
    s.clock.advance(ttl - Duration::minutes(5));
    assert_everywhere(&s, &ticket, true).await;
    s.clock.advance(ttl - Duration::minutes(5));
    assert_everywhere(&s, &ticket, true).await;
    s.clock.advance(ttl + Duration::seconds(1));
    assert_everywhere(&s, &ticket, false).await;
}
