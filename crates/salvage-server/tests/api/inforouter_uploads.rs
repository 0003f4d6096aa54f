//! infoRouter uploads over the bindings: content round trips, base64 as clients fold and
//! encode it, and the documented upload errors.

use crate::inforouter::{call, ALL, B};
use crate::inforouter_folders::{b64, download, failed, fixture, names, ok, unb64};
use salvage_server::soap::read_document;

#[tokio::test]
async fn upload_and_download_round_trip_binary_content() {
    let f = fixture().await;
    let content: Vec<u8> = "Grüße, 日本語 ✓\n".bytes().chain((0u8..=255).rev()).collect();
    for b in ALL {
        let path = format!("\\Finance\\Reports\\blob-{b:?}-é.bin");
        let node = call(
            &f.s,
            b,
            "UploadDocument",
            &[
                ("AuthenticationTicket", &f.t),
                ("Path", &path),
                ("FileContent", &b64(&content)),
            ],
        )
        .await;
        assert_eq!(node.name, "root");
        assert_eq!(names(&node), vec!["success", "DocumentId", "VersionId"]);
        assert_eq!(node.attribute("VersionId"), Some("1000000"));
        let id = node.attribute("DocumentId").unwrap().to_owned();
        assert_eq!(unb64(&download(&f.s, b, &f.t, &path).await), content, "{b:?}");
        assert_eq!(unb64(&download(&f.s, b, &f.t, &format!("~D{id}")).await), content);

        // A second upload is a new version of the same document.
        let node = call(
            &f.s,
            b,
            "UploadDocument1",
            &[
                ("AuthenticationTicket", &f.t),
                ("Path", &path),
                ("FileContent", &b64(b"v2")),
                ("VersionComment", "second"),
            ],
        )
        .await;
        ok(&node);
        assert_eq!(node.attribute("DocumentId"), Some(id.as_str()));
        assert_eq!(node.attribute("VersionId"), Some("2000000"));
        assert_eq!(unb64(&download(&f.s, b, &f.t, &path).await), b"v2");

        // Errors download as an empty array.
        assert_eq!(download(&f.s, b, &f.t, "/Finance/none.bin").await, "");
        assert_eq!(download(&f.s, b, "bad", &path).await, "");
    }
}

#[tokio::test]
async fn soap_base64_may_be_folded_and_forms_may_carry_raw_plus() {
    let f = fixture().await;
    let content = vec![0xfbu8; 200];
    let encoded = b64(&content);
    assert!(encoded.contains('+') || encoded.contains('/'));
    let folded: String = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join("\r\n");
    let node = call(
        &f.s,
        B::Soap12,
        "UploadDocument",
        &[
            ("AuthenticationTicket", &f.t),
            ("Path", "/Finance/folded.bin"),
            ("FileContent", &folded),
        ],
    )
    .await;
    ok(&node);
    assert_eq!(
        unb64(&download(&f.s, B::Get, &f.t, "/Finance/folded.bin").await),
        content
    );

    // A form whose `+` was not escaped arrives with spaces.
    let body = format!(
        "AuthenticationTicket={}&Path=%2FFinance%2Fplus.bin&FileContent={}",
        f.t,
        b64(&[0xfb, 0xef, 0xbe]).replace('=', "%3D")
    );
    let res =
        f.s.http
            .post(format!("{}/srv.asmx/UploadDocument", f.s.base))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
    let node = read_document(&res.bytes().await.unwrap()).unwrap();
    ok(&node);
    assert_eq!(
        unb64(&download(&f.s, B::Get, &f.t, "/Finance/plus.bin").await),
        vec![0xfb, 0xef, 0xbe]
    );
}

#[tokio::test]
async fn upload_errors() {
    let f = fixture().await;
    let up = |t: String, path: &'static str, content: String| {
        let s = &f.s;
        async move {
            call(
                s,
                B::Get,
                "UploadDocument",
                &[("AuthenticationTicket", &t), ("Path", path), ("FileContent", &content)],
            )
            .await
        }
    };
    let node = up(f.t.clone(), "/Finance/Missing/a.txt", b64(b"x")).await;
    assert_eq!(node.name, "root");
    failed(&node, "Folder not found", "4041");
    let node = up(f.t.clone(), "/Finance/a.txt", "***".into()).await;
    failed(&node, "FileContent is not valid base64.", "4000");
    let node = up(f.t.clone(), "/Finance/Reports", b64(b"x")).await;
    failed(
        &node,
        "An item named \"Reports\" already exists in the target folder.",
        "4090",
    );
    let node = up(String::new(), "/Finance/a.txt", b64(b"x")).await;
    failed(&node, "[900] Authentication failed", "4010");
    let node = up("bad".into(), "/Finance/a.txt", b64(b"x")).await;
    failed(&node, "[901] Session expired or Invalid ticket", "4010");
}
