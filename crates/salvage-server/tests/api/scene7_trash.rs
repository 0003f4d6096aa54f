//! The Scene7 IPS face's trash, folders, assets and uploads: the seed's restoreAssetsFromTrash
//! exchange, batches with mixed handles, folder deletion and restore, emptying and retention.

use crate::scene7::*;
use crate::support::*;
use chrono::Duration;
use reqwest::StatusCode;
use salvage_core::model::Role;
use salvage_server::soap::{read_document, Element};

fn items<'a>(ret: &'a Element, array: &str) -> Vec<&'a Element> {
    ret.child(array)
        .map(|a| a.children_named("items").collect())
        .unwrap_or_default()
}

async fn search(s: &Server, auth: &Auth, c: &str, extra: &str) -> Vec<(String, String, String)> {
    let r = call(
        s,
        auth,
        V2008,
        "searchAssets",
        &format!("<companyHandle>{c}</companyHandle><includeSubfolders>true</includeSubfolders>{extra}"),
    )
    .await;
    let ret = r.ret("searchAssets", V2008);
    let found: Vec<(String, String, String)> = items(&ret, "assetArray")
        .iter()
        .map(|a| {
            (
                text(a, "assetHandle").to_owned(),
                text(a, "folder").to_owned(),
                text(a, "trashState").to_owned(),
            )
        })
        .collect();
    assert_eq!(text(&ret, "totalRows"), found.len().to_string());
    found
}

async fn trash_state(s: &Server, c: &str, handle: &str) -> Option<String> {
    let r = call(
        s,
        &Auth::admin(),
        V2008,
        "getAssets",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[handle])),
    )
    .await;
    let ret = r.ret("getAssets", V2008);
    items(&ret, "assetArray")
        .first()
        .map(|a| text(a, "trashState").to_owned())
}

async fn folder_paths(s: &Server, c: &str) -> Vec<String> {
    let r = call(
        s,
        &Auth::admin(),
        V2008,
        "getFolders",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    let ret = r.ret("getFolders", V2008);
    ret.child("folderArray")
        .unwrap()
        .children
        .iter()
        .map(|f| text(f, "path").to_owned())
        .collect()
}

#[tokio::test]
async fn the_seed_exchange_deletes_and_restores_two_assets() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let one = asset(&s, tenant, "/uploads", "942.jpg").await;
    let two = asset(&s, tenant, "/uploads", "943.jpg").await;

    // deleteAssets, the doc's body with real handles.
    let r = soap(&s, &ann, &format!("<deleteAssetsParam xmlns=\"{V2008}\">\n   <companyHandle>{c}</companyHandle>\n   <assetHandleArray>\n      <items>{one}</items>\n      <items>{two}</items>\n   </assetHandleArray>\n</deleteAssetsParam>")).await;
    let ret = r.ret("deleteAssets", V2008);
    assert_eq!(
        (
            text(&ret, "successCount"),
            text(&ret, "warningCount"),
            text(&ret, "errorCount")
        ),
        ("2", "0", "0")
    );
    assert_eq!(search(&s, &ann, &c, "").await, vec![]);
    let trashed = search(&s, &ann, &c, "<trashState>InTrash</trashState>").await;
    assert_eq!(
        trashed.iter().map(|t| (t.1.as_str(), t.2.as_str())).collect::<Vec<_>>(),
        [("Acme/uploads/", "InTrash"); 2]
    );
    assert_eq!(search(&s, &ann, &c, "<trashState>Any</trashState>").await.len(), 2);

    // restoreAssetsFromTrash, the seed's request as written.
    let r = soap(&s, &ann, &format!("<restoreAssetsFromTrashParam xmlns=\"http://www.scene7.com/IpsApi/xsd/2008-01-15\">\n   <companyHandle>{c}</companyHandle>\n   <assetHandleArray>\n      <items>{one}</items>\n      <items>{two}</items>\n   </assetHandleArray>\n</restoreAssetsFromTrashParam>")).await;
    let ret = r.ret("restoreAssetsFromTrash", V2008);
    let names: Vec<&str> = ret.children.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        ["successCount", "warningCount", "errorCount"],
        "no empty detail arrays"
    );
    assert_eq!(
        (
            text(&ret, "successCount"),
            text(&ret, "warningCount"),
            text(&ret, "errorCount")
        ),
        ("2", "0", "0")
    );
    let live = search(&s, &ann, &c, "").await;
    assert_eq!(live.len(), 2);
    assert!(live
        .iter()
        .all(|(_, folder, state)| folder == "Acme/uploads/" && state == "NotInTrash"));
}

