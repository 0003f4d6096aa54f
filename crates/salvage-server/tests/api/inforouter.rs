//! The infoRouter face at /srv.asmx: every recycle-bin operation over the four bindings, the
//! RestoreRecycleBinItem error table, and the binding-level errors ASMX clients see.

use crate::support::*;
use reqwest::StatusCode;
use salvage_server::soap::{read_document, read_envelope, Element};
use serde_json::json;

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum B {
    Get,
    Post,
    Soap11,
    Soap12,
}

pub(crate) const ALL: [B; 4] = [B::Get, B::Post, B::Soap11, B::Soap12];

pub(crate) fn soap_body(op: &str, params: &[(&str, &str)]) -> String {
    let fields: String = params
        .iter()
        .map(|(k, v)| format!("<tns:{k}>{}</tns:{k}>", v.replace('&', "&amp;").replace('<', "&lt;")))
        .collect();
    format!("<tns:{op}>{fields}</tns:{op}>")
}

/// Calls `op` over `b`; returns the content type and body.
pub(crate) async fn raw(s: &Server, b: B, op: &str, params: &[(&str, &str)]) -> (String, Vec<u8>) {
    let url = format!("{}/srv.asmx", s.base);
    let res = match b {
        B::Get => s.http.get(format!("{url}/{op}")).query(params).send().await.unwrap(),
        B::Post => s.http.post(format!("{url}/{op}")).form(params).send().await.unwrap(),
        B::Soap11 => {
            let body = format!("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:tns=\"http://tempuri.org/\"><soap:Body>{}</soap:Body></soap:Envelope>", soap_body(op, params));
            s.http
                .post(&url)
                .header("content-type", "text/xml; charset=utf-8")
                .header("SOAPAction", format!("\"http://tempuri.org/{op}\""))
                .body(body)
                .send()
                .await
                .unwrap()
        }
        B::Soap12 => {
            let body = format!("<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:tns=\"http://tempuri.org/\"><env:Body>{}</env:Body></env:Envelope>", soap_body(op, params));
            s.http
                .post(&url)
                .header(
                    "content-type",
                    format!("application/soap+xml; charset=utf-8; action=\"http://tempuri.org/{op}\""),
                )
                .body(body)
                .send()
                .await
                .unwrap()
        }
    };
    assert_eq!(res.status(), StatusCode::OK, "{b:?} {op}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    (content_type, res.bytes().await.unwrap().to_vec())
}

/// Calls `op` over `b` and returns the result node (`<response>` or `<root>`).
pub(crate) async fn call(s: &Server, b: B, op: &str, params: &[(&str, &str)]) -> Element {
    let (content_type, bytes) = raw(s, b, op, params).await;
    match b {
        B::Get | B::Post => {
            assert_eq!(content_type, "text/xml; charset=utf-8");
            assert!(bytes.starts_with(b"<?xml version=\"1.0\" encoding=\"utf-8\"?>"));
            read_document(&bytes).unwrap()
        }
        B::Soap11 | B::Soap12 => {
            let env = read_envelope(&bytes).unwrap();
            assert_eq!(env.body.name, format!("{op}Response"));
            let result = env.body.child(&format!("{op}Result")).unwrap();
            let node = result.children[0].clone();
            assert_eq!(node.namespace, None, "the result node is unqualified (xmlns=\"\")");
            node
        }
    }
}

pub(crate) fn ok(node: &Element) {
    assert_eq!(node.attribute("success"), Some("true"), "{node:?}");
}

pub(crate) fn error(node: &Element) -> &str {
    node.attribute("error").unwrap_or_default()
}

pub(crate) async fn ticket(s: &Server, b: B, user: &str, password: &str) -> String {
    let node = call(s, b, "AuthenticateUser", &[("UID", user), ("PWD", password)]).await;
    assert_eq!(node.name, "root");
    ok(&node);
    node.attribute("ticket").unwrap().to_owned()
}

#[tokio::test]
async fn recycle_bin_operations_over_every_binding() {
    let s = start().await;
    let admin = s.admin().await;
    s.user(&admin, "jsmith", "IpsUser").await;
    for b in ALL {
        let lib_name = format!("Lib{b:?}");
        let lib = s.library(&admin, &lib_name).await;
        let reports = s.folder(&admin, lib, "Reports").await;
        s.uploaded(&admin, reports, "q1.pdf", b"1234").await;
        s.uploaded(&admin, lib, "memo.txt", b"hi").await;
        let t = ticket(&s, b, "jsmith", "password 123").await;

        let deleted = call(
            &s,
            b,
            "DeleteDocument",
            &[("AuthenticationTicket", &t), ("Path", &format!("/{lib_name}/memo.txt"))],
        )
        .await;
        assert_eq!(
            (deleted.name.as_str(), deleted.attribute("success")),
            ("root", Some("true"))
        );
        ok(&call(
            &s,
            b,
            "DeleteFolder",
            &[
                ("AuthenticationTicket", &t),
                ("Path", &format!("\\{lib_name}\\Reports")),
            ],
        )
        .await);

        let bin = call(&s, b, "GetRecycleBinContent", &[("AuthenticationTicket", &t)]).await;
        ok(&bin);
        let names: Vec<_> = bin
            .children
            .iter()
            .map(|c| (c.name.as_str(), c.attribute("Name").unwrap()))
            .collect();
        assert_eq!(names, [("folder", "Reports"), ("document", "memo.txt")]);
        let folder = &bin.children[0];
        let keys: Vec<_> = folder.attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "Name",
                "DateDeleted",
                "TotalSize",
                "OriginalFolderId",
                "DeletePath",
                "DeletedById",
                "DeletedByName",
                "RecycledItemStatusId",
                "RecycledItemStatus",
                "Handler"
            ]
        );
        assert_eq!(folder.attribute("TotalSize"), Some("4"));
        assert_eq!(folder.attribute("DeletePath"), Some(format!("\\{lib_name}").as_str()));
        assert_eq!(folder.attribute("OriginalFolderId"), Some(lib.to_string().as_str()));
        assert_eq!(folder.attribute("DeletedByName"), Some("jsmith"));
        assert_eq!(folder.attribute("RecycledItemStatus"), Some("In User Recycle Bin"));
        assert!(folder.attribute("DateDeleted").unwrap().ends_with('Z'));
        let folder_handler = folder.attribute("Handler").unwrap().to_owned();
        let doc_handler = bin.children[1].attribute("Handler").unwrap().to_owned();
        assert!(folder_handler.starts_with('F') && doc_handler.starts_with('D'));

        // restore the folder in place, with a lower-case handler and the ticket spelled differently
        let restored = call(
            &s,
            b,
            "RestoreRecycleBinItem",
            &[
                ("authenticationticket", &t),
                ("ItemHandler", &folder_handler.to_lowercase()),
                ("RestorePath", ""),
            ],
        )
        .await;
        ok(&restored);
        assert_eq!(
            s.ok(&format!("/api/v1/resolve?path=/{lib_name}/Reports/q1.pdf"), &admin)
                .await["size"],
            4
        );

        // empty: memo.txt goes to the system bin, still listed as status 1
        ok(&call(&s, b, "EmptyRecycleBin", &[("AuthenticationTicket", &t)]).await);
        let bin = call(&s, b, "GetRecycleBinContent", &[("AuthenticationTicket", &t)]).await;
        assert_eq!(bin.children.len(), 1);
        assert_eq!(bin.children[0].attribute("RecycledItemStatusId"), Some("1"));
        assert_eq!(
            bin.children[0].attribute("RecycledItemStatus"),
            Some("In System Recycle Bin")
        );

        // administrators search everything, and purge
        let at = ticket(&s, b, "admin", ADMIN_PASSWORD).await;
        let found = call(
            &s,
            b,
            "SearchRecycledItems",
            &[
                ("authenticationTicket", &at),
                ("objectName", "MEMO"),
                ("deletedByUsername", "jsmith"),
                ("minSize", "0"),
            ],
        )
        .await;
        assert_eq!(found.children.len(), 1);
        ok(&call(
            &s,
            b,
            "PurgeRecycleBinItem",
            &[("AuthenticationTicket", &at), ("ItemHandler", &doc_handler)],
        )
        .await);
        ok(&call(
            &s,
            b,
            "PurgeRecycleBinItem",
            &[("AuthenticationTicket", &at), ("ItemHandler", &doc_handler)],
        )
        .await);
        assert!(call(&s, b, "GetRecycleBinContent", &[("AuthenticationTicket", &t)])
            .await
            .children
            .is_empty());
        ok(&call(&s, b, "LogOut", &[("AuthenticationTicket", &t)]).await);
        assert_eq!(
            error(&call(&s, b, "GetRecycleBinContent", &[("AuthenticationTicket", &t)]).await),
            "[901] Session expired or Invalid ticket."
        );
    }
}

