//! infoRouter administrative operations over the bindings: users, domains and the delete log.

use crate::inforouter::{call, error, ok, ticket, ALL, B};
use crate::support::*;

#[tokio::test]
async fn users_over_every_binding() {
    let s = start().await;
    for (i, b) in ALL.into_iter().enumerate() {
        let at = ticket(&s, b, "admin", ADMIN_PASSWORD).await;
        let name = format!("user{i}");
        let created = call(
            &s,
            b,
            "CreateUser",
            &[
                ("AuthenticationTicket", &at),
                ("DomainName", ""),
                ("UserName", &name),
                ("FirstName", "Jo"),
                ("LastName", "Smith"),
                ("EmailAddress", ""),
                ("Password", "password 123"),
                ("ReadOnlyUser", "False"),
                ("AuthenticationSource", "native"),
            ],
        )
        .await;
        ok(&created);
        assert!(created.attribute("id").unwrap().parse::<i64>().unwrap() > 0);
        let again = call(
            &s,
            b,
            "CreateUser",
            &[
                ("AuthenticationTicket", &at),
                ("UserName", &name),
                ("Password", "password 123"),
            ],
        )
        .await;
        assert_eq!(error(&again), "Username already exists");
        let bad = call(
            &s,
            b,
            "CreateUser",
            &[
                ("AuthenticationTicket", &at),
                ("UserName", "x"),
                ("Password", "password 123"),
                ("ReadOnlyUser", "maybe"),
            ],
        )
        .await;
        assert_eq!(error(&bad), "Cannot convert maybe to System.Boolean.");

        let t = ticket(&s, b, &name, "password 123").await;
        let me = call(&s, b, "GetCurrentUser", &[("authenticationTicket", &t)]).await;
        assert_eq!(me.name, "root");
        let user = me.child("User").unwrap();
        assert_eq!(
            (
                user.attribute("UserName"),
                user.attribute("FirstName"),
                user.attribute("Enabled")
            ),
            (Some(name.as_str()), Some("Jo"), Some("TRUE"))
        );
        let keys: Vec<_> = user.attributes.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "exists",
                "UserID",
                "FirstName",
                "LastName",
                "Email",
                "Enabled",
                "UserName",
                "Domain",
                "LastLogonDate",
                "LastPasswordChangeDate",
                "AuthenticationAuthority",
                "ReadOnlyUser"
            ]
        );
        assert_eq!(
            call(&s, b, "GetUser", &[("AuthenticationTicket", &at), ("UserName", &name)])
                .await
                .child("User")
                .unwrap()
                .attribute("LastName"),
            Some("Smith")
        );
        assert_eq!(
            error(
                &call(
                    &s,
                    b,
                    "GetUser",
                    &[("AuthenticationTicket", &at), ("UserName", "nobody")]
                )
                .await
            ),
            "User not found"
        );
        assert_eq!(
            error(&call(&s, b, "GetUser", &[("AuthenticationTicket", &t), ("UserName", "admin")]).await),
            "User not found",
            "ordinary users read only themselves"
        );
        let all = call(&s, b, "GetAllUsers", &[("AuthenticationTicket", &at)]).await;
        assert_eq!(all.child("users").unwrap().children.len(), i + 2);
        assert_eq!(
            error(&call(&s, b, "GetAllUsers", &[("AuthenticationTicket", &t)]).await),
            "Access denied."
        );
        assert_eq!(
            error(
                &call(
                    &s,
                    b,
                    "CreateUser",
                    &[
                        ("AuthenticationTicket", &t),
                        ("UserName", "z"),
                        ("Password", "password 123")
                    ]
                )
                .await
            ),
            "Access denied"
        );
        assert_eq!(
            error(&call(&s, b, "GetCurrentUser", &[("authenticationTicket", "nonsense")]).await),
            "[901] Session expired or Invalid ticket"
        );
    }
}

