//! Many clients at once against one real server: 24 tasks, as three users, delete, restore
//! (whole deletions and single items out of deleted folders), purge, empty, move and rename the
//! same few dozen items through REST, infoRouter (`/srv.asmx` GET, POST, SOAP 1.1 and 1.2) and
//! Scene7 IPS SOAP. No answer may be a server error (nor an infoRouter `SystemError` or a Scene7
//! "failed on the server" fault), every request must complete within a generous timeout (a
//! deadlock would hang it) and the run must end. Afterwards every item is in exactly one state —
//! live in one place, in exactly one trash record, or purged — `salvage check` finds every
//! invariant holding, and once everything is restored every document that was not purged has its
//! bytes. Runs on SQLite, and on PostgreSQL when one is available.
//!
//! The seed of the generator is printed; `SALVAGE_STRESS_SEED=N` replays its decisions (the
//! interleaving is the scheduler's).

use crate::support::clients::{self, Binding, Rest};
use crate::support::server::serve;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use reqwest::{Client, Method, StatusCode};
use salvage_store::testing::ScratchDatabase;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

const PASSWORD: &str = "stress-admin-password";
const USER_PASSWORD: &str = "stress-user-password";
const USERS: [&str; 3] = ["admin", "alice", "bob"];
const TASKS: usize = 24;
const OPERATIONS_PER_TASK: usize = 30;
/// No request may take longer: one that does is waiting on a lock that is never released.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Nor may the whole run.
const RUN_TIMEOUT: Duration = Duration::from_secs(240);
const AREAS: usize = 4;
const SUBFOLDERS: usize = 2;
const DOCS_PER_FOLDER: usize = 3;
/// Names the renames choose from, few so that they clash.
const DOCUMENT_NAMES: [&str; 4] = ["a.txt", "b.txt", "c.txt", "doc-0.txt"];
const FOLDER_NAMES: [&str; 3] = ["X", "Y", "B0"];

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What the run works on: the seeded items by id, and what each document holds.
struct Items {
    library: i64,
    folders: Vec<i64>,
    documents: BTreeMap<i64, String>,
}

impl Items {
    fn all(&self) -> Vec<i64> {
        self.folders
            .iter()
            .copied()
            .chain(self.documents.keys().copied())
            .collect()
    }

    fn is_folder(&self, id: i64) -> bool {
        self.folders.contains(&id)
    }
}

async fn seed(admin: &Rest) -> Items {
    let (status, settings) = admin
        .call(
            Method::PUT,
            "/settings/trash",
            Some(
                json!({ "user_bin_days": 0, "system_bin_days": 0, "names_reserved": false,
                         "restore_policy": "any-trash-role" }),
            ),
        )
        .await
        .unwrap();
    assert_eq!(status, StatusCode::NO_CONTENT, "{settings}");
    for user in &USERS[1..] {
        let (status, body) = admin
            .post(
                "/users",
                json!({ "username": user, "email": format!("{user}@example.com"), "password": USER_PASSWORD }),
            )
            .await
            .unwrap();
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, library) = admin.post("/libraries", json!({ "name": "Stress" })).await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{library}");
    let library = library["id"].as_i64().unwrap();
    let mut items = Items {
        library,
        folders: Vec::new(),
        documents: BTreeMap::new(),
    };
    let mut parents = Vec::new();
    for a in 0..AREAS {
        let area = create_folder(admin, library, &format!("A{a}")).await;
        parents.push(area);
        for b in 0..SUBFOLDERS {
            parents.push(create_folder(admin, area, &format!("B{b}")).await);
        }
    }
    for &parent in &parents {
        for d in 0..DOCS_PER_FOLDER {
            let content = format!("document {d} of folder {parent}\n")
                .repeat(1 + d * 50)
                .into_bytes();
            let (status, body) = admin
                .upload(parent, &format!("doc-{d}.txt"), content.clone())
                .await
                .unwrap();
            assert_eq!(status, StatusCode::CREATED, "{body}");
            items
                .documents
                .insert(body["document"]["id"].as_i64().unwrap(), sha256(&content));
        }
    }
    items.folders = parents;
    items
}