#[tokio::test]
async fn restore_answers_every_error_of_its_table() {
    let s = start().await;
    let admin = s.admin().await;
    s.user(&admin, "alice", "IpsUser").await;
    s.user(&admin, "bob", "IpsUser").await;
    let lib = s.library(&admin, "Finance").await;
    let archive = s.folder(&admin, lib, "Archive").await;
    let locked = s.folder(&admin, lib, "Locked").await;
    let acl = json!({ "inherited": false, "entries": [ { "principal": "members", "right": 2 } ] });
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{locked}/acl"),
        Some(&admin),
        Some(acl),
    )
    .await;
    let gone = s.folder(&admin, lib, "Gone").await;
    let a = s.uploaded(&admin, gone, "a.txt", b"a").await;
    let b_doc = s.uploaded(&admin, lib, "b.txt", b"b").await;
    let c = s.folder(&admin, lib, "C").await;
    let alice = ticket(&s, B::Get, "alice", "password 123").await;
    let bob = ticket(&s, B::Get, "bob", "password 123").await;
    let alice_rest = s.login("alice", "password 123").await;
    let a_item = s.delete(&alice_rest, a).await["id"].as_i64().unwrap();
    let b_item = s.delete(&alice_rest, b_doc).await["id"].as_i64().unwrap();
    let c_item = s.delete(&alice_rest, c).await["id"].as_i64().unwrap();
    s.delete(&admin, gone).await;
    let restore = |t: String, handler: String, path: &'static str| {
        let s = &s;
        async move {
            error(
                &call(
                    s,
                    B::Get,
                    "RestoreRecycleBinItem",
                    &[
                        ("AuthenticationTicket", &t),
                        ("ItemHandler", &handler),
                        ("RestorePath", path),
                    ],
                )
                .await,
            )
            .to_owned()
        }
    };
    let d = |id: i64| format!("D{id}");
    assert_eq!(
        restore(String::new(), d(b_item), "").await,
        "[900] Authentication failed"
    );
    assert_eq!(
        restore("00000000-0000-0000-0000-000000000000".into(), d(b_item), "").await,
        "[901] Session expired or Invalid ticket"
    );
    for bad in ["", "X1", "D", "Dx"] {
        assert_eq!(restore(alice.clone(), bad.into(), "").await, "Invalid ItemHandler");
    }
    assert_eq!(
        restore(alice.clone(), "D999999".into(), "").await,
        "Document is no longer in the recycle bin."
    );
    assert_eq!(
        restore(alice.clone(), "F999999".into(), "").await,
        "Folder is no longer in the recycle bin."
    );
    // Someone else's deletion is not bob's to see: it answers as an unknown handler does.
    assert_eq!(
        restore(bob.clone(), d(b_item), "").await,
        "Document is no longer in the recycle bin."
    );
    assert_eq!(
        restore(alice.clone(), d(a_item), "").await,
        "The original location no longer exists."
    );
    assert_eq!(
        restore(alice.clone(), d(b_item), "/Finance/Nowhere").await,
        "Target folder not found"
    );
    assert_eq!(
        restore(alice.clone(), d(b_item), "/Finance/Locked").await,
        "Insufficient rights"
    );
    // the successes, and "no longer in the bin" the second time
    assert_eq!(restore(alice.clone(), d(a_item), "/Finance/Archive").await, "");
    assert_eq!(
        restore(alice.clone(), d(a_item), "/Finance/Archive").await,
        "Document is no longer in the recycle bin."
    );
    assert_eq!(restore(alice.clone(), format!("F{c_item}"), "").await, "");
    assert_eq!(
        restore(alice.clone(), format!("F{c_item}"), "").await,
        "Folder is no longer in the recycle bin."
    );
    assert_eq!(
        s.ok(&format!("/api/v1/nodes/{archive}/children"), &admin).await["items"][0]["name"],
        "a.txt"
    );
    // a name clash fails rather than overwrite
    s.uploaded(&admin, lib, "b.txt", b"new").await;
    assert!(restore(alice.clone(), d(b_item), "").await.contains("already exists"));
    // Her own deletion, once in the system bin, she sees but only an administrator restores.
    call(&s, B::Get, "EmptyRecycleBin", &[("AuthenticationTicket", &alice)]).await;
    let codes = call(
        &s,
        B::Get,
        "RestoreRecycleBinItem",
        &[
            ("AuthenticationTicket", &alice),
            ("ItemHandler", &d(b_item)),
            ("RestorePath", ""),
        ],
    )
    .await;
    assert_eq!(error(&codes), "Access denied.");
    assert_eq!(codes.attribute("errorCode"), Some("4030"));
}