#[tokio::test]
async fn domains_are_libraries() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, _) = s.user(&admin, "jo", "IpsUser").await;
    let at = ticket(&s, B::Post, "admin", ADMIN_PASSWORD).await;
    let jo = ticket(&s, B::Post, "jo", "password 123").await;
    ok(&call(
        &s,
        B::Post,
        "CreateDomain",
        &[
            ("AuthenticationTicket", &at),
            ("DomainName", "Finance"),
            ("Anonymous", "false"),
            ("Hidden", "FALSE"),
            ("WelcomeMessage", ""),
        ],
    )
    .await);
    ok(&call(
        &s,
        B::Get,
        "CreateDomain",
        &[
            ("AuthenticationTicket", &at),
            ("DomainName", "Archive"),
            ("Anonymous", "0"),
            ("Hidden", "1"),
            ("WelcomeMessage", ""),
        ],
    )
    .await);
    assert_eq!(
        error(
            &call(
                &s,
                B::Post,
                "CreateDomain",
                &[("AuthenticationTicket", &at), ("DomainName", "finance")]
            )
            .await
        ),
        "Domain already exists"
    );
    assert_eq!(
        error(
            &call(
                &s,
                B::Post,
                "CreateDomain",
                &[("AuthenticationTicket", &at), ("DomainName", "a/b")]
            )
            .await
        ),
        "Invalid domain name"
    );
    assert_eq!(
        error(
            &call(
                &s,
                B::Post,
                "CreateDomain",
                &[("AuthenticationTicket", &jo), ("DomainName", "Mine")]
            )
            .await
        ),
        "[1573] Only the system administrator can perform this operation"
    );
    let domains = call(&s, B::Soap12, "GetDomains", &[("AuthenticationTicket", &jo)]).await;
    let names: Vec<_> = domains
        .child("domains")
        .unwrap()
        .children
        .iter()
        .map(|d| d.attribute("DomainName").unwrap())
        .collect();
    assert_eq!(names, ["Archive", "Finance"]);
    assert_eq!(
        call(
            &s,
            B::Get,
            "DomainExists",
            &[("AuthenticationTicket", &jo), ("DomainName", "Finance")]
        )
        .await
        .attribute("exists"),
        Some("true")
    );
    assert_eq!(
        call(
            &s,
            B::Get,
            "DomainExists",
            &[("AuthenticationTicket", &jo), ("DomainName", "Nope")]
        )
        .await
        .attribute("exists"),
        Some("false")
    );
}

#[tokio::test]
async fn the_delete_log_lists_every_trash_transition() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, jo_rest) = s.user(&admin, "jo", "IpsUser").await;
    let lib = s.library(&admin, "Finance").await;
    let reports = s.folder(&admin, lib, "Reports").await;
    let doc = s.uploaded(&admin, reports, "q1.pdf", b"x").await;
    let folder = s.folder(&admin, lib, "Old").await;
    let doc_item = s.delete(&jo_rest, doc).await["id"].as_i64().unwrap();
    s.delete(&jo_rest, folder).await;
    s.made(
        "/api/v1/trash/restore",
        &jo_rest,
        serde_json::json!({ "items": [doc_item] }),
    )
    .await;
    s.made("/api/v1/trash/empty", &jo_rest, serde_json::json!({})).await;
    let at = ticket(&s, B::Soap11, "admin", ADMIN_PASSWORD).await;
    let log = call(
        &s,
        B::Soap11,
        "GetDeleteLog",
        &[
            ("AuthenticationTicket", &at),
            ("StartDate", "2026-03-01"),
            ("EndDate", "2026-03-01"),
            ("PathFilter", ""),
        ],
    )
    .await;
    ok(&log);
    let items = &log.child("logs").unwrap().children;
    let summary: Vec<_> = items
        .iter()
        .rev()
        .map(|i| {
            (
                i.attribute("ACTION").unwrap(),
                i.attribute("TYPE").unwrap(),
                i.attribute("NAME").unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("RECYCLE", "DOCUMENT", "q1.pdf"),
            ("RECYCLE", "FOLDER", "Old"),
            ("RESTORE", "DOCUMENT", "q1.pdf"),
            ("RECYCLE EMPTIED", "FOLDER", "Old")
        ]
    );
    let first = items.last().unwrap();
    let keys: Vec<_> = first.attributes.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "TYPE",
            "NAME",
            "PATH",
            "DATE",
            "ID",
            "DOMAINID",
            "DOMAINNAME",
            "ACTION",
            "USERID",
            "FULLNAME"
        ]
    );
    assert_eq!(
        (
            first.attribute("PATH"),
            first.attribute("DOMAINNAME"),
            first.attribute("ID")
        ),
        (
            Some("\\Finance\\Reports"),
            Some("Finance"),
            Some(doc.to_string().as_str())
        )
    );
    assert_eq!(first.attribute("DOMAINID"), Some(lib.to_string().as_str()));
    assert_eq!(first.attribute("FULLNAME"), Some("jo"));
    let filtered = call(
        &s,
        B::Get,
        "GetDeleteLog",
        &[
            ("AuthenticationTicket", &at),
            ("StartDate", ""),
            ("EndDate", ""),
            ("PathFilter", "\\Finance\\Reports\\*"),
        ],
    )
    .await;
    assert_eq!(filtered.child("logs").unwrap().children.len(), 2);
    let none = call(
        &s,
        B::Get,
        "GetDeleteLog",
        &[
            ("AuthenticationTicket", &at),
            ("StartDate", "2030-01-01"),
            ("EndDate", ""),
            ("PathFilter", ""),
        ],
    )
    .await;
    assert!(none.child("logs").unwrap().children.is_empty());
    let jo = ticket(&s, B::Get, "jo", "password 123").await;
    assert_eq!(
        error(&call(&s, B::Get, "GetDeleteLog", &[("AuthenticationTicket", &jo)]).await),
        "Insufficient rights."
    );
    assert_eq!(
        error(
            &call(
                &s,
                B::Get,
                "GetDeleteLog",
                &[("AuthenticationTicket", &at), ("StartDate", "someday")]
            )
            .await
        ),
        "String 'someday' was not recognized as a valid DateTime."
    );
}