async fn create_folder(admin: &Rest, parent: i64, name: &str) -> i64 {
    let (status, folder) = admin
        .post(&format!("/nodes/{parent}/folders"), json!({ "name": name }))
        .await
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{folder}");
    folder["id"].as_i64().unwrap()
}

/// One client: a user's credentials on every face.
#[derive(Clone)]
struct Caller {
    user: &'static str,
    password: &'static str,
    rest: Rest,
    ticket: String,
    http: Client,
}

impl Caller {
    fn base(&self) -> &str {
        &self.rest.base
    }

    async fn rest(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let (status, answer) = self
            .rest
            .call(method.clone(), path, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path} as {} did not complete: {e}", self.user));
        assert!(
            !status.is_server_error(),
            "{method} {path} as {}: {status} {answer}",
            self.user
        );
        (status, answer)
    }

    async fn inforouter(&self, binding: Binding, operation: &str, params: &[(&str, &str)]) -> String {
        let mut all = vec![("AuthenticationTicket", self.ticket.as_str())];
        all.extend_from_slice(params);
        let (status, response) = clients::inforouter(&self.http, self.base(), binding, operation, &all)
            .await
            .unwrap_or_else(|e| panic!("{operation} over {binding:?} did not complete: {e}"));
        assert!(
            !status.is_server_error() && !response.contains("SystemError"),
            "{operation} {params:?} over {binding:?} as {}: {status} {response}",
            self.user
        );
        response
    }

    /// A Scene7 call that asks for faults with status 200, so that any 5xx is the server's own.
    async fn scene7(&self, operation: &str, fields: &str) -> String {
        let envelope = format!(
            "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">\
             <soapenv:Header><authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\">\
             <user>{}</user><password>{}</password><faultHttpStatusCode>200</faultHttpStatusCode>\
             </authHeader></soapenv:Header><soapenv:Body>\
             <{operation}Param xmlns=\"{}\"><companyHandle>c|1</companyHandle>{fields}</{operation}Param>\
             </soapenv:Body></soapenv:Envelope>",
            self.user,
            self.password,
            clients::IPS
        );
        let r = self
            .http
            .post(format!("{}/scene7/services/IpsApiService", self.base()))
            .header("content-type", "text/xml; charset=utf-8")
            .body(envelope)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{operation} did not complete: {e}"));
        let status = r.status();
        let response = r.text().await.unwrap_or_default();
        assert!(
            !status.is_server_error() && !response.contains("failed on the server"),
            "{operation} {fields} as {}: {status} {response}",
            self.user
        );
        response
    }

    /// The item's path by names (for infoRouter) if it is live.
    async fn path_of(&self, id: i64) -> Option<String> {
        let (status, node) = self.rest(Method::GET, &format!("/nodes/{id}"), None).await;
        (status == StatusCode::OK).then(|| node["path"].as_str().unwrap().to_owned())
    }

    /// A Scene7 folder handle for a live folder.
    async fn folder_handle(&self, id: i64) -> Option<String> {
        self.path_of(id)
            .await
            .map(|p| format!("f|default/{}/", p.trim_start_matches('/')))
    }

    /// A trash record the caller sees, picked at random, with its kind.
    async fn some_record(&self, rng: &mut StdRng) -> Option<(i64, bool)> {
        let (_, page) = self.rest(Method::GET, "/trash?limit=50", None).await;
        let record = page["items"].as_array()?.choose(rng)?.clone();
        Some((record["id"].as_i64()?, record["kind"] == "document"))
    }
}

#[derive(Debug, Clone, Copy)]
enum Face {
    Rest,
    InfoRouter(Binding),
    Scene7,
}

/// One operation by one caller on a random item through a random face.
async fn operate(caller: &Caller, items: &Items, rng: &mut StdRng) {
    let all = items.all();
    let id = *all.choose(rng).unwrap();
    let folder = items.is_folder(id);
    let face = match rng.gen_range(0..3) {
        0 => Face::Rest,
        1 => Face::InfoRouter(*Binding::ALL.choose(rng).unwrap()),
        _ => Face::Scene7,
    };
    let targets: Vec<i64> = items.folders.iter().copied().chain([items.library]).collect();
    let target = *targets.choose(rng).unwrap();
    // Purges are rare: each one takes its items out of the game for good.
    match rng.gen_range(0..14) {
        0..=2 => delete(caller, face, id, folder).await,
        3..=6 => restore(caller, face, id, folder, rng).await,
        7 => purge(caller, face, rng).await,
        8 => empty(caller, face, &all, rng).await,
        9..=11 => move_item(caller, face, id, folder, target, rng).await,
        _ => rename(caller, face, id, folder, target, rng).await,
    }
}

