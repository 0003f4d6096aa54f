//! The whole story a user lives through, over HTTP.

use crate::support::*;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn log_in_upload_delete_preflight_restore_purge_and_audit() {
    let s = start().await;
    let admin = s.admin().await;
    let me = s.ok("/api/v1/me", &admin).await;
    assert_eq!(
        (me["username"].as_str(), me["tenant"].as_str(), me["is_admin"].as_bool()),
        (Some("admin"), Some("default"), Some(true))
    );

    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let q1 = s.folder(&admin, reports, "Q1").await;
    let doc = s.uploaded(&admin, q1, "figures.csv", b"a,b\n1,2\n").await;
    s.uploaded(&admin, reports, "summary.txt", b"all good").await;
    let listing = s.ok(&format!("/api/v1/nodes/{reports}/children"), &admin).await;
    let names: Vec<_> = listing["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["path"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["/Finance/Reports/Q1", "/Finance/Reports/summary.txt"]);

    // delete the folder: one trash item holding four
    let deleted = s.delete(&admin, reports).await;
    assert_eq!(
        (deleted["item_count"].as_i64(), deleted["original_path"].as_str()),
        (Some(4), Some("/Finance/Reports"))
    );
    s.get(&format!("/api/v1/nodes/{doc}"), &admin)
        .await
        .problem(404, "not-found");
    let trash = s.ok("/api/v1/trash?name=REPORTS&type=folder", &admin).await;
    assert_eq!(trash["items"].as_array().unwrap().len(), 1);
    let item = trash["items"][0]["id"].as_i64().unwrap();
    let contents = s.ok(&format!("/api/v1/trash/{item}/contents"), &admin).await;
    assert_eq!(contents["nodes"].as_array().unwrap().len(), 4);
    let here = s.ok(&format!("/api/v1/nodes/{lib}/trash"), &admin).await;
    assert_eq!(here["items"][0]["id"], item, "deleted in this folder");

    // a new Reports folder takes the name: the preflight shows the conflict
    s.folder(&admin, lib, "Reports").await;
    let pre = s
        .made("/api/v1/trash/preflight", &admin, json!({ "items": [item] }))
        .await;
    assert_eq!(
        (pre["dry_run"].as_bool(), pre["failed"].as_i64()),
        (Some(true), Some(1))
    );
    assert_eq!(pre["results"][0]["problem"]["code"], "name-conflict");
    let failed = s
        .made("/api/v1/trash/restore", &admin, json!({ "items": [item] }))
        .await;
    assert_eq!(
        (failed["applied"].as_bool(), failed["failed"].as_i64()),
        (Some(true), Some(1))
    );
    let skipped = s
        .made(
            "/api/v1/trash/restore",
            &admin,
            json!({ "items": [item], "options": { "on_conflict": "skip" } }),
        )
        .await;
    assert_eq!(skipped["results"][0]["status"], "skipped");
    let renamed = s
        .made(
            "/api/v1/trash/restore",
            &admin,
            json!({ "items": [item], "options": { "on_conflict": "rename" } }),
        )
        .await;
    assert_eq!(renamed["results"][0]["path"], "/Finance/Reports (restored)");
    assert_eq!(renamed["results"][0]["renamed_from"], "Reports");
    let back = s.ok(&format!("/api/v1/nodes/{doc}"), &admin).await;
    assert_eq!(
        back["path"], "/Finance/Reports (restored)/Q1/figures.csv",
        "same id, back in place"
    );

    // delete again and purge
    let again = s.delete(&admin, doc).await["id"].as_i64().unwrap();
    // Each item says what really happened to it: an unknown id, or one purged a moment ago, is
    // not counted as purged.
    let purged = s
        .made(
            "/api/v1/trash/purge",
            &admin,
            json!({ "items": [again, 999999, again] }),
        )
        .await;
    assert_eq!(purged[0]["status"], "purged");
    for (i, id) in [(1, 999999), (2, again)] {
        assert_eq!(purged[i]["id"], id, "{purged}");
        assert_eq!(purged[i]["status"], "failed", "{purged}");
        assert_eq!(purged[i]["problem"]["code"], "not-in-trash", "{purged}");
    }
    s.get(&format!("/api/v1/trash/{again}"), &admin)
        .await
        .problem(404, "not-found");

    let audit = s.ok("/api/v1/audit", &admin).await;
    let actions: Vec<_> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["recycle", "restore", "recycle", "purge"]);
    let restores = s.ok("/api/v1/audit?action=restore", &admin).await;
    assert_eq!(restores["items"][0]["to_path"], "/Finance/Reports (restored)");
}

