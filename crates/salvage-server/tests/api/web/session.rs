//! Signing in, browsing, downloading and signing out; and each user seeing only what they may
//! list.

use super::*;

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