#[tokio::test]
async fn a_mixed_batch_reports_each_handle() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let (other_tenant, other) = company(&s, "Other").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let good = asset(&s, tenant, "/uploads", "good.jpg").await;
    let live = asset(&s, tenant, "/uploads", "live.jpg").await;
    let foreign = asset(&s, other_tenant, "/uploads", "foreign.jpg").await;
    for (company, handle) in [(&c, &good), (&other, &foreign)] {
        let r = call(
            &s,
            &Auth::admin(),
            V2008,
            "deleteAsset",
            &format!("<companyHandle>{company}</companyHandle><assetHandle>{handle}</assetHandle>"),
        )
        .await;
        assert!(
            r.ret("deleteAsset", V2008).children.is_empty(),
            "an empty deleteAssetReturn"
        );
    }
    let unknown = "a|999999";
    let r = call(
        &s,
        &ann,
        "http://www.scene7.com/IpsApi/xsd/2014-04-03",
        "restoreAssetsFromTrash",
        &format!(
            "<companyHandle>{c}</companyHandle>{}",
            handles(&[&good, unknown, &foreign, &live, "nonsense"])
        ),
    )
    .await;
    let ret = r.ret("restoreAssetsFromTrash", "http://www.scene7.com/IpsApi/xsd/2014-04-03");
    assert_eq!(
        (
            text(&ret, "successCount"),
            text(&ret, "warningCount"),
            text(&ret, "errorCount")
        ),
        ("1", "1", "3")
    );
    let warnings = items(&ret, "warningDetailArray");
    assert_eq!(text(warnings[0], "assetHandle"), live);
    assert_eq!(text(warnings[0], "code"), "30001");
    assert_eq!(text(warnings[0], "reason"), "Asset is not in the trash");
    let errors: Vec<(&str, &str)> = items(&ret, "errorDetailArray")
        .iter()
        .map(|e| (text(e, "assetHandle"), text(e, "code")))
        .collect();
    assert_eq!(
        errors,
        [(unknown, "30001"), (foreign.as_str(), "30001"), ("nonsense", "30001")]
    );
    // The other company's asset is still in its trash, ours is back.
    assert_eq!(trash_state(&s, &other, &foreign).await.as_deref(), Some("InTrash"));
    assert_eq!(trash_state(&s, &c, &good).await.as_deref(), Some("NotInTrash"));
    assert_eq!(
        trash_state(&s, &c, &foreign).await,
        None,
        "another company's asset is unknown here"
    );

    // The same handles for deleteAssets and emptyAssetsFromTrash.
    let r = call(
        &s,
        &ann,
        V2008,
        "deleteAssets",
        &format!(
            "<companyHandle>{c}</companyHandle>{}",
            handles(&[&good, unknown, &foreign])
        ),
    )
    .await;
    let ret = r.ret("deleteAssets", V2008);
    assert_eq!((text(&ret, "successCount"), text(&ret, "errorCount")), ("1", "2"));
    assert!(ret.child("warningDetailArray").is_none());
    let r = call(
        &s,
        &ann,
        V2008,
        "emptyAssetsFromTrash",
        &format!(
            "<companyHandle>{c}</companyHandle>{}",
            handles(&[&good, &live, &foreign])
        ),
    )
    .await;
    let ret = r.ret("emptyAssetsFromTrash", V2008);
    assert_eq!(
        (
            text(&ret, "successCount"),
            text(&ret, "warningCount"),
            text(&ret, "errorCount")
        ),
        ("1", "1", "1")
    );
    assert_eq!(trash_state(&s, &c, &good).await.as_deref(), Some("InEmptiedTrash"));
}