async fn delete(caller: &Caller, face: Face, id: i64, folder: bool) {
    match face {
        Face::Rest => {
            caller.rest(Method::DELETE, &format!("/nodes/{id}"), None).await;
        }
        Face::InfoRouter(binding) => {
            if let Some(path) = caller.path_of(id).await {
                let operation = if folder { "DeleteFolder" } else { "DeleteDocument" };
                caller.inforouter(binding, operation, &[("Path", &path)]).await;
            }
        }
        Face::Scene7 if folder => {
            if let Some(handle) = caller.folder_handle(id).await {
                caller
                    .scene7("deleteFolder", &format!("<folderHandle>{handle}</folderHandle>"))
                    .await;
            }
        }
        Face::Scene7 => {
            caller
                .scene7(
                    "deleteAssets",
                    &format!("<assetHandleArray>{}</assetHandleArray>", clients::asset_handles(&[id])),
                )
                .await;
        }
    }
}

async fn restore(caller: &Caller, face: Face, id: i64, folder: bool, rng: &mut StdRng) {
    match face {
        Face::Rest => {
            let on_conflict = *["fail", "rename", "skip"].choose(rng).unwrap();
            let missing_parent = *["error", "recreate"].choose(rng).unwrap();
            let options = json!({ "on_conflict": on_conflict, "missing_parent": missing_parent });
            // A node, possibly inside a deleted folder, or a whole deletion.
            let body = if rng.gen_bool(0.5) {
                json!({ "nodes": [id], "options": options })
            } else if let Some((record, _)) = caller.some_record(rng).await {
                json!({ "items": [record], "options": options })
            } else {
                return;
            };
            caller.rest(Method::POST, "/trash/restore", Some(body)).await;
        }
        Face::InfoRouter(binding) => {
            if let Some((record, document)) = caller.some_record(rng).await {
                let handler = format!("{}{record}", if document { 'D' } else { 'F' });
                caller
                    .inforouter(
                        binding,
                        "RestoreRecycleBinItem",
                        &[("ItemHandler", &handler), ("RestorePath", "")],
                    )
                    .await;
            }
        }
        Face::Scene7 if folder => {}
        Face::Scene7 => {
            caller
                .scene7(
                    "restoreAssetsFromTrash",
                    &format!("<assetHandleArray>{}</assetHandleArray>", clients::asset_handles(&[id])),
                )
                .await;
        }
    }
}

async fn purge(caller: &Caller, face: Face, rng: &mut StdRng) {
    let Some((record, document)) = caller.some_record(rng).await else {
        return;
    };
    match face {
        Face::InfoRouter(binding) => {
            let handler = format!("{}{record}", if document { 'D' } else { 'F' });
            caller
                .inforouter(binding, "PurgeRecycleBinItem", &[("ItemHandler", &handler)])
                .await;
        }
        _ => {
            caller
                .rest(Method::POST, "/trash/purge", Some(json!({ "items": [record] })))
                .await;
        }
    }
}

async fn empty(caller: &Caller, face: Face, all: &[i64], rng: &mut StdRng) {
    match face {
        Face::Rest => {
            caller.rest(Method::POST, "/trash/empty", Some(json!({}))).await;
        }
        Face::InfoRouter(binding) => {
            caller.inforouter(binding, "EmptyRecycleBin", &[]).await;
        }
        Face::Scene7 => {
            let some: Vec<i64> = all.choose_multiple(rng, 5).copied().collect();
            caller
                .scene7(
                    "emptyAssetsFromTrash",
                    &format!("<assetHandleArray>{}</assetHandleArray>", clients::asset_handles(&some)),
                )
                .await;
        }
    }
}

