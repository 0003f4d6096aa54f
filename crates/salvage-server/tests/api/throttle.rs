//! The login throttle as clients meet it: failures lock an (account, address) pair, never the
//! account everywhere; a username and its e-mail are one account; made-up names and attacks
//! from many addresses slow attempts down but never refuse the right password from a clean
//! address; a success resets its pair; servers on one database count together; and a client
//! address comes from `X-Forwarded-For` only through a trusted proxy.
//!
//! The tests' requests all come from 127.0.0.1, which the servers here trust as a proxy, so
//! each request names the client address it stands for in `X-Forwarded-For`. Delays wait on
//! the server's manual clock, so a test sees how long an attempt was made to wait by how far
//! that clock moved, without waiting itself.

use crate::scene7::{envelope, Auth, SOAP11, V2008};
use crate::support::*;
use chrono::Duration;
use reqwest::header::HeaderMap;
use reqwest::redirect::Policy;
use salvage_core::clock::Clock;
use salvage_core::throttle::ThrottlePolicy;
use salvage_server::soap::{read_document, read_envelope};
use salvage_server::{Limits, TrustedProxies};
use serde_json::json;

const PASSWORD: &str = "password 123";
const A: &str = "198.51.100.1";
const B: &str = "198.51.100.2";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    LoggedIn,
    WrongPassword,
    TooManyAttempts,
}
use Outcome::*;

fn behind(proxies: &[&str]) -> Limits {
    Limits {
        trusted_proxies: TrustedProxies::parse(proxies).unwrap(),
        ..Limits::default()
    }
}

/// A server that takes the tests' address, 127.0.0.1, for a trusted proxy.
async fn behind_a_proxy() -> Server {
    start_with(behind(&["127.0.0.1"])).await
}

