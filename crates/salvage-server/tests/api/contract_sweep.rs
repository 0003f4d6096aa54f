//! Every operation of the OpenAPI document, called the ways clients get wrong: on each kind of
//! item and on ones that do not exist, with a malformed path, without a token, as a member
//! without rights, without a body, with an empty one and with the document's own example. The
//! contract layer (see `contract`) checks each answer against the document, so a status,
//! media type or body a route can give but does not declare fails here.

use crate::contract::CONTRACT;
use crate::support::{start, Server};
use reqwest::Method;
use serde_json::{json, Value};

/// The values each path parameter is tried with.
struct Ids {
    library: i64,
    folder: i64,
    document: i64,
    trash_item: i64,
}

async fn fixture(s: &Server, admin: &str) -> Ids {
    let library = s.library(admin, "Sweep").await;
    let folder = s.folder(admin, library, "Folder").await;
    let document = s.uploaded(admin, folder, "doc.txt", b"sweep").await;
    let doomed = s.uploaded(admin, folder, "doomed.txt", b"doomed").await;
    let trash_item = s.delete(admin, doomed).await["id"].as_i64().unwrap();
    Ids {
        library,
        folder,
        document,
        trash_item,
    }
}

fn path_values(template: &str, ids: &Ids) -> Vec<String> {
    let values: Vec<String> = if template.contains("{name}") {
        vec!["Administrators".into(), "no-such-group".into()]
    } else if template.starts_with("/jobs/") {
        vec!["no-such-job".into()]
    } else if template.starts_with("/trash/") {
        vec![ids.trash_item.to_string(), "999999".into(), "abc".into()]
    } else {
        [ids.library, ids.folder, ids.document, 999_999]
            .iter()
            .map(i64::to_string)
            .chain(["abc".into()])
            .collect()
    };
    values
        .into_iter()
        .map(|v| template.replace("{id}", &v).replace("{name}", &v))
        .collect()
}

/// What each operation is sent: nothing, an empty object, and its documented example.
fn bodies(operation: &Value) -> Vec<Option<Value>> {
    let Some(content) = operation["requestBody"]["content"].as_object() else {
        return vec![None];
    };
    let mut bodies = vec![None];
    if let Some(json_body) = content.get("application/json") {
        bodies.push(Some(json!({})));
        if let Some(example) = json_body.get("example") {
            bodies.push(Some(example.clone()));
        }
    }
    bodies
}

#[tokio::test]
async fn every_operation_answers_as_the_document_says_when_called_wrongly() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, member) = s.user(&admin, "sweeper", "IpsUser").await;
    let ids = fixture(&s, &admin).await;
    let doc = serde_json::to_value(salvage_server::rest::openapi()).unwrap();
    let mut calls = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            // Logging out would end the sessions the rest of the sweep uses.
            if template == "/sessions/current" {
                continue;
            }
            let method: Method = method.to_uppercase().parse().unwrap();
            for path in path_values(template, &ids) {
                for body in bodies(operation) {
                    for token in [Some(member.as_str()), None, Some(admin.as_str())] {
                        let url = format!("/api/v1{path}");
                        let mut req = s.http.request(method.clone(), format!("{}{url}", s.base));
                        if let Some(t) = token {
                            req = req.bearer_auth(t);
                        }
                        if let Some(b) = &body {
                            req = req.json(b);
                        }
                        // The layer checks the answer; here only that there is one.
                        req.send().await.unwrap();
                        calls += 1;
                    }
                }
            }
        }
    }
    assert!(calls > 300, "only {calls} calls: the sweep lost its operations");
    // The checker behind the layer is the one this test's document describes.
    assert!(CONTRACT.validate("/components/schemas/Problem", &json!({})).is_err());
}

/// The answers an integrator found missing from the document: each is now declared (the
/// contract layer checks them) and has the status asserted here.
#[tokio::test]
async fn the_answers_integrators_met_are_in_the_document() {
    let s = start().await;
    let admin = s.admin().await;
    let library = s.library(&admin, "Docs").await;
    let document = s.uploaded(&admin, library, "a.bin", &[0, 159, 255]).await;

    s.send(Method::GET, "/api/v1/trash", None, None)
        .await
        .problem(401, "unauthenticated");
    s.get("/api/v1/nodes/abc", &admin).await.problem(400, "invalid-path");
    let bare = s
        .http
        .post(format!("{}/api/v1/trash/preflight", s.base))
        .bearer_auth(&admin)
        .body(r#"{"items": [1]}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(bare.status(), 415);
    s.post(
        "/api/v1/trash/restore",
        &admin,
        json!({"items": [1], "options": {"on_conflict": "overwrite"}}),
    )
    .await
    .problem(422, "invalid-json");
    s.send(
        Method::PUT,
        "/api/v1/settings/trash",
        Some(&admin),
        Some(json!({"user_bin_days": 3})),
    )
    .await
    .problem(422, "invalid-json");
    let content = s.get(&format!("/api/v1/documents/{document}/content"), &admin).await;
    assert_eq!(content.status, 200);
    assert_eq!(content.bytes, [0, 159, 255]);
    assert_eq!(content.headers["content-type"], "application/octet-stream");
}
