//! infoRouter folder and document operations over the bindings. Uploads are in
//! `inforouter_uploads.rs`.

use crate::inforouter::{call, raw, ALL, B};
use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_server::soap::{read_document, read_envelope, Element};

/// DownloadDocument over `b`: the base64 text of the result.
pub(crate) async fn download(s: &Server, b: B, t: &str, path: &str) -> String {
    let (_, bytes) = raw(s, b, "DownloadDocument", &[("AuthenticationTicket", t), ("Path", path)]).await;
    match b {
        B::Get | B::Post => {
            let text = String::from_utf8(bytes).unwrap();
            assert!(text.contains("<base64Binary xmlns=\"http://tempuri.org/\""), "{text}");
            let node = read_document(text.as_bytes()).unwrap();
            assert_eq!(node.name, "base64Binary");
            node.text.clone()
        }
        B::Soap11 | B::Soap12 => {
            let env = read_envelope(&bytes).unwrap();
            assert_eq!(env.body.name, "DownloadDocumentResponse");
            let result = env.body.child("DownloadDocumentResult").unwrap();
            assert!(result.children.is_empty());
            result.text.clone()
        }
    }
}

fn attrs(node: &Element) -> Vec<(&str, &str)> {
    node.attributes.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

pub(crate) fn names(node: &Element) -> Vec<&str> {
    node.attributes.iter().map(|(k, _)| k.as_str()).collect()
}

pub(crate) fn ok(node: &Element) {
    assert_eq!(node.attribute("success"), Some("true"), "{node:?}");
}

pub(crate) fn failed(node: &Element, error: &str, code: &str) {
    assert_eq!(node.attribute("error"), Some(error), "{node:?}");
    assert_eq!(node.attribute("errorCode"), Some(code), "{node:?}");
    assert_ne!(node.attribute("success"), Some("true"), "{node:?}");
}

async fn ticket(s: &Server, user: &str, password: &str) -> String {
    let node = call(s, B::Get, "AuthenticateUser", &[("UID", user), ("PWD", password)]).await;
    ok(&node);
    node.attribute("ticket").unwrap().to_owned()
}

const B64: base64::engine::general_purpose::GeneralPurpose = base64::engine::general_purpose::STANDARD;

pub(crate) fn b64(bytes: &[u8]) -> String {
    use base64::Engine as _;
    B64.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    B64.decode(text.trim()).unwrap()
}

pub(crate) struct Fixture {
    pub(crate) s: Server,
    pub(crate) admin: String,
    pub(crate) t: String,
    pub(crate) lib: i64,
    pub(crate) reports: i64,
    pub(crate) q1: i64,
}

/// `/Finance` with `Reports/q1.pdf` and `memo.txt`; `t` is an administrator's ticket.
pub(crate) async fn fixture() -> Fixture {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let q1 = s.uploaded(&admin, reports, "q1.pdf", b"%PDF-1.4 report").await;
    s.uploaded(&admin, lib, "memo.txt", b"hello").await;
    let t = ticket(&s, "admin", ADMIN_PASSWORD).await;
    Fixture {
        s,
        admin,
        t,
        lib,
        reports,
        q1,
    }
}

#[tokio::test]
async fn folder_exists_over_every_binding() {
    let f = fixture().await;
    for b in ALL {
        let node = call(
            &f.s,
            b,
            "FolderExists",
            &[("AuthenticationTicket", &f.t), ("Path", "\\Finance\\Reports")],
        )
        .await;
        assert_eq!(node.name, "response");
        assert_eq!(attrs(&node), vec![("success", "true")]);
        let node = call(
            &f.s,
            b,
            "FolderExists",
            &[("AuthenticationTicket", &f.t), ("Path", "/Finance/Nope")],
        )
        .await;
        assert_eq!(
            attrs(&node),
            vec![("error", "Folder not found."), ("errorCode", "4041")]
        );
        // A document is not a folder.
        let node = call(
            &f.s,
            b,
            "FolderExists",
            &[("AuthenticationTicket", &f.t), ("Path", "/Finance/memo.txt")],
        )
        .await;
        failed(&node, "Folder not found.", "4041");
        let node = call(&f.s, b, "FolderExists", &[("Path", "/Finance")]).await;
        failed(&node, "[900] Authentication failed", "4010");
        let node = call(
            &f.s,
            b,
            "FolderExists",
            &[("AuthenticationTicket", "nope"), ("Path", "/Finance")],
        )
        .await;
        failed(&node, "[901] Session expired or Invalid ticket", "4010");
    }
}

#[tokio::test]
async fn create_folder_makes_intermediate_folders() {
    let f = fixture().await;
    let node = call(
        &f.s,
        B::Post,
        "CreateFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "\\Finance\\2024\\Q1")],
    )
    .await;
    ok(&node);
    assert_eq!(names(&node), vec!["success", "FolderId", "FolderName"]);
    assert_eq!(node.attribute("FolderName"), Some("Q1"));
    let id: i64 = node.attribute("FolderId").unwrap().parse().unwrap();
    let got = call(
        &f.s,
        B::Get,
        "GetFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/2024/Q1")],
    )
    .await;
    assert_eq!(got.children[0].attribute("FolderID"), Some(id.to_string().as_str()));

    let node = call(
        &f.s,
        B::Get,
        "CreateFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "/Nowhere/a")],
    )
    .await;
    assert_eq!(
        attrs(&node),
        vec![("error", "Folder not found."), ("errorCode", "4041")]
    );
    let node = call(
        &f.s,
        B::Get,
        "CreateFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "/TopLevel")],
    )
    .await;
    failed(&node, "Root level folders cannot be created", "4030");
    let node = call(
        &f.s,
        B::Get,
        "CreateFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/memo.txt/x")],
    )
    .await;
    failed(
        &node,
        "An item named \"memo.txt\" already exists in the target folder.",
        "4090",
    );
    let node = call(&f.s, B::Get, "CreateFolder", &[("Path", "/Finance/x")]).await;
    failed(&node, "[900] Authentication failed", "4010");

    // Where members may only read, they may not add or move anything.
    let admin = f.s.repo.authenticate(&f.t).await.unwrap();
    f.s.repo
        .set_access_list(
            &admin,
            f.lib,
            false,
            &[AclEntry {
                principal: Principal::Members,
                right: Right::Read,
            }],
            false,
        )
        .await
        .unwrap();
    f.s.user(&f.admin, "reader", "IpsUser").await;
    let rt = ticket(&f.s, "reader", "password 123").await;
    let node = call(
        &f.s,
        B::Get,
        "CreateFolder",
        &[("AuthenticationTicket", &rt), ("Path", "/Finance/ByReader")],
    )
    .await;
    assert_eq!(attrs(&node), vec![("error", "Access denied"), ("errorCode", "4030")]);
    let node = call(
        &f.s,
        B::Get,
        "UploadDocument",
        &[
            ("AuthenticationTicket", &rt),
            ("Path", "/Finance/r.txt"),
            ("FileContent", &b64(b"r")),
        ],
    )
    .await;
    failed(&node, "Access denied", "4030");
    let node = call(
        &f.s,
        B::Get,
        "Move",
        &[
            ("AuthenticationTicket", &rt),
            ("SourcePath", "/Finance/memo.txt"),
            ("DestinationPath", "/Finance/Reports"),
        ],
    )
    .await;
    failed(&node, "Access denied.", "4030");
    let node = call(
        &f.s,
        B::Get,
        "FolderExists",
        &[("AuthenticationTicket", &rt), ("Path", "/Finance/Reports")],
    )
    .await;
    ok(&node);
}