/// A client whose requests say they were forwarded for `address`.
fn client_at(address: &str) -> reqwest::Client {
    let mut headers = HeaderMap::new();
    headers.insert("x-forwarded-for", address.parse().unwrap());
    reqwest::Client::builder()
        .default_headers(headers)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn rest(s: &Server, from: &str, login: &str, password: &str) -> Outcome {
    let res = client_at(from)
        .post(format!("{}/api/v1/sessions", s.base))
        .json(&json!({ "login": login, "password": password }))
        .send()
        .await
        .unwrap();
    match res.status().as_u16() {
        201 => LoggedIn,
        401 => WrongPassword,
        429 => TooManyAttempts,
        other => panic!("REST login answered {other}: {}", res.text().await.unwrap()),
    }
}

async fn inforouter(s: &Server, from: &str, login: &str, password: &str) -> Outcome {
    let res = client_at(from)
        .post(format!("{}/srv.asmx/AuthenticateUser", s.base))
        .form(&[("UID", login), ("PWD", password)])
        .send()
        .await
        .unwrap();
    let node = read_document(&res.bytes().await.unwrap()).unwrap();
    match (node.attribute("success"), node.attribute("error").unwrap_or_default()) {
        (Some("true"), _) => LoggedIn,
        (_, e) if e.contains("too many") => TooManyAttempts,
        (_, "[900] Authentication failed") => WrongPassword,
        other => panic!("AuthenticateUser answered {other:?}"),
    }
}

/// Scene7's getUserInfo with the credentials in the `authHeader`, or in HTTP Basic.
async fn scene7(s: &Server, from: &str, login: &str, password: &str, basic: bool) -> Outcome {
    let auth = if basic {
        Auth::None
    } else {
        Auth::Header(login.into(), password.into())
    };
    let mut req = client_at(from)
        .post(format!("{}/scene7/services/IpsApiService", s.base))
        .header("content-type", "text/xml; charset=UTF-8")
        .body(envelope(
            SOAP11,
            &auth,
            &format!("<getUserInfoParam xmlns=\"{V2008}\"/>"),
        ));
    if basic {
        req = req.basic_auth(login, Some(password));
    }
    let res = req.send().await.unwrap();
    if res.status() == 200 {
        return LoggedIn;
    }
    let env = read_envelope(&res.bytes().await.unwrap()).unwrap();
    let detail = env.body.child("detail").unwrap();
    let reason = &detail.children[0].child("reason").unwrap().text;
    match reason.as_str() {
        r if r.contains("too many") => TooManyAttempts,
        "Invalid username/password" => WrongPassword,
        other => panic!("getUserInfo answered {other}"),
    }
}

async fn web(s: &Server, from: &str, login: &str, password: &str) -> Outcome {
    let res = client_at(from)
        .post(format!("{}/login", s.base))
        .form(&[("login", login), ("password", password), ("tenant", "")])
        .send()
        .await
        .unwrap();
    match res.status().as_u16() {
        303 => LoggedIn,
        401 => WrongPassword,
        429 => TooManyAttempts,
        other => panic!("web sign-in answered {other}"),
    }
}

/// The outcome of logging in from `from` on every way in.
async fn every_way_in(s: &Server, from: &str, login: &str, password: &str) -> Vec<(&'static str, Outcome)> {
    vec![
        ("REST", rest(s, from, login, password).await),
        ("infoRouter", inforouter(s, from, login, password).await),
        ("Scene7 authHeader", scene7(s, from, login, password, false).await),
        ("Scene7 Basic", scene7(s, from, login, password, true).await),
        ("web", web(s, from, login, password).await),
    ]
}

fn all(outcome: Outcome) -> Vec<(&'static str, Outcome)> {
    ["REST", "infoRouter", "Scene7 authHeader", "Scene7 Basic", "web"]
        .into_iter()
        .map(|face| (face, outcome))
        .collect()
}

async fn user_with_email(s: &Server, name: &str, email: &str) {
    let admin = s.admin().await;
    s.made(
        "/api/v1/users",
        &admin,
        json!({ "username": name, "email": email, "password": PASSWORD, "role": "IpsUser" }),
    )
    .await;
}

/// How long logging in as `login` from `from` was made to wait, with its outcome.
async fn timed(s: &Server, from: &str, login: &str, password: &str) -> (Outcome, Duration) {
    let before = s.clock.now();
    let outcome = rest(s, from, login, password).await;
    (outcome, s.clock.now() - before)
}

#[tokio::test]
async fn wrong_passwords_from_one_address_do_not_lock_the_account_out_elsewhere() {
    let s = behind_a_proxy().await;
    for _ in 0..5 {
        assert_eq!(rest(&s, A, "admin", "wrong").await, WrongPassword);
    }
    // From A the account is refused, even with the right password, on every way in...
    assert_eq!(every_way_in(&s, A, "admin", ADMIN_PASSWORD).await, all(TooManyAttempts));
    // ...while its owner logs in from B as usual, on every way in.
    assert_eq!(every_way_in(&s, B, "admin", ADMIN_PASSWORD).await, all(LoggedIn));
    // And from A again once the lockout is over.
    s.clock.advance(Duration::seconds(61));
    assert_eq!(rest(&s, A, "admin", ADMIN_PASSWORD).await, LoggedIn);
}

#[tokio::test]
async fn a_username_and_its_email_are_one_account() {
    let s = behind_a_proxy().await;
    user_with_email(&s, "bob", "bob@example.com").await;
    for _ in 0..3 {
        assert_eq!(rest(&s, A, "bob", "wrong").await, WrongPassword);
    }
    for _ in 0..2 {
        assert_eq!(web(&s, A, "BOB@example.com", "wrong").await, WrongPassword);
    }
    assert_eq!(rest(&s, A, "bob", PASSWORD).await, TooManyAttempts);
    assert_eq!(rest(&s, A, "bob@example.com", PASSWORD).await, TooManyAttempts);
    assert_eq!(rest(&s, B, "bob@example.com", PASSWORD).await, LoggedIn);
}

#[tokio::test]
async fn a_success_resets_its_pair() {
    let s = behind_a_proxy().await;
    user_with_email(&s, "bob", "bob@example.com").await;
    for _ in 0..4 {
        assert_eq!(rest(&s, A, "bob", "wrong").await, WrongPassword);
    }
    // Four failures, then a success as the same account by its e-mail: the count starts again.
    assert_eq!(inforouter(&s, A, "bob@example.com", PASSWORD).await, LoggedIn);
    for _ in 0..4 {
        assert_eq!(rest(&s, A, "bob", "wrong").await, WrongPassword);
    }
    assert_eq!(rest(&s, A, "bob", PASSWORD).await, LoggedIn);
    // It is counted still: five failures in a row lock the pair.
    for _ in 0..5 {
        assert_eq!(rest(&s, A, "bob", "wrong").await, WrongPassword);
    }
    assert_eq!(rest(&s, A, "bob", PASSWORD).await, TooManyAttempts);
}

#[tokio::test]
async fn made_up_names_from_one_address_slow_it_but_do_not_refuse_its_users() {
    let s = behind_a_proxy().await;
    let admin = s.admin().await;
    s.user(&admin, "carol", "IpsUser").await;
    assert_eq!(timed(&s, A, "carol", PASSWORD).await, (LoggedIn, Duration::zero()));
    for i in 0..20 {
        assert_eq!(rest(&s, A, &format!("made-up-{i}"), "guess").await, WrongPassword);
    }
    // The real user behind A gets in, on every way in, after a short wait...
    let (outcome, waited) = timed(&s, A, "carol", PASSWORD).await;
    assert_eq!(outcome, LoggedIn);
    let policy = ThrottlePolicy::default();
    assert!(waited >= policy.delay && waited <= policy.max_delay, "{waited}");
    assert_eq!(every_way_in(&s, A, "carol", PASSWORD).await, all(LoggedIn));
    // ...and other addresses are not slowed.
    assert_eq!(timed(&s, B, "carol", PASSWORD).await, (LoggedIn, Duration::zero()));
}

#[tokio::test]
async fn a_made_up_name_is_answered_like_a_real_one() {
    let s = behind_a_proxy().await;
    let mut answers = Vec::new();
    for (login, from) in [("admin", A), ("no-such-user", B)] {
        let mut seen = Vec::new();
        for _ in 0..6 {
            seen.push(rest(&s, from, login, "wrong").await);
        }
        seen.push(rest(&s, "198.51.100.99", login, "wrong").await);
        answers.push(seen);
    }
    assert_eq!(
        answers[0],
        [vec![WrongPassword; 5], vec![TooManyAttempts, WrongPassword]].concat()
    );
    assert_eq!(
        answers[1], answers[0],
        "the throttle tells nothing of which names exist"
    );
}

#[tokio::test]
async fn an_account_attacked_from_many_addresses_is_slowed_not_refused() {
    let s = behind_a_proxy().await;
    let admin = s.admin().await;
    s.user(&admin, "dave", "IpsUser").await;
    let clean = "192.0.2.200";
    assert_eq!(timed(&s, clean, "dave", PASSWORD).await, (LoggedIn, Duration::zero()));
    for i in 0..12 {
        assert_eq!(
            rest(&s, &format!("203.0.113.{i}"), "dave", "guess").await,
            WrongPassword
        );
    }
    let (outcome, waited) = timed(&s, clean, "dave", PASSWORD).await;
    assert_eq!(outcome, LoggedIn);
    let policy = ThrottlePolicy::default();
    assert!(waited >= policy.delay && waited <= policy.max_delay, "{waited}");
    assert_eq!(every_way_in(&s, clean, "dave", PASSWORD).await, all(LoggedIn));
}

#[tokio::test]
async fn servers_on_one_database_count_together() {
    let first = behind_a_proxy().await;
    let second = first.beside(behind(&["127.0.0.1"])).await;
    for _ in 0..3 {
        assert_eq!(rest(&first, A, "admin", "wrong").await, WrongPassword);
    }
    for _ in 0..2 {
        assert_eq!(rest(&second, A, "admin", "wrong").await, WrongPassword);
    }
    assert_eq!(rest(&first, A, "admin", ADMIN_PASSWORD).await, TooManyAttempts);
    assert_eq!(rest(&second, A, "admin", ADMIN_PASSWORD).await, TooManyAttempts);
    assert_eq!(rest(&second, B, "admin", ADMIN_PASSWORD).await, LoggedIn);
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    // The server trusts another proxy, not the tests' own address.
    let s = start_with(behind(&["10.9.9.9"])).await;
    let admin = s.admin().await;
    s.user(&admin, "carol", "IpsUser").await;
    // Five failures, each claiming another address, are five failures of the one real peer.
    for i in 0..5 {
        assert_eq!(
            rest(&s, &format!("203.0.113.{i}"), "admin", "wrong").await,
            WrongPassword
        );
    }
    assert_eq!(rest(&s, "203.0.113.50", "admin", ADMIN_PASSWORD).await, TooManyAttempts);
    // Made-up names under ever new addresses all count for the peer, which is slowed (not
    // refused: its real users still get in).
    for i in 0..20 {
        assert_eq!(
            rest(&s, &format!("192.0.2.{i}"), &format!("made-up-{i}"), "x").await,
            WrongPassword
        );
    }
    let (outcome, waited) = timed(&s, "192.0.2.77", "carol", PASSWORD).await;
    assert_eq!(outcome, LoggedIn);
    assert!(waited > Duration::zero(), "the peer's failures slowed it");
}
