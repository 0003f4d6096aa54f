//! infoRouter access lists, FolderAccessAllowed and the recycle-bin settings.

use crate::inforouter::{call, error, ok, ticket, ALL, B};
use crate::support::*;
use salvage_server::soap::Element;

fn code(node: &Element) -> &str {
    node.attribute("errorCode").unwrap_or_default()
}

fn entries(list: &Element) -> Vec<(String, String, String)> {
    list.children
        .iter()
        .map(|e| {
            let who = e
                .attribute("GroupName")
                .or(e.attribute("UserName"))
                .unwrap_or_default()
                .to_owned();
            (e.name.clone(), who, e.attribute("Right").unwrap_or_default().to_owned())
        })
        .collect()
}

fn entry(kind: &str, who: &str, right: &str) -> (String, String, String) {
    (kind.to_owned(), who.to_owned(), right.to_owned())
}

async fn access_list(s: &Server, b: B, t: &str, path: &str) -> Element {
    let node = call(s, b, "GetAccessList", &[("AuthenticationTicket", t), ("Path", path)]).await;
    ok(&node);
    node.child("AccessList").unwrap().clone()
}

#[tokio::test]
async fn access_lists_are_read_and_written_by_name() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let q1 = s.folder(&admin, reports, "Q1").await;
    s.uploaded(&admin, reports, "q1.pdf", b"report").await;
    s.user(&admin, "jsmith", "IpsUser").await;
    let actor = s.repo.authenticate(&admin).await.unwrap();
    s.repo.create_group(&actor, "Authors").await.unwrap();
    // Q1 has a list of its own, which ApplyToTree will replace.
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{q1}/acl"),
        Some(&admin),
        Some(serde_json::json!({ "inherited": false, "entries": [{ "principal": "members", "right": 1 }] })),
    )
    .await;
    let t = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;

    for b in ALL {
        // Nothing set yet: members have the default right, inherited.
        s.send(
            reqwest::Method::PUT,
            &format!("/api/v1/nodes/{reports}/acl"),
            Some(&admin),
            Some(serde_json::json!({ "inherited": true, "entries": [] })),
        )
        .await;
        let list = access_list(&s, b, &t, "\\Finance\\Reports").await;
        assert_eq!(list.attribute("InheritedSecurity"), Some("true"));
        assert_eq!(
            entries(&list),
            vec![entry("Anonymous", "", "0"), entry("DomainMembers", "", "5")]
        );

        // The 2014 Ruby client's `Domain` attribute and the documented `DomainName` both work.
        let xml = r#"<AccessList><Anonymous Right="0"/><DomainMembers Right="2"/><UserGroup Domain="" GroupName="Authors" Right="4"/><User DomainName="Finance" UserName="jsmith" Right="9"/></AccessList>"#;
        let set = call(
            &s,
            b,
            "SetAccessList",
            &[
                ("AuthenticationTicket", &t),
                ("Path", "\\Finance\\Reports"),
                ("AccessListXML", xml),
                ("ApplyToTree", "false"),
            ],
        )
        .await;
        ok(&set);
        let list = access_list(&s, b, &t, "\\Finance\\Reports").await;
        assert_eq!(list.attribute("InheritedSecurity"), Some("false"));
        assert_eq!(
            entries(&list),
            vec![
                entry("Anonymous", "", "0"),
                entry("DomainMembers", "", "2"),
                entry("UserGroup", "Authors", "4"),
                entry("User", "jsmith", "6"),
            ]
        );
        let described: Vec<&str> = list
            .children
            .iter()
            .filter_map(|e| e.attribute("Description"))
            .collect();
        assert_eq!(described, vec!["No Access", "Read", "Add & Read", "Full Control"]);
        // A document shows its folder's list as inherited.
        let doc = access_list(&s, b, &t, "\\Finance\\Reports\\q1.pdf").await;
        assert_eq!(doc.attribute("InheritedSecurity"), Some("true"));
        assert_eq!(entries(&doc).len(), 4);
        // Q1 keeps its own list until the tree is told to inherit.
        let sub = access_list(&s, b, &t, "\\Finance\\Reports\\Q1").await;
        assert_eq!(entries(&sub)[1], entry("DomainMembers", "", "1"));
    }
    let set = call(
        &s,
        B::Get,
        "SetAccessList",
        &[
            ("AuthenticationTicket", &t),
            ("Path", "\\Finance\\Reports"),
            ("AccessListXML", "<AccessList><DomainMembers Right=\"3\"/></AccessList>"),
            ("ApplyToTree", "true"),
        ],
    )
    .await;
    ok(&set);
    let sub = access_list(&s, B::Get, &t, "\\Finance\\Reports\\Q1").await;
    assert_eq!(sub.attribute("InheritedSecurity"), Some("true"));
    assert_eq!(entries(&sub)[1], entry("DomainMembers", "", "3"));

    // Refusals, each with its reason; nothing changes.
    let cases = [
        ("/Finance/Nope", "<AccessList/>", "Path not found", "4041"),
        ("/Finance/Reports", "<AccessList>", "Invalid XML", "4000"),
        (
            "/Finance/Reports",
            "<!DOCTYPE x [<!ENTITY a \"b\">]><AccessList/>",
            "Invalid XML",
            "4000",
        ),
        (
            "/Finance/Reports",
            "<AccessList><User UserName=\"ghost\" Right=\"2\"/></AccessList>",
            "User not found: ghost",
            "4000",
        ),
    ];
    for (path, xml, message, expected) in cases {
        let node = call(
            &s,
            B::Post,
            "SetAccessList",
            &[("AuthenticationTicket", &t), ("Path", path), ("AccessListXML", xml)],
        )
        .await;
        assert_eq!((error(&node), code(&node)), (message, expected), "{xml}");
    }
    let list = access_list(&s, B::Get, &t, "\\Finance\\Reports").await;
    assert_eq!(entries(&list)[1], entry("DomainMembers", "", "3"));

    // Only who has Full Control changes security.
    let jsmith = ticket(&s, B::Get, "jsmith", "password 123").await;
    let node = call(
        &s,
        B::Get,
        "SetAccessList",
        &[
            ("AuthenticationTicket", &jsmith),
            ("Path", "/Finance/Reports"),
            ("AccessListXML", "<AccessList><DomainMembers Right=\"6\"/></AccessList>"),
        ],
    )
    .await;
    assert_eq!((error(&node), code(&node)), ("Access denied", "4030"));
    let node = call(&s, B::Get, "GetAccessList", &[("Path", "/Finance/Reports")]).await;
    assert_eq!(error(&node), "[900] Authentication failed");
}

