//! The world every conformance test starts from: a fresh repository on the backend under test
//! (`crate::BACKEND`), a local blob store, and a clock that moves only when told to.

use chrono::{Duration, TimeZone, Utc};
use salvage_blob::LocalBlobStore;
use salvage_core::clock::ManualClock;
use salvage_core::model::*;
use salvage_core::store::Store;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{Outcome, RestoreOptions, TrashItem};
use salvage_core::{Config, Repository};
use salvage_store::testing::bulk::Sql;
use salvage_store::testing::ScratchDatabase;
use salvage_store::{Database, PgStore, SqliteStore};
use std::sync::Arc;
use tempfile::TempDir;

pub struct World {
    pub repo: Repository,
    pub clock: Arc<ManualClock>,
    pub admin: Actor,
    pub dir: TempDir,
    /// The open store behind `repo`.
    database: Database,
    /// The repository settings, kept for `reopen`.
    config: Config,
    /// The PostgreSQL database of this world, held to be dropped with it.
    _database: Option<ScratchDatabase>,
}

#[allow(dead_code)] // each test binary uses one of them
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// How many random histories the state machine tries unless `PROPTEST_CASES` says. The
    /// test talks to the repository in many small transactions; on PostgreSQL each statement
    /// is a round trip and each case a new database, so it tries fewer to take about as long.
    pub fn state_machine_cases(&self) -> u32 {
        match self {
            Backend::Sqlite => 64,
            Backend::Postgres => 16,
        }
    }
}

pub const GRACE_HOURS: i64 = 2;

/// A new, empty repository: a SQLite file in a temporary directory, or a new PostgreSQL
/// database.
pub async fn world() -> World {
    world_with(Config {
        blob_grace: Duration::hours(GRACE_HOURS),
        ..Config::default()
    })
    .await
}

/// `world` with the repository settings `config`.
pub async fn world_with(config: Config) -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let scratch = match crate::BACKEND {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let Some(database) = ScratchDatabase::for_test().await else {
                // Nothing in this binary can run without PostgreSQL; the reason is printed.
                std::process::exit(0)
            };
            Some(database)
        }
    };
    let database = open(&dir, scratch.as_ref()).await;
    let clock = Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()));
    let repo = repository(&dir, &database, &clock, config.clone()).await;
    repo.init(Some("admin-password")).await.expect("init");
    let admin = repo.actor_by_name("default", "admin").await.expect("admin actor");
    World {
        repo,
        clock,
        admin,
        dir,
        database,
        config,
        _database: scratch,
    }
}

/// Opens the world's database: a SQLite file in `dir`, or the scratch PostgreSQL database.
async fn open(dir: &TempDir, scratch: Option<&ScratchDatabase>) -> Database {
    match scratch {
        None => Database::Sqlite(
            SqliteStore::open(&dir.path().join("salvage.db"))
                .await
                .expect("open store"),
        ),
        Some(scratch) => Database::Postgres(PgStore::connect(&scratch.url).await.expect("open store")),
    }
}

async fn repository(dir: &TempDir, database: &Database, clock: &Arc<ManualClock>, config: Config) -> Repository {
    let store: Arc<dyn Store> = database.store();
    let blobs = LocalBlobStore::open(dir.path().join("blobs"))
        .await
        .expect("open blobs");
    Repository::new(store, Arc::new(blobs), clock.clone(), config)
}

impl World {
    /// A plain connection to the world's database, for writing rows as an older version of
    /// salvage left them.
    pub async fn sql(&self) -> Sql {
        match &self._database {
            None => Sql::open_sqlite(&self.dir.path().join("salvage.db")).await,
            Some(scratch) => Sql::open_postgres(&scratch.url).await,
        }
        .expect("connect for raw SQL")
    }

    /// Closes the store and opens the database again, as a restarted server does (the store
    /// runs any data migration the database still needs).
    pub async fn reopen(&mut self) {
        self.database.close().await;
        self.database = open(&self.dir, self._database.as_ref()).await;
        self.repo = repository(&self.dir, &self.database, &self.clock, self.config.clone()).await;
    }

    pub async fn user(&self, name: &str, role: Role) -> Actor {
        let new = NewUser {
            username: name.into(),
            email: format!("{name}@example.com"),
            first_name: name.into(),
            last_name: "Tester".into(),
            password: "long enough password".into(),
            is_system_admin: false,
        };
        self.repo
            .create_user(&self.admin, &new, role)
            .await
            .expect("create user");
        self.repo.actor_by_name("default", name).await.expect("actor")
    }

    pub async fn library(&self, name: &str) -> Node {
        self.repo
            .create_library(&self.admin, name)
            .await
            .expect("create library")
    }

    pub async fn folder(&self, actor: &Actor, parent: &Node, name: &str) -> Node {
        self.repo
            .create_folder(actor, parent.id, name)
            .await
            .expect("create folder")
    }

    pub async fn doc(&self, actor: &Actor, parent: &Node, name: &str, content: &str) -> Node {
        self.repo
            .upload(actor, parent.id, name, &mut content.as_bytes())
            .await
            .expect("upload")
            .0
    }

    pub async fn content(&self, actor: &Actor, doc: NodeId) -> String {
        use tokio::io::AsyncReadExt;
        let (_, mut reader) = self.repo.open_version(actor, doc, None).await.expect("open version");
        let mut s = String::new();
        reader.read_to_string(&mut s).await.expect("read");
        s
    }

    /// Whether `path` resolves to a live item.
    pub async fn exists(&self, path: &str) -> bool {
        self.repo.resolve(&self.admin, path).await.is_ok()
    }

    pub async fn assert_consistent(&self) {
        let violations = self.repo.check().await.expect("check");
        assert!(violations.is_empty(), "invariants broken: {violations:#?}");
    }

    pub async fn all_trash(&self) -> Vec<TrashRecord> {
        self.repo
            .trash(&self.admin, &TrashFilter::default(), TrashSort::default(), None, 10_000)
            .await
            .expect("trash")
            .items
    }

    pub fn later(&self, hours: i64) {
        self.clock.advance(Duration::hours(hours));
    }
}

pub fn rec(r: &TrashRecord) -> TrashItem {
    TrashItem::Record(r.id)
}

pub fn opts() -> RestoreOptions {
    RestoreOptions::default()
}

/// The error of a refused single-item outcome.
pub fn refusal(outcome: &Outcome) -> Option<&salvage_core::Error> {
    match outcome {
        Outcome::Restored(_) => None,
        Outcome::Skipped(e) | Outcome::Failed(e) => Some(e),
    }
}
