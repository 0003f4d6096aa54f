//! The visibility rule where an attacker meets it: over HTTP, a deletion is never a way into a
//! folder an access list hides, and Scene7's "any trash role may restore" policy widens who may
//! restore, never what they see.

use crate::scene7::{call, company, handles, member, text, Auth, V2008};
use crate::support::*;
use salvage_core::acl::{AclEntry, Principal, Right};
use serde_json::json;

/// The story of the review: alice may change `/Projects/Alpha`, which holds `Secret`, a folder
/// whose own access list hides it from her. She deletes Alpha, reads what the deletion holds,
/// and tries to pick the salary file out of it into a folder of her own and download it.
#[tokio::test]
async fn a_deletion_is_not_a_way_into_a_hidden_folder() {
    let s = start().await;
    let admin = s.admin().await;
    let (_, alice) = s.user(&admin, "alice", "IpsUser").await;
    let (bob_id, _) = s.user(&admin, "bob", "IpsUser").await;
    let projects = s.library(&admin, "Projects").await;
    let alpha = s.folder(&admin, projects, "Alpha").await;
    let secret = s.folder(&admin, alpha, "Secret").await;
    let hidden = s
        .send(
            reqwest::Method::PUT,
            &format!("/api/v1/nodes/{secret}/acl"),
            Some(&admin),
            Some(json!({ "inherited": false, "entries": [{ "principal": "user", "id": bob_id, "right": 5 }] })),
        )
        .await;
    assert!(hidden.status.is_success());
    let salary = s.uploaded(&admin, secret, "salary-2026.txt", b"confidential").await;
    let home = s.library(&admin, "Home").await;

    let record = s.delete(&alice, alpha).await["id"].as_i64().unwrap();
    let contents = s.ok(&format!("/api/v1/trash/{record}/contents"), &alice).await;
    let listed = contents.to_string();
    assert!(!listed.contains("salary") && !listed.contains("Secret"), "{listed}");

    for body in [
        json!({ "nodes": [salary], "options": { "target_folder_id": home } }),
        json!({ "nodes": [secret], "options": { "target_folder_id": home } }),
    ] {
        let hidden = s.made("/api/v1/trash/restore", &alice, body.clone()).await;
        let unknown_body = json!({ "nodes": [987_654], "options": { "target_folder_id": home } });
        let unknown = s.made("/api/v1/trash/restore", &alice, unknown_body).await;
        assert_eq!(hidden["results"][0]["problem"], unknown["results"][0]["problem"]);
        let checked = s.made("/api/v1/trash/preflight", &alice, body).await;
        assert_eq!(checked["results"][0]["problem"], unknown["results"][0]["problem"]);
    }
    // The whole deletion may only go back where it was: Secret goes with it.
    let elsewhere = s
        .made(
            "/api/v1/trash/restore",
            &alice,
            json!({ "items": [record], "options": { "target_folder_id": home } }),
        )
        .await;
    assert_eq!(elsewhere["results"][0]["problem"]["code"], "would-grant-access");
    s.get(&format!("/api/v1/documents/{salary}/content"), &alice)
        .await
        .problem(404, "not-found");
    let children = s.ok(&format!("/api/v1/nodes/{home}/children"), &admin).await;
    assert_eq!(children["items"], json!([]), "nothing reached her folder");

    // In place it gives nobody anything: allowed to the deleter, and Secret stays hidden.
    let back = s
        .made("/api/v1/trash/restore", &alice, json!({ "items": [record] }))
        .await;
    assert_eq!(back["restored"], 1, "{back}");
    s.get(&format!("/api/v1/documents/{salary}/content"), &alice)
        .await
        .problem(404, "not-found");
    let rename = s
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/nodes/{salary}"),
            Some(&alice),
            Some(json!({ "name": "x.txt" })),
        )
        .await;
    let unknown = s
        .send(
            reqwest::Method::PATCH,
            "/api/v1/nodes/987654",
            Some(&alice),
            Some(json!({ "name": "x.txt" })),
        )
        .await;
    assert_eq!(rename.status, unknown.status);
    assert_eq!(rename.json()["code"], unknown.json()["code"]);
    assert!(!String::from_utf8_lossy(&rename.bytes).contains("salary"));
}

