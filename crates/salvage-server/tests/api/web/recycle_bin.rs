//! The recycle bin's page: filters, the check before a restore, restores, and bulk restore by
//! filter, purge and empty.

use super::*;

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
