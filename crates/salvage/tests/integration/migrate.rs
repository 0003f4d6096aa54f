//! `salvage migrate` moves an embedded installation (SQLite and a blob directory) to
//! PostgreSQL and an S3 bucket (moto's server), and back to SQLite: every item, version, trash
//! record and id counter arrives, and the copy passes `salvage check`.

use salvage_blob::S3BlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::model::Actor;
use salvage_core::{Config, Repository};
use salvage_store::testing::ScratchDatabase;
use salvage_store::{PgStore, SqliteStore};
use salvage_testkit::MotoServer;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use tokio::io::AsyncReadExt;

const BUCKET: &str = "salvage-migrate";

/// One installation as the commands see it: a data directory and, for the shared setup, the
/// database and blob URLs with the S3 settings.
struct Install {
    data: PathBuf,
    vars: Vec<(String, String)>,
}

impl Install {
    fn run(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_salvage"));
        cmd.args(args)
            .env("SALVAGE_DATA_DIR", &self.data)
            .env_remove("SALVAGE_DATABASE_URL")
            .env_remove("SALVAGE_BLOB_URL")
            .env_remove("SALVAGE_USER")
            .env("SALVAGE_ADMIN_PASSWORD", "correct horse");
        for (k, v) in &self.vars {
            cmd.env(k, v);
        }
        cmd.output().expect("run salvage")
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "salvage {args:?} failed: {}{}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        serde_json::from_str(&self.ok(&all)).expect("valid JSON")
    }

    /// Everything a user can see: the live tree, the recycle bin, and each bin item's contents.
    fn everything(&self) -> Value {
        let trash = self.json(&["trash", "list"]);
        let shown: Vec<Value> = trash
            .as_array()
            .unwrap()
            .iter()
            .map(|item| self.json(&["trash", "show", &item["id"].to_string()]))
            .collect();
        serde_json::json!({ "tree": self.json(&["ls", "-R", "/"]), "trash": trash, "shown": shown })
    }
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The listing without the times of the items under `folder`, which were made on each side
/// separately after the migration.
fn made_after(mut everything: Value, folder: &str) -> Value {
    for entry in everything["tree"].as_array_mut().unwrap() {
        if entry["path"].as_str().unwrap().starts_with(folder) {
            let entry = entry.as_object_mut().unwrap();
            entry.remove("created_at");
            entry.remove("modified_at");
        }
    }
    everything
}

fn write_tree(root: &Path, files: &[(&str, Vec<u8>)]) -> String {
    for (path, content) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, content).unwrap();
    }
    root.display().to_string()
}