#[tokio::test]
async fn a_deleter_an_outsider_and_an_administrator() {
    let s = start().await;
    let admin = s.admin().await;
    s.user(&admin, "a", "IpsUser").await;
    s.user(&admin, "b", "IpsUser").await;
    let lib = s.library(&admin, "L").await;
    s.folder(&admin, lib, "Elsewhere").await;
    let strict = s.library(&admin, "Strict").await;
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/libraries/{strict}/publishing-rule"),
        Some(&admin),
        Some(json!({ "requires_doc_type": true })),
    )
    .await;
    let doc = s.uploaded(&admin, lib, "published.txt", b"x").await;
    s.post(
        &format!("/api/v1/documents/{doc}/publish"),
        &admin,
        json!({ "version": 1 }),
    )
    .await;
    let a = ticket(&s, B::Soap11, "a", "password 123").await;
    let b = ticket(&s, B::Soap11, "b", "password 123").await;
    let at = ticket(&s, B::Soap11, "admin", ADMIN_PASSWORD).await;
    ok(&call(
        &s,
        B::Soap11,
        "DeleteDocument",
        &[("AuthenticationTicket", &a), ("Path", "/L/published.txt")],
    )
    .await);
    let bin = call(&s, B::Soap11, "GetRecycleBinContent", &[("AuthenticationTicket", &a)]).await;
    let handler = bin.children[0].attribute("Handler").unwrap().to_owned();
    assert!(
        call(&s, B::Soap11, "GetRecycleBinContent", &[("AuthenticationTicket", &b)])
            .await
            .children
            .is_empty(),
        "b's bin is b's own"
    );
    assert_eq!(
        error(
            &call(
                &s,
                B::Soap11,
                "RestoreRecycleBinItem",
                &[
                    ("AuthenticationTicket", &b),
                    ("ItemHandler", &handler),
                    ("RestorePath", "")
                ]
            )
            .await
        ),
        "Document is no longer in the recycle bin.",
        "a's deletion is not b's to see"
    );
    assert_eq!(
        error(&call(&s, B::Soap11, "SearchRecycledItems", &[("authenticationTicket", &b)]).await),
        "Only the system administrator can perform this operation."
    );
    assert_eq!(
        error(
            &call(
                &s,
                B::Soap11,
                "PurgeRecycleBinItem",
                &[("AuthenticationTicket", &b), ("ItemHandler", &handler)]
            )
            .await
        ),
        "Only the system administrator can perform this operation."
    );
    // the administrator restores it into a library that requires a document type: published version resets
    ok(&call(
        &s,
        B::Soap11,
        "RestoreRecycleBinItem",
        &[
            ("AuthenticationTicket", &at),
            ("ItemHandler", &handler),
            ("RestorePath", "/Strict"),
        ],
    )
    .await);
    let restored = s.ok("/api/v1/resolve?path=/Strict/published.txt", &admin).await;
    assert_eq!(
        (restored["id"].as_i64(), restored["published_version"].as_i64()),
        (Some(doc), Some(0))
    );
}