#[tokio::test]
async fn restoring_the_assets_of_a_deleted_folder_recreates_it() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let bob = Auth::user(&member(&s, tenant, "bob", Role::ImagePortalContrib).await);
    let hat = asset(&s, tenant, "/Images/Spring", "hat.jpg").await;
    let shoe = asset(&s, tenant, "/Images/Spring/Shoes", "shoe.png").await;
    let kept = asset(&s, tenant, "/Images", "kept.jpg").await;

    let r = call(
        &s,
        &ann,
        V2008,
        "deleteFolder",
        &format!("<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/Spring/</folderHandle>"),
    )
    .await;
    assert!(r.ret("deleteFolder", V2008).children.is_empty());
    assert_eq!(folder_paths(&s, &c).await, ["Acme/", "Acme/Images/"]);
    // The folder's assets are in the trash, each with the folder it was in.
    let mut trashed = search(&s, &ann, &c, "<trashState>InTrash</trashState>").await;
    trashed.sort();
    let mut expected = vec![
        (hat.clone(), "Acme/Images/Spring/".to_owned(), "InTrash".to_owned()),
        (
            shoe.clone(),
            "Acme/Images/Spring/Shoes/".to_owned(),
            "InTrash".to_owned(),
        ),
    ];
    expected.sort();
    assert_eq!(trashed, expected);
    assert_eq!(search(&s, &ann, &c, "").await.len(), 1, "only kept.jpg is live");
    // A trashed folder keeps its name: nothing new may take it while it could come back.
    let r = call(
        &s,
        &ann,
        V2008,
        "createFolder",
        &format!("<companyHandle>{c}</companyHandle><folderPath>Images/Spring</folderPath>"),
    )
    .await;
    r.fault("ipsApiFault", 30000);

    // Anyone whose role works the trash may restore (not only the deleter).
    let r = call(
        &s,
        &bob,
        V2008,
        "restoreAssetsFromTrash",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&shoe])),
    )
    .await;
    let ret = r.ret("restoreAssetsFromTrash", V2008);
    assert_eq!(text(&ret, "successCount"), "1", "{ret:?}");
    assert_eq!(
        folder_paths(&s, &c).await,
        [
            "Acme/",
            "Acme/Images/",
            "Acme/Images/Spring/",
            "Acme/Images/Spring/Shoes/"
        ]
    );
    assert_eq!(
        trash_state(&s, &c, &hat).await.as_deref(),
        Some("InTrash"),
        "the rest stays in the trash"
    );
    let r = call(
        &s,
        &ann,
        V2008,
        "restoreAssetsFromTrash",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat])),
    )
    .await;
    assert_eq!(text(&r.ret("restoreAssetsFromTrash", V2008), "successCount"), "1");
    let mut live: Vec<(String, String)> = search(&s, &ann, &c, "")
        .await
        .into_iter()
        .map(|(h, f, _)| (h, f))
        .collect();
    live.sort();
    let mut expected = vec![
        (hat.clone(), "Acme/Images/Spring/".to_owned()),
        (shoe.clone(), "Acme/Images/Spring/Shoes/".to_owned()),
        (kept.clone(), "Acme/Images/".to_owned()),
    ];
    expected.sort();
    assert_eq!(live, expected);
}

#[tokio::test]
async fn emptied_assets_are_purged_by_the_retention_sweep() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let gone = asset(&s, tenant, "/uploads", "gone.jpg").await;
    let waiting = asset(&s, tenant, "/uploads", "waiting.jpg").await;
    call(
        &s,
        &ann,
        V2008,
        "deleteAssets",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&gone, &waiting])),
    )
    .await
    .ret("deleteAssets", V2008);
    let r = call(
        &s,
        &ann,
        V2008,
        "emptyAssetsFromTrash",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&gone])),
    )
    .await;
    assert_eq!(text(&r.ret("emptyAssetsFromTrash", V2008), "successCount"), "1");
    assert_eq!(trash_state(&s, &c, &gone).await.as_deref(), Some("InEmptiedTrash"));
    let in_trash = search(&s, &ann, &c, "<trashState>InTrash</trashState>").await;
    assert_eq!(
        in_trash.iter().map(|t| t.0.as_str()).collect::<Vec<_>>(),
        [waiting.as_str()]
    );
    // The emptied trash is purged at the next sweep after a day; the trash after seven days.
    s.clock.advance(Duration::days(2));
    s.repo.sweep().await.unwrap();
    assert_eq!(trash_state(&s, &c, &gone).await, None);
    assert_eq!(trash_state(&s, &c, &waiting).await.as_deref(), Some("InTrash"));
    s.clock.advance(Duration::days(6));
    s.repo.sweep().await.unwrap();
    assert_eq!(trash_state(&s, &c, &waiting).await.as_deref(), Some("InEmptiedTrash"));
    s.clock.advance(Duration::days(2));
    s.repo.sweep().await.unwrap();
    assert_eq!(trash_state(&s, &c, &waiting).await, None);
}

