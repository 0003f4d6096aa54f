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
//!
//! The files: `seed` makes the installation, `operations` starts what a round kills, and `verify`
//! checks what the restarted server shows.

use crate::support::clients::{self, Binding, Rest};
use crate::support::server::{serve, Running};
mod operations;
mod seed;
mod verify;

use seed::*;
use verify::*;

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
struct Round<'a> {
    seed: &'a Seed,
    model: &'a mut Model,
    data: PathBuf,
    http: Client,
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
