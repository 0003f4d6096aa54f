//! DESIGN.md rule 13 where clients meet it, on each face: "café" typed precomposed (NFC) and
//! then decomposed (NFD, as macOS sends it) is one name, so the second is a name conflict; a
//! name with a right-to-left override (U+202E, which makes "invoice<U+202E>fdp.exe" display as
//! "invoiceexe.pdf") is refused with the face's invalid-name answer.

use crate::inforouter::{call as ir_call, ok, ticket, B};
use crate::scene7::{call as s7_call, company, text, Auth, V2008};
use crate::support::*;
use salvage_core::name::FORMAT_CHARACTER_RULE;
use serde_json::json;

const CAFE_NFC: &str = "caf\u{e9}";
const CAFE_NFD: &str = "cafe\u{301}";
const SPOOFED: &str = "invoice\u{202e}fdp.exe";

#[tokio::test]
async fn rest_treats_nfd_as_the_nfc_name_and_refuses_format_characters() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "L").await;
    let folders = format!("/api/v1/nodes/{lib}/folders");
    let made = s.made(&folders, &admin, json!({ "name": CAFE_NFC })).await;
    assert_eq!(made["name"], CAFE_NFC);
    let p = s
        .post(&folders, &admin, json!({ "name": CAFE_NFD }))
        .await
        .problem(409, "name-conflict");
    assert!(p["detail"].as_str().unwrap().contains(CAFE_NFC), "{p}");

    let p = s
        .post(&folders, &admin, json!({ "name": SPOOFED }))
        .await
        .problem(422, "invalid-name");
    assert!(p["detail"].as_str().unwrap().contains(FORMAT_CHARACTER_RULE), "{p}");
    s.upload(&admin, lib, SPOOFED, b"MZ").await.problem(422, "invalid-name");
    let children = s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await;
    assert_eq!(children["items"].as_array().unwrap().len(), 1, "{children}");
}

#[tokio::test]
async fn inforouter_treats_nfd_as_the_nfc_name_and_refuses_format_characters() {
    let s = start().await;
    let admin = s.repo.actor_by_name("default", "admin").await.unwrap();
    s.repo.create_library(&admin, "Finance").await.unwrap();
    let t = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    let create = |b: B, name: &'static str| {
        let (s, t) = (&s, t.clone());
        async move {
            ir_call(
                s,
                b,
                "CreateFolder1",
                &[
                    ("AuthenticationTicket", &t),
                    ("ParentFolderPath", "\\Finance"),
                    ("NewFolderName", name),
                ],
            )
            .await
        }
    };
    ok(&create(B::Soap11, CAFE_NFC).await);
    for b in [B::Get, B::Soap12] {
        let node = create(b, CAFE_NFD).await;
        assert_eq!(
            node.attribute("error"),
            Some("An item named \"caf\u{e9}\" already exists in the target folder."),
            "{node:?}"
        );
        assert_eq!(node.attribute("errorCode"), Some("4090"), "{node:?}");

        let node = create(b, SPOOFED).await;
        assert_eq!(
            node.attribute("error"),
            Some(format!("Invalid folder name: \"{SPOOFED}\"").as_str()),
            "{node:?}"
        );
        assert_eq!(node.attribute("errorCode"), Some("4000"), "{node:?}");
    }
    let path = format!("\\Finance\\{CAFE_NFD}\\{SPOOFED}");
    let node = ir_call(
        &s,
        B::Post,
        "UploadDocument",
        &[("AuthenticationTicket", &t), ("Path", &path), ("FileContent", "TVo=")],
    )
    .await;
    assert_eq!(node.attribute("errorCode"), Some("4000"), "{node:?}");
    assert!(
        node.attribute("error").unwrap().starts_with("Invalid document name"),
        "{node:?}"
    );
    let finance = s.repo.resolve(&admin, "/Finance").await.unwrap();
    assert_eq!(s.repo.descendants(&admin, finance.id, 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn scene7_treats_nfd_as_the_nfc_name_and_refuses_format_characters() {
    let s = start().await;
    let (_, c) = company(&s, "Acme").await;
    let create = |path: String| {
        let (s, c) = (&s, c.clone());
        async move {
            s7_call(
                s,
                &Auth::admin(),
                V2008,
                "createFolder",
                &format!("<companyHandle>{c}</companyHandle><folderPath>{path}</folderPath>"),
            )
            .await
        }
    };
    let r = create(format!("Images/{CAFE_NFC}")).await;
    assert_eq!(
        text(&r.ret("createFolder", V2008), "folderHandle"),
        format!("f|Acme/Images/{CAFE_NFC}/")
    );
    let fault = create(format!("Acme/Images/{CAFE_NFD}/"))
        .await
        .fault("ipsApiFault", 30000);
    assert!(text(&fault, "reason").contains("already in use"), "{fault:?}");

    let fault = create(format!("Images/{SPOOFED}")).await.fault("ipsApiFault", 30001);
    assert!(text(&fault, "reason").contains(FORMAT_CHARACTER_RULE), "{fault:?}");
    // A decomposed spelling of a folder handle names the stored folder.
    let r = s7_call(
        &s,
        &Auth::admin(),
        V2008,
        "renameFolder",
        &format!(
            "<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/{CAFE_NFD}/</folderHandle><folderName>{SPOOFED}</folderName>"
        ),
    )
    .await;
    let fault = r.fault("ipsApiFault", 30001);
    assert!(text(&fault, "reason").contains(FORMAT_CHARACTER_RULE), "{fault:?}");
}