async fn move_item(caller: &Caller, face: Face, id: i64, folder: bool, target: i64, rng: &mut StdRng) {
    match face {
        Face::Rest => {
            let mut body = json!({ "parent_id": target });
            if rng.gen_bool(0.3) {
                body["name"] = json!(new_name(folder, rng));
            }
            caller.rest(Method::PATCH, &format!("/nodes/{id}"), Some(body)).await;
        }
        Face::InfoRouter(binding) => {
            if let (Some(source), Some(destination)) = (caller.path_of(id).await, caller.path_of(target).await) {
                caller
                    .inforouter(
                        binding,
                        "Move",
                        &[("SourcePath", &source), ("DestinationPath", &destination)],
                    )
                    .await;
            }
        }
        Face::Scene7 => {
            let Some(destination) = caller.folder_handle(target).await else {
                return;
            };
            if folder {
                if let Some(handle) = caller.folder_handle(id).await {
                    let fields = format!(
                        "<folderHandle>{handle}</folderHandle><destFolderHandle>{destination}</destFolderHandle>"
                    );
                    caller.scene7("moveFolder", &fields).await;
                }
            } else {
                let fields = format!("<assetHandle>a|{id}</assetHandle><folderHandle>{destination}</folderHandle>");
                caller.scene7("moveAsset", &fields).await;
            }
        }
    }
}

fn new_name(folder: bool, rng: &mut StdRng) -> &'static str {
    if folder {
        FOLDER_NAMES.choose(rng).unwrap()
    } else {
        DOCUMENT_NAMES.choose(rng).unwrap()
    }
}

async fn rename(caller: &Caller, face: Face, id: i64, folder: bool, target: i64, rng: &mut StdRng) {
    let name = new_name(folder, rng);
    match face {
        Face::Scene7 if folder => {
            if let Some(handle) = caller.folder_handle(id).await {
                let fields = format!("<folderHandle>{handle}</folderHandle><folderName>{name}</folderName>");
                caller.scene7("renameFolder", &fields).await;
            }
        }
        Face::Scene7 => {
            let fields = format!("<assetHandle>a|{id}</assetHandle><newName>{name}</newName>");
            caller.scene7("renameAsset", &fields).await;
        }
        // infoRouter has no rename; it moves instead.
        Face::InfoRouter(_) => move_item(caller, face, id, folder, target, rng).await,
        Face::Rest => {
            caller
                .rest(Method::PATCH, &format!("/nodes/{id}"), Some(json!({ "name": name })))
                .await;
        }
    }
}

/// Where every node is once the clients are done: live (with its parent), or held by a record.
/// Asserts that no node is in two places.
async fn census(admin: &Rest, library: i64) -> (BTreeMap<i64, i64>, BTreeMap<i64, i64>) {
    let mut live = BTreeMap::new();
    let mut pending = vec![library];
    while let Some(parent) = pending.pop() {
        for child in admin.all_pages(&format!("/nodes/{parent}/children"), "after").await {
            let id = child["id"].as_i64().unwrap();
            assert!(live.insert(id, parent).is_none(), "item {id} is live twice");
            if child["kind"] != "document" {
                pending.push(id);
            }
        }
    }
    let mut trashed = BTreeMap::new();
    for record in admin.all_pages("/trash", "cursor").await {
        let record_id = record["id"].as_i64().unwrap();
        let (status, contents) = admin.get(&format!("/trash/{record_id}/contents")).await.unwrap();
        assert_eq!(status, StatusCode::OK, "{contents}");
        let nodes = contents["nodes"].as_array().unwrap();
        assert_eq!(
            nodes.len() as i64,
            record["item_count"].as_i64().unwrap(),
            "record {record}"
        );
        for node in nodes {
            let id = node["id"].as_i64().unwrap();
            assert!(
                !live.contains_key(&id),
                "item {id} is live and in trash record {record_id}"
            );
            if let Some(other) = trashed.insert(id, record_id) {
                panic!("item {id} is in trash records {other} and {record_id}");
            }
        }
    }
    (live, trashed)
}

