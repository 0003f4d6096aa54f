//! Scene7 folders at the company root are folders like any other: moved into a folder, moved
//! back to the root, renamed and deleted through SOAP, with the tree, the assets' folders and
//! their restores right afterwards, and no fault that speaks of libraries (an IPS client has
//! never heard of them).

use crate::scene7::{self as s7, *};
use crate::support::*;
use salvage_core::model::Role;
use salvage_server::soap::Element;

struct Company {
    c: String,
    auth: Auth,
}

impl Company {
    async fn call(&self, s: &Server, op: &str, fields: &str) -> s7::Reply {
        self.call_as(s, &self.auth, op, fields).await
    }

    async fn call_as(&self, s: &Server, auth: &Auth, op: &str, fields: &str) -> s7::Reply {
        let c = &self.c;
        let r = call(
            s,
            auth,
            V2008,
            op,
            &format!("<companyHandle>{c}</companyHandle>{fields}"),
        )
        .await;
        let body = String::from_utf8_lossy(&r.bytes);
        assert!(!body.to_lowercase().contains("librar"), "{op}: {body}");
        r
    }

    /// moveFolder; the new handle.
    async fn move_folder(&self, s: &Server, folder: &str, dest: &str) -> String {
        let r = self
            .call(
                s,
                "moveFolder",
                &format!("<folderHandle>{folder}</folderHandle><destFolderHandle>{dest}</destFolderHandle>"),
            )
            .await;
        text(&r.ret("moveFolder", V2008), "folderHandle").to_owned()
    }

    /// Every folder's path, through getFolders.
    async fn folders(&self, s: &Server) -> Vec<String> {
        let r = self.call(s, "getFolders", "").await;
        let ret = r.ret("getFolders", V2008);
        ret.child("folderArray")
            .unwrap()
            .children
            .iter()
            .map(|f| text(f, "path").to_owned())
            .collect()
    }

    /// The folder tree through getFolderTree, as `path` lines indented by depth.
    async fn tree(&self, s: &Server) -> Vec<String> {
        fn walk(folder: &Element, depth: usize, out: &mut Vec<String>) {
            out.push(format!("{}{}", "  ".repeat(depth), text(folder, "path")));
            if let Some(subs) = folder.child("subfolderArray") {
                for sub in subs.children_named("items") {
                    walk(sub, depth + 1, out);
                }
            }
        }
        let r = self.call(s, "getFolderTree", "<depth>-1</depth>").await;
        let mut out = Vec::new();
        walk(r.ret("getFolderTree", V2008).child("folders").unwrap(), 0, &mut out);
        out
    }

    /// The folder and trash state of an asset, through getAssets.
    async fn asset(&self, s: &Server, handle: &str) -> (String, String) {
        let r = self.call(s, "getAssets", &handles(&[handle])).await;
        let ret = r.ret("getAssets", V2008);
        let a = ret.child("assetArray").unwrap().child("items").unwrap();
        (text(a, "folder").to_owned(), text(a, "trashState").to_owned())
    }

    async fn delete_asset(&self, s: &Server, handle: &str) {
        let r = self
            .call(s, "deleteAsset", &format!("<assetHandle>{handle}</assetHandle>"))
            .await;
        r.ret("deleteAsset", V2008);
    }

    async fn restore(&self, s: &Server, handle: &str) {
        let r = self.call(s, "restoreAssetsFromTrash", &handles(&[handle])).await;
        let ret = r.ret("restoreAssetsFromTrash", V2008);
        assert_eq!(text(&ret, "successCount"), "1", "{ret:?}");
    }
}

