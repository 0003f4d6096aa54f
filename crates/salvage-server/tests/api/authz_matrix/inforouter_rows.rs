//! The table's infoRouter rows (over the POST binding; the bindings share one dispatch).

use super::*;

fn ir(op: &'static str, params: &[(&'static str, String)]) -> Call {
    Call::Ir(op, params.to_vec())
}

pub(super) fn ir_rows() -> Vec<Row> {
    use Api::InfoRouter as I;
    vec![
        listing(
            I,
            "GetRecycleBinContent",
            |_| ir("GetRecycleBinContent", &[]),
            &[
                I_ANON,
                ("bogus", "[901] Session expired or Invalid ticket. #4010"),
                ("*", "ok"),
            ],
        ),
        listing(
            I,
            "SearchRecycledItems",
            |t| ir("SearchRecycledItems", &[("objectName", t.gone_name.clone())]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", I_ONLY_ADMIN)],
        ),
        row(
            I,
            "RestoreRecycleBinItem",
            |t| {
                ir(
                    "RestoreRecycleBinItem",
                    &[
                        ("ItemHandler", format!("D{}", t.record)),
                        ("RestorePath", String::new()),
                    ],
                )
            },
            I_RESTORE,
        ),
        row(
            I,
            "RestoreRecycleBinItem (to a path)",
            |t| {
                ir(
                    "RestoreRecycleBinItem",
                    &[("ItemHandler", format!("D{}", t.record)), ("RestorePath", t.sub_path())],
                )
            },
            I_RESTORE,
        ),
        row(
            I,
            "PurgeRecycleBinItem",
            |t| ir("PurgeRecycleBinItem", &[("ItemHandler", format!("D{}", t.record))]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", I_ONLY_ADMIN)],
        ),
        listing(
            I,
            "EmptyRecycleBin",
            |_| ir("EmptyRecycleBin", &[]),
            &[(NO_TRASH, "Access denied. #4030"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(
            I,
            "GetDeleteLog",
            |_| ir("GetDeleteLog", &[]),
            &[
                (ADMINS, "ok"),
                ("foreign", "ok"),
                I_ANON,
                I_BOGUS,
                ("*", "Insufficient rights. #4030"),
            ],
        ),
        listing(
            I,
            "GetGeneralAppSettings",
            |_| ir("GetGeneralAppSettings", &[]),
            I_ANYONE,
        ),
        listing(
            I,
            "SetGeneralAppSettings",
            |_| {
                ir("SetGeneralAppSettings", &[("settingsXml", "<GeneralSettings><SystemRecycleBinAutoPurgeOption>3</SystemRecycleBinAutoPurgeOption></GeneralSettings>".into())])
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), ("anon", "[2730]Insufficient rights. Anonymous users cannot perform this action #4010"), I_BOGUS, ("*", "Insufficient rights. Only an administrator can change the application settings. #4030")],
        ),
        row(
            I,
            "DeleteDocument",
            |t| ir("DeleteDocument", &[("Path", t.doc_path())]),
            &[(ADMINS, "ok"), (WRITERS, "ok"), ("foreign", "Document not found #4041"), ("anon", "User not found #4041"), I_BOGUS, ("*", "Access denied. #4030")],
        ),
        row(
            I,
            "DeleteFolder",
            |t| ir("DeleteFolder", &[("Path", t.sub_path())]),
            &[(ADMINS, "ok"), (WRITERS, "ok"), ("foreign", "Folder not found. #4041"), ("anon", "User not found #4041"), I_BOGUS, ("*", "Access denied. #4030")],
        ),
        row(
            I,
            "CreateFolder",
            |t| ir("CreateFolder", &[("Path", format!("{}/new", t.sub_path()))]),
            &[("reader", "Access denied #4030"), (NO_TRASH, "Access denied #4030"), ("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "CreateFolder1",
            |t| ir("CreateFolder1", &[("ParentFolderPath", t.sub_path()), ("NewFolderName", "new".into())]),
            &[("reader", "Access denied #4030"), (NO_TRASH, "Access denied #4030"), ("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "FolderExists",
            |t| ir("FolderExists", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolder",
            |t| ir("GetFolder", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolders",
            |t| ir("GetFolders", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolders1",
            |t| ir("GetFolders1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetDocuments1",
            |t| ir("GetDocuments1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFoldersAndDocuments1",
            |t| ir("GetFoldersAndDocuments1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "Move",
            |t| {
                ir(
                    "Move",
                    &[("SourcePath", t.doc_path()), ("DestinationPath", t.sub_path())],
                )
            },
            &[("reader", "Access denied. #4030"), (NO_TRASH, "Access denied. #4030"), ("foreign", "Source not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetDocument",
            |t| ir("GetDocument", &[("Path", t.doc_path())]),
            &[("foreign", "Document not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "DocumentExists",
            |t| ir("DocumentExists", &[("Path", t.doc_path())]),
            &[("foreign", "Document not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UploadDocument",
            |t| {
                ir(
                    "UploadDocument",
                    &[
                        ("Path", format!("{}/up.txt", t.sub_path())),
                        ("FileContent", "aGVsbG8=".into()),
                    ],
                )
            },
            &[("reader", "Access denied #4030"), (NO_UPLOAD, "Access denied #4030"), ("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UploadDocument1",
            |t| {
                ir(
                    "UploadDocument1",
                    &[
                        ("Path", format!("{}/up.txt", t.sub_path())),
                        ("FileContent", "aGVsbG8=".into()),
                        ("VersionComment", "c".into()),
                    ],
                )
            },
            &[("reader", "Access denied #4030"), (NO_UPLOAD, "Access denied #4030"), ("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "DownloadDocument",
            |t| ir("DownloadDocument", &[("Path", t.doc_path())]),
            &[("foreign anon bogus", "empty content"), ("*", "ok")],
        ),
        row(
            I,
            "PublishDocument",
            |t| {
                ir(
                    "PublishDocument",
                    &[("DocumentPath", t.doc_path()), ("VersionNumber", "1".into())],
                )
            },
            &[("reader", "Access denied. To publish a document you must be the owner, a domain manager, or the author of at least one version. #4030"), ("foreign", "Document not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UpdateDocumentType",
            |t| {
                ir(
                    "UpdateDocumentType",
                    &[("Path", t.doc_path()), ("DocumentTypeID", "0".into())],
                )
            },
            &[("reader", "Access denied #4030"), ("foreign", "Document not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(I, "GetDocumentTypes", |_| ir("GetDocumentTypes", &[]), I_ANYONE),
        listing(
            I,
            "GetPublishingRequirements",
            |_| ir("GetPublishingRequirements", &[("domainname", "Lib".into())]),
            &[("foreign", "Domain not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetAccessList",
            |t| ir("GetAccessList", &[("Path", t.sub_path())]),
            &[("foreign", "Path not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "SetAccessList",
            |t| {
                ir(
                    "SetAccessList",
                    &[
                        ("Path", t.sub_path()),
                        (
                            "AccessListXML",
                            "<AccessList><DomainMembers Right=\"2\"/></AccessList>".into(),
                        ),
                        ("ApplyToTree", "false".into()),
                    ],
                )
            },
            &[(ADMINS, "ok"), ("foreign", "Path not found #4041"), I_ANON, I_BOGUS, ("*", "Access denied #4030")],
        ),
        row(
            I,
            "FolderAccessAllowed (list)",
            |t| {
                ir(
                    "FolderAccessAllowed",
                    &[("Path", t.sub_path()), ("ActionId", "41".into())],
                )
            },
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(I, "GetDomains", |_| ir("GetDomains", &[]), I_ANYONE),
        listing(
            I,
            "DomainExists",
            |_| ir("DomainExists", &[("DomainName", "Lib".into())]),
            I_ANYONE,
        ),
        listing(
            I,
            "CreateDomain",
            |t| ir("CreateDomain", &[("DomainName", format!("D{}", t.doc))]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", "[1573] Only the system administrator can perform this operation #4030")],
        ),
    ]
}