async fn run(location: Vec<String>, seed_value: u64) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data").display().to_string();
    let mut args: Vec<&str> = vec!["--listen", "127.0.0.1:0", "--data-dir", &data];
    args.extend(location.iter().map(String::as_str));
    let server = serve(&args, &[("SALVAGE_ADMIN_PASSWORD", PASSWORD)]);
    let http = clients::http(REQUEST_TIMEOUT);
    let admin = Rest::login(&http, &server.base, "admin", PASSWORD).await;
    let items = Arc::new(seed(&admin).await);

    let mut callers = Vec::new();
    for user in USERS {
        let password = if user == "admin" { PASSWORD } else { USER_PASSWORD };
        callers.push(Caller {
            user,
            password,
            rest: Rest::login(&http, &server.base, user, password).await,
            ticket: clients::ticket(&http, &server.base, user, password).await,
            http: http.clone(),
        });
    }
    let tasks: Vec<_> = (0..TASKS)
        .map(|t| {
            let (caller, items) = (callers[t % callers.len()].clone(), items.clone());
            tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(seed_value.wrapping_add(t as u64));
                for _ in 0..OPERATIONS_PER_TASK {
                    operate(&caller, &items, &mut rng).await;
                }
            })
        })
        .collect();
    let finished = tokio::time::timeout(RUN_TIMEOUT, futures_util::future::join_all(tasks))
        .await
        .unwrap_or_else(|_| {
            panic!("the clients did not finish within {RUN_TIMEOUT:?}: a deadlock? (seed {seed_value})")
        });
    for result in finished {
        if let Err(e) = result {
            eprintln!("a client failed (seed {seed_value})");
            std::panic::resume_unwind(e.into_panic());
        }
    }

    // Every seeded item in exactly one state.
    let (live, trashed) = census(&admin, items.library).await;
    let mut tally: HashMap<&str, usize> = HashMap::new();
    for id in items.all() {
        let (status, _) = admin.get(&format!("/nodes/{id}")).await.unwrap();
        let state = match (live.contains_key(&id), trashed.contains_key(&id)) {
            (true, false) => "live",
            (false, true) => "trashed",
            (false, false) => "purged",
            (true, true) => unreachable!("census refuses it"),
        };
        assert_eq!(
            status == StatusCode::OK,
            state == "live",
            "item {id} is {state} but GET says {status}"
        );
        *tally.entry(state).or_default() += 1;
    }
    eprintln!("after the run: {tally:?} (seed {seed_value})");
    let mut check_args = vec!["--data-dir", data.as_str()];
    check_args.extend(location.iter().map(String::as_str));
    clients::assert_check_clean(&check_args, &format!("after the run (seed {seed_value})"));

    // Everything that is still in the trash comes back, and every document that was not purged
    // has the bytes it was uploaded with.
    let (status, report) = admin
        .post(
            "/trash/restore-by-filter",
            json!({ "filter": {}, "options": { "on_conflict": "rename", "missing_parent": "recreate" }, "background": false }),
        )
        .await
        .unwrap();
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["failed"], 0, "{report}");
    let kept: BTreeSet<i64> = live.keys().chain(trashed.keys()).copied().collect();
    for (id, sha) in items.documents.iter().filter(|(id, _)| kept.contains(id)) {
        let (status, bytes) = admin.download(*id).await.unwrap();
        assert_eq!((status, sha256(&bytes)), (StatusCode::OK, sha.clone()), "document {id}");
    }
    clients::assert_check_clean(&check_args, &format!("after restoring everything (seed {seed_value})"));
    server.stop();
}

fn seed_value() -> u64 {
    let seed = std::env::var("SALVAGE_STRESS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::thread_rng().gen::<u64>());
    eprintln!("stress test seed {seed} (replay with SALVAGE_STRESS_SEED={seed})");
    seed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_three_faces_leave_every_item_in_one_state_on_sqlite() {
    let _alone = crate::support::alone().await;
    run(Vec::new(), seed_value()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_on_three_faces_leave_every_item_in_one_state_on_postgres() {
    let _alone = crate::support::alone().await;
    let Some(database) = ScratchDatabase::for_test().await else {
        return;
    };
    run(vec!["--database-url".into(), database.url.clone()], seed_value()).await;
}