#[tokio::test]
async fn uploads_and_downloads_stream_with_ranges_and_versions() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let content: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    let doc = s.uploaded(&admin, lib, "big.bin", &content).await;
    let full = s.get(&format!("/api/v1/documents/{doc}/content"), &admin).await;
    assert_eq!(full.status, StatusCode::OK);
    assert_eq!(full.bytes, content);
    assert_eq!(full.headers["accept-ranges"], "bytes");

    let ranged = s
        .http
        .get(format!("{}/api/v1/documents/{doc}/content", s.base))
        .bearer_auth(&admin)
        .header("range", "bytes=100-199")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        ranged.headers()["content-range"],
        format!("bytes 100-199/{}", content.len())
    );
    assert_eq!(ranged.bytes().await.unwrap().to_vec(), content[100..200].to_vec());
    let beyond = s
        .http
        .get(format!("{}/api/v1/documents/{doc}/content", s.base))
        .bearer_auth(&admin)
        .header("range", "bytes=999999999-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    s.uploaded(&admin, lib, "big.bin", b"second").await;
    let versions = s.ok(&format!("/api/v1/documents/{doc}/versions"), &admin).await;
    assert_eq!(versions.as_array().unwrap().len(), 2);
    let v1 = s
        .get(&format!("/api/v1/documents/{doc}/content?version=1"), &admin)
        .await;
    assert_eq!(v1.bytes.len(), content.len());
    assert_eq!(
        s.get(&format!("/api/v1/documents/{doc}/content"), &admin).await.bytes,
        b"second"
    );
}

#[tokio::test]
async fn repository_routes_rename_move_acl_types_and_publishing() {
    let s = start().await;
    let admin = s.admin().await;
    let (bob_id, bob) = s.user(&admin, "bob", "IpsUser").await;
    let lib = s.library(&admin, "L").await;
    let a = s.folder(&admin, lib, "A").await;
    let b = s.folder(&admin, lib, "B").await;
    let doc = s.uploaded(&admin, a, "d.txt", b"x").await;
    let moved = s
        .send(
            Method::PATCH,
            &format!("/api/v1/nodes/{doc}"),
            Some(&admin),
            Some(json!({ "parent_id": b, "name": "e.txt" })),
        )
        .await;
    assert_eq!(moved.json()["path"], "/L/B/e.txt");
    assert_eq!(s.ok("/api/v1/resolve?path=/L/B/e.txt", &admin).await["id"], doc);

    let acl = json!({ "inherited": false, "entries": [ { "principal": "members", "right": 2 }, { "principal": "user", "id": bob_id, "right": 6 } ] });
    assert_eq!(
        s.send(Method::PUT, &format!("/api/v1/nodes/{a}/acl"), Some(&admin), Some(acl))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let got = s.ok(&format!("/api/v1/nodes/{a}/acl"), &bob).await;
    assert_eq!(got["entries"].as_array().unwrap().len(), 2);
    s.folder(&bob, a, "bob's").await;
    s.post(&format!("/api/v1/nodes/{b}/folders"), &bob, json!({ "name": "x" }))
        .await
        .status
        .is_success()
        .then_some(())
        .expect("members default to Change");
    let bad_acl = json!({ "inherited": false, "entries": [ { "principal": "user", "right": 9 } ] });
    s.send(
        Method::PUT,
        &format!("/api/v1/nodes/{a}/acl"),
        Some(&admin),
        Some(bad_acl),
    )
    .await
    .problem(400, "invalid-input");

    let t = s
        .made("/api/v1/document-types", &admin, json!({ "name": "Invoice" }))
        .await["id"]
        .as_i64()
        .unwrap();
    let rule = s
        .send(
            Method::PUT,
            &format!("/api/v1/libraries/{lib}/publishing-rule"),
            Some(&admin),
            Some(json!({ "requires_doc_type": true })),
        )
        .await;
    assert_eq!(rule.status, StatusCode::NO_CONTENT);
    s.post(
        &format!("/api/v1/documents/{doc}/publish"),
        &admin,
        json!({ "version": 1 }),
    )
    .await
    .problem(400, "invalid-input");
    let typed = s
        .send(
            Method::PUT,
            &format!("/api/v1/documents/{doc}/document-type"),
            Some(&admin),
            Some(json!({ "doc_type_id": t })),
        )
        .await;
    assert_eq!(typed.status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.post(
            &format!("/api/v1/documents/{doc}/publish"),
            &admin,
            json!({ "version": 1 })
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        s.ok(&format!("/api/v1/nodes/{doc}"), &admin).await["published_version"],
        1
    );
    assert_eq!(s.ok("/api/v1/document-types", &bob).await[0]["name"], "Invoice");
}

/// A rename and a move in one request happen both or not at all, and the name is checked in the
/// folder the item ends up in under the name it ends up with.
#[tokio::test]
async fn a_move_with_a_rename_is_one_change() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let (a, b) = (s.folder(&admin, lib, "A").await, s.folder(&admin, lib, "B").await);
    let doc = s.uploaded(&admin, a, "a.txt", b"a").await;
    s.uploaded(&admin, a, "c.txt", b"c").await;
    s.uploaded(&admin, b, "b.txt", b"b").await;
    let path = format!("/api/v1/nodes/{doc}");
    let patch = |body: Value| s.send(Method::PATCH, &path, Some(&admin), Some(body));

    // The move alone would succeed, but the new name is taken in the new folder: nothing
    // changes, not even the move.
    patch(json!({ "parent_id": b, "name": "b.txt" }))
        .await
        .problem(409, "name-conflict");
    assert_eq!(
        s.ok(&format!("/api/v1/nodes/{doc}"), &admin).await["path"],
        "/L/A/a.txt"
    );

    // The old name is taken in the new folder and the new name in the old one, but neither
    // where the item ends up.
    s.uploaded(&admin, b, "a.txt", b"other a").await;
    let moved = patch(json!({ "parent_id": b, "name": "c.txt" })).await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.json());
    assert_eq!(moved.json()["path"], "/L/B/c.txt");
}

