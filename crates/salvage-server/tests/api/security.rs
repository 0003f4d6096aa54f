//! Who may do what, sessions, tenant isolation and bad input over HTTP.

use crate::support::*;
use chrono::Duration;
use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use salvage_server::Limits;
use serde_json::json;

#[tokio::test]
async fn requests_without_a_valid_token_are_refused() {
    let s = start().await;
    let r = s.send(Method::GET, "/api/v1/trash", None, None).await;
    r.problem(401, "unauthenticated");
    assert_eq!(r.headers["www-authenticate"], "Bearer");
    s.get("/api/v1/trash", "not-a-token")
        .await
        .problem(401, "invalid-ticket");
    let wrong = s
        .send(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({ "login": "admin", "password": "nope" })),
        )
        .await;
    wrong.problem(401, "authentication-failed");
}

#[tokio::test]
async fn tokens_expire_when_idle_and_end_at_logout() {
    let s = start().await;
    let token = s.admin().await;
    s.clock.advance(Duration::hours(7));
    s.ok("/api/v1/me", &token).await;
    s.clock.advance(Duration::hours(7));
    s.ok("/api/v1/me", &token).await;
    s.clock.advance(Duration::hours(9));
    s.get("/api/v1/me", &token).await.problem(401, "invalid-ticket");

    let token = s.admin().await;
    assert_eq!(
        s.send(Method::DELETE, "/api/v1/sessions/current", Some(&token), None)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    s.get("/api/v1/me", &token).await.problem(401, "invalid-ticket");
}

#[tokio::test]
async fn a_user_of_another_tenant_cannot_see_or_touch_anything_by_id() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let doc = s.uploaded(&admin, lib, "secret.txt", b"secret").await;
    let kept = s.uploaded(&admin, lib, "kept.txt", b"kept").await;
    let item = s.delete(&admin, doc).await["id"].as_i64().unwrap();
    s.made("/api/v1/tenants", &admin, json!({ "name": "other" })).await;
    let (outsider, _) = s.user(&admin, "outsider", "IpsUser").await;
    let m = s
        .send(
            Method::POST,
            "/api/v1/memberships",
            Some(&admin),
            Some(json!({ "user_id": outsider, "tenant": "other", "role": "IpsCompanyAdmin" })),
        )
        .await;
    assert_eq!(m.status, StatusCode::NO_CONTENT);
    let r = s
        .send(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({ "login": "outsider", "password": "password 123", "tenant": "other" })),
        )
        .await;
    let other = r.json()["token"].as_str().unwrap().to_owned();

    s.get(&format!("/api/v1/nodes/{kept}"), &other)
        .await
        .problem(404, "not-found");
    s.get(&format!("/api/v1/documents/{kept}/content"), &other)
        .await
        .problem(404, "not-found");
    s.get(&format!("/api/v1/trash/{item}"), &other)
        .await
        .problem(404, "not-found");
    assert!(s.ok("/api/v1/trash", &other).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let restore = s
        .made("/api/v1/trash/restore", &other, json!({ "items": [item] }))
        .await;
    assert_eq!(
        restore["results"][0]["problem"]["code"], "not-in-trash",
        "exactly like an unknown id"
    );
    let purge = s.made("/api/v1/trash/purge", &other, json!({ "items": [item] })).await;
    assert_eq!(purge[0]["problem"]["code"], "not-in-trash");
    s.send(Method::DELETE, &format!("/api/v1/nodes/{kept}"), Some(&other), None)
        .await
        .problem(404, "not-found");
    assert_eq!(
        s.ok(&format!("/api/v1/trash/{item}"), &admin).await["name"],
        "secret.txt",
        "nothing changed"
    );
}

#[tokio::test]
async fn ordinary_users_see_their_own_trash_and_may_not_purge() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, bob) = s.user(&admin, "bob", "IpsUser").await;
    let (carol_id, carol) = s.user(&admin, "carol", "IpsUser").await;
    let lib = s.library(&admin, "L").await;
    let d = s.uploaded(&admin, lib, "d", b"x").await;
    let item = s.delete(&carol, d).await["id"].as_i64().unwrap();
    assert!(s.ok("/api/v1/trash", &bob).await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    s.get(&format!("/api/v1/trash?deleted_by={carol_id}"), &bob)
        .await
        .problem(403, "permission-denied");
    // Carol's deletion is not bob's to see: it answers exactly as an unknown item does.
    let r = s.made("/api/v1/trash/restore", &bob, json!({ "items": [item] })).await;
    let unknown = s
        .made("/api/v1/trash/restore", &bob, json!({ "items": [999_999] }))
        .await;
    assert_eq!(r["results"][0]["problem"], unknown["results"][0]["problem"]);
    assert_eq!(r["results"][0]["problem"]["code"], "not-in-trash");
    s.post("/api/v1/trash/purge", &carol, json!({ "items": [item] }))
        .await
        .problem(403, "permission-denied");
    s.post("/api/v1/libraries", &bob, json!({ "name": "Mine" }))
        .await
        .problem(403, "permission-denied");
    s.get("/api/v1/users", &bob).await.problem(403, "permission-denied");
    assert_eq!(
        s.made("/api/v1/trash/restore", &carol, json!({ "items": [item] }))
            .await["restored"],
        1
    );
}

