//! One role matrix for every face: what Scene7's per-operation table refuses a role (uploads for
//! WebServiceUser and ImagePortalUser; folder changes for those and the trial-site roles) is
//! refused over REST too, because the core checks it, not the face. The authorization matrix
//! covers renames, moves and new folders on REST and infoRouter; uploads over REST take a raw
//! body, so they are tried here.

use crate::support::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_role_scene7_refuses_uploads_cannot_upload_over_rest() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Media").await;
    let existing = s.uploaded(&admin, lib, "logo.png", b"v1").await;

    for role in ["WebServiceUser", "ImagePortalUser"] {
        let (_, token) = s.user(&admin, &format!("u-{role}"), role).await;
        let new = s.upload(&token, lib, &format!("{role}.txt"), b"new").await;
        assert_eq!(
            new.status,
            StatusCode::FORBIDDEN,
            "{role}: {}",
            String::from_utf8_lossy(&new.bytes)
        );
        assert_eq!(new.json()["code"], "permission-denied", "{role}");
        // A new version of an existing document is an upload as well.
        let version = s.upload(&token, lib, "logo.png", b"v2").await;
        assert_eq!(version.status, StatusCode::FORBIDDEN, "{role}");
    }
    let versions = s.ok(&format!("/api/v1/documents/{existing}/versions"), &admin).await;
    assert_eq!(
        versions.as_array().map(Vec::len),
        Some(1),
        "a refused upload added a version: {versions}"
    );
    let children = s.ok(&format!("/api/v1/nodes/{lib}/children"), &admin).await.to_string();
    assert!(
        !children.contains("WebServiceUser.txt") && !children.contains("ImagePortalUser.txt"),
        "{children}"
    );
}

#[tokio::test]
async fn a_trial_site_user_may_upload_but_not_change_folders() {
    let s = start().await;
    let admin = s.admin().await;
    let lib = s.library(&admin, "Trial").await;
    let (_, trial) = s.user(&admin, "trial", "TrialSiteUser").await;
    let (_, user) = s.user(&admin, "user", "IpsUser").await;

    s.uploaded(&trial, lib, "upload.txt", b"allowed").await;
    let folder = s
        .send(
            reqwest::Method::POST,
            &format!("/api/v1/nodes/{lib}/folders"),
            Some(&trial),
            Some(json!({ "name": "new" })),
        )
        .await;
    assert_eq!(folder.status, StatusCode::FORBIDDEN);
    assert_eq!(folder.json()["code"], "permission-denied");

    // The same calls by a role the matrix allows both.
    s.uploaded(&user, lib, "other.txt", b"allowed").await;
    s.folder(&user, lib, "new").await;
}