#[test]
fn an_embedded_installation_moves_to_postgres_and_s3_and_back() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let Some(database) = runtime.block_on(ScratchDatabase::for_test()) else {
        return;
    };
    let Some(moto) = MotoServer::start() else {
        return;
    };
    let created = runtime
        .block_on(reqwest::Client::new().put(format!("{}/{BUCKET}", moto.endpoint)).send())
        .unwrap();
    assert!(created.status().is_success(), "create the bucket: {}", created.status());
    let s3: Vec<(String, String)> = moto.environment().into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    let blob_url = format!("s3://{BUCKET}/installation");

    // An embedded installation with history: two versions of a document, a deleted folder, a
    // deleted document, and a purged one whose ids must never come back.
    let dir = tempfile::tempdir().unwrap();
    let source = Install {
        data: dir.path().join("data"),
        vars: Vec::new(),
    };
    source.ok(&["init"]);
    let big: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let first = write_tree(
        &dir.path().join("first"),
        &[
            ("a/b/x.txt", b"hello".to_vec()),
            ("a/y.txt", b"world".to_vec()),
            ("c/big.bin", big),
            ("c/notes.txt", b"first draft".to_vec()),
        ],
    );
    source.ok(&["import", &first, "/Docs/In"]);
    let second = write_tree(&dir.path().join("second"), &[("c/notes.txt", b"second draft".to_vec())]);
    source.ok(&["import", &second, "/Docs/In"]);
    let gone = write_tree(&dir.path().join("gone"), &[("gone.txt", b"temporary".to_vec())]);
    source.ok(&["import", &gone, "/Docs/Tmp"]);
    source.ok(&["rm", "/Docs/Tmp/gone.txt"]);
    let purged = source.json(&["trash", "list"])[0]["id"].to_string();
    source.ok(&["trash", "purge", &purged]);
    source.ok(&["rm", "/Docs/In/a"]);
    source.ok(&["rm", "/Docs/In/c/notes.txt"]);
    let before = source.everything();
    assert_eq!(before["trash"].as_array().unwrap().len(), 2);

    // Into PostgreSQL and the bucket.
    let migrating = Install {
        data: source.data.clone(),
        vars: s3.clone(),
    };
    let report = migrating.json(&["migrate", "--to", &database.url, "--to-blobs", &blob_url]);
    let rows = |table: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["table"] == table)
            .unwrap()["rows"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(rows("trash_records"), 2);
    assert_eq!(rows("versions"), 5, "{report}");
    assert!(rows("audit_events") > 0, "{report}");
    assert_eq!(report["blobs_copied"], 5, "{report}");
    assert_eq!(report["violations"], serde_json::json!([]));

    let mut shared_vars = vec![
        ("SALVAGE_DATABASE_URL".to_owned(), database.url.clone()),
        ("SALVAGE_BLOB_URL".to_owned(), blob_url.clone()),
    ];
    shared_vars.extend(s3.iter().cloned());
    let shared = Install {
        data: dir.path().join("shared-data"),
        vars: shared_vars,
    };
    assert!(shared.ok(&["check"]).contains("All invariants hold"));
    assert_eq!(shared.everything(), before, "what users see arrived unchanged");

    // A second migration into the same database is refused and changes nothing.
    let refused = migrating.run(&["migrate", "--to", &database.url, "--to-blobs", &blob_url]);
    assert!(!refused.status.success());
    let message = text(&refused.stderr);
    assert!(message.contains("already holds salvage data"), "{message}");
    assert_eq!(shared.everything(), before);

    // The id counters came along: the next item gets the same id on both sides, above the
    // purged one's.
    let later = write_tree(&dir.path().join("later"), &[("later.txt", b"later".to_vec())]);
    source.ok(&["import", &later, "/Docs/Later"]);
    shared.ok(&["import", &later, "/Docs/Later"]);
    // Restoring everything brings back the same items with the same versions on both sides.
    for install in [&source, &shared] {
        install.ok(&["trash", "restore", "--filter"]);
    }
    let restored = source.everything();
    assert_eq!(
        made_after(shared.everything(), "/Docs/Later"),
        made_after(restored.clone(), "/Docs/Later")
    );
    runtime.block_on(same_contents(&source, &database.url, &blob_url, &s3, &restored["tree"]));

    // And back to SQLite, with the contents left in the bucket.
    let back_file = dir.path().join("back.db");
    let back_url = format!("sqlite://{}", back_file.display());
    shared.ok(&["migrate", "--to", &back_url]);
    let back = Install {
        data: dir.path().join("back-data"),
        vars: [
            vec![
                ("SALVAGE_DATABASE_URL".to_owned(), back_url.clone()),
                ("SALVAGE_BLOB_URL".to_owned(), blob_url.clone()),
            ],
            s3.clone(),
        ]
        .concat(),
    };
    assert!(back.ok(&["check"]).contains("All invariants hold"));
    assert_eq!(back.everything(), shared.everything());
}

/// Every version of every document reads the same bytes from the embedded installation and
/// from PostgreSQL + S3.
async fn same_contents(source: &Install, database_url: &str, blob_url: &str, s3: &[(String, String)], tree: &Value) {
    let embedded = SqliteStore::open(&source.data.join("salvage.db")).await.unwrap();
    let local = salvage_blob::LocalBlobStore::open(source.data.join("blobs"))
        .await
        .unwrap();
    let embedded = repository(Arc::new(embedded), Arc::new(local));
    let settings: Vec<(&str, &str)> = s3.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let bucket = S3BlobStore::configured(blob_url, &settings).unwrap();
    let shared = repository(
        Arc::new(PgStore::connect(database_url).await.unwrap()),
        Arc::new(bucket),
    );
    let (a, b) = (admin(&embedded).await, admin(&shared).await);
    let mut versions_seen = 0;
    for entry in tree.as_array().unwrap().iter().filter(|e| e["kind"] == "document") {
        let id = entry["id"].as_i64().unwrap();
        let versions = embedded.versions(&a, id).await.unwrap();
        let facts = |versions: &[salvage_core::model::Version]| {
            versions
                .iter()
                .map(|v| (v.number, v.blob_sha256.clone(), v.size))
                .collect::<Vec<_>>()
        };
        assert_eq!(facts(&versions), facts(&shared.versions(&b, id).await.unwrap()));
        for v in versions {
            let (_, mut left) = embedded.open_version(&a, id, Some(v.number)).await.unwrap();
            let (_, mut right) = shared.open_version(&b, id, Some(v.number)).await.unwrap();
            let (mut l, mut r) = (Vec::new(), Vec::new());
            left.read_to_end(&mut l).await.unwrap();
            right.read_to_end(&mut r).await.unwrap();
            assert_eq!(l, r, "{} version {}", entry["path"], v.number);
            versions_seen += 1;
        }
    }
    assert_eq!(
        versions_seen, 6,
        "five versions from before the migration and one made on each side after"
    );
}

fn repository(store: Arc<dyn salvage_core::store::Store>, blobs: Arc<dyn BlobStore>) -> Repository {
    Repository::new(store, blobs, Arc::new(SystemClock), Config::default())
}

async fn admin(repo: &Repository) -> Actor {
    repo.actor_by_name("default", "admin").await.unwrap()
}