#[tokio::test]
async fn folders_are_created_moved_renamed_and_listed_as_a_tree() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    asset(&s, tenant, "/Images", "logo.png").await;
    let r = call(
        &s,
        &ann,
        V2008,
        "createFolder",
        &format!("<companyHandle>{c}</companyHandle><folderPath>/Images/Spring</folderPath>"),
    )
    .await;
    assert_eq!(
        text(&r.ret("createFolder", V2008), "folderHandle"),
        "f|Acme/Images/Spring/"
    );
    call(
        &s,
        &ann,
        V2008,
        "createFolder",
        &format!("<companyHandle>{c}</companyHandle><folderPath>Acme/Images/Spring/</folderPath>"),
    )
    .await
    .fault("ipsApiFault", 30000);
    call(
        &s,
        &ann,
        V2008,
        "createFolder",
        &format!("<companyHandle>{c}</companyHandle><folderPath>Images/Archive</folderPath>"),
    )
    .await
    .ret("createFolder", V2008);
    let r = call(&s, &ann, V2008, "moveFolder", &format!("<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/Spring/</folderHandle><destFolderHandle>f|Acme/Images/Archive/</destFolderHandle>")).await;
    assert_eq!(
        text(&r.ret("moveFolder", V2008), "folderHandle"),
        "f|Acme/Images/Archive/Spring/"
    );
    let r = call(&s, &ann, V2008, "renameFolder", &format!("<companyHandle>{c}</companyHandle><folderHandle>f|Acme/Images/Archive/Spring/</folderHandle><folderName>Spring 2026</folderName>")).await;
    assert_eq!(
        text(&r.ret("renameFolder", V2008), "folderHandle"),
        "f|Acme/Images/Archive/Spring 2026/"
    );

    let r = call(
        &s,
        &ann,
        V2008,
        "getFolderTree",
        &format!("<companyHandle>{c}</companyHandle><depth>-1</depth>"),
    )
    .await;
    let ret = r.ret("getFolderTree", V2008);
    let root = ret.child("folders").unwrap();
    assert_eq!(text(root, "folderHandle"), "f|Acme/");
    assert_eq!(text(root, "hasSubfolders"), "true");
    let images = &root.child("subfolderArray").unwrap().children[0];
    assert_eq!(text(images, "path"), "Acme/Images/");
    let archive = &images.child("subfolderArray").unwrap().children[0];
    assert_eq!(text(archive, "path"), "Acme/Images/Archive/");
    let spring = &archive.child("subfolderArray").unwrap().children[0];
    assert_eq!(text(spring, "path"), "Acme/Images/Archive/Spring 2026/");
    assert_eq!(text(spring, "hasSubfolders"), "false");
    let r = call(
        &s,
        &ann,
        V2008,
        "getFolderTree",
        &format!("<companyHandle>{c}</companyHandle><folderPath>f|Acme/Images/</folderPath><depth>0</depth>"),
    )
    .await;
    let ret = r.ret("getFolderTree", V2008);
    let top = ret.child("folders").unwrap();
    assert_eq!(text(top, "path"), "Acme/Images/");
    assert!(top.child("subfolderArray").is_none());
}

