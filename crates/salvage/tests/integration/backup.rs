//! The restore drill: `salvage backup` of an installation whose server keeps taking uploads and
//! deletions meanwhile; a server started on the backup serves its documents and its recycle bin,
//! and `salvage check` finds it consistent.

use crate::support::server::{serve, Running};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

const PASSWORD: &str = "correct horse";

fn salvage(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_salvage"))
        .args(args)
        .env("SALVAGE_DATA_DIR", data)
        .env("SALVAGE_ADMIN_PASSWORD", PASSWORD)
        .env_remove("SALVAGE_DATABASE_URL")
        .env_remove("SALVAGE_BLOB_URL")
        .output()
        .expect("run salvage")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn server_on(data: &Path) -> Running {
    serve(
        &["--listen", "127.0.0.1:0", "--data-dir", &data.display().to_string()],
        &[],
    )
}

async fn login(http: &Client, base: &str) -> String {
    let r = http
        .post(format!("{base}/api/v1/sessions"))
        .json(&json!({ "login": "admin", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned()
}

async fn upload(http: &Client, base: &str, token: &str, folder: i64, name: &str) -> i64 {
    let r = http
        .post(format!("{base}/api/v1/nodes/{folder}/documents"))
        .query(&[("name", name)])
        .bearer_auth(token)
        .body(format!("content of {name}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["document"]["id"].as_i64().unwrap()
}

async fn get(http: &Client, base: &str, token: &str, path: &str) -> (StatusCode, String) {
    let r = http
        .get(format!("{base}/api/v1{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_works_runs_as_an_installation_of_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let init = salvage(&data, &["init"]);
    assert!(init.status.success(), "{}", text(&init.stderr));
    let live = server_on(&data);
    let http = Client::new();
    let token = login(&http, &live.base).await;
    let r = http
        .post(format!("{}/api/v1/libraries", live.base))
        .bearer_auth(&token)
        .json(&json!({ "name": "Work" }))
        .send()
        .await
        .unwrap();
    let library = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let kept = upload(&http, &live.base, &token, library, "kept.txt").await;
    let deleted = upload(&http, &live.base, &token, library, "deleted.txt").await;
    let r = http
        .delete(format!("{}/api/v1/nodes/{deleted}", live.base))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let record = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();

    // Uploads and deletions go on while the backup runs.
    let busy = Arc::new(AtomicBool::new(true));
    let writer = {
        let (http, base, token, busy) = (http.clone(), live.base.clone(), token.clone(), busy.clone());
        tokio::spawn(async move {
            let mut n = 0;
            while busy.load(Ordering::Relaxed) {
                let id = upload(&http, &base, &token, library, &format!("busy-{n}.txt")).await;
                if n % 2 == 0 {
                    let r = http
                        .delete(format!("{base}/api/v1/nodes/{id}"))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status(), StatusCode::OK);
                }
                n += 1;
            }
            n
        })
    };
    let dest = dir.path().join("backup");
    let backup = {
        let (data, dest) = (data.clone(), dest.clone());
        tokio::task::spawn_blocking(move || salvage(&data, &["backup", &dest.display().to_string()]))
            .await
            .unwrap()
    };
    busy.store(false, Ordering::Relaxed);
    let written = writer.await.unwrap();
    assert!(
        backup.status.success(),
        "{}{}",
        text(&backup.stdout),
        text(&backup.stderr)
    );
    assert!(
        text(&backup.stdout).contains("all invariants hold in the copy"),
        "{}",
        text(&backup.stdout)
    );
    eprintln!("{written} uploads ran while the backup was taken");

    // A second backup into the same directory is refused.
    let again = salvage(&data, &["backup", &dest.display().to_string()]);
    assert!(!again.status.success());
    assert!(text(&again.stderr).contains("is not empty"), "{}", text(&again.stderr));

    // The drill: the backup is checked and served on its own.
    live.stop();
    let check = salvage(&dest, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
    let restored = server_on(&dest);
    let token = login(&http, &restored.base).await;
    let (status, content) = get(&http, &restored.base, &token, &format!("/documents/{kept}/content")).await;
    assert_eq!((status, content.as_str()), (StatusCode::OK, "content of kept.txt"));
    let (status, _) = get(&http, &restored.base, &token, &format!("/trash/{record}")).await;
    assert_eq!(status, StatusCode::OK, "the recycle bin came along");
    let r = http
        .post(format!("{}/api/v1/trash/restore", restored.base))
        .bearer_auth(&token)
        .json(&json!({ "items": [record] }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["results"][0]["status"], "restored");
    let (status, content) = get(&http, &restored.base, &token, &format!("/documents/{deleted}/content")).await;
    assert_eq!((status, content.as_str()), (StatusCode::OK, "content of deleted.txt"));
    restored.stop();
    let check = salvage(&dest, &["check"]);
    assert!(check.status.success(), "{}", text(&check.stdout));
}