#[tokio::test]
async fn bad_input_is_a_problem_that_names_it_and_changes_nothing() {
    let s = start_with(Limits {
        max_body_bytes: 4096,
        max_upload_bytes: 1000,
        ..Limits::default()
    })
    .await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let raw = |body: &'static str| {
        s.http
            .post(format!("{}/api/v1/nodes/{lib}/folders", s.base))
            .bearer_auth(&admin)
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let r = raw("{not json").await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    let r = raw(r#"{"name": 5}"#).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = r.text().await.unwrap();
    assert!(text.contains("name"), "{text}");
    let r = raw(r#"{"name": "ok", "colour": "red"}"#).await.unwrap();
    assert!(r.text().await.unwrap().contains("colour"));
    s.post(
        &format!("/api/v1/nodes/{lib}/folders"),
        &admin,
        json!({ "name": "a/b" }),
    )
    .await
    .problem(422, "invalid-name");
    s.post(
        &format!("/api/v1/nodes/{lib}/folders"),
        &admin,
        json!({ "name": "x".repeat(5000) }),
    )
    .await
    .problem(413, "body-too-large");
    s.upload(&admin, lib, "big.bin", &[0u8; 2000])
        .await
        .problem(413, "body-too-large");
    s.get("/api/v1/nodes/abc", &admin).await.problem(400, "invalid-path");
    s.get("/api/v1/trash?limit=5000", &admin)
        .await
        .problem(400, "invalid-input");
    s.get("/api/v1/trash?type=spaceship", &admin)
        .await
        .problem(400, "invalid-query");
    s.get("/api/v1/nowhere", &admin).await.problem(404, "no-such-route");
    s.post("/api/v1/trash/restore", &admin, json!({ "items": [] }))
        .await
        .problem(400, "invalid-input");
    let children = s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await;
    assert!(
        children["items"].as_array().unwrap().is_empty(),
        "nothing was created: {children}"
    );
}

#[tokio::test]
async fn operations_endpoints_and_request_ids() {
    let s = start().await;
    let health = s.http.get(format!("{}/healthz", s.base)).send().await.unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(health.headers().contains_key("x-request-id"));
    let given = s
        .http
        .get(format!("{}/readyz", s.base))
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(given.status(), StatusCode::OK);
    assert_eq!(
        given.headers()["x-request-id"],
        "trace-me-42",
        "a caller's request id is kept"
    );
    let admin = s.admin().await;
    s.ok("/api/v1/trash", &admin).await;
    let metrics = s
        .http
        .get(format!("{}/metrics", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains("http_requests_total{method=\"GET\",route=\"/api/v1/trash\",status=\"200\"}"),
        "{metrics}"
    );
    assert!(metrics.contains("http_request_duration_seconds_bucket"));
    assert!(metrics.contains("salvage_trash_items{stage=\"user-bin\"}"));
}

#[tokio::test]
async fn the_openapi_document_parses_and_lists_every_route() {
    let s = start().await;
    let doc: serde_json::Value = s
        .http
        .get(format!("{}/api/v1/openapi.json", s.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let mut paths: Vec<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |m| format!("{} {p}", m.to_uppercase()))
        })
        .collect();
    paths.sort();
    let mut expected = vec![
        "POST /sessions",
        "DELETE /sessions/current",
        "GET /me",
        "GET /tenants",
        "POST /tenants",
        "GET /users",
        "POST /users",
        "POST /memberships",
        "GET /groups",
        "POST /groups",
        "POST /groups/{name}/members",
        "GET /libraries",
        "POST /libraries",
        "PUT /libraries/{id}/publishing-rule",
        "GET /resolve",
        "GET /nodes/{id}",
        "PATCH /nodes/{id}",
        "DELETE /nodes/{id}",
        "GET /nodes/{id}/children",
        "POST /nodes/{id}/folders",
        "POST /nodes/{id}/documents",
        "GET /nodes/{id}/acl",
        "PUT /nodes/{id}/acl",
        "GET /nodes/{id}/trash",
        "GET /document-types",
        "POST /document-types",
        "PUT /documents/{id}/document-type",
        "POST /documents/{id}/publish",
        "GET /documents/{id}/content",
        "GET /documents/{id}/versions",
        "GET /trash",
        "GET /trash/{id}",
        "GET /trash/{id}/contents",
        "POST /trash/preflight",
        "POST /trash/restore",
        "POST /trash/restore-by-filter",
        "GET /jobs/{id}",
        "POST /trash/purge",
        "POST /trash/empty",
        "GET /settings/trash",
        "PUT /settings/trash",
        "GET /audit",
    ];
    expected.sort();
    assert_eq!(paths, expected);
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn a_request_over_the_time_limit_gets_a_408_problem() {
    // A login hashes a password with argon2, which takes far longer than a millisecond.
    let s = start_with(Limits {
        request_timeout: std::time::Duration::from_millis(1),
        ..Limits::default()
    })
    .await;
    let r = s
        .send(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({ "login": "admin", "password": ADMIN_PASSWORD })),
        )
        .await;
    r.problem(408, "timeout");
}

#[tokio::test]
async fn uploads_stream_past_the_request_timeout() {
    let s = start_with(Limits {
        request_timeout: std::time::Duration::from_millis(200),
        ..Limits::default()
    })
    .await;
    // Log in and create the library before the clock matters.
    let token = s.repo_login().await;
    let lib = s.library(&token, "L").await;
    let chunks = futures_util::stream::iter(0..5).then(|i| async move {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        Ok::<_, std::io::Error>(vec![b'a' + i as u8; 1000])
    });
    let res = s
        .http
        .post(format!("{}/api/v1/nodes/{lib}/documents?name=slow.bin", s.base))
        .bearer_auth(&token)
        .body(reqwest::Body::wrap_stream(chunks))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "a 500 ms upload outlives a 200 ms request timeout"
    );
}