#[tokio::test]
async fn assets_are_found_by_name_counted_moved_and_renamed() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let hat = asset(&s, tenant, "/Images", "Hat.jpg").await;
    let shoe = asset(&s, tenant, "/Images/Shoes", "shoe.png").await;
    let manual = asset(&s, tenant, "/Docs", "manual.pdf").await;
    asset(&s, tenant, "/Archive", "dummy.txt").await;
    let r = call(
        &s,
        &ann,
        V2008,
        "getAssetsByName",
        &format!("<companyHandle>{c}</companyHandle><nameArray><items>hat</items><items>manual</items></nameArray>"),
    )
    .await;
    let ret = r.ret("getAssetsByName", V2008);
    let found: Vec<(&str, &str, &str)> = items(&ret, "assetArray")
        .iter()
        .map(|a| (text(a, "assetHandle"), text(a, "type"), text(a, "fileName")))
        .collect();
    assert_eq!(found.len(), 2);
    assert!(found.contains(&(manual.as_str(), "Pdf", "manual.pdf")));
    assert!(found.contains(&(hat.as_str(), "Image", "Hat.jpg")));

    let r = call(
        &s,
        &ann,
        V2008,
        "getAssetCounts",
        &format!("<companyHandle>{c}</companyHandle>"),
    )
    .await;
    let ret = r.ret("getAssetCounts", V2008);
    let counts: Vec<(&str, &str)> = items(&ret, "countArray")
        .iter()
        .map(|i| (text(i, "assetType"), text(i, "count")))
        .collect();
    assert_eq!(counts, [("Asset", "1"), ("Image", "2"), ("Pdf", "1")]);

    // Search by folder, type and name, sorted and paged.
    let only_images = search(
        &s,
        &ann,
        &c,
        "<folder>f|Acme/Images/</folder><assetTypeArray><items>Image</items></assetTypeArray><sortBy>Name</sortBy>",
    )
    .await;
    assert_eq!(
        only_images.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(),
        [hat.as_str(), shoe.as_str()]
    );
    let r = call(&s, &ann, V2008, "searchAssets", &format!("<companyHandle>{c}</companyHandle><folder>Acme/Images/</folder><includeSubfolders>false</includeSubfolders>")).await;
    assert_eq!(
        items(&r.ret("searchAssets", V2008), "assetArray").len(),
        1,
        "without subfolders"
    );
    let r = call(&s, &ann, V2008, "searchAssets", &format!("<companyHandle>{c}</companyHandle><includeSubfolders>true</includeSubfolders><recordsPerPage>3</recordsPerPage><resultsPage>2</resultsPage><sortBy>Name</sortBy><sortDirection>Descending</sortDirection>")).await;
    let ret = r.ret("searchAssets", V2008);
    assert_eq!(text(&ret, "totalRows"), "4");
    assert_eq!(items(&ret, "assetArray").len(), 1);
    assert_eq!(text(items(&ret, "assetArray")[0], "name"), "dummy");
    let named = search(&s, &ann, &c, "<systemFieldConditionArray><items><field>Name</field><op>StartsWith</op><value>SH</value></items></systemFieldConditionArray>").await;
    assert_eq!(named.iter().map(|a| a.0.as_str()).collect::<Vec<_>>(), [shoe.as_str()]);

    let r = call(&s, &ann, V2008, "moveAssets", &format!("<companyHandle>{c}</companyHandle><assetMoveArray><items><assetHandle>{hat}</assetHandle><folderHandle>f|Acme/Docs/</folderHandle></items><items><assetHandle>a|999999</assetHandle><folderHandle>f|Acme/Docs/</folderHandle></items><items><assetHandle>{shoe}</assetHandle><folderHandle>f|Acme/Nowhere/</folderHandle></items></assetMoveArray>")).await;
    let ret = r.ret("moveAssets", V2008);
    assert_eq!((text(&ret, "successCount"), text(&ret, "errorCount")), ("1", "2"));
    let r = call(&s, &ann, V2008, "renameAsset", &format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle><newName>manual</newName><validateName>true</validateName>")).await;
    assert_eq!(
        text(&r.fault("ipsApiFault", 30000), "reason"),
        "Asset ID 'manual' is already in use."
    );
    let r = call(&s, &ann, V2008, "renameAsset", &format!("<companyHandle>{c}</companyHandle><assetHandle>{hat}</assetHandle><newName>Cap</newName><validateName>true</validateName><renameFiles>true</renameFiles>")).await;
    r.ret("renameAsset", V2008);
    let r = call(
        &s,
        &ann,
        V2008,
        "getAssets",
        &format!("<companyHandle>{c}</companyHandle>{}", handles(&[&hat])),
    )
    .await;
    let ret = r.ret("getAssets", V2008);
    let a = items(&ret, "assetArray")[0];
    assert_eq!(
        (text(a, "name"), text(a, "fileName"), text(a, "folderHandle")),
        ("Cap", "Cap.jpg", "f|Acme/Docs/")
    );
}

