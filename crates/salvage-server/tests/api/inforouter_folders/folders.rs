//! Folders: FolderExists, CreateFolder (intermediate folders made), CreateFolder1, GetFolder and
//! GetFolders.

use super::*;

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
