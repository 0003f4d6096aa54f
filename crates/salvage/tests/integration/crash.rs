//! Crash consistency. A server on an embedded data directory is killed with SIGKILL at a random
//! moment while large deletes, restores, purges and empties (over REST and infoRouter), a
//! background restore-by-filter and uploads are under way, and then restarted, round after round.
//! After every crash:
//!
//! - `salvage check` finds every invariant holding;
//! - every operation in flight happened entirely or not at all: a folder tree is live with all
//!   its items, or in the trash as one record holding all of them, or purged; the folders a user
//!   emptied are all in the user bin or all in the system bin; a restore by filter restored a
//!   whole number of its 500-item transactions, in the order it takes the items (oldest first),
//!   so the restored items are exactly the first 0, 500, 1000, … of its list, or all of it;
//! - whatever was acknowledged before the crash is there (a 2xx or `success="true"`, or the
//!   progress a restore job reported), and an upload that was not is there whole or not at all;
//! - every document that is live or in the trash has its blob file, whose bytes hash to the
//!   version's SHA-256, and at the end every one of them, brought back, downloads with the bytes
//!   that were uploaded.
//!
//! The rounds are driven by a seeded generator whose seed is printed; `SALVAGE_CRASH_SEED=N`
//! replays a run (the moment of each kill still races with the server, so a replay takes the same
//! decisions, not necessarily the same interleaving).

use crate::support::clients::{self, Binding, Rest};
use crate::support::server::{serve, Running};
use futures_util::StreamExt;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PASSWORD: &str = "crash-admin-password";
const CAROL_PASSWORD: &str = "carol-password";
const ROUNDS: usize = 10;
/// Folder trees that are deleted, restored and purged whole. Each has subfolders holding a few
/// documents and many empty folders (which cost little to seed); the first tree is large.
const TREES: usize = 6;
const SUBFOLDERS: usize = 2;
const DOCS_PER_SUBFOLDER: usize = 20;
const EMPTY_FOLDERS_PER_SUBFOLDER: [usize; 2] = [1000, 20];
/// Documents deleted one by one, then restored by one filter as a background job.
const SINGLES: usize = 1100;
/// The server's transaction size in a background restore (`JOB_CHUNK` in rest/trash.rs).
const JOB_CHUNK: usize = 500;
/// Carol's folders, deleted by her and then emptied to the system bin.
const CAROL_FOLDERS: usize = 3;
const CAROL_DOCS: usize = 5;
/// Uploads per round at most (they run one after the other until the kill).
const UPLOADS_PER_ROUND: usize = 20;
const MAX_UPLOAD_BYTES: usize = 64 * 1024;
/// The latest moment of a kill after the operations start (the restore by filter takes about
/// this long in a debug build).
const MAX_KILL_DELAY_MS: u64 = 700;
/// What a trash record's contents list at most (`GET /trash/{id}/contents`).
const CONTENTS_LIMIT: usize = 1000;

/// Where an item (a tree, a folder) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Live,
    UserBin,
    SystemBin,
    Purged,
}

#[derive(Debug, Clone)]
struct Doc {
    id: i64,
    sha: String,
}

/// A folder with everything beneath it, as seeded.
#[derive(Debug, Clone)]
struct Tree {
    path: String,
    root: i64,
    nodes: BTreeSet<i64>,
    docs: Vec<Doc>,
    size: i64,
}

/// What the seeding made, by id.
struct Seed {
    trees: Vec<Tree>,
    singles_folder: i64,
    singles: Vec<Doc>,
    carol: Vec<Tree>,
    uploads_folder: i64,
}

/// An upload of this test: its name, and the SHA-256 and size of what was sent.
#[derive(Debug, Clone)]
struct Upload {
    name: String,
    sha: String,
    size: usize,
}

/// What the repository must hold: everything acknowledged, and everything found after a crash.
struct Model {
    trees: Vec<Place>,
    singles_live: Vec<bool>,
    carol: Vec<Place>,
    uploads: BTreeMap<String, Upload>,
}

/// The operations running when the server was killed, with what each was told.
#[derive(Default)]
struct InFlight {
    /// (tree, where it goes, acknowledged)
    trees: Vec<(usize, Place, Arc<AtomicBool>)>,
    filter_restore: Option<FilterRestore>,
    /// Carol emptying her bin: acknowledged.
    empty: Option<Arc<AtomicBool>>,
    /// (upload, acknowledged)
    uploads: Arc<Mutex<Vec<(Upload, bool)>>>,
}

