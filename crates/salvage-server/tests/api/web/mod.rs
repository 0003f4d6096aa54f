//! The web pages over HTTP: signing in and out, browsing, downloads with the session cookie,
//! and the protections around the cookie.
//!
//! The helpers here are shared with `web_notices` and `params`; the tests are by page: `session`,
//! `folders`, `recycle_bin`, `administration` and `sorting`.

use crate::support::*;
use reqwest::redirect::Policy;
use reqwest::StatusCode;
mod administration;
mod folders;
mod recycle_bin;
mod session;
mod sorting;

pub(crate) fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(Policy::none()).build().unwrap()
}

pub(crate) async fn sign_in(s: &Server, http: &reqwest::Client, login: &str, password: &str) -> reqwest::Response {
    http.post(format!("{}/login", s.base))
        .form(&[("login", login), ("password", password), ("tenant", "")])
        .send()
        .await
        .unwrap()
}

/// The `name=value` of the session cookie a sign-in set.
pub(crate) fn cookie_of(res: &reqwest::Response) -> String {
    let set = res.headers()["set-cookie"].to_str().unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    set.split(';').next().unwrap().to_owned()
}

pub(crate) async fn get(s: &Server, http: &reqwest::Client, path: &str, cookie: &str) -> (StatusCode, String) {
    let res = http
        .get(format!("{}{path}", s.base))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

pub(crate) fn form_token(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page has a form token")
        .to_owned()
}

pub(crate) async fn post_form(
    s: &Server,
    http: &reqwest::Client,
    path: &str,
    cookie: &str,
    form: &[(&str, &str)],
) -> (StatusCode, String) {
    let res = http
        .post(format!("{}{path}", s.base))
        .header("cookie", cookie)
        .form(form)
        .send()
        .await
        .unwrap();
    (res.status(), res.text().await.unwrap())
}

/// Follows a redirect by hand, keeping the cookie, and returns the page it leads to.
pub(crate) async fn follow(s: &Server, http: &reqwest::Client, res: reqwest::Response, cookie: &str) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    // The address names its notice by a code, ids and numbers; the words are the server's own,
    // so no link can make a page say something.
    let query = location.split_once('?').map_or("", |(_, q)| q);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query).unwrap();
    for (key, value) in pairs {
        assert!(
            value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ','),
            "{key}={value:?} in {location}"
        );
    }
    let (status, html) = get(s, http, &location, cookie).await;
    assert_eq!(status, StatusCode::OK, "{location}: {html}");
    html
}
