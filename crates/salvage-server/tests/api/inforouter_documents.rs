//! infoRouter document types, publishing, chunked uploads and multipart uploads.

use crate::inforouter::{call, error, ok, ticket, ALL, B};
use crate::support::*;
use base64::Engine as _;
use salvage_server::soap::{read_document, Element};

const B64: base64::engine::general_purpose::GeneralPurpose = base64::engine::general_purpose::STANDARD;

fn code(node: &Element) -> &str {
    node.attribute("errorCode").unwrap_or_default()
}

struct Fixture {
    s: Server,
    admin: String,
    t: String,
    lib: i64,
    doc: i64,
}

/// `/Finance` holding `q1.pdf` with two versions; `t` is an administrator's ticket.
async fn fixture() -> Fixture {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let doc = s.uploaded(&admin, lib, "q1.pdf", b"version one").await;
    s.uploaded(&admin, lib, "q1.pdf", b"version two").await;
    let t = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    Fixture { s, admin, t, lib, doc }
}

async fn published_version(f: &Fixture) -> i64 {
    f.s.ok(&format!("/api/v1/nodes/{}", f.doc), &f.admin).await["published_version"]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn document_types_and_publishing_follow_the_library_rule() {
    let f = fixture().await;
    let actor = f.s.repo.authenticate(&f.admin).await.unwrap();
    let invoice = f.s.repo.create_doc_type(&actor, "Invoice").await.unwrap();
    f.s.repo.set_requires_doc_type(&actor, f.lib, true).await.unwrap();
    let invoice_id = invoice.id.to_string();

    for b in ALL {
        let t = f.t.as_str();
        let types = call(&f.s, b, "GetDocumentTypes", &[("AuthenticationTicket", t)]).await;
        ok(&types);
        let list = types.child("DocumentTypes").unwrap();
        let entry = list.child("DocumentType").unwrap();
        assert_eq!(entry.attribute("TypeID"), Some(invoice_id.as_str()));
        assert_eq!(entry.attribute("TypeName"), Some("Invoice"));

        let rules = call(
            &f.s,
            b,
            "GetPublishingRequirements",
            &[("AuthenticationTicket", t), ("domainname", "Finance")],
        )
        .await;
        assert_eq!(rules.name, "root");
        ok(&rules);
        let req = rules.child("PublishingRequirements").unwrap();
        assert_eq!(req.child("PublishingRequirement").unwrap().text, "Doctype");
        let missing = call(
            &f.s,
            b,
            "GetPublishingRequirements",
            &[("AuthenticationTicket", t), ("domainname", "Nope")],
        )
        .await;
        assert_eq!(error(&missing), "Domain not found.");

        // Untyped: the library refuses to publish it.
        let path = "\\Finance\\q1.pdf";
        f.s.repo.set_doc_type(&actor, f.doc, None).await.unwrap();
        let refused = call(
            &f.s,
            b,
            "PublishDocument",
            &[
                ("AuthenticationTicket", t),
                ("DocumentPath", path),
                ("VersionNumber", "1000000"),
            ],
        )
        .await;
        assert_eq!(code(&refused), "4000", "{refused:?}");
        assert_eq!(published_version(&f).await, 0);

        let typed = call(
            &f.s,
            b,
            "UpdateDocumentType",
            &[
                ("AuthenticationTicket", t),
                ("Path", path),
                ("DocumentTypeID", &invoice_id),
            ],
        )
        .await;
        ok(&typed);
        let published = call(
            &f.s,
            b,
            "PublishDocument",
            &[
                ("AuthenticationTicket", t),
                ("DocumentPath", path),
                ("VersionNumber", "1000000"),
            ],
        )
        .await;
        ok(&published);
        assert_eq!(published_version(&f).await, 1);
        // `0` is the latest version; a short id names the document too.
        let short = format!("~D{}.pdf", f.doc);
        let latest = call(
            &f.s,
            b,
            "PublishDocument",
            &[
                ("AuthenticationTicket", t),
                ("DocumentPath", &short),
                ("VersionNumber", "0"),
            ],
        )
        .await;
        ok(&latest);
        assert_eq!(published_version(&f).await, 2);
        let no_version = call(
            &f.s,
            b,
            "PublishDocument",
            &[
                ("AuthenticationTicket", t),
                ("DocumentPath", path),
                ("VersionNumber", "9000000"),
            ],
        )
        .await;
        assert_eq!(error(&no_version), "Version not found");

        let unknown_type = call(
            &f.s,
            b,
            "UpdateDocumentType",
            &[("AuthenticationTicket", t), ("Path", path), ("DocumentTypeID", "999")],
        )
        .await;
        assert_eq!(error(&unknown_type), "Document type not found");
        let no_doc = call(
            &f.s,
            b,
            "UpdateDocumentType",
            &[
                ("AuthenticationTicket", t),
                ("Path", "\\Finance\\nope.pdf"),
                ("DocumentTypeID", "0"),
            ],
        )
        .await;
        assert_eq!(error(&no_doc), "Document not found.");
        f.s.repo.publish(&actor, f.doc, 0).await.unwrap();
    }
}

#[tokio::test]
async fn only_those_who_may_change_a_document_publish_it() {
    let f = fixture().await;
    f.s.user(&f.admin, "reader", "IpsUser").await;
    // Readers only: members get Read on the library.
    f.s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{}/acl", f.lib),
        Some(&f.admin),
        Some(serde_json::json!({ "inherited": false, "entries": [{ "principal": "members", "right": 2 }] })),
    )
    .await;
    let reader = ticket(&f.s, B::Get, "reader", "password 123").await;
    let node = call(
        &f.s,
        B::Get,
        "PublishDocument",
        &[
            ("AuthenticationTicket", &reader),
            ("DocumentPath", "/Finance/q1.pdf"),
            ("VersionNumber", "0"),
        ],
    )
    .await;
    assert_eq!(
        error(&node),
        "Access denied. To publish a document you must be the owner, a domain manager, or the author of at least one version."
    );
    assert_eq!(code(&node), "4030");
    assert_eq!(published_version(&f).await, 0);
    let node = call(
        &f.s,
        B::Get,
        "UpdateDocumentType",
        &[
            ("AuthenticationTicket", &reader),
            ("Path", "/Finance/q1.pdf"),
            ("DocumentTypeID", "0"),
        ],
    )
    .await;
    assert_eq!(error(&node), "Access denied");
}

