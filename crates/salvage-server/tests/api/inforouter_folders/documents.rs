//! Listing and finding documents (GetDocuments1, GetFoldersAndDocuments1, GetDocument,
//! DocumentExists), and moving documents and folders.

use super::*;

#[tokio::test]
async fn get_documents1_and_folders_and_documents1() {
    let f = fixture().await;
    let node = call(
        &f.s,
        B::Get,
        "GetDocuments1",
        &[("AuthenticationTicket", &f.t), ("Path", "\\Finance\\Reports")],
    )
    .await;
    assert_eq!(node.name, "response");
    assert_eq!(
        names(&node),
        vec![
            "success",
            "error",
            "folderid",
            "parentid",
            "name",
            "path",
            "folderfilter",
            "documentfilter",
            "itemcount"
        ]
    );
    assert_eq!(node.attribute("folderid"), Some(f.reports.to_string().as_str()));
    assert_eq!(node.attribute("parentid"), Some(f.lib.to_string().as_str()));
    assert_eq!(node.attribute("path"), Some("/Finance/Reports"));
    assert_eq!(node.attribute("itemcount"), Some("1"));
    let d = &node.children[0];
    assert_eq!(
        names(d),
        vec![
            "id",
            "n",
            "mdate",
            "cdate",
            "size",
            "dformat",
            "chkoutbyusername",
            "chkoutbyfullname",
            "version",
            "publishedversion",
            "regdate",
            "dtype"
        ]
    );
    assert_eq!(d.attribute("id"), Some(f.q1.to_string().as_str()));
    assert_eq!(d.attribute("n"), Some("q1.pdf"));
    assert_eq!(d.attribute("cdate"), Some("2026-03-01"));
    assert_eq!(d.attribute("size"), Some("15"));
    assert_eq!(d.attribute("dformat"), Some("PDF Document"));
    assert_eq!(d.attribute("version"), Some("1"));

    let node = call(
        &f.s,
        B::Soap12,
        "GetFoldersAndDocuments1",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance")],
    )
    .await;
    ok(&node);
    assert_eq!(node.attribute("itemcount"), Some("2"));
    let kinds: Vec<(&str, &str)> = node
        .children
        .iter()
        .map(|c| (c.name.as_str(), c.attribute("n").unwrap()))
        .collect();
    assert_eq!(kinds, vec![("f", "Reports"), ("d", "memo.txt")]);

    for op in ["GetDocuments1", "GetFoldersAndDocuments1"] {
        let node = call(
            &f.s,
            B::Get,
            op,
            &[("AuthenticationTicket", &f.t), ("Path", "/Finance/None")],
        )
        .await;
        failed(&node, "Folder not found", "4041");
        let node = call(&f.s, B::Get, op, &[("AuthenticationTicket", "x"), ("Path", "/Finance")]).await;
        failed(&node, "[901] Session expired or Invalid ticket", "4010");
    }
}

#[tokio::test]
async fn get_document_and_document_exists() {
    let f = fixture().await;
    for path in [
        "\\Finance\\Reports\\q1.pdf".to_owned(),
        format!("~D{}", f.q1),
        format!("~D{}.pdf", f.q1),
    ] {
        let node = call(
            &f.s,
            B::Get,
            "GetDocument",
            &[
                ("AuthenticationTicket", &f.t),
                ("Path", &path),
                ("withPropertySets", "false"),
                ("withSecurity", "false"),
                ("withOwner", "false"),
                ("withVersions", "true"),
            ],
        )
        .await;
        ok(&node);
        let d = &node.children[0];
        assert_eq!(d.name, "document");
        let n = names(d);
        assert_eq!(&n[..4], &["DocumentID", "Name", "Path", "Description"]);
        assert_eq!(d.attribute("DocumentID"), Some(f.q1.to_string().as_str()));
        assert_eq!(d.attribute("Path"), Some("\\Finance\\Reports"));
        assert_eq!(d.attribute("Foldername"), Some("Reports"));
        assert_eq!(d.attribute("DomainName"), Some("Finance"));
        assert_eq!(d.attribute("IsShortcut"), Some("FALSE"));
        assert_eq!(d.attribute("VersionCount"), Some("1"));
        assert_eq!(d.child("Versions").unwrap().children.len(), 1);
    }
    let node = call(
        &f.s,
        B::Get,
        "GetDocument",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/Reports/q2.pdf")],
    )
    .await;
    failed(&node, "Document not found.", "4041");
    assert_eq!(node.attribute("success"), Some("false"));
    // A folder is not a document.
    let node = call(
        &f.s,
        B::Get,
        "GetDocument",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/Reports")],
    )
    .await;
    failed(&node, "Document not found.", "4041");

    let node = call(
        &f.s,
        B::Post,
        "DocumentExists",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/memo.txt")],
    )
    .await;
    // CRC-32 of "hello".
    assert_eq!(
        attrs(&node),
        vec![
            ("success", "true"),
            ("CRC32LASTVERSION", "3610a686"),
            ("CRC32", "3610a686")
        ]
    );
    let node = call(
        &f.s,
        B::Get,
        "DocumentExists",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/none.txt")],
    )
    .await;
    failed(&node, "Document not found", "4041");
    let node = call(
        &f.s,
        B::Get,
        "DocumentExists",
        &[("AuthenticationTicket", &f.t), ("Path", "~X12.pdf")],
    )
    .await;
    failed(&node, "InvalidDocumentIdentifer", "4000");
    let node = call(&f.s, B::Get, "DocumentExists", &[("Path", "/Finance/memo.txt")]).await;
    failed(&node, "[900] Authentication failed", "4010");
}

#[tokio::test]
async fn move_documents_and_folders() {
    let f = fixture().await;
    let node = call(
        &f.s,
        B::Soap11,
        "Move",
        &[
            ("AuthenticationTicket", &f.t),
            ("SourcePath", "\\Finance\\memo.txt"),
            ("DestinationPath", "\\Finance\\Reports"),
        ],
    )
    .await;
    assert_eq!(attrs(&node), vec![("success", "true"), ("error", "")]);
    let moved = call(
        &f.s,
        B::Get,
        "DocumentExists",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/Reports/memo.txt")],
    )
    .await;
    ok(&moved);

    f.s.uploaded(&f.admin, f.lib, "q1.pdf", b"other").await;
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("AuthenticationTicket", &f.t),
            ("SourcePath", "/Finance/q1.pdf"),
            ("DestinationPath", "/Finance/Reports"),
        ],
    )
    .await;
    failed(
        &node,
        "An item named \"q1.pdf\" already exists in the target folder.",
        "4090",
    );
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("AuthenticationTicket", &f.t),
            ("SourcePath", "/Finance/none.pdf"),
            ("DestinationPath", "/Finance/Reports"),
        ],
    )
    .await;
    failed(&node, "Source not found.", "4041");
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("AuthenticationTicket", &f.t),
            ("SourcePath", "/Finance/q1.pdf"),
            ("DestinationPath", "/Finance/Gone"),
        ],
    )
    .await;
    failed(&node, "Destination folder not found.", "4041");
    // A folder into its own subtree.
    f.s.folder(&f.admin, f.reports, "Inner").await;
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("AuthenticationTicket", &f.t),
            ("SourcePath", "/Finance/Reports"),
            ("DestinationPath", "/Finance/Reports/Inner"),
        ],
    )
    .await;
    assert_eq!(node.attribute("errorCode"), Some("4000"), "{node:?}");
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("SourcePath", "/Finance/q1.pdf"),
            ("DestinationPath", "/Finance/Reports"),
        ],
    )
    .await;
    failed(&node, "[900] Authentication failed", "4010");
}