#[tokio::test]
async fn binding_errors_answer_as_asmx_does() {
    let s = start().await;
    let url = format!("{}/srv.asmx", s.base);
    let unknown = s.http.get(format!("{url}/NoSuchOperation")).send().await.unwrap();
    assert_eq!(unknown.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(unknown.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    assert!(unknown
        .text()
        .await
        .unwrap()
        .contains("NoSuchOperation Web Service method name is not valid."));
    let wrong_case = s
        .http
        .get(format!("{url}/authenticateuser?UID=a&PWD=b"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_case.status(), StatusCode::INTERNAL_SERVER_ERROR);

    let envelope = |inner: &str| {
        format!("<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>{inner}</soap:Body></soap:Envelope>")
    };
    let post = |body: String, action: Option<&'static str>| {
        let mut req = s
            .http
            .post(&url)
            .header("content-type", "text/xml; charset=utf-8")
            .body(body);
        if let Some(a) = action {
            req = req.header("SOAPAction", a);
        }
        req.send()
    };
    let fault = post(
        envelope("<Nope xmlns=\"http://tempuri.org/\"/>"),
        Some("\"http://tempuri.org/Nope\""),
    )
    .await
    .unwrap();
    assert_eq!(fault.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let text = fault.text().await.unwrap();
    assert!(
        text.contains("<faultcode>soap:Client</faultcode>")
            && text.contains("Server did not recognize the value of HTTP Header SOAPAction: http://tempuri.org/Nope."),
        "{text}"
    );
    // without SOAPAction the first body element routes the call
    let routed = post(envelope("<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>admin</UID><PWD>admin password</PWD></AuthenticateUser>"), None).await.unwrap();
    assert_eq!(routed.status(), StatusCode::OK);
    assert!(routed.text().await.unwrap().contains("ticket="));
    for hostile in [
        "<!DOCTYPE x [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;\">]><x>&b;</x>".to_owned(),
        envelope("<AuthenticateUser xmlns=\"http://tempuri.org/\"><UID>&xxe;</UID></AuthenticateUser>"),
        envelope(&format!("{}{}", "<a>".repeat(100), "</a>".repeat(100))),
        "<not closed".to_owned(),
    ] {
        let r = post(hostile, Some("\"http://tempuri.org/AuthenticateUser\""))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        assert!(r.text().await.unwrap().contains("soap:Client"));
    }
    let big = s
        .http
        .post(&url)
        .header("content-type", "text/xml")
        .body(vec![b' '; salvage_server::Limits::default().max_soap_bytes + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(big.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_wsdl_describes_four_bindings_of_every_operation() {
    let s = start().await;
    let res = s.http.get(format!("{}/srv.asmx?wsdl", s.base)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let wsdl = read_document(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(wsdl.name, "definitions");
    let bindings: Vec<_> = wsdl
        .children_named("binding")
        .map(|b| b.attribute("name").unwrap())
        .collect();
    assert_eq!(bindings, ["srvSoap", "srvSoap12", "srvHttpGet", "srvHttpPost"]);
    for binding in wsdl.children_named("binding") {
        let ops: Vec<_> = binding
            .children_named("operation")
            .map(|o| o.attribute("name").unwrap())
            .collect();
        assert_eq!(ops.len(), salvage_server::inforouter::operations().count());
        assert!(ops.contains(&"RestoreRecycleBinItem"));
    }
    let service = wsdl.child("service").unwrap();
    assert_eq!(service.attribute("name"), Some("srv"));
    let address = service.children[0].children[0].attribute("location").unwrap();
    assert!(address.ends_with("/srv.asmx"), "{address}");
    let page = s
        .http
        .get(format!("{}/srv.asmx", s.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("RestoreRecycleBinItem"));
}

/// A cookie authenticates reads only; `trust.rs` has the rule for every change.
#[tokio::test]
async fn the_ticket_of_a_read_may_come_from_a_cookie() {
    let s = start().await;
    let t = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    let res = s
        .http
        .get(format!("{}/srv.asmx/GetRecycleBinContent", s.base))
        .header("cookie", format!("lang=en; ticket={t}"))
        .send()
        .await
        .unwrap();
    let node = read_document(&res.bytes().await.unwrap()).unwrap();
    ok(&node);
    let res = s
        .http
        .get(format!("{}/srv.asmx/LogOut", s.base))
        .header("cookie", format!("ticket={t}"))
        .send()
        .await
        .unwrap();
    let refused = read_document(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(error(&refused), "[900] Authentication failed");
    ok(&call(&s, B::Get, "isValidTicket", &[("AuthenticationTicket", &t)]).await);
    ok(&call(&s, B::Get, "LogOut", &[("AuthenticationTicket", &t)]).await);
    let after = call(&s, B::Get, "isValidTicket", &[("AuthenticationTicket", &t)]).await;
    assert_eq!(error(&after), "[901] Session expired or Invalid ticket");
}