async fn chunk(f: &Fixture, b: B, handler: &str, bytes: &[u8], crc: &str, last: bool) -> Element {
    let encoded = B64.encode(bytes);
    call(
        &f.s,
        b,
        "UploadFileChunk",
        &[
            ("AuthenticationTicket", &f.t),
            ("UploadHandler", handler),
            ("FileChunk", &encoded),
            ("ChunkHEXCRC", crc),
            ("LastChunk", if last { "true" } else { "false" }),
        ],
    )
    .await
}

async fn content_of(f: &Fixture, id: i64) -> Vec<u8> {
    let r = f.s.get(&format!("/api/v1/documents/{id}/content"), &f.admin).await;
    assert_eq!(r.status, 200);
    r.bytes
}

#[tokio::test]
async fn a_chunked_upload_larger_than_one_chunk_with_a_crc_retry() {
    let f = fixture().await;
    // 600 KiB of varied bytes: three chunks of 256 KiB, the last one partial.
    let content: Vec<u8> = (0..600 * 1024u32).map(|i| (i * 7 + i / 251) as u8).collect();
    // A 256 KiB chunk does not fit in a URL, so GET is left to the small uploads below.
    for (n, b) in [B::Post, B::Soap11, B::Soap12].into_iter().enumerate() {
        let created = call(
            &f.s,
            b,
            "CreateUploadHandler",
            &[("AuthenticationTicket", &f.t), ("PreferedChunkSize", "1000")],
        )
        .await;
        ok(&created);
        let size: usize = created.attribute("ChunkSize").unwrap().parse().unwrap();
        assert_eq!(size, 256 * 1024, "clamped to the smallest chunk");
        let handler = created.attribute("UploadHandler").unwrap().to_owned();
        let chunks: Vec<&[u8]> = content.chunks(size).collect();
        assert_eq!(chunks.len(), 3);
        for (i, part) in chunks.iter().enumerate() {
            let crc = format!("{:08X}", crc32fast::hash(part));
            let last = i + 1 == chunks.len();
            if i == 1 {
                // The first try is damaged in transit: refused, nothing kept, try again.
                let mut damaged = part.to_vec();
                damaged[10] ^= 0xff;
                let node = chunk(&f, b, &handler, &damaged, &crc, last).await;
                assert_eq!(node.attribute("tryagain"), Some("true"), "{node:?}");
                assert_ne!(node.attribute("success"), Some("true"));
            }
            let node = chunk(&f, b, &handler, part, &crc, last).await;
            assert_eq!(node.name, "root");
            assert_eq!(node.attribute("success"), Some("true"), "{node:?}");
            assert_eq!(node.attribute("tryagain"), Some("false"));
        }
        let name = format!("\\Finance\\big-{n}.bin");
        let stored = call(
            &f.s,
            b,
            "UploadDocumentWithHandler",
            &[
                ("AuthenticationTicket", &f.t),
                ("Path", &name),
                ("UploadHandler", &handler),
            ],
        )
        .await;
        assert_eq!(stored.name, "root");
        ok(&stored);
        assert_eq!(stored.attribute("VersionId"), Some("1000000"));
        let id: i64 = stored.attribute("DocumentId").unwrap().parse().unwrap();
        assert_eq!(
            content_of(&f, id).await,
            content,
            "the document is byte for byte what was sent"
        );
        // The handler is used up.
        let again = call(
            &f.s,
            b,
            "UploadDocumentWithHandler",
            &[
                ("AuthenticationTicket", &f.t),
                ("Path", &name),
                ("UploadHandler", &handler),
            ],
        )
        .await;
        assert_eq!(error(&again), "Invalid UploadHandler");
    }
}