#[tokio::test]
async fn create_folder1_makes_one_folder() {
    let f = fixture().await;
    let node = call(
        &f.s,
        B::Soap11,
        "CreateFolder1",
        &[
            ("AuthenticationTicket", &f.t),
            ("ParentFolderPath", "\\Finance\\Reports"),
            ("NewFolderName", "Archive"),
            ("Description", "old ones"),
        ],
    )
    .await;
    ok(&node);
    assert_eq!(node.attribute("FolderName"), Some("Archive"));
    let again = call(
        &f.s,
        B::Get,
        "CreateFolder1",
        &[
            ("AuthenticationTicket", &f.t),
            ("ParentFolderPath", "/Finance/Reports"),
            ("NewFolderName", "archive"),
            ("Description", ""),
        ],
    )
    .await;
    failed(
        &again,
        "An item named \"archive\" already exists in the target folder.",
        "4090",
    );
    let node = call(
        &f.s,
        B::Get,
        "CreateFolder1",
        &[
            ("AuthenticationTicket", &f.t),
            ("ParentFolderPath", "/Finance/Missing"),
            ("NewFolderName", "x"),
        ],
    )
    .await;
    failed(&node, "Folder not found.", "4041");
    let node = call(
        &f.s,
        B::Get,
        "CreateFolder1",
        &[
            ("AuthenticationTicket", &f.t),
            ("ParentFolderPath", ""),
            ("NewFolderName", "x"),
        ],
    )
    .await;
    failed(&node, "Root level folders cannot be created", "4030");
}

