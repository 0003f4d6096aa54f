//! The table's Scene7 IPS rows.

use super::*;

fn s7(op: &'static str, t: &Target, fields: &str) -> Call {
    Call::S7(op, format!("<companyHandle>{}</companyHandle>{fields}", t.company))
}

fn assets(handles: &[String]) -> String {
    let items: String = handles.iter().map(|h| format!("<items>{h}</items>")).collect();
    format!("<assetHandleArray>{items}</assetHandleArray>")
}

pub(super) fn s7_rows() -> Vec<Row> {
    use Api::Scene7 as S;
    vec![
        listing(S, "getCompanyInfo", |t| s7("getCompanyInfo", t, ""), S_ANYONE),
        listing(S, "getFolders", |t| s7("getFolders", t, ""), S_ANYONE),
        listing(
            S,
            "getFolderTree",
            |t| s7("getFolderTree", t, "<depth>2</depth>"),
            S_ANYONE,
        ),
        row(
            S,
            "createFolder",
            |t| {
                s7(
                    "createFolder",
                    t,
                    &format!("<folderPath>Lib/{}/{}/new</folderPath>", t.folder_name, t.sub_name),
                )
            },
            &[
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "ok"),
            ],
        ),
        row(
            S,
            "deleteFolder",
            |t| {
                s7(
                    "deleteFolder",
                    t,
                    &format!("<folderHandle>{}</folderHandle>", t.sub_handle()),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "moveFolder",
            |t| {
                s7(
                    "moveFolder",
                    t,
                    &format!(
                        "<folderHandle>{}</folderHandle><destFolderHandle>f|{TENANT}/Lib/</destFolderHandle>",
                        t.sub_handle()
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "renameFolder",
            |t| {
                s7(
                    "renameFolder",
                    t,
                    &format!(
                        "<folderHandle>{}</folderHandle><folderName>r{}</folderName>",
                        t.sub_handle(),
                        t.sub_name
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        listing(
            S,
            "searchAssets (in the trash)",
            |t| {
                s7(
                    "searchAssets",
                    t,
                    "<includeSubfolders>true</includeSubfolders><trashState>InTrash</trashState>",
                )
            },
            S_ANYONE,
        ),
        row(
            S,
            "getAssets",
            |t| s7("getAssets", t, &assets(&[format!("a|{}", t.doc)])),
            S_ANYONE,
        ),
        row(
            S,
            "getAssets (deleted)",
            |t| s7("getAssets", t, &assets(&[format!("a|{}", t.gone)])),
            S_ANYONE,
        ),
        row(
            S,
            "getAssetsByName",
            |t| {
                s7(
                    "getAssetsByName",
                    t,
                    &format!(
                        "<nameArray><items>{}</items></nameArray>",
                        t.doc_name.trim_end_matches(".txt")
                    ),
                )
            },
            S_ANYONE,
        ),
        listing(S, "getAssetCounts", |t| s7("getAssetCounts", t, ""), S_ANYONE),
        row(
            S,
            "moveAsset",
            |t| {
                s7(
                    "moveAsset",
                    t,
                    &format!(
                        "<assetHandle>a|{}</assetHandle><folderHandle>{}</folderHandle>",
                        t.doc,
                        t.sub_handle()
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "moveAssets",
            |t| {
                s7("moveAssets", t, &format!("<assetMoveArray><items><assetHandle>a|{}</assetHandle><folderHandle>{}</folderHandle></items></assetMoveArray>", t.doc, t.sub_handle()))
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "items 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", "items 30001"),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "renameAsset",
            |t| {
                s7(
                    "renameAsset",
                    t,
                    &format!(
                        "<assetHandle>a|{}</assetHandle><newName>r{}</newName><validateName>true</validateName>",
                        t.doc, t.doc
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "deleteAsset",
            |t| s7("deleteAsset", t, &format!("<assetHandle>a|{}</assetHandle>", t.doc)),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "deleteAssets",
            |t| s7("deleteAssets", t, &assets(&[format!("a|{}", t.doc)])),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "items 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", "items 30001"),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "restoreAssetsFromTrash",
            |t| s7("restoreAssetsFromTrash", t, &assets(&[format!("a|{}", t.gone)])),
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "items 30001"),
            ],
        ),
        row(
            S,
            "emptyAssetsFromTrash",
            |t| s7("emptyAssetsFromTrash", t, &assets(&[format!("a|{}", t.gone)])),
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "items 30001"),
            ],
        ),
        listing(
            S,
            "getCompanyMembership",
            |t| s7("getCompanyMembership", t, ""),
            S_ANYONE,
        ),
        listing(S, "getUserInfo", |_| Call::S7("getUserInfo", String::new()), S_ANYONE),
        listing(
            S,
            "checkLogin",
            |_| {
                Call::S7(
                    "checkLogin",
                    format!("<email>owner</email><password>{PASSWORD}</password>"),
                )
            },
            S_ANYONE,
        ),
        listing(
            S,
            "addCompany",
            |t| Call::S7("addCompany", format!("<companyName>C{}</companyName>", t.doc)),
            &[("admin", "ok"), S_ANON, S_BOGUS, ("*", S_ROLE)],
        ),
    ]
}