#[tokio::test]
async fn upload_handlers_belong_to_their_user_and_refuse_bad_chunks() {
    let f = fixture().await;
    f.s.user(&f.admin, "other", "IpsUser").await;
    let other = ticket(&f.s, B::Get, "other", "password 123").await;
    let created = call(&f.s, B::Get, "CreateUploadHandler", &[("AuthenticationTicket", &f.t)]).await;
    assert_eq!(created.attribute("ChunkSize"), Some("1048576"));
    let handler = created.attribute("UploadHandler").unwrap().to_owned();

    // Another user's handler is unknown to them, for chunks, stores and deletes.
    let encoded = B64.encode(b"x");
    let node = call(
        &f.s,
        B::Get,
        "UploadFileChunk",
        &[
            ("AuthenticationTicket", &other),
            ("UploadHandler", &handler),
            ("FileChunk", &encoded),
            ("LastChunk", "true"),
        ],
    )
    .await;
    assert_eq!(error(&node), "Invalid UploadHandler");
    let node = call(
        &f.s,
        B::Get,
        "DeleteUploadHandler",
        &[("AuthenticationTicket", &other), ("UploadHandler", &handler)],
    )
    .await;
    assert_eq!(error(&node), "Invalid UploadHandler");

    // A chunk larger than granted, or not base64, is refused.
    let big = B64.encode(vec![0u8; 1024 * 1024 + 1]);
    let node = call(
        &f.s,
        B::Post,
        "UploadFileChunk",
        &[
            ("AuthenticationTicket", &f.t),
            ("UploadHandler", &handler),
            ("FileChunk", &big),
        ],
    )
    .await;
    assert_eq!(code(&node), "4000", "{node:?}");
    let node = call(
        &f.s,
        B::Get,
        "UploadFileChunk",
        &[
            ("AuthenticationTicket", &f.t),
            ("UploadHandler", &handler),
            ("FileChunk", "%%%"),
        ],
    )
    .await;
    assert_eq!(error(&node), "FileChunk is not valid base64.");

    // A store into a missing folder fails and keeps the handler for another try.
    let node = call(
        &f.s,
        B::Get,
        "UploadFileChunk",
        &[
            ("AuthenticationTicket", &f.t),
            ("UploadHandler", &handler),
            ("FileChunk", &encoded),
            ("LastChunk", "true"),
        ],
    )
    .await;
    ok(&node);
    let node = call(
        &f.s,
        B::Get,
        "UploadDocumentWithHandler",
        &[
            ("AuthenticationTicket", &f.t),
            ("Path", "\\Nope\\x.txt"),
            ("UploadHandler", &handler),
        ],
    )
    .await;
    assert_eq!(error(&node), "Folder not found");
    let node = call(
        &f.s,
        B::Get,
        "UploadDocumentWithHandler",
        &[
            ("AuthenticationTicket", &f.t),
            ("Path", "\\Finance\\x.txt"),
            ("UploadHandler", &handler),
        ],
    )
    .await;
    ok(&node);
    let id: i64 = node.attribute("DocumentId").unwrap().parse().unwrap();
    assert_eq!(content_of(&f, id).await, b"x");

    // Deleting an upload abandons it.
    let created = call(&f.s, B::Get, "CreateUploadHandler", &[("AuthenticationTicket", &f.t)]).await;
    let handler = created.attribute("UploadHandler").unwrap().to_owned();
    let node = call(
        &f.s,
        B::Get,
        "DeleteUploadHandler",
        &[("AuthenticationTicket", &f.t), ("UploadHandler", &handler)],
    )
    .await;
    ok(&node);
    let node = call(
        &f.s,
        B::Get,
        "UploadDocumentWithHandler",
        &[
            ("AuthenticationTicket", &f.t),
            ("Path", "\\Finance\\y.txt"),
            ("UploadHandler", &handler),
        ],
    )
    .await;
    assert_eq!(error(&node), "Invalid UploadHandler");
}

#[tokio::test]
async fn upload_document_takes_a_multipart_form() {
    let f = fixture().await;
    let form = reqwest::multipart::Form::new()
        .text("authenticationTicket", f.t.clone())
        .text("path", "\\Finance\\scan.png")
        .part(
            "fileContent",
            reqwest::multipart::Part::bytes(b"\x89PNG not really".to_vec()).file_name("scan.png"),
        );
    let res =
        f.s.http
            .post(format!("{}/srv.asmx/UploadDocument", f.s.base))
            .multipart(form)
            .send()
            .await
            .unwrap();
    assert_eq!(res.status(), 200);
    let node = read_document(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(node.name, "root");
    ok(&node);
    let id: i64 = node.attribute("DocumentId").unwrap().parse().unwrap();
    assert_eq!(content_of(&f, id).await, b"\x89PNG not really");
}
