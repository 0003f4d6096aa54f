//! A folder's page: creating, renaming, moving and deleting from it, with an undo after a delete.

use super::*;

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