#[tokio::test]
async fn files_are_uploaded_through_the_upload_servlet() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let ann = member(&s, tenant, "ann", Role::IpsUser).await;
    // First-level folders are libraries, which only administrators create.
    asset(&s, tenant, "/Images", "logo.png").await;
    let ns = "http://www.scene7.com/IpsApi/xsd/2014-04-03";
    let boundary = "XyZ123";
    let part = |name: &str, extra: &str, body: &str| {
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"{extra}\r\nContent-Type: text/plain; charset=US-ASCII\r\n\r\n{body}\r\n")
    };
    let body = |auth: &str| {
        format!(
            "{}{}{}{}--{boundary}--\r\n",
            part("auth", "", &format!("<authHeader xmlns=\"{ns}\"><user>{ann}</user><password>{auth}</password><appName>up</appName><appVersion>1</appVersion><faultHttpStatusCode>200</faultHttpStatusCode></authHeader>")),
            part("uploadParams", "", &format!("<uploadPostParam xmlns=\"{ns}\"><companyHandle>{c}</companyHandle><jobName>upload-1</jobName><destFolder>Acme/Images/incoming/</destFolder><uploadParams><overwrite>true</overwrite><readyForPublish>true</readyForPublish><createMask>false</createMask><emailSetting>None</emailSetting></uploadParams></uploadPostParam>")),
            part("file1", "; filename=\"Acme/Servlet//1376682217351-1.jpg\"", "JPEG bytes"),
            part("file2", "; filename=\"other.png\"", "PNG bytes"),
        )
    };
    let post = |b: String| {
        s.http
            .post(format!("{}/scene7/UploadFile", s.base))
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(b)
            .send()
    };
    let res = post(body(PASSWORD)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let ret = read_document(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(ret.name, "uploadPostReturn");
    assert_eq!(ret.namespace.as_deref(), Some(ns));
    assert!(text(&ret, "jobHandle").contains("upload-1"));
    let mut found: Vec<(String, String)> = {
        let r = call(
            &s,
            &Auth::user(&ann),
            V2008,
            "searchAssets",
            &format!("<companyHandle>{c}</companyHandle><folder>f|Acme/Images/incoming/</folder>"),
        )
        .await;
        let ret = r.ret("searchAssets", V2008);
        items(&ret, "assetArray")
            .iter()
            .map(|a| (text(a, "fileName").to_owned(), text(a, "type").to_owned()))
            .collect()
    };
    found.sort();
    assert_eq!(
        found,
        [
            ("1376682217351-1.jpg".to_owned(), "Image".to_owned()),
            ("other.png".to_owned(), "Image".to_owned())
        ]
    );

    // IPS ids are unique in the company: `logo` is taken in another folder, so the upload gets a
    // numeral; the same file again in the same folder is a new version of it.
    let again = format!(
        "{}{}{}{}--{boundary}--\r\n",
        part("auth", "", &format!("<authHeader xmlns=\"{ns}\"><user>{ann}</user><password>{PASSWORD}</password></authHeader>")),
        part("uploadParams", "", &format!("<uploadPostParam xmlns=\"{ns}\"><companyHandle>{c}</companyHandle><jobName>upload-2</jobName><destFolder>Acme/Images/incoming/</destFolder><uploadParams><overwrite>true</overwrite></uploadParams></uploadPostParam>")),
        part("file1", "; filename=\"logo.jpg\"", "another logo"),
        part("file2", "; filename=\"other.png\"", "PNG bytes, version two"),
    );
    let res = post(again).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let r = call(
        &s,
        &Auth::user(&ann),
        V2008,
        "searchAssets",
        &format!("<companyHandle>{c}</companyHandle><folder>f|Acme/Images/incoming/</folder>"),
    )
    .await;
    let ret = r.ret("searchAssets", V2008);
    let mut names: Vec<&str> = items(&ret, "assetArray").iter().map(|a| text(a, "fileName")).collect();
    names.sort();
    assert_eq!(names, ["1376682217351-1.jpg", "logo-1.jpg", "other.png"]);

    // A wrong password: a bare fault, with the status the client asked for.
    let res = post(body("wrong")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let fault = read_document(&res.bytes().await.unwrap()).unwrap();
    assert_eq!(fault.name, "authenticationFault");
    assert_eq!(text(&fault, "code"), "10001");

    // uploadPost over SOAP opens a job.
    let r = call(
        &s,
        &Auth::user(&ann),
        ns,
        "uploadPost",
        &format!("<companyHandle>{c}</companyHandle><jobName>soap-job</jobName>"),
    )
    .await;
    assert!(text(&r.ret("uploadPost", ns), "jobHandle").contains("soap-job"));
}