#[tokio::test]
async fn get_folder_and_get_folders() {
    let f = fixture().await;
    f.s.folder(&f.admin, f.lib, "Archive").await;
    let node = call(
        &f.s,
        B::Soap12,
        "GetFolder",
        &[
            ("AuthenticationTicket", &f.t),
            ("Path", "/Finance/Reports"),
            ("WithRules", "false"),
            ("withPropertySets", "false"),
            ("withSecurity", "false"),
            ("withOwner", "true"),
        ],
    )
    .await;
    ok(&node);
    let folder = &node.children[0];
    assert_eq!(folder.name, "folder");
    assert_eq!(
        names(folder),
        vec![
            "FolderID",
            "ParentID",
            "Name",
            "Path",
            "Description",
            "CreationDate",
            "OwnerName",
            "DomainID"
        ]
    );
    assert_eq!(folder.attribute("FolderID"), Some(f.reports.to_string().as_str()));
    assert_eq!(folder.attribute("ParentID"), Some(f.lib.to_string().as_str()));
    assert_eq!(folder.attribute("Path"), Some("\\Finance\\Reports"));
    assert_eq!(folder.attribute("CreationDate"), Some("2026-03-01 09:00:00"));
    assert_eq!(folder.attribute("DomainID"), Some(f.lib.to_string().as_str()));
    let node = call(
        &f.s,
        B::Get,
        "GetFolder",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance/q9")],
    )
    .await;
    assert_eq!(
        attrs(&node),
        vec![("error", "Folder not found."), ("errorCode", "4041")]
    );

    let node = call(
        &f.s,
        B::Post,
        "GetFolders",
        &[("AuthenticationTicket", &f.t), ("Path", "/Finance")],
    )
    .await;
    ok(&node);
    assert_eq!(node.attribute("error"), Some(""));
    let listed: Vec<(&str, &str)> = node
        .children
        .iter()
        .map(|c| (c.attribute("Name").unwrap(), c.attribute("Path").unwrap()))
        .collect();
    assert_eq!(
        listed,
        vec![("Archive", "\\Finance\\Archive"), ("Reports", "\\Finance\\Reports")]
    );
    assert_eq!(
        names(&node.children[0]),
        vec!["FolderID", "Name", "Path", "Description", "CreationDate", "OwnerName"]
    );
    let node = call(
        &f.s,
        B::Get,
        "GetFolders",
        &[("AuthenticationTicket", &f.t), ("Path", "/Nope")],
    )
    .await;
    failed(&node, "Folder not found", "4041");
    assert_eq!(node.attribute("success"), Some("false"));

    let node = call(
        &f.s,
        B::Soap11,
        "GetFolders1",
        &[("AuthenticationTicket", &f.t), ("Path", "\\Finance")],
    )
    .await;
    assert_eq!(attrs(&node), vec![("success", "true"), ("itemcount", "2")]);
    let fs: Vec<(&str, Vec<&str>)> = node.children.iter().map(|c| (c.name.as_str(), names(c))).collect();
    assert_eq!(fs, vec![("f", vec!["id", "n"]), ("f", vec!["id", "n"])]);
    assert_eq!(node.children[1].attribute("n"), Some("Reports"));
    let node = call(
        &f.s,
        B::Get,
        "GetFolders1",
        &[("AuthenticationTicket", &f.t), ("Path", "\\Nope")],
    )
    .await;
    assert_eq!(
        attrs(&node),
        vec![("error", "Folder not found."), ("errorCode", "4041")]
    );
}

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