#[tokio::test]
async fn folder_access_allowed_answers_per_action() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Finance").await;
    s.folder(&admin, lib, "Reports").await;
    s.user(&admin, "reader", "IpsUser").await;
    s.send(
        reqwest::Method::PUT,
        &format!("/api/v1/nodes/{lib}/acl"),
        Some(&admin),
        Some(serde_json::json!({ "inherited": false, "entries": [{ "principal": "members", "right": 2 }] })),
    )
    .await;
    let reader = ticket(&s, B::Get, "reader", "password 123").await;
    let admin_ticket = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    for b in ALL {
        let ask = |t: String, action: &'static str| {
            let s = &s;
            async move {
                call(
                    s,
                    b,
                    "FolderAccessAllowed",
                    &[
                        ("AuthenticationTicket", &t),
                        ("Path", "\\Finance\\Reports"),
                        ("ActionId", action),
                    ],
                )
                .await
            }
        };
        ok(&ask(reader.clone(), "41").await);
        let node = ask(reader.clone(), "37").await;
        assert_eq!((error(&node), code(&node)), ("Access denied", "4030"));
        let node = ask(reader.clone(), "2").await;
        assert_eq!(error(&node), "Access denied");
        ok(&ask(admin_ticket.clone(), "2").await);
        let node = ask(admin_ticket.clone(), "999").await;
        assert_eq!(code(&node), "4000");
        let node = call(
            &s,
            b,
            "FolderAccessAllowed",
            &[
                ("AuthenticationTicket", &reader),
                ("Path", "\\Finance\\Nope"),
                ("ActionId", "41"),
            ],
        )
        .await;
        assert_eq!(error(&node), "Folder not found");
    }
}

fn setting<'a>(doc: &'a Element, name: &str) -> &'a str {
    doc.child(name).map(|e| e.text.as_str()).unwrap_or_default()
}