#[tokio::test]
async fn bulk_restore_by_filter_with_its_preflight_and_settings() {
    let s = start().await;
    let admin = s.admin().await;
    let (mallory, mallory_token) = s.user(&admin, "mallory", "IpsUser").await;
    let lib = s.library(&admin, "Finance").await;
    for i in 0..5 {
        let d = s.uploaded(&admin, lib, &format!("sheet{i}.xls"), b"x").await;
        s.delete(&mallory_token, d).await;
    }
    let keep = s.uploaded(&admin, lib, "keep.doc", b"x").await;
    s.delete(&admin, keep).await;
    let filter =
        json!({ "deleted_by": mallory, "path_prefix": "/Finance", "name": ".xls", "since": "2026-03-01T00:00:00Z" });
    let dry = s
        .made(
            "/api/v1/trash/restore-by-filter",
            &admin,
            json!({ "filter": filter, "dry_run": true }),
        )
        .await;
    assert_eq!(
        (dry["restored"].as_i64(), dry["applied"].as_bool()),
        (Some(5), Some(false))
    );
    let done = s
        .made("/api/v1/trash/restore-by-filter", &admin, json!({ "filter": filter }))
        .await;
    assert_eq!(done["restored"], 5);
    assert_eq!(
        s.ok("/api/v1/trash", &admin).await["items"].as_array().unwrap().len(),
        1
    );

    let settings = json!({ "user_bin_days": 7, "system_bin_days": 30, "names_reserved": true, "restore_policy": "any-trash-role" });
    assert_eq!(
        s.send(
            Method::PUT,
            "/api/v1/settings/trash",
            Some(&admin),
            Some(settings.clone())
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.ok("/api/v1/settings/trash", &admin).await, settings);
    s.send(
        Method::PUT,
        "/api/v1/settings/trash",
        Some(&mallory_token),
        Some(settings),
    )
    .await
    .problem(403, "permission-denied");
    let emptied = s.made("/api/v1/trash/empty", &admin, json!({})).await;
    assert_eq!(emptied["moved_to_system_bin"], 1);
    assert_eq!(
        s.ok("/api/v1/trash?stage=system-bin", &admin).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn trash_pages_by_cursor() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    for i in 0..7 {
        let d = s.uploaded(&admin, lib, &format!("d{i}"), b"x").await;
        s.delete(&admin, d).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/trash?limit=3".to_owned();
    loop {
        let page = s.ok(&path, &admin).await;
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().to_owned()),
        );
        match page["next"].as_str() {
            Some(c) => path = format!("/api/v1/trash?limit=3&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["d6", "d5", "d4", "d3", "d2", "d1", "d0"]);
    s.get("/api/v1/trash?cursor=nonsense", &admin)
        .await
        .problem(400, "invalid-input");
}

#[tokio::test]
async fn trash_sorts_and_its_cursor_remembers_the_order() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    for (name, size) in [("b & c", 3), ("A", 1), ("a", 3), ("B", 2), ("c", 3)] {
        let d = s.uploaded(&admin, lib, name, &vec![b'x'; size]).await;
        s.delete(&admin, d).await;
    }
    let names = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let url = |query: &[(&str, &str)]| format!("/api/v1/trash?{}", serde_urlencoded::to_string(query).unwrap());
    // Follows `next` without repeating the order: the cursor carries it.
    let all = |sort: &'static str| {
        let s = &s;
        let admin = &admin;
        async move {
            let mut seen = Vec::new();
            let mut page = s.ok(&url(&[("sort", sort), ("limit", "2")]), admin).await;
            loop {
                seen.extend(names(&page));
                assert!(seen.len() <= 100, "{sort}: paging does not end");
                match page["next"].as_str() {
                    Some(c) => page = s.ok(&url(&[("cursor", c), ("limit", "2")]), admin).await,
                    None => return seen,
                }
            }
        }
    };
    assert_eq!(all("largest").await, ["c", "a", "b & c", "B", "A"]);
    assert_eq!(all("smallest").await, ["A", "B", "b & c", "a", "c"]);
    assert_eq!(all("name").await, ["A", "a", "B", "b & c", "c"]);
    assert_eq!(all("name-desc").await, ["c", "b & c", "B", "a", "A"]);
    assert_eq!(all("oldest").await, ["b & c", "A", "a", "B", "c"]);
    assert_eq!(all("newest").await, ["c", "B", "a", "A", "b & c"]);

    let p = s
        .get(&url(&[("sort", "biggest")]), &admin)
        .await
        .problem(400, "invalid-input");
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("newest, oldest, name, name-desc, largest, smallest"),
        "{p}"
    );
    let by_name = s.ok(&url(&[("sort", "name"), ("limit", "2")]), &admin).await;
    let cursor = by_name["next"].as_str().unwrap();
    let p = s
        .get(&url(&[("sort", "largest"), ("cursor", cursor)]), &admin)
        .await
        .problem(400, "invalid-input");
    assert!(p["detail"].as_str().unwrap().contains("order"), "{p}");
    // The same order given again is fine.
    let page = s.ok(&url(&[("sort", "name"), ("cursor", cursor)]), &admin).await;
    assert_eq!(names(&page), ["B", "b & c", "c"]);
    // So is the deleted-in-this-folder listing.
    let here = s
        .ok(&format!("/api/v1/nodes/{lib}/trash?sort=smallest&limit=1"), &admin)
        .await;
    assert_eq!(names(&here), ["A"]);
}

#[tokio::test]
async fn a_bulk_restore_can_run_as_a_job_with_progress() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, bob) = s.user(&admin, "bob", "IpsUser").await;
    let lib = s.library(&admin, "L").await;
    for i in 0..12 {
        let d = s.uploaded(&admin, lib, &format!("d{i}"), b"x").await;
        s.delete(&admin, d).await;
    }
    let started = s
        .post(
            "/api/v1/trash/restore-by-filter",
            &admin,
            json!({ "filter": { "path_prefix": "/L" }, "background": true }),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED);
    let location = started.headers["location"].to_str().unwrap().to_owned();
    assert_eq!(started.json()["total"], 12);
    let job = loop {
        let job = s.ok(&location, &admin).await;
        if job["state"] != "running" {
            break job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(
        (job["state"].as_str(), job["done"].as_i64(), job["restored"].as_i64()),
        (Some("done"), Some(12), Some(12))
    );
    assert_eq!(job["results"].as_array().unwrap().len(), 12);
    assert_eq!(
        s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await["items"]
            .as_array()
            .unwrap()
            .len(),
        12
    );
    s.get(&location, &bob).await.problem(404, "not-found");
    s.get("/api/v1/jobs/unknown", &admin).await.problem(404, "not-found");
}
