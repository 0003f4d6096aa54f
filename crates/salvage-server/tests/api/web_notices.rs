//! The notices of the web pages say only what the server chose: a link cannot put words on a
//! salvage page. And a purge says what it really destroyed, item by item.

use crate::support::*;
use crate::web::{browser, cookie_of, form_token, get, post_form, sign_in};
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_link_cannot_make_a_page_say_anything() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let archive = s.folder(&admin, lib, "Archive").await;
    let board = s.folder(&admin, lib, "Board").await;
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{board}/acl"),
        Some(&admin),
        Some(json!({ "inherited": false, "entries": [{ "principal": "members", "right": 0 }] })),
    )
    .await;
    let memo = s.uploaded(&admin, lib, "memo.txt", b"memo").await;
    let secret = s.uploaded(&admin, lib, "secret.txt", b"s").await;
    let admins_deletion = s.delete(&admin, secret).await["id"].as_i64().unwrap();
    s.user(&admin, "dana", "IpsUser").await;
    let http = browser();
    let dana = cookie_of(&sign_in(&s, &http, "dana", "password 123").await);

    // Words in the address are never shown, whatever the parameter and page.
    let forged = "Your session has expired. Sign in again at https://evil.example";
    let encoded = serde_urlencoded::to_string([("done", forged)]).unwrap();
    for page in [
        format!("/browse/{lib}?{encoded}"),
        format!("/?{encoded}"),
        format!("/browse/{lib}?{encoded}&items={memo}"),
        format!(
            "/browse/{lib}?done=renamed&items={memo}&{}",
            encoded.replace("done=", "to=")
        ),
        format!("/trash?{encoded}"),
    ] {
        let (status, html) = get(&s, &http, &page, &dana).await;
        assert_eq!(status, StatusCode::OK, "{page}: {html}");
        assert!(
            !html.contains("evil.example") && !html.contains("session has expired"),
            "{page}: {html}"
        );
        assert!(!html.contains("class=\"notice\""), "{page}: {html}");
    }

    // A notice about an item the viewer may not see, or one that is not where the notice puts
    // it, is not shown either: no name leaks, and no undo button is offered.
    for page in [
        format!("/browse/{lib}?done=folder-created&items={board}"),
        format!("/browse/{lib}?done=renamed&items={archive},{memo}"),
        format!("/?done=folder-created&items={archive}"),
        format!("/browse/{archive}?done=renamed&items={memo}"),
        format!("/browse/{lib}?done=moved&items={memo}&to={archive}"),
        format!("/browse/{lib}?done=deleted&items={admins_deletion}"),
        format!("/browse/{lib}?done=uploaded&items={memo},{board}"),
        format!("/browse/{lib}?done=no-such-notice&items={memo}"),
    ] {
        let (status, html) = get(&s, &http, &page, &dana).await;
        assert_eq!(status, StatusCode::OK, "{page}: {html}");
        assert!(!html.contains("class=\"notice\""), "{page}: {html}");
        assert!(
            !html.contains("Board") && !html.contains("secret.txt"),
            "{page}: {html}"
        );
        assert!(!html.contains("/trash/undo"), "{page}: {html}");
    }

    // At most, a link repeats one of the server's own notices about an item the viewer sees.
    let (_, html) = get(&s, &http, &format!("/browse/{lib}?done=renamed&items={memo}"), &dana).await;
    assert!(html.contains("Renamed to \u{201c}memo.txt\u{201d}."), "{html}");
}

#[tokio::test]
async fn a_purge_reports_only_what_it_destroyed() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let a = s.uploaded(&admin, lib, "a.txt", b"a").await;
    let b = s.uploaded(&admin, lib, "b.txt", b"b").await;
    let purged = s.delete(&admin, a).await["id"].as_i64().unwrap();
    let restored = s.delete(&admin, b).await["id"].as_i64().unwrap();
    let http = browser();
    let cookie = cookie_of(&sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let (_, html) = get(&s, &http, "/trash", &cookie).await;
    let token = form_token(&html);

    // One real item and one unknown id: one purged, one not, each said.
    let (real, unknown) = (purged.to_string(), "999999".to_owned());
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/purge",
        &cookie,
        &[("csrf", &token), ("item", &real), ("item", &unknown)],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Purged 1 item; 1 item could not be purged."), "{html}");
    assert!(
        html.contains("<td>a.txt</td><td>Purged</td><td>deleted from /Finance/a.txt</td>"),
        "{html}"
    );
    assert!(
        html.contains("<tr class=\"refused\"><td>item 999999</td><td>Not purged</td><td>the item is no longer in the recycle bin."),
        "{html}"
    );
    s.get(&format!("/api/v1/trash/{purged}"), &admin)
        .await
        .problem(404, "not-found");

    // An item restored meanwhile is not purged, and nothing is counted as destroyed.
    s.made("/api/v1/trash/restore", &admin, json!({ "items": [restored] }))
        .await;
    let (status, html) = post_form(
        &s,
        &http,
        "/trash/purge",
        &cookie,
        &[("csrf", &token), ("item", &restored.to_string())],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert!(html.contains("Purged 0 items; 1 item could not be purged."), "{html}");
    assert!(!html.contains("grace period"), "{html}");
    assert!(s.ok(&format!("/api/v1/nodes/{b}"), &admin).await["name"] == "b.txt");
}