struct FilterRestore {
    /// Indices into `Seed::singles`, in the order the job restores them.
    order: Vec<usize>,
    /// The most items the job reported done before the crash.
    done_seen: Arc<AtomicUsize>,
}

fn content_of(path: &str) -> Vec<u8> {
    let repeat = 1 + path.bytes().map(usize::from).sum::<usize>() % 40;
    format!("{path}\n").repeat(repeat).into_bytes()
}

fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The seeded source tree, as `salvage import` will copy it under `/Crash`.
fn write_source(dir: &Path) {
    let write = |rel: String| {
        let path = dir.join(&rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content_of(&format!("/Crash/{rel}"))).unwrap();
    };
    for t in 0..TREES {
        for s in 0..SUBFOLDERS {
            for d in 0..DOCS_PER_SUBFOLDER {
                write(format!("Trees/T{t}/S{s}/doc-{d}.txt"));
            }
            let empty = EMPTY_FOLDERS_PER_SUBFOLDER[usize::from(t > 0)];
            for e in 0..empty {
                std::fs::create_dir_all(dir.join(format!("Trees/T{t}/S{s}/empty-{e}"))).unwrap();
            }
        }
    }
    for d in 0..SINGLES {
        write(format!("Singles/single-{d:04}.txt"));
    }
    for c in 0..CAROL_FOLDERS {
        for d in 0..CAROL_DOCS {
            write(format!("Carol/C{c}/carol-{d}.txt"));
        }
    }
}

fn start(data: &Path) -> Running {
    let data = data.display().to_string();
    serve(&["--listen", "127.0.0.1:0", "--data-dir", &data], &[])
}

async fn resolve(rest: &Rest, path: &str) -> i64 {
    let (status, node) = rest
        .get(&format!("/resolve?path={}", clients::urlencode(path)))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "resolve {path}: {node}");
    node["id"].as_i64().unwrap()
}

/// Every node beneath a live folder (not the folder itself). The seeded `empty-*` folders are
/// listed but not opened: nothing ever puts anything in them.
async fn descendants(rest: &Rest, folder: i64) -> Vec<Value> {
    let mut found = Vec::new();
    let mut pending = vec![folder];
    while let Some(parent) = pending.pop() {
        for child in rest.all_pages(&format!("/nodes/{parent}/children"), "after").await {
            let empty = child["name"].as_str().unwrap().starts_with("empty-");
            if child["kind"] != "document" && !empty {
                pending.push(child["id"].as_i64().unwrap());
            }
            found.push(child);
        }
    }
    found
}

async fn tree_at(rest: &Rest, path: &str) -> Tree {
    let root = resolve(rest, path).await;
    let mut tree = Tree {
        path: path.to_owned(),
        root,
        nodes: BTreeSet::from([root]),
        docs: Vec::new(),
        size: 0,
    };
    for node in descendants(rest, root).await {
        let id = node["id"].as_i64().unwrap();
        tree.nodes.insert(id);
        if node["kind"] == "document" {
            let content = content_of(node["path"].as_str().unwrap());
            tree.size += content.len() as i64;
            tree.docs.push(Doc {
                id,
                sha: sha256(&content),
            });
        }
    }
    tree
}

