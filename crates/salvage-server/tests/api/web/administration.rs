//! The administrator's pages: the audit log and the retention settings.

use super::*;

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
