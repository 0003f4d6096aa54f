//! A fresh salvage installation for one scenario: a repository on SQLite (in a temporary data
//! directory) or on a scratch PostgreSQL database, a plain SQL connection for bulk loading and
//! floors, and on demand a real HTTP server on a free loopback port.

use anyhow::{Context, Result};
use salvage_blob::LocalBlobStore;
use salvage_core::blob::BlobStore;
use salvage_core::clock::SystemClock;
use salvage_core::model::{Actor, NewUser, Node, Role};
use salvage_core::store::Store;
use salvage_core::{Config, Repository};
use salvage_server::Limits;
use salvage_store::testing::bulk::{BinSpec, LoadedBin, Sql};
use salvage_store::testing::ScratchDatabase;
use salvage_store::{PgStore, SqliteStore};
use std::sync::Arc;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const ADMIN_PASSWORD: &str = "bench admin password";
pub const USER_PASSWORD: &str = "bench user password";

/// Where a scenario's installation lives.
#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite,
    /// The server URL (any database on it): each installation gets a scratch database there.
    Postgres(String),
}

impl Backend {
    pub fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }
}

pub struct Installation {
    pub backend: &'static str,
    pub repo: Repository,
    pub sql: Sql,
    pub admin: Actor,
    pub tenant: i64,
    /// The sha-256 of the shared 1 KiB content the bulk-loaded documents point at.
    pub sha: String,
    store: Opened,
    // Kept for their lifetime: the data directory and the scratch database.
    _dir: TempDir,
    _scratch: Option<ScratchDatabase>,
}

impl Installation {
    pub async fn create(backend: &Backend) -> Result<Installation> {
        let dir = tempfile::tempdir().context("a temporary data directory")?;
        let (store, sql, scratch) = match backend {
            Backend::Sqlite => {
                let file = dir.path().join("salvage.db");
                let store = SqliteStore::open(&file).await?;
                (Opened::Sqlite(store), Sql::open_sqlite(&file).await?, None)
            }
            Backend::Postgres(server) => {
                let scratch = ScratchDatabase::create(server)
                    .await
                    .with_context(|| format!("a scratch database on {server}"))?;
                let store = PgStore::connect(&scratch.url).await?;
                let sql = Sql::open_postgres(&scratch.url).await?;
                (Opened::Postgres(store), sql, Some(scratch))
            }
        };
        let shared: Arc<dyn Store> = match &store {
            Opened::Sqlite(s) => Arc::new(s.clone()),
            Opened::Postgres(s) => Arc::new(s.clone()),
        };
        let blobs = LocalBlobStore::open(dir.path().join("blobs")).await?;
        let staged = blobs.stage(&mut &[b'x'; 1024][..]).await?;
        let sha = staged.sha256.clone();
        blobs.promote(staged).await?;
        let repo = Repository::new(shared, Arc::new(blobs), Arc::new(SystemClock), Config::default());
        repo.init(Some(ADMIN_PASSWORD)).await?;
        let admin = repo.actor_by_name("default", "admin").await?;
        let mut installation = Installation {
            backend: backend.name(),
            tenant: admin.tenant_id,
            repo,
            sql,
            admin,
            sha,
            store,
            _dir: dir,
            _scratch: scratch,
        };
        // The shared content must have a row before documents can point at it.
        installation.reference_content().await?;
        Ok(installation)
    }

    /// Registers the shared content with no references yet, as an upload would.
    async fn reference_content(&mut self) -> Result<()> {
        self.sql
            .exec(&format!(
                "INSERT INTO blobs (sha256, size, refcount, zero_since) VALUES ('{}', 1024, 0, NULL)",
                self.sha
            ))
            .await;
        Ok(())
    }

    /// A library, and a folder in it, made through the repository.
    pub async fn folder(&self, library: &str, folder: &str) -> Result<(Node, Node)> {
        let lib = self.repo.create_library(&self.admin, library).await?;
        let f = self.repo.create_folder(&self.admin, lib.id, folder).await?;
        Ok((lib, f))
    }

    /// A library and folder holding `items` documents the administrator deleted one by one
    /// over the last day: what the restore scenarios restore from.
    pub async fn deleted_documents(&mut self, library: &str, folder: &str, items: usize) -> Result<LoadedBin> {
        let (_, f) = self.folder(library, folder).await?;
        let now = chrono::Utc::now().timestamp_millis();
        let admin = [self.admin.user_id];
        let names = format!("/{library}/{folder}");
        Ok(self
            .sql
            .load_bin(&BinSpec {
                tenant: self.tenant,
                folder: f.id,
                folder_path: &f.path,
                folder_names: &names,
                deleters: &admin,
                items,
                since_ms: now - 86_400_000,
                span_ms: 86_400_000,
                sha: &self.sha,
            })
            .await)
    }

    /// `count` ordinary users `user0`, `user1`, … who may work in the tenant.
    pub async fn users(&self, count: usize) -> Result<Vec<i64>> {
        let mut ids = Vec::with_capacity(count);
        for i in 0..count {
            let user = self
                .repo
                .create_user(
                    &self.admin,
                    &NewUser {
                        username: format!("user{i}"),
                        email: format!("user{i}@bench.example"),
                        first_name: "Bench".into(),
                        last_name: format!("User {i}"),
                        password: USER_PASSWORD.into(),
                        is_system_admin: false,
                    },
                    Role::IpsUser,
                )
                .await?;
            ids.push(user.id);
        }
        Ok(ids)
    }

    /// Starts the HTTP server over this installation's repository.
    pub async fn serve(&self) -> Result<Server> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let (stop, stopped) = oneshot::channel::<()>();
        let app = salvage_server::app(self.repo.clone(), Limits::default());
        tokio::spawn(salvage_server::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().pool_max_idle_per_host(256).build()?;
        Ok(Server {
            base,
            http,
            stop: Some(stop),
        })
    }

    pub async fn close(self) {
        self.sql.close().await;
        match self.store {
            Opened::Sqlite(s) => s.close().await,
            Opened::Postgres(s) => s.close().await,
        }
    }
}

/// The store as opened, for closing it at the end.
enum Opened {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

/// A running server, stopped when dropped.
pub struct Server {
    pub base: String,
    pub http: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
}

impl Server {
    /// A REST session token.
    pub async fn rest_token(&self, login: &str, password: &str) -> Result<String> {
        let body: serde_json::Value = self
            .http
            .post(format!("{}/api/v1/sessions", self.base))
            .json(&serde_json::json!({ "login": login, "password": password }))
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        body["token"]
            .as_str()
            .map(str::to_owned)
            .context("the session answer has a token")
    }

    /// An infoRouter ticket, from `AuthenticateUser` over HTTP GET.
    pub async fn inforouter_ticket(&self, login: &str, password: &str) -> Result<String> {
        let text = self
            .http
            .get(format!("{}/srv.asmx/AuthenticateUser", self.base))
            .query(&[("UID", login), ("PWD", password)])
            .send()
            .await?
            .text()
            .await?;
        text.split("ticket=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(str::to_owned)
            .with_context(|| format!("AuthenticateUser gave no ticket: {text}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