fn lines(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[tokio::test]
async fn top_level_folders_move_rename_and_delete_like_any_folder() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let chief = Auth::user(&member(&s, tenant, "chief", Role::IpsCompanyAdmin).await);
    let acme = Company { c, auth: chief };
    let hat = asset(&s, tenant, "/Images/Spring", "hat.jpg").await;
    let logo = asset(&s, tenant, "/Images", "logo.png").await;
    asset(&s, tenant, "/Video", "intro.mp4").await;

    // A top-level folder into another folder, with all it holds.
    let moved = acme.move_folder(&s, "f|Acme/Images/", "f|Acme/Video/").await;
    assert_eq!(moved, "f|Acme/Video/Images/");
    assert_eq!(
        acme.tree(&s).await,
        lines(&[
            "Acme/",
            "  Acme/Video/",
            "    Acme/Video/Images/",
            "      Acme/Video/Images/Spring/"
        ])
    );
    assert_eq!(acme.asset(&s, &hat).await.0, "Acme/Video/Images/Spring/");

    // A nested folder to the company root, by its handle or a plain path.
    let moved = acme.move_folder(&s, "f|Acme/Video/Images/Spring/", "f|Acme/").await;
    assert_eq!(moved, "f|Acme/Spring/");
    assert_eq!(
        acme.folders(&s).await,
        ["Acme/", "Acme/Spring/", "Acme/Video/", "Acme/Video/Images/"]
    );
    assert_eq!(acme.asset(&s, &hat).await.0, "Acme/Spring/");
    let moved = acme.move_folder(&s, "f|Acme/Video/Images/", "Acme/").await;
    assert_eq!(moved, "f|Acme/Images/");
    // Where it already is: nothing changes.
    assert_eq!(
        acme.move_folder(&s, "f|Acme/Images/", "f|Acme/").await,
        "f|Acme/Images/"
    );
    assert_eq!(
        acme.folders(&s).await,
        ["Acme/", "Acme/Images/", "Acme/Spring/", "Acme/Video/"]
    );

    // Renamed at the root.
    let r = acme
        .call(
            &s,
            "renameFolder",
            "<folderHandle>f|Acme/Spring/</folderHandle><folderName>Spring 2026</folderName>",
        )
        .await;
    assert_eq!(
        text(&r.ret("renameFolder", V2008), "folderHandle"),
        "f|Acme/Spring 2026/"
    );

    // Restores follow the folders where they went.
    acme.delete_asset(&s, &logo).await;
    acme.restore(&s, &logo).await;
    assert_eq!(
        acme.asset(&s, &logo).await,
        ("Acme/Images/".into(), "NotInTrash".into())
    );

    // Deleted at the root: its assets go to the trash, and one restored brings it back.
    let r = acme
        .call(&s, "deleteFolder", "<folderHandle>f|Acme/Spring 2026/</folderHandle>")
        .await;
    r.ret("deleteFolder", V2008);
    assert_eq!(acme.folders(&s).await, ["Acme/", "Acme/Images/", "Acme/Video/"]);
    assert_eq!(acme.asset(&s, &hat).await.1, "InTrash");
    acme.restore(&s, &hat).await;
    assert_eq!(
        acme.asset(&s, &hat).await,
        ("Acme/Spring 2026/".into(), "NotInTrash".into())
    );
    assert_eq!(
        acme.folders(&s).await,
        ["Acme/", "Acme/Images/", "Acme/Spring 2026/", "Acme/Video/"]
    );
    assert_eq!(s.repo.check().await.unwrap(), vec![]);
}

#[tokio::test]
async fn refused_folder_moves_speak_of_folders() {
    let s = start().await;
    let (tenant, c) = company(&s, "Acme").await;
    let chief = Auth::user(&member(&s, tenant, "chief", Role::IpsCompanyAdmin).await);
    let ann = Auth::user(&member(&s, tenant, "ann", Role::IpsUser).await);
    let acme = Company { c, auth: chief };
    asset(&s, tenant, "/Images/Spring", "hat.jpg").await;
    asset(&s, tenant, "/Video/Spring", "clip.mp4").await;
    asset(&s, tenant, "/Spring", "ball.png").await;
    let before = acme.folders(&s).await;

    let move_fields = |folder: &str, dest: &str| {
        format!("<folderHandle>{folder}</folderHandle><destFolderHandle>{dest}</destFolderHandle>")
    };
    // Into itself.
    let r = acme
        .call(
            &s,
            "moveFolder",
            &move_fields("f|Acme/Images/", "f|Acme/Images/Spring/"),
        )
        .await;
    r.fault("ipsApiFault", 30001);
    // A name taken at the root, and one taken in the destination folder.
    for (folder, dest) in [
        ("f|Acme/Video/Spring/", "f|Acme/"),
        ("f|Acme/Spring/", "f|Acme/Images/"),
    ] {
        let r = acme.call(&s, "moveFolder", &move_fields(folder, dest)).await;
        assert_eq!(
            text(&r.fault("ipsApiFault", 30000), "reason"),
            "The name 'Spring' is already in use."
        );
    }
    // Adding or taking away a top-level folder is the company administrators' (as creating
    // one is); a plain user is told so in IPS terms.
    for fields in [
        move_fields("f|Acme/Images/", "f|Acme/Video/"),
        move_fields("f|Acme/Video/Spring/", "f|Acme/"),
    ] {
        let r = acme.call_as(&s, &ann, "moveFolder", &fields).await;
        r.fault("authorizationFault", 20009);
    }
    assert_eq!(acme.folders(&s).await, before);
    assert_eq!(s.repo.check().await.unwrap(), vec![]);
}
