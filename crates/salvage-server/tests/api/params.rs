//! One parameter language: times and users are read alike on every face, and a refused
//! parameter is named with what it accepts — never with the server's internals.

use crate::support::*;
use salvage_core::clock::Clock;
use serde_json::json;

/// Whatever the face, the refusal must not show Rust: type names or the deserializer's words.
fn speaks_plainly(detail: &str) {
    for internal in ["i64", "Cannot parse", "invalid digit", "premature end", "DateTime"] {
        assert!(!detail.contains(internal), "{detail:?} shows {internal:?}");
    }
}

#[tokio::test]
async fn a_plain_date_and_a_user_name_filter_the_bin_over_rest() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, alice) = s.user(&admin, "alice", "IpsUser").await;
    let lib = s.library(&admin, "Lib").await;
    let doc = s.uploaded(&admin, lib, "a.txt", b"a").await;
    s.delete(&alice, doc).await;

    // The test server's clock stands at 2026-03-01 09:00 UTC.
    let today = s.clock.now().date_naive();
    let tomorrow = today.succ_opt().unwrap();
    let yesterday = today.pred_opt().unwrap();
    let count = |v: serde_json::Value| v["items"].as_array().unwrap().len();
    // A date alone is its whole day, on either end of the range.
    assert_eq!(count(s.ok(&format!("/api/v1/trash?since={today}"), &admin).await), 1);
    assert_eq!(count(s.ok(&format!("/api/v1/trash?until={today}"), &admin).await), 1);
    assert_eq!(count(s.ok(&format!("/api/v1/trash?since={tomorrow}"), &admin).await), 0);
    assert_eq!(
        count(s.ok(&format!("/api/v1/trash?until={yesterday}"), &admin).await),
        0
    );
    assert_eq!(count(s.ok("/api/v1/trash?since=1h", &admin).await), 1);
    // Users by name (in any case) or by id; someone else's name matches nothing of alice's.
    assert_eq!(count(s.ok("/api/v1/trash?deleted_by=ALICE", &admin).await), 1);
    assert_eq!(count(s.ok("/api/v1/trash?deleted_by=admin", &admin).await), 0);
    let by_filter = s
        .made(
            "/api/v1/trash/restore-by-filter",
            &admin,
            json!({ "filter": { "deleted_by": "alice", "since": today.to_string() }, "dry_run": true }),
        )
        .await;
    assert_eq!(by_filter["results"].as_array().unwrap().len(), 1, "{by_filter}");
    let audit = s.ok(&format!("/api/v1/audit?actor=alice&since={today}"), &admin).await;
    assert!(!audit["items"].as_array().unwrap().is_empty(), "{audit}");
}

#[tokio::test]
async fn refused_parameters_are_named_with_what_they_accept() {
    let s = start().await;
    let admin = s.admin().await;
    let cases = [
        (
            "/api/v1/trash?since=yesterday-ish",
            "invalid-input",
            "since must be a time",
        ),
        (
            "/api/v1/trash?until=2026-13-40",
            "invalid-input",
            "until must be a time",
        ),
        (
            "/api/v1/trash?deleted_by=nobody",
            "invalid-input",
            "deleted_by must name a user",
        ),
        (
            "/api/v1/trash?limit=ten",
            "invalid-query",
            "limit must be a whole number; \"ten\" is not",
        ),
        (
            "/api/v1/trash?colour=red",
            "invalid-query",
            "unknown query parameter \"colour\"",
        ),
        (
            "/api/v1/nodes/abc",
            "invalid-path",
            "id in the path must be a whole number",
        ),
        ("/api/v1/audit?since=soon", "invalid-input", "since must be a time"),
        ("/api/v1/audit?actor=nobody", "invalid-input", "actor must name a user"),
    ];
    for (path, code, says) in cases {
        let reply = s.get(path, &admin).await;
        let problem = reply.problem(400, code);
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(says), "{path}: {detail:?} should say {says:?}");
        speaks_plainly(detail);
    }
}

#[tokio::test]
async fn the_web_bin_reads_times_and_users_like_rest() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, alice) = s.user(&admin, "alice", "IpsUser").await;
    let lib = s.library(&admin, "Lib").await;
    let doc = s.uploaded(&admin, lib, "web-dated.txt", b"a").await;
    s.delete(&alice, doc).await;
    let http = crate::web::browser();
    let cookie = crate::web::cookie_of(&crate::web::sign_in(&s, &http, "admin", ADMIN_PASSWORD).await);
    let today = s.clock.now().date_naive();
    let (_, page) = crate::web::get(&s, &http, &format!("/trash?since={today}&deleted_by=ALICE"), &cookie).await;
    assert!(page.contains("web-dated.txt"), "{page}");
    let (_, page) = crate::web::get(&s, &http, "/trash?since=2h&until=yesterday-ish", &cookie).await;
    assert!(page.contains("until must be a time"), "{page}");
    assert!(!page.contains("web-dated.txt"));
}
