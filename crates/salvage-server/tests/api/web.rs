//! The web pages over HTTP: signing in and out, browsing, downloads with the session cookie,
//! and the protections around the cookie.

use crate::support::*;
use reqwest::redirect::Policy;
use reqwest::StatusCode;

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

#[tokio::test]
async fn sign_in_browse_download_and_sign_out() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let doc = s.uploaded(&admin, reports, "q1 <draft>.pdf", b"%PDF report").await;
    let http = browser();

    // Without a session every page leads to the sign-in form.
    let res = http.get(format!("{}/browse/{lib}", s.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/login");
    let res = http.get(format!("{}/login", s.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("default-src 'self'"));
    let html = res.text().await.unwrap();
    assert!(html.contains("<label for=\"password\">"), "{html}");

    let res = sign_in(&s, &http, "admin", "wrong").await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("role=\"alert\"") && html.contains("password is wrong"),
        "{html}"
    );

    let res = sign_in(&s, &http, "admin", ADMIN_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = cookie_of(&res);

    let (status, html) = get(&s, &http, "/", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Signed in as <strong>admin</strong> in <strong>default</strong>"),
        "{html}"
    );
    assert!(html.contains(&format!("href=\"/browse/{lib}\">Finance</a>")), "{html}");

    let (status, html) = get(&s, &http, &format!("/browse/{reports}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("<a href=\"/browse/{lib}\">Finance</a>")),
        "breadcrumb: {html}"
    );
    assert!(html.contains("<span aria-current=\"page\">Reports</span>"), "{html}");
    // Names are escaped, never markup.
    assert!(
        html.contains("q1 &#60;draft&#62;.pdf") || html.contains("q1 &lt;draft&gt;.pdf"),
        "{html}"
    );
    assert!(html.contains(&format!("/api/v1/documents/{doc}/content")), "{html}");

    // The document link works with the session cookie; changing anything needs a bearer token.
    let (status, body) = get(&s, &http, &format!("/api/v1/documents/{doc}/content"), &cookie).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "%PDF report"));
    let res = http
        .post(format!("{}/api/v1/libraries", s.base))
        .header("cookie", &cookie)
        .json(&serde_json::json!({ "name": "Forged" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Unknown folders say so and point back.
    let (status, html) = get(&s, &http, "/browse/999999", &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("Back to the libraries"), "{html}");

    // Signing out needs the page's form token; afterwards the cookie is worthless.
    let (_, html) = get(&s, &http, "/", &cookie).await;
    let token = form_token(&html);
    let res = http
        .post(format!("{}/logout", s.base))
        .header("cookie", &cookie)
        .form(&[("csrf", "forged")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = http
        .post(format!("{}/logout", s.base))
        .header("cookie", &cookie)
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(res.headers()["set-cookie"].to_str().unwrap().contains("Max-Age=0"));
    let (status, _) = get(&s, &http, "/", &cookie).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn users_see_only_what_they_may_list() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let closed = s.folder(&admin, lib, "Board").await;
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{closed}/acl"),
        Some(&admin),
        Some(serde_json::json!({ "inherited": false, "entries": [{ "principal": "members", "right": 0 }] })),
    )
    .await;
    s.user(&admin, "dana", "IpsUser").await;
    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "dana", "password 123").await);
    let (status, html) = get(&s, &http, &format!("/browse/{lib}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!html.contains("Board"), "{html}");
    let (status, _) = get(&s, &http, &format!("/browse/{closed}"), &cookie).await;
    assert_ne!(status, StatusCode::OK);
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

#[tokio::test]
async fn the_recycle_bin_filters_checks_and_restores() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let q1 = s.folder(&admin, reports, "Q1").await;
    s.uploaded(&admin, q1, "sales.pdf", b"sales").await;
    s.uploaded(&admin, lib, "memo.txt", b"old memo").await;
    let memo = s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "memo.txt")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let folder_record = s.delete(&admin, reports).await["id"].as_i64().unwrap();
    let memo_record = s.delete(&admin, memo).await["id"].as_i64().unwrap();
    s.uploaded(&admin, lib, "memo.txt", b"new memo").await;
    s.user(&admin, "dana", "IpsUser").await;

    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let (status, html) = get(&s, &http, "/trash?name=rep", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Reports") && !html.contains("memo.txt"), "{html}");
    let (status, html) = get(&s, &http, "/trash?since=yesterday", &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("since must be a time") && html.contains("&#34;yesterday&#34; is none of these"),
        "{html}"
    );
    let token = form_token(&html);

    // The preflight says what would happen, item by item, and changes nothing.
    let folder_id = folder_record.to_string();
    let memo_id = memo_record.to_string();
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/preflight",
        &cookie,
        &[
            ("csrf", &token),
            ("item", &folder_id),
            ("item", &memo_id),
            ("conflict", "fail"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("1 can be restored, 0 would be skipped, 1 cannot be restored"),
        "{html}"
    );
    assert!(
        html.contains("Cannot be restored") && html.contains("under a new name"),
        "{html}"
    );
    let (status, _) = get(&s, &http, &format!("/browse/{reports}"), &cookie).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the preflight restored nothing");

    // Restore with renaming: the folder comes back with its contents, the memo beside the new one.
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/restore",
        &cookie,
        &[
            ("csrf", &token),
            ("item", &folder_id),
            ("item", &memo_id),
            ("conflict", "rename"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("2 restored, 0 skipped, 0 not restored"), "{html}");
    let (status, html) = get(&s, &http, &format!("/browse/{q1}"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("sales.pdf"), "{html}");
    let (_, html) = get(&s, &http, &format!("/browse/{lib}"), &cookie).await;
    assert!(
        html.contains("memo (restored).txt") && html.contains("memo.txt"),
        "{html}"
    );

    // A forged form does nothing.
    let (status, _) = post_form(&s, &http, "/trash/restore", &cookie, &[("csrf", "x"), ("item", "1")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Another user does not see the administrator's deletions.
    let gone = s.uploaded(&admin, lib, "private.txt", b"p").await;
    s.delete(&admin, gone).await;
    let dana = cookie_of(&sign_in(&s, &http, "dana", "password 123").await);
    let (status, html) = get(&s, &http, "/trash", &dana).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("private.txt") && html.contains("Items you deleted"),
        "{html}"
    );
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

#[tokio::test]
async fn folders_are_worked_from_their_page_with_an_undo_after_a_delete() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    s.folder(&admin, lib, "Archive").await;
    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let (_, html) = get(&s, &http, &format!("/browse/{lib}"), &cookie).await;
    let token = form_token(&html);
    let post = |path: String, form: Vec<(&'static str, String)>| {
        http.post(format!("{}{path}", s.base))
            .header("cookie", &cookie)
            .form(&form)
            .send()
    };

    let html = follow(
        &s,
        &http,
        post(
            format!("/browse/{lib}/folders"),
            vec![("csrf", token.clone()), ("name", "Reports".into())],
        )
        .await
        .unwrap(),
        &cookie,
    )
    .await;
    assert!(html.contains("Folder \u{201c}Reports\u{201d} created."), "{html}");

    // Upload two files in one form.
    let form = reqwest::multipart::Form::new()
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"one".to_vec()).file_name("a.txt"),
        )
        .part(
            "file",
            reqwest::multipart::Part::bytes(b"two".to_vec()).file_name("C:\\Users\\me\\b.txt"),
        );
    let res = http
        .post(format!("{}/browse/{lib}/upload?csrf={token}", s.base))
        .header("cookie", &cookie)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let html = follow(&s, &http, res, &cookie).await;
    assert!(html.contains("Uploaded a.txt, b.txt."), "{html}");
    let a = s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["name"] == "a.txt")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let html = follow(
        &s,
        &http,
        post(
            format!("/nodes/{a}/rename"),
            vec![("csrf", token.clone()), ("name", "first.txt".into())],
        )
        .await
        .unwrap(),
        &cookie,
    )
    .await;
    assert!(html.contains("Renamed to \u{201c}first.txt\u{201d}."), "{html}");
    let html = follow(
        &s,
        &http,
        post(
            format!("/nodes/{a}/move"),
            vec![("csrf", token.clone()), ("target", "/Finance/Archive".into())],
        )
        .await
        .unwrap(),
        &cookie,
    )
    .await;
    assert!(
        html.contains("Moved \u{201c}first.txt\u{201d} to /Finance/Archive."),
        "{html}"
    );
    let res = post(
        format!("/nodes/{a}/move"),
        vec![("csrf", token.clone()), ("target", "/Nowhere".into())],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Check the path"));

    // Delete, then undo from the notice.
    let html = follow(
        &s,
        &http,
        post(format!("/nodes/{a}/delete"), vec![("csrf", token.clone())])
            .await
            .unwrap(),
        &cookie,
    )
    .await;
    assert!(
        html.contains("\u{201c}first.txt\u{201d} was moved to the recycle bin."),
        "{html}"
    );
    assert!(
        !html.contains("<a href=\"/api/v1/documents/"),
        "nothing left in Archive: {html}"
    );
    let record = html
        .split("name=\"item\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let archive = html
        .split("name=\"back\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let (_, bin) = get(&s, &http, &archive.replace("/browse/", "/trash?folder="), &cookie).await;
    assert!(bin.contains("first.txt"), "deleted items in this folder: {bin}");
    let html = follow(
        &s,
        &http,
        post(
            "/trash/undo".into(),
            vec![("csrf", token.clone()), ("item", record), ("back", archive)],
        )
        .await
        .unwrap(),
        &cookie,
    )
    .await;
    assert!(
        html.contains("\u{201c}first.txt\u{201d} is back.") && html.contains("first.txt</a>"),
        "{html}"
    );

    // A name that is taken is explained; a forged form is refused.
    let res = post(
        format!("/browse/{lib}/folders"),
        vec![("csrf", token.clone()), ("name", "Archive".into())],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("Choose another name"));
    let res = post(
        format!("/browse/{lib}/folders"),
        vec![("csrf", "forged".into()), ("name", "X".into())],
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn bulk_restore_by_filter_purge_and_empty() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let mut ids = Vec::new();
    for name in ["a.txt", "b.txt", "keep.pdf"] {
        ids.push(s.uploaded(&admin, lib, name, name.as_bytes()).await);
    }
    for id in &ids {
        s.delete(&admin, *id).await;
    }
    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let (_, html) = get(&s, &http, "/trash?name=.txt", &cookie).await;
    let token = form_token(&html);
    assert!(html.contains("Restore everything that matches these filters"), "{html}");

    // Everything matching ".txt": checked first, then restored.
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/by-filter/preflight",
        &cookie,
        &[("csrf", &token), ("name", ".txt"), ("conflict", "fail")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(
        html.contains("2 can be restored") && html.contains("action=\"/trash/by-filter/restore\""),
        "{html}"
    );
    assert!(
        html.contains("name=\"name\" value=\".txt\""),
        "the filter travels on: {html}"
    );
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/by-filter/restore",
        &cookie,
        &[("csrf", &token), ("name", ".txt"), ("conflict", "fail")],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("2 restored, 0 skipped, 0 not restored"), "{html}");

    // Purging asks first, then destroys.
    let (_, html) = get(&s, &http, "/trash", &cookie).await;
    let record = html
        .split("name=\"item\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap()
        .to_owned();
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/purge/confirm",
        &cookie,
        &[("csrf", &token), ("item", &record)],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("keep.pdf") && html.contains("cannot be undone"), "{html}");
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/purge",
        &cookie,
        &[("csrf", &token), ("item", &record)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Purged 1 item"), "{html}");
    let (_, html) = get(&s, &http, "/trash", &cookie).await;
    assert!(html.contains("Nothing here"), "{html}");

    // Emptying moves a user's bin to the system bin; a user may not purge.
    s.user(&admin, "dana", "IpsUser").await;
    let dana_token = s.login("dana", "password 123").await;
    let mine = s.uploaded(&dana_token, lib, "dana.txt", b"d").await;
    s.delete(&dana_token, mine).await;
    let dana = cookie_of(&sign_in(&s, &http, "dana", "password 123").await);
    let (_, html) = get(&s, &http, "/trash/empty", &dana).await;
    assert!(
        html.contains("Only an administrator can restore it from there"),
        "{html}"
    );
    let dana_form = form_token(&html);
    let (status, html) = post_form(&s, &http, "/trash/empty", &dana, &[("csrf", &dana_form)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Moved 1 item(s) to the system bin."), "{html}");
    let (status, _) = post_form(
        &s,
        &http,
        "/trash/purge/confirm",
        &dana,
        &[("csrf", &dana_form), ("item", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, html) = get(&s, &http, "/trash?stage=system-bin", &cookie).await;
    assert!(html.contains("dana.txt") && html.contains("system bin"), "{html}");
}

#[tokio::test]
async fn the_audit_log_and_the_retention_settings() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let doc = s.uploaded(&admin, lib, "q1.pdf", b"q1").await;
    let record = s.delete(&admin, doc).await["id"].as_i64().unwrap();
    s.post(
        "/api/v1/trash/restore",
        &admin,
        serde_json::json!({ "items": [record] }),
    )
    .await;
    s.user(&admin, "dana", "IpsUser").await;
    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);

    let (status, html) = get(&s, &http, "/audit", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("Deleted") && html.contains("Restored") && html.contains("q1.pdf"),
        "{html}"
    );
    let (_, html) = get(&s, &http, "/audit?action=restore", &cookie).await;
    assert!(
        html.contains("Restored") && !html.contains("<td>Deleted</td>"),
        "{html}"
    );
    let (status, html) = get(&s, &http, "/audit?user=nobody", &cookie).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("There is no user named"), "{html}");

    // Settings: shown to everyone, saved by administrators, bad values explained.
    let (_, html) = get(&s, &http, "/settings", &cookie).await;
    assert!(html.contains("value=\"30\"") && html.contains("value=\"60\""), "{html}");
    let token = form_token(&html);
    let (status, html) = post_form(
        &s,
        &http,
        "/settings",
        &cookie,
        &[
            ("csrf", &token),
            ("user_bin_days", "7"),
            ("system_bin_days", "90"),
            ("restore_policy", "deleter-or-administrator"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Saved."), "{html}");
    let rest = s.ok("/api/v1/settings/trash", &admin).await;
    assert_eq!(
        (rest["user_bin_days"].as_u64(), rest["system_bin_days"].as_u64()),
        (Some(7), Some(90))
    );
    let (status, html) = post_form(
        &s,
        &http,
        "/settings",
        &cookie,
        &[("csrf", &token), ("user_bin_days", "soon"), ("system_bin_days", "90")],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("must be a whole number of days"), "{html}");

    let dana = cookie_of(&sign_in(&s, &http, "dana", "password 123").await);
    let (_, html) = get(&s, &http, "/settings", &dana).await;
    assert!(html.contains("Only administrators change these settings."), "{html}");
    let dana_token = form_token(&html);
    let (status, _) = post_form(
        &s,
        &http,
        "/settings",
        &dana,
        &[("csrf", &dana_token), ("user_bin_days", "1"), ("system_bin_days", "1")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let rest = s.ok("/api/v1/settings/trash", &admin).await;
    assert_eq!(
        rest["user_bin_days"].as_u64(),
        Some(7),
        "a refused save changes nothing"
    );
    // A user's log holds only their own events.
    let (_, html) = get(&s, &http, "/audit", &dana).await;
    assert!(!html.contains("q1.pdf"), "{html}");
}

/// A page as a browser reads it: character references in attributes turned back into text.
fn unescaped(html: &str) -> String {
    html.replace("&#38;", "&")
        .replace("&amp;", "&")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// The address of the page's "Next page" link.
fn next_link(html: &str) -> Option<String> {
    let rest = html.split("rel=\"next\" href=\"").nth(1)?;
    Some(rest.split('"').next()?.to_owned())
}

/// The text after each `before`, up to the next tag, in page order.
fn texts_after(html: &str, before: &str) -> Vec<String> {
    html.split(before)
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap().to_owned())
        .collect()
}

/// How many times `needle` occurs.
fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

#[tokio::test]
async fn folder_pages_sort_by_each_column_and_keep_the_order_while_paging() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let many = s.folder(&admin, lib, "Many").await;
    let actor = s.repo.actor_by_name("default", "admin").await.unwrap();
    // 105 documents, more than a page, with many sizes shared by several of them.
    let mut docs = Vec::new();
    for i in 0..105usize {
        let name = format!("d{i:03}.txt");
        let content = "x".repeat((i * 7) % 40);
        let (node, _) = s
            .repo
            .upload(&actor, many, &name, &mut content.as_bytes())
            .await
            .unwrap();
        docs.push((node.size, node.id, name));
    }
    // Largest first; among equal sizes the later id first, as the reverse of smallest first.
    let mut largest_first = docs.clone();
    largest_first.sort_by_key(|d| std::cmp::Reverse((d.0, d.1)));
    let largest_first: Vec<String> = largest_first.into_iter().map(|d| d.2).collect();
    let by_name: Vec<String> = docs.iter().map(|d| d.2.clone()).collect();

    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let here = format!("/browse/{many}");
    let names = |html: &str| texts_after(html, "/content\">");

    let (status, html) = get(&s, &http, &format!("{here}?sort=size-desc"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    // Every sortable header is a link to the first page in its order; the sorted one says so
    // with aria-sort and links to the reverse order.
    assert_eq!(count(&html, "aria-sort="), 1, "{html}");
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"descending\" class=\"num\"><a href=\"{here}?sort=size\">Size"
        )),
        "{html}"
    );
    for (sort, label) in [("name", "Name"), ("type", "Type"), ("modified-desc", "Modified")] {
        assert!(
            html.contains(&format!("<th scope=\"col\"><a href=\"{here}?sort={sort}\">{label}")),
            "{label}: {html}"
        );
    }
    assert!(html.contains("sorted by size, largest first"), "{html}");
    // Each link says where it leads, for those who cannot see the arrow.
    assert!(
        html.contains("(sort by size, smallest first)</span></a></th>"),
        "{html}"
    );
    assert_eq!(names(&html), largest_first[..100]);

    // The next page goes on in the same order, from where the first one ended.
    let next = next_link(&html).expect("a next page");
    assert!(next.starts_with(&format!("{here}?sort=size-desc&after=")), "{next}");
    let (status, page2) = get(&s, &http, &next, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let page2 = unescaped(&page2);
    assert_eq!(names(&page2), largest_first[100..]);
    assert!(next_link(&page2).is_none());
    assert!(page2.contains("aria-sort=\"descending\" class=\"num\""), "{page2}");

    // Choosing the sorted column again reverses it.
    let (_, html) = get(&s, &http, &format!("{here}?sort=size"), &cookie).await;
    let html = unescaped(&html);
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"ascending\" class=\"num\"><a href=\"{here}?sort=size-desc\">Size"
        )),
        "{html}"
    );
    let mut smallest_first = largest_first.clone();
    smallest_first.reverse();
    assert_eq!(names(&html), smallest_first[..100]);

    // A damaged cursor, or one from another order, starts again at the top with a word why;
    // an unknown order is the default one.
    let cursor = next.split("after=").nth(1).unwrap();
    for bad in [
        format!("{here}?sort=size-desc&after=nonsense"),
        format!("{here}?sort=size-desc&after=size-desc.1"),
        format!("{here}?sort=name&after={cursor}"),
    ] {
        let (status, html) = get(&s, &http, &bad, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{bad}: {html}");
        assert!(html.contains("the first page is shown"), "{bad}: {html}");
        let expected = if bad.contains("sort=name") {
            &by_name[..100]
        } else {
            &largest_first[..100]
        };
        assert_eq!(names(&html), expected, "{bad}");
    }
    let (status, html) = get(&s, &http, &format!("{here}?sort=sideways"), &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert!(
        html.contains(&format!(
            "<th scope=\"col\" aria-sort=\"ascending\"><a href=\"{here}?sort=name-desc\">Name"
        )),
        "{html}"
    );
    assert_eq!(names(&html), by_name[..100]);

    // The libraries sort the same way.
    s.library(&admin, "a first").await;
    let (_, html) = get(&s, &http, "/?sort=name-desc", &cookie).await;
    let html = unescaped(&html);
    assert!(
        html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/?sort=name\">Name"),
        "{html}"
    );
    assert!(
        html.find(">L</a>").unwrap() < html.find(">a first</a>").unwrap(),
        "{html}"
    );
}

#[tokio::test]
async fn the_recycle_bin_sorts_with_its_filters_and_pages_on_in_that_order() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let actor = s.repo.actor_by_name("default", "admin").await.unwrap();
    // 55 deleted documents, more than a page, sizes shared; and a deleted folder the type
    // filter leaves out.
    let mut deleted = Vec::new();
    for i in 0..55usize {
        let name = format!("t{i:02}.txt");
        let content = "x".repeat((i * 3) % 20);
        let (node, _) = s
            .repo
            .upload(&actor, lib, &name, &mut content.as_bytes())
            .await
            .unwrap();
        let record = s.repo.delete(&actor, node.id).await.unwrap();
        deleted.push((record.total_size, record.id, name));
    }
    let folder = s.folder(&admin, lib, "big folder").await;
    s.uploaded(&admin, folder, "huge.bin", &[7u8; 4096]).await;
    s.delete(&admin, folder).await;
    let mut largest_first = deleted.clone();
    largest_first.sort_by_key(|d| std::cmp::Reverse((d.0, d.1)));
    let largest_first: Vec<String> = largest_first.into_iter().map(|d| d.2).collect();

    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    // The names of the items, in the order shown: the labels of their check boxes.
    let names = |html: &str| -> Vec<String> {
        html.split("<label for=\"item-")
            .skip(1)
            .map(|rest| rest.split("\">").nth(1).unwrap().split('<').next().unwrap().to_owned())
            .collect()
    };

    let (status, html) = get(&s, &http, "/trash?type=document&sort=largest", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert_eq!(count(&html, "aria-sort="), 1, "{html}");
    // The header links keep the filters and start from the first page.
    assert!(
        html.contains(
            "<th scope=\"col\" aria-sort=\"descending\" class=\"num\"><a href=\"/trash?type=document&sort=smallest\">Size"
        ),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\"><a href=\"/trash?type=document&sort=name\">Name"),
        "{html}"
    );
    assert!(
        html.contains("<th scope=\"col\"><a href=\"/trash?type=document\">Deleted"),
        "{html}"
    );
    // Filtering again keeps the order.
    assert!(
        html.contains("<input type=\"hidden\" name=\"sort\" value=\"largest\">"),
        "{html}"
    );
    assert!(!html.contains("big folder"), "{html}");
    assert_eq!(names(&html), largest_first[..50]);

    let next = next_link(&html).expect("a next page");
    assert!(
        next.starts_with("/trash?type=document&sort=largest&cursor=largest."),
        "{next}"
    );
    let (status, page2) = get(&s, &http, &next, &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let page2 = unescaped(&page2);
    assert_eq!(names(&page2), largest_first[50..]);
    assert!(next_link(&page2).is_none());

    // Damaged cursors and cursors of another order start again at the top; an unknown order is
    // newest first.
    let (_, by_name) = get(&s, &http, "/trash?sort=name", &cookie).await;
    let name_cursor = next_link(&unescaped(&by_name))
        .unwrap()
        .split("cursor=")
        .nth(1)
        .unwrap()
        .to_owned();
    for bad in [
        "/trash?sort=largest&cursor=largest.x.y".to_owned(),
        "/trash?sort=largest&cursor=%FF%FE".to_owned(),
        format!("/trash?type=document&sort=largest&cursor={name_cursor}"),
    ] {
        let (status, html) = get(&s, &http, &bad, &cookie).await;
        assert_eq!(status, StatusCode::OK, "{bad}: {html}");
        assert!(html.contains("the first page is shown"), "{bad}: {html}");
    }
    let (status, html) = get(&s, &http, "/trash?sort=biggest", &cookie).await;
    assert_eq!(status, StatusCode::OK);
    let html = unescaped(&html);
    assert!(
        html.contains("<th scope=\"col\" aria-sort=\"descending\"><a href=\"/trash?sort=oldest\">Deleted"),
        "{html}"
    );
    assert!(html.contains("sorted by deletion, newest first"), "{html}");
}
