//! Administration routes: tenants, users, groups and memberships.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::json;

#[tokio::test]
async fn groups_users_tenants_and_memberships() {
    let s = start().await;
    let admin = s.admin().await;
    let (dana_id, dana) = s.user(&admin, "dana", "IpsUser").await;
    let users = s.ok("/api/v1/users", &admin).await;
    let names: Vec<_> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "dana"]);
    assert!(
        users[0].get("password_hash").is_none(),
        "secrets never leave the server"
    );
    s.post(
        "/api/v1/users",
        &admin,
        json!({ "username": "dana", "password": "password 123" }),
    )
    .await
    .problem(409, "name-conflict");
    s.post(
        "/api/v1/users",
        &admin,
        json!({ "username": "eve", "password": "short" }),
    )
    .await
    .problem(400, "invalid-input");
    s.post(
        "/api/v1/users",
        &admin,
        json!({ "username": "eve", "password": "password 123", "role": "Wizard" }),
    )
    .await
    .problem(400, "invalid-input");

    let groups = s.ok("/api/v1/groups", &admin).await;
    assert_eq!(groups[0]["name"], "Administrators");
    assert_eq!(groups[0]["builtin"], true);
    let team = s
        .made("/api/v1/groups", &admin, json!({ "name": "Finance team" }))
        .await;
    assert_eq!(team["builtin"], false);
    s.post("/api/v1/groups", &dana, json!({ "name": "Mine" }))
        .await
        .problem(403, "permission-denied");

    // joining Administrators makes dana an administrator on her next request
    assert!(!s.ok("/api/v1/me", &dana).await["is_admin"].as_bool().unwrap());
    let joined = s
        .send(
            Method::POST,
            "/api/v1/groups/Administrators/members",
            Some(&admin),
            Some(json!({ "user_id": dana_id })),
        )
        .await;
    assert_eq!(joined.status, StatusCode::NO_CONTENT);
    assert!(s.ok("/api/v1/me", &dana).await["is_admin"].as_bool().unwrap());
    s.post("/api/v1/groups/Nobody/members", &admin, json!({ "user_id": dana_id }))
        .await
        .problem(404, "not-found");

    // tenants are for system administrators
    s.post("/api/v1/tenants", &dana, json!({ "name": "x" }))
        .await
        .problem(403, "permission-denied");
    let t = s.made("/api/v1/tenants", &admin, json!({ "name": "Acme" })).await;
    assert_eq!(t["name"], "Acme");
    s.post("/api/v1/tenants", &admin, json!({ "name": "Acme" }))
        .await
        .problem(409, "name-conflict");
    assert_eq!(s.ok("/api/v1/tenants", &admin).await.as_array().unwrap().len(), 2);
    s.post(
        "/api/v1/memberships",
        &admin,
        json!({ "user_id": dana_id, "tenant": "Nope", "role": "IpsUser" }),
    )
    .await
    .problem(404, "not-found");
    let ok = s
        .send(
            Method::POST,
            "/api/v1/memberships",
            Some(&admin),
            Some(json!({ "user_id": dana_id, "tenant": "Acme", "role": "IpsUser" })),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
    let acme = s
        .send(
            Method::POST,
            "/api/v1/sessions",
            None,
            Some(json!({ "login": "dana", "password": "password 123", "tenant": "Acme" })),
        )
        .await;
    assert_eq!(acme.json()["me"]["tenant"], "Acme");
}