#[tokio::test]
async fn recycle_bin_settings_are_read_by_all_and_set_by_administrators() {
    let s = start().await;
    let admin = s.admin().await;
    s.user(&admin, "jsmith", "IpsUser").await;
    let t = ticket(&s, B::Get, "admin", ADMIN_PASSWORD).await;
    let jsmith = ticket(&s, B::Get, "jsmith", "password 123").await;
    for (i, b) in ALL.into_iter().enumerate() {
        let node = call(&s, b, "GetGeneralAppSettings", &[("authenticationTicket", &jsmith)]).await;
        ok(&node);
        let doc = node.child("GeneralSettings").unwrap();
        let order: Vec<&str> = doc.children.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            order,
            vec![
                "UploadSettings",
                "AllowOwnershipTransfer",
                "WebDav",
                "DisplayAddIns",
                "MinYearInDateControls",
                "SystemRecycleBinAutoPurgeOption",
                "MoveUsersRecycleBinToSystemRecycleBinIn",
                "RerouteRedirections",
                "SendDiagnosticsAndStatistics",
                "Workdays",
                "HolidayList",
                "ZipDownloadSetting",
                "SearchPageSize",
            ]
        );

        // Clients send back the whole document they read, with their changes.
        let months = (i + 2).to_string();
        let days = (i * 10).to_string();
        let xml = format!(
            "<GeneralSettings><UploadSettings><DocumentMaxSize>1</DocumentMaxSize></UploadSettings><WebDav>true</WebDav>\
             <SystemRecycleBinAutoPurgeOption>{months}</SystemRecycleBinAutoPurgeOption>\
             <MoveUsersRecycleBinToSystemRecycleBinIn>{days}</MoveUsersRecycleBinToSystemRecycleBinIn></GeneralSettings>"
        );
        let node = call(
            &s,
            b,
            "SetGeneralAppSettings",
            &[("authenticationTicket", &t), ("settingsXml", &xml)],
        )
        .await;
        assert_eq!(node.name, "root");
        ok(&node);
        let node = call(&s, b, "GetGeneralAppSettings", &[("authenticationTicket", &t)]).await;
        let doc = node.child("GeneralSettings").unwrap();
        assert_eq!(setting(doc, "SystemRecycleBinAutoPurgeOption"), months);
        assert_eq!(setting(doc, "MoveUsersRecycleBinToSystemRecycleBinIn"), days);
        let rest = s.ok("/api/v1/settings/trash", &admin).await;
        assert_eq!(rest["system_bin_days"], (i as u64 + 2) * 30);
        assert_eq!(rest["user_bin_days"], i as u64 * 10);
    }

    let before = s.ok("/api/v1/settings/trash", &admin).await;
    let refused = [
        (
            jsmith.as_str(),
            "<GeneralSettings><SystemRecycleBinAutoPurgeOption>1</SystemRecycleBinAutoPurgeOption></GeneralSettings>",
            "4030",
        ),
        ("", "<GeneralSettings/>", "4010"),
        (t.as_str(), "not xml", "4000"),
        (
            t.as_str(),
            "<GeneralSettings><SystemRecycleBinAutoPurgeOption>40</SystemRecycleBinAutoPurgeOption></GeneralSettings>",
            "4000",
        ),
    ];
    for (who, xml, expected) in refused {
        let node = call(
            &s,
            B::Post,
            "SetGeneralAppSettings",
            &[("authenticationTicket", who), ("settingsXml", xml)],
        )
        .await;
        assert_eq!(code(&node), expected, "{node:?}");
    }
    let node = call(
        &s,
        B::Get,
        "SetGeneralAppSettings",
        &[("settingsXml", "<GeneralSettings/>")],
    )
    .await;
    assert_eq!(
        error(&node),
        "[2730]Insufficient rights. Anonymous users cannot perform this action"
    );
    let node = call(
        &s,
        B::Get,
        "SetGeneralAppSettings",
        &[("authenticationTicket", &t), ("settingsXml", "x")],
    )
    .await;
    assert_eq!(error(&node), "Invalid settings XML format");
    assert_eq!(
        s.ok("/api/v1/settings/trash", &admin).await,
        before,
        "refused calls change nothing"
    );
}
