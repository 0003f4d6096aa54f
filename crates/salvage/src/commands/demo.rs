//! The demo repository: a few libraries, folders and documents of several types, three users,
//! and some items in the trash, so a newcomer sees a working product at once.

use anyhow::Result;
use salvage_core::model::{NewUser, Role};
use salvage_core::Repository;
use std::net::SocketAddr;

pub const ADMIN_PASSWORD: &str = "demo-admin";
pub const USER_PASSWORD: &str = "demo-password";

pub async fn seed(repo: &Repository) -> Result<()> {
    let admin = repo
        .actor_by_name(salvage_core::DEFAULT_TENANT, salvage_core::DEFAULT_ADMIN)
        .await?;
    for (name, first, role) in [
        ("alice", "Alice", Role::IpsUser),
        ("bob", "Bob", Role::IpsUser),
        ("carol", "Carol", Role::ImagePortalUser),
    ] {
        let user = NewUser {
            username: name.into(),
            email: format!("{name}@example.com"),
            first_name: first.into(),
            last_name: "Demo".into(),
            password: USER_PASSWORD.into(),
            is_system_admin: false,
        };
        repo.create_user(&admin, &user, role).await?;
    }
    let invoice = repo.create_doc_type(&admin, "Invoice").await?;
    repo.create_doc_type(&admin, "Contract").await?;

    let files: &[(&str, &str)] = &[
        ("/Finance/Reports/2026/Q1 report.pdf", "%PDF-1.7 quarterly figures, Q1"),
        ("/Finance/Reports/2026/Q2 report.pdf", "%PDF-1.7 quarterly figures, Q2"),
        ("/Finance/Invoices/INV-1001.pdf", "%PDF-1.7 invoice 1001"),
        ("/Finance/Invoices/INV-1002.pdf", "%PDF-1.7 invoice 1002"),
        ("/Finance/Budget.xlsx", "budget spreadsheet"),
        (
            "/Marketing/Logos/logo.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
        (
            "/Marketing/Logos/logo-dark.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
        ("/Marketing/Campaigns/Spring/brief.docx", "spring campaign brief"),
        ("/Marketing/Campaigns/Spring/banner.png", "PNG banner"),
        ("/Marketing/Campaigns/Autumn/brief.docx", "autumn campaign brief"),
        ("/HR/Handbook.pdf", "%PDF-1.7 employee handbook"),
        ("/HR/Policies/Travel.md", "# Travel policy"),
    ];
    for (path, content) in files {
        let (folder, name) = path.rsplit_once('/').expect("demo paths have a folder");
        let parent = repo.ensure_folder_path(&admin, folder).await?;
        let (doc, _) = repo.upload(&admin, parent.id, name, &mut content.as_bytes()).await?;
        if name.starts_with("INV-") {
            repo.set_doc_type(&admin, doc.id, Some(invoice.id)).await?;
            repo.publish(&admin, doc.id, 1).await?;
        }
    }

    // Some accidents to recover from.
    let alice = repo.actor_by_name(salvage_core::DEFAULT_TENANT, "alice").await?;
    let bob = repo.actor_by_name(salvage_core::DEFAULT_TENANT, "bob").await?;
    let spring = repo.resolve(&alice, "/Marketing/Campaigns/Spring").await?;
    repo.delete(&alice, spring.id).await?;
    let logo = repo.resolve(&alice, "/Marketing/Logos/logo-dark.svg").await?;
    repo.delete(&alice, logo.id).await?;
    let q1 = repo.resolve(&bob, "/Finance/Reports/2026/Q1 report.pdf").await?;
    repo.delete(&bob, q1.id).await?;
    let travel = repo.resolve(&bob, "/HR/Policies/Travel.md").await?;
    repo.delete(&bob, travel.id).await?;
    repo.empty(&bob, false).await?;
    Ok(())
}

pub fn announce(address: SocketAddr) {
    println!("salvage demo is serving http://{address}/ with a throwaway repository (deleted when it stops).");
    println!("Log in as admin / {ADMIN_PASSWORD}, or as alice or bob / {USER_PASSWORD}:");
    println!("  curl -s -X POST http://{address}/api/v1/sessions -H 'content-type: application/json' \\");
    println!("       -d '{{\"login\":\"alice\",\"password\":\"{USER_PASSWORD}\"}}'");
    println!("  curl -s http://{address}/api/v1/trash -H 'authorization: Bearer <token>'");
    println!("The API is described at http://{address}/api/v1/openapi.json. Stop with Ctrl-C.");
}