/// Under Scene7's policy every member whose role works the trash may restore anyone's items —
/// but only those they may see where they were deleted from.
#[tokio::test]
async fn the_any_trash_role_policy_never_shows_what_an_access_list_hides() {
    let s = start().await;
    let (tenant, company) = company(&s, "Acme").await;
    let alice = member(&s, tenant, "alice", salvage_core::model::Role::IpsUser).await;
    let bob = member(&s, tenant, "bob", salvage_core::model::Role::IpsUser).await;
    let repo = &s.repo;
    let admin_user = repo.check_login("admin", ADMIN_PASSWORD, None).await.unwrap();
    let admin = repo.actor_for(&admin_user, tenant).await.unwrap();
    let bob_user = repo.check_login(&bob, crate::scene7::PASSWORD, None).await.unwrap();
    let vault = repo.ensure_folder_path(&admin, "/Images/Vault").await.unwrap();
    let only_bob = [AclEntry {
        principal: Principal::User(bob_user.id),
        right: Right::Change,
    }];
    repo.set_access_list(&admin, vault.id, false, &only_bob, false)
        .await
        .unwrap();
    let hidden = crate::scene7::asset(&s, tenant, "/Images/Vault", "prototype.png").await;
    let open = crate::scene7::asset(&s, tenant, "/Images", "banner.png").await;
    let (bob_auth, alice_auth) = (Auth::user(&bob), Auth::user(&alice));
    for asset in [&hidden, &open] {
        call(
            &s,
            &bob_auth,
            V2008,
            "deleteAsset",
            &format!("<companyHandle>{company}</companyHandle><assetHandle>{asset}</assetHandle>"),
        )
        .await
        .ret("deleteAsset", V2008);
    }

    // She finds bob's deletion she may see, and not the other one.
    let found = call(
        &s,
        &alice_auth,
        V2008,
        "searchAssets",
        &format!(
            "<companyHandle>{company}</companyHandle><includeSubfolders>true</includeSubfolders><trashState>InTrash</trashState>"
        ),
    )
    .await;
    let body = String::from_utf8_lossy(&found.bytes).to_string();
    assert!(body.contains(&open) && !body.contains(&hidden), "{body}");
    let got = call(
        &s,
        &alice_auth,
        V2008,
        "getAssets",
        &format!("<companyHandle>{company}</companyHandle>{}", handles(&[&hidden])),
    )
    .await
    .ret("getAssets", V2008);
    assert!(got.child("assetArray").is_none_or(|a| a.children.is_empty()));

    // Emptying or restoring it answers as for an asset that never existed, and changes nothing.
    for op in ["emptyAssetsFromTrash", "restoreAssetsFromTrash"] {
        let reply = |asset: String| {
            let s = &s;
            let auth = alice_auth.clone();
            let company = company.clone();
            async move {
                let r = call(
                    s,
                    &auth,
                    V2008,
                    op,
                    &format!("<companyHandle>{company}</companyHandle>{}", handles(&[&asset])),
                )
                .await;
                String::from_utf8_lossy(&r.bytes).replace(&asset, "HANDLE")
            }
        };
        assert_eq!(reply(hidden.clone()).await, reply("a|987654".into()).await, "{op}");
    }
    let trash = repo
        .trash(&admin, &Default::default(), Default::default(), None, 10)
        .await
        .unwrap()
        .items;
    let hidden_record = trash.iter().find(|r| r.name == "prototype.png").unwrap();
    assert_eq!(
        hidden_record.stage,
        salvage_core::model::Stage::UserBin,
        "still in bob's bin"
    );

    // What she may see, she may restore; bob restores his own.
    for (auth, asset) in [(&alice_auth, &open), (&bob_auth, &hidden)] {
        let r = call(
            &s,
            auth,
            V2008,
            "restoreAssetsFromTrash",
            &format!("<companyHandle>{company}</companyHandle>{}", handles(&[asset])),
        )
        .await
        .ret("restoreAssetsFromTrash", V2008);
        assert_eq!(text(&r, "successCount"), "1");
    }
}