/// Seeds the data directory with `salvage init` and `salvage import`, then reads the ids back
/// through a server.
async fn seed(dir: &Path, http: &Client) -> Seed {
    let source = dir.join("source");
    write_source(&source);
    let data = dir.join("data").display().to_string();
    let vars = [("SALVAGE_ADMIN_PASSWORD", PASSWORD)];
    for args in [
        vec!["--data-dir", &data, "init"],
        vec!["--data-dir", &data, "import", source.to_str().unwrap(), "/Crash"],
    ] {
        let out = clients::salvage_with(&args, &vars);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let server = start(&dir.join("data"));
    let admin = Rest::login(http, &server.base, "admin", PASSWORD).await;
    let (status, carol) = admin
        .post(
            "/users",
            json!({ "username": "carol", "email": "carol@example.com", "password": CAROL_PASSWORD }),
        )
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{carol}");
    let crash = resolve(&admin, "/Crash").await;
    let (status, uploads) = admin
        .post(&format!("/nodes/{crash}/folders"), json!({ "name": "Uploads" }))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{uploads}");

    let mut trees = Vec::new();
    for t in 0..TREES {
        trees.push(tree_at(&admin, &format!("/Crash/Trees/T{t}")).await);
    }
    let mut carol = Vec::new();
    for c in 0..CAROL_FOLDERS {
        carol.push(tree_at(&admin, &format!("/Crash/Carol/C{c}")).await);
    }
    let singles = tree_at(&admin, "/Crash/Singles").await;
    let mut singles_docs = singles.docs.clone();
    singles_docs.sort_by_key(|d| d.id);
    assert_eq!(singles_docs.len(), SINGLES);
    server.stop();
    Seed {
        trees,
        singles_folder: singles.root,
        singles: singles_docs,
        carol,
        uploads_folder: uploads["id"].as_i64().unwrap(),
    }
}

/// The whole trash, grouped by the node each record marks.
async fn records_by_root(rest: &Rest) -> HashMap<i64, Vec<Value>> {
    let mut by_root: HashMap<i64, Vec<Value>> = HashMap::new();
    for record in rest.all_pages("/trash?sort=oldest", "cursor").await {
        by_root
            .entry(record["root_node_id"].as_i64().unwrap())
            .or_default()
            .push(record);
    }
    by_root
}

/// Where a tree is, asserting that it is there whole: live with all its items and nothing of it
/// in the trash, or in the trash as exactly one record that holds all of it, or gone.
async fn observe_tree(rest: &Rest, tree: &Tree, trash: &HashMap<i64, Vec<Value>>, when: &str) -> Place {
    for id in tree.nodes.iter().filter(|&&id| id != tree.root) {
        assert!(
            !trash.contains_key(id),
            "{when}: item {id} of {} has a trash record of its own: {:?}",
            tree.path,
            trash[id]
        );
    }
    let (status, _) = rest.get(&format!("/nodes/{}", tree.root)).await.unwrap();
    let records = trash.get(&tree.root).map(Vec::as_slice).unwrap_or_default();
    if status == StatusCode::OK {
        assert!(
            records.is_empty(),
            "{when}: {} is live and in the trash: {records:?}",
            tree.path
        );
        let live: BTreeSet<i64> = descendants(rest, tree.root)
            .await
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .chain([tree.root])
            .collect();
        assert_eq!(
            live, tree.nodes,
            "{when}: {} is live with only some of its items",
            tree.path
        );
        return Place::Live;
    }
    assert_eq!(status, StatusCode::NOT_FOUND, "{when}: GET {}", tree.path);
    match records {
        [] => {
            let (status, _) = rest.get(&format!("/nodes/{}", tree.docs[0].id)).await.unwrap();
            assert_eq!(
                status,
                StatusCode::NOT_FOUND,
                "{when}: a document of purged {} is live",
                tree.path
            );
            Place::Purged
        }
        [record] => {
            assert_eq!(
                (record["item_count"].as_i64(), record["total_size"].as_i64()),
                (Some(tree.nodes.len() as i64), Some(tree.size)),
                "{when}: the trash record of {} does not hold all of it: {record}",
                tree.path
            );
            let id = record["id"].as_i64().unwrap();
            let (status, contents) = rest.get(&format!("/trash/{id}/contents")).await.unwrap();
            assert_eq!(status, StatusCode::OK, "{contents}");
            let held: BTreeSet<i64> = contents["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .map(|n| n["id"].as_i64().unwrap())
                .collect();
            assert!(
                held.is_subset(&tree.nodes) && held.len() == tree.nodes.len().min(CONTENTS_LIMIT),
                "{when}: trash record {id} of {} lists {} of its {} items, or others",
                tree.path,
                held.len(),
                tree.nodes.len()
            );
            match record["stage"].as_str() {
                Some("user-bin") => Place::UserBin,
                Some("system-bin") => Place::SystemBin,
                other => panic!("{when}: stage {other:?}"),
            }
        }
        more => panic!("{when}: {} is in the trash {} times: {more:?}", tree.path, more.len()),
    }
}

/// Checks the file of every blob a live or trashed document uses: present, and its bytes hash to
/// its name.
fn assert_blob_files(data: &Path, shas: &BTreeSet<String>, when: &str) {
    for sha in shas {
        let path = data.join("blobs").join(&sha[0..2]).join(&sha[2..4]).join(sha);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{when}: blob file {}: {e}", path.display()));
        assert_eq!(&sha256(&bytes), sha, "{when}: blob file {} is damaged", path.display());
    }
}

struct Round<'a> {
    seed: &'a Seed,
    model: &'a mut Model,
    data: PathBuf,
    http: Client,
}

impl Round<'_> {
    /// Reads the restarted server's state, checks it against the model and the operations that
    /// were in flight, and makes the model what was found.
    async fn verify(&mut self, admin: &Rest, flight: InFlight, when: &str) {
        let trash = records_by_root(admin).await;
        let known: BTreeSet<i64> = self
            .seed
            .trees
            .iter()
            .chain(&self.seed.carol)
            .map(|t| t.root)
            .chain(self.seed.singles.iter().map(|d| d.id))
            .collect();
        for (root, records) in &trash {
            assert!(known.contains(root), "{when}: unexpected trash records {records:?}");
        }

        // Trees: each one whole, where it was or where its operation took it.
        let mut moving: HashMap<usize, (Place, bool)> = HashMap::new();
        for (tree, after, acked) in &flight.trees {
            moving.insert(*tree, (*after, acked.load(Ordering::SeqCst)));
        }
        for (i, tree) in self.seed.trees.iter().enumerate() {
            let found = observe_tree(admin, tree, &trash, when).await;
            let before = self.model.trees[i];
            match moving.get(&i) {
                Some(&(after, true)) => assert_eq!(found, after, "{when}: acknowledged change of {} lost", tree.path),
                Some(&(after, false)) => assert!(
                    found == before || found == after,
                    "{when}: {} is {found:?}, neither {before:?} nor {after:?}",
                    tree.path
                ),
                None => assert_eq!(found, before, "{when}: {} changed by itself", tree.path),
            }
            self.model.trees[i] = found;
        }

        // Carol's folders: each whole, and all emptied or none.
        let mut carol = Vec::new();
        for tree in &self.seed.carol {
            carol.push(observe_tree(admin, tree, &trash, when).await);
        }
        match &flight.empty {
            Some(acked) => {
                assert!(
                    carol.iter().all(|&p| p == carol[0]) && carol[0] != Place::Live && carol[0] != Place::Purged,
                    "{when}: an empty of carol's bin happened in part: {carol:?}"
                );
                if acked.load(Ordering::SeqCst) {
                    assert_eq!(carol[0], Place::SystemBin, "{when}: acknowledged empty lost");
                }
            }
            None => assert_eq!(carol, self.model.carol, "{when}: carol's folders changed by themselves"),
        }
        self.model.carol = carol;

        // Single documents: each live or in the trash as its own record, never both or neither.
        let live: BTreeSet<i64> = admin
            .all_pages(&format!("/nodes/{}/children", self.seed.singles_folder), "after")
            .await
            .iter()
            .map(|n| n["id"].as_i64().unwrap())
            .collect();
        let mut singles_live = Vec::with_capacity(SINGLES);
        for doc in &self.seed.singles {
            let records = trash.get(&doc.id).map(Vec::as_slice).unwrap_or_default();
            let is_live = live.contains(&doc.id);
            match (is_live, records) {
                (true, []) => {}
                (false, [r]) => assert_eq!(r["item_count"], 1, "{when}: {r}"),
                _ => panic!("{when}: document {} live {is_live} with records {records:?}", doc.id),
            }
            singles_live.push(is_live);
        }
        assert_eq!(
            live.len(),
            singles_live.iter().filter(|&&l| l).count(),
            "{when}: strangers in /Crash/Singles"
        );
        match &flight.filter_restore {
            Some(job) => {
                let restored = job.order.iter().take_while(|&&i| singles_live[i]).count();
                let expected: Vec<bool> = (0..SINGLES).map(|i| job.order[..restored].contains(&i)).collect();
                assert_eq!(
                    singles_live, expected,
                    "{when}: the restore by filter did not restore a prefix of its items"
                );
                assert!(
                    restored % JOB_CHUNK == 0 || restored == job.order.len(),
                    "{when}: the restore by filter committed {restored} items, not whole transactions of {JOB_CHUNK}"
                );
                let seen = job.done_seen.load(Ordering::SeqCst);
                assert!(
                    restored >= seen,
                    "{when}: the job reported {seen} items done, but only {restored} are restored"
                );
                eprintln!(
                    "{when}: restore by filter had committed {restored} of {} items",
                    job.order.len()
                );
            }
            None => assert_eq!(
                singles_live, self.model.singles_live,
                "{when}: single documents changed by themselves"
            ),
        }
        self.model.singles_live = singles_live;

        self.verify_uploads(admin, flight.uploads, when).await;
        self.verify_blobs(when);
    }

    /// Every acknowledged upload is there with its bytes; an unacknowledged one is there whole or
    /// not at all (and, once found missing, never comes back).
    async fn verify_uploads(&mut self, admin: &Rest, flight: Arc<Mutex<Vec<(Upload, bool)>>>, when: &str) {
        let listed: HashMap<String, i64> = admin
            .all_pages(&format!("/nodes/{}/children", self.seed.uploads_folder), "after")
            .await
            .iter()
            .map(|n| (n["name"].as_str().unwrap().to_owned(), n["id"].as_i64().unwrap()))
            .collect();
        let flight = std::mem::take(&mut *flight.lock().unwrap());
        let mut to_download = Vec::new();
        for (upload, acked) in flight {
            match listed.get(&upload.name) {
                Some(&id) => {
                    to_download.push((id, upload.clone()));
                    self.model.uploads.insert(upload.name.clone(), upload);
                }
                None if acked => panic!("{when}: acknowledged upload {} lost", upload.name),
                None => {}
            }
        }
        for name in listed.keys() {
            assert!(
                self.model.uploads.contains_key(name),
                "{when}: {name} is in /Crash/Uploads but was never uploaded, or came back"
            );
        }
        for name in self.model.uploads.keys() {
            assert!(listed.contains_key(name), "{when}: upload {name} lost");
        }
        for (id, upload) in to_download {
            let (status, bytes) = admin.download(id).await.unwrap();
            assert_eq!(status, StatusCode::OK, "{when}: download {}", upload.name);
            assert_eq!(
                (bytes.len(), sha256(&bytes)),
                (upload.size, upload.sha),
                "{when}: {}",
                upload.name
            );
        }
    }

    /// The blobs of every live or trashed document, as the model says.
    fn verify_blobs(&self, when: &str) {
        let mut shas = BTreeSet::new();
        let kept = |p: &Place| *p != Place::Purged;
        for (tree, place) in self
            .seed
            .trees
            .iter()
            .zip(&self.model.trees)
            .chain(self.seed.carol.iter().zip(&self.model.carol))
        {
            if kept(place) {
                shas.extend(tree.docs.iter().map(|d| d.sha.clone()));
            }
        }
        shas.extend(self.seed.singles.iter().map(|d| d.sha.clone()));
        shas.extend(self.model.uploads.values().map(|u| u.sha.clone()));
        assert_blob_files(&self.data, &shas, when);
    }

    /// Makes the repository ready for the chosen operations (acknowledged changes, before any
    /// kill), then starts them. Returns what is in flight.
    async fn start_operations(
        &mut self,
        rng: &mut StdRng,
        round: usize,
        admin: &Rest,
        carol: &Rest,
        tickets: &Tickets,
    ) -> (InFlight, Vec<tokio::task::JoinHandle<()>>) {
        let mut flight = InFlight::default();
        let mut tasks = Vec::new();
        let base = admin.base.clone();
        let trash = records_by_root(admin).await;
        let record_of = |root: i64| trash[&root][0]["id"].as_i64().unwrap();

        // Up to three trees: delete a live one, restore or purge a deleted one.
        let remaining = self.model.trees.iter().filter(|&&p| p != Place::Purged).count();
        let mut candidates: Vec<usize> = (0..TREES).filter(|&i| self.model.trees[i] != Place::Purged).collect();
        candidates.shuffle(rng);
        let mut purges = 0;
        for &i in candidates.iter().take(rng.gen_range(1..=3)) {
            let tree = &self.seed.trees[i];
            let acked = Arc::new(AtomicBool::new(false));
            let (rest, binding) = (
                rng.gen_bool(0.5).then(|| admin.clone()),
                *Binding::ALL.choose(rng).unwrap(),
            );
            let (http, base, ticket, a) = (self.http.clone(), base.clone(), tickets.admin.clone(), acked.clone());
            let after = match self.model.trees[i] {
                Place::Live => {
                    let (root, path) = (tree.root, tree.path.clone());
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.call(Method::DELETE, &format!("/nodes/{root}"), None).await)
                                .is_some_and(|(s, _)| s == StatusCode::OK),
                            None => {
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "DeleteFolder",
                                    &[("AuthenticationTicket", &ticket), ("Path", &path)],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::UserBin
                }
                Place::UserBin | Place::SystemBin if remaining - purges > 3 && rng.gen_bool(0.3) => {
                    purges += 1;
                    let record = record_of(tree.root);
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.post("/trash/purge", json!({ "items": [record] })).await)
                                .is_some_and(|(s, v)| s == StatusCode::OK && v[0]["status"] == "purged"),
                            None => {
                                let handler = format!("F{record}");
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "PurgeRecycleBinItem",
                                    &[("AuthenticationTicket", &ticket), ("ItemHandler", &handler)],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::Purged
                }
                Place::UserBin | Place::SystemBin => {
                    let record = record_of(tree.root);
                    tasks.push(tokio::spawn(async move {
                        let ok = match rest {
                            Some(rest) => answer(rest.post("/trash/restore", json!({ "items": [record] })).await)
                                .is_some_and(|(s, v)| s == StatusCode::OK && v["results"][0]["status"] == "restored"),
                            None => {
                                let handler = format!("F{record}");
                                inforouter_ok(
                                    &http,
                                    &base,
                                    binding,
                                    "RestoreRecycleBinItem",
                                    &[
                                        ("AuthenticationTicket", &ticket),
                                        ("ItemHandler", &handler),
                                        ("RestorePath", ""),
                                    ],
                                )
                                .await
                            }
                        };
                        a.store(ok, Ordering::SeqCst);
                    }));
                    Place::Live
                }
                Place::Purged => unreachable!("purged trees are not candidates"),
            };
            flight.trees.push((i, after, acked));
        }

        if rng.gen_bool(0.6) {
            flight.filter_restore = Some(self.start_filter_restore(admin, &mut tasks).await);
        }
        if rng.gen_bool(0.5) {
            flight.empty = Some(self.start_empty(rng, admin, carol, &tickets.carol, &mut tasks).await);
        }
        tasks.push(self.start_uploads(rng.next_u64(), round, admin, flight.uploads.clone()));
        (flight, tasks)
    }

    /// Deletes every live single document (one Scene7 `deleteAssets`, acknowledged), then starts
    /// restoring them all by one filter, as a background job whose progress is followed.
    async fn start_filter_restore(
        &mut self,
        admin: &Rest,
        tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> FilterRestore {
        let live: Vec<i64> = (0..SINGLES)
            .filter(|&i| self.model.singles_live[i])
            .map(|i| self.seed.singles[i].id)
            .collect();
        if !live.is_empty() {
            let body = format!(
                "<deleteAssetsParam xmlns=\"{}\"><companyHandle>c|1</companyHandle>\
                 <assetHandleArray>{}</assetHandleArray></deleteAssetsParam>",
                clients::IPS,
                clients::asset_handles(&live)
            );
            let (status, response) = clients::scene7(&self.http, &admin.base, "admin", PASSWORD, &body)
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK, "{response}");
            assert!(
                response.contains(&format!("<successCount>{}</successCount>", live.len())),
                "{response}"
            );
            self.model.singles_live = vec![false; SINGLES];
        }
        let index: HashMap<i64, usize> = self.seed.singles.iter().enumerate().map(|(i, d)| (d.id, i)).collect();
        let order: Vec<usize> = admin
            .all_pages("/trash?sort=oldest&path_prefix=/Crash/Singles", "cursor")
            .await
            .iter()
            .map(|r| index[&r["root_node_id"].as_i64().unwrap()])
            .collect();
        assert_eq!(order.len(), SINGLES);

        let done_seen = Arc::new(AtomicUsize::new(0));
        let (rest, seen) = (admin.clone(), done_seen.clone());
        tasks.push(tokio::spawn(async move {
            let started = answer(
                rest.post(
                    "/trash/restore-by-filter",
                    json!({ "filter": { "path_prefix": "/Crash/Singles" }, "background": true }),
                )
                .await,
            );
            let Some((status, job)) = started else { return };
            assert_eq!(status, StatusCode::ACCEPTED, "{job}");
            let path = format!("/jobs/{}", job["id"].as_str().unwrap());
            // Bounded: the job ends, or the server is killed, well before this.
            for _ in 0..3000 {
                let Some((status, job)) = answer(rest.get(&path).await) else {
                    return;
                };
                assert_eq!(status, StatusCode::OK, "{job}");
                seen.fetch_max(job["done"].as_u64().unwrap() as usize, Ordering::SeqCst);
                if job["state"] != "running" {
                    return;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
        FilterRestore { order, done_seen }
    }

    /// Brings carol's folders back, has her delete them all (acknowledged), then starts her
    /// emptying her bin.
    async fn start_empty(
        &mut self,
        rng: &mut StdRng,
        admin: &Rest,
        carol: &Rest,
        carol_ticket: &str,
        tasks: &mut Vec<tokio::task::JoinHandle<()>>,
    ) -> Arc<AtomicBool> {
        let trash = records_by_root(admin).await;
        let records: Vec<i64> = self
            .seed
            .carol
            .iter()
            .filter_map(|t| trash.get(&t.root))
            .map(|r| r[0]["id"].as_i64().unwrap())
            .collect();
        if !records.is_empty() {
            let (status, report) = admin.post("/trash/restore", json!({ "items": records })).await.unwrap();
            assert_eq!(
                (status, report["restored"].as_u64()),
                (StatusCode::OK, Some(records.len() as u64)),
                "{report}"
            );
        }
        for tree in &self.seed.carol {
            let (status, record) = carol
                .call(Method::DELETE, &format!("/nodes/{}", tree.root), None)
                .await
                .unwrap();
            assert_eq!(status, StatusCode::OK, "carol deletes {}: {record}", tree.path);
        }
        self.model.carol = vec![Place::UserBin; CAROL_FOLDERS];

        let acked = Arc::new(AtomicBool::new(false));
        let (rest, a) = (rng.gen_bool(0.5).then(|| carol.clone()), acked.clone());
        let (http, base, ticket) = (self.http.clone(), carol.base.clone(), carol_ticket.to_owned());
        let binding = *Binding::ALL.choose(rng).unwrap();
        tasks.push(tokio::spawn(async move {
            let ok = match rest {
                Some(rest) => {
                    answer(rest.post("/trash/empty", json!({})).await).is_some_and(|(s, _)| s == StatusCode::OK)
                }
                None => {
                    inforouter_ok(
                        &http,
                        &base,
                        binding,
                        "EmptyRecycleBin",
                        &[("AuthenticationTicket", &ticket)],
                    )
                    .await
                }
            };
            a.store(ok, Ordering::SeqCst);
        }));
        acked
    }

    /// Uploads new documents one after the other until the kill, noting each before it is sent
    /// and marking it acknowledged on `201 Created`.
    fn start_uploads(
        &self,
        seed: u64,
        round: usize,
        admin: &Rest,
        log: Arc<Mutex<Vec<(Upload, bool)>>>,
    ) -> tokio::task::JoinHandle<()> {
        let (rest, folder) = (admin.clone(), self.seed.uploads_folder);
        tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed);
            for i in 0..UPLOADS_PER_ROUND {
                let mut content = vec![0u8; rng.gen_range(1..=MAX_UPLOAD_BYTES)];
                rng.fill_bytes(&mut content);
                let upload = Upload {
                    name: format!("upload-{round}-{i}.bin"),
                    sha: sha256(&content),
                    size: content.len(),
                };
                let at = {
                    let mut log = log.lock().unwrap();
                    log.push((upload.clone(), false));
                    log.len() - 1
                };
                match answer(rest.upload(folder, &upload.name, content).await) {
                    Some((StatusCode::CREATED, _)) => log.lock().unwrap()[at].1 = true,
                    Some((status, body)) => panic!("upload {}: {status} {body}", upload.name),
                    None => return,
                }
            }
        })
    }
}

struct Tickets {
    admin: String,
    carol: String,
}

/// A response, or `None` when the server went away (killed) before answering. A server error
/// from a server that is still up fails the test.
fn answer<T: std::fmt::Debug>(result: reqwest::Result<(StatusCode, T)>) -> Option<(StatusCode, T)> {
    let (status, body) = result.ok()?;
    assert!(!status.is_server_error(), "{status}: {body:?}");
    Some((status, body))
}

async fn inforouter_ok(http: &Client, base: &str, binding: Binding, operation: &str, params: &[(&str, &str)]) -> bool {
    match answer(clients::inforouter(http, base, binding, operation, params).await) {
        Some((_, response)) => {
            assert!(
                clients::succeeded(&response),
                "{operation} over {binding:?}: {response}"
            );
            true
        }
        None => false,
    }
}

/// After the last round: everything still in the trash comes back, and every document that was
/// never purged downloads with the bytes it was uploaded with.
async fn bring_everything_back(seed: &Seed, model: &Model, admin: &Rest) {
    let (status, report) = admin
        .post("/trash/restore-by-filter", json!({ "filter": {}, "background": false }))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    assert!(
        records_by_root(admin).await.is_empty(),
        "the trash is empty after restoring it all"
    );
    let mut expected: Vec<(i64, String)> = Vec::new();
    for (tree, place) in seed
        .trees
        .iter()
        .zip(&model.trees)
        .chain(seed.carol.iter().zip(&model.carol))
    {
        if *place != Place::Purged {
            expected.extend(tree.docs.iter().map(|d| (d.id, d.sha.clone())));
        }
    }
    expected.extend(seed.singles.iter().map(|d| (d.id, d.sha.clone())));
    let uploads: HashMap<String, i64> = admin
        .all_pages(&format!("/nodes/{}/children", seed.uploads_folder), "after")
        .await
        .iter()
        .map(|n| (n["name"].as_str().unwrap().to_owned(), n["id"].as_i64().unwrap()))
        .collect();
    expected.extend(model.uploads.values().map(|u| (uploads[&u.name], u.sha.clone())));
    let checked = futures_util::stream::iter(expected)
        .map(|(id, sha)| async move {
            let (status, bytes) = admin.download(id).await.unwrap();
            assert_eq!(
                (status, sha256(&bytes)),
                (StatusCode::OK, sha),
                "document {id} after restoring everything"
            );
        })
        .buffer_unordered(8)
        .count()
        .await;
    eprintln!("downloaded {checked} documents after restoring everything; all had their bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_server_loses_nothing_and_leaves_no_operation_half_done() {
    let _alone = crate::support::alone().await;
    let seed_value = std::env::var("SALVAGE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen::<u64>());
    eprintln!("crash test seed {seed_value} (replay with SALVAGE_CRASH_SEED={seed_value})");
    let mut rng = StdRng::seed_from_u64(seed_value);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let http = clients::http(Duration::from_secs(120));
    let seed = seed(dir.path(), &http).await;
    let mut model = Model {
        trees: vec![Place::Live; TREES],
        singles_live: vec![true; SINGLES],
        carol: vec![Place::Live; CAROL_FOLDERS],
        uploads: BTreeMap::new(),
    };
    let mut flight = InFlight::default();
    for round in 0..=ROUNDS {
        let server = start(&data);
        let admin = Rest::login(&http, &server.base, "admin", PASSWORD).await;
        let when = format!("after the crash of round {round} (seed {seed_value})");
        let mut round_ = Round {
            seed: &seed,
            model: &mut model,
            data: data.clone(),
            http: http.clone(),
        };
        round_.verify(&admin, std::mem::take(&mut flight), &when).await;
        if round == ROUNDS {
            bring_everything_back(&seed, &model, &admin).await;
            server.stop();
            clients::assert_data_dir_clean(&data, "at the end");
            return;
        }
        let carol = Rest::login(&http, &server.base, "carol", CAROL_PASSWORD).await;
        let tickets = Tickets {
            admin: clients::ticket(&http, &server.base, "admin", PASSWORD).await,
            carol: clients::ticket(&http, &server.base, "carol", CAROL_PASSWORD).await,
        };
        let (started, tasks) = round_.start_operations(&mut rng, round, &admin, &carol, &tickets).await;
        flight = started;
        tokio::time::sleep(Duration::from_millis(rng.gen_range(0..=MAX_KILL_DELAY_MS))).await;
        server.kill();
        for task in tasks {
            if let Err(e) = task.await {
                std::panic::resume_unwind(e.into_panic());
            }
        }
        clients::assert_data_dir_clean(&data, &format!("after the kill in round {round} (seed {seed_value})"));
    }
}
