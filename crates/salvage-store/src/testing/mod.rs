//! Scratch PostgreSQL databases for the test suites and benchmarks; not part of the API.
//!
//! Each scratch database is created empty on a server, named `salvage_test_<random>`, and
//! dropped when its guard is dropped — also when the test using it panics.

pub mod bulk;
pub mod legacy;

use sqlx::{Connection, PgConnection};
use std::hash::{BuildHasher, RandomState};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// The server the tests use unless `SALVAGE_TEST_DATABASE_URL` names another (any database on
/// it: the scratch databases are created beside it).
pub const DEFAULT_SERVER_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database that exists while this value does.
pub struct ScratchDatabase {
    /// URL of the scratch database.
    pub url: String,
    name: String,
    server_url: String,
}

impl ScratchDatabase {
    /// Creates an empty database on the server at `server_url`.
    pub async fn create(server_url: &str) -> Result<ScratchDatabase, sqlx::Error> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let random = RandomState::new().hash_one((std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
        let name = format!("salvage_test_{random:016x}");
        let mut conn = PgConnection::connect(server_url).await?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(ScratchDatabase {
            url: with_database(server_url, &name),
            name,
            server_url: server_url.to_owned(),
        })
    }

    /// A scratch database for a test on the server at `SALVAGE_TEST_DATABASE_URL` (default:
    /// the local server). `None`, after saying why on stderr, when the server cannot be
    /// reached — unless `SALVAGE_REQUIRE_POSTGRES=1`, which makes that a panic (a test failure).
    pub async fn for_test() -> Option<ScratchDatabase> {
        let server = std::env::var("SALVAGE_TEST_DATABASE_URL").unwrap_or_else(|_| DEFAULT_SERVER_URL.to_owned());
        match ScratchDatabase::create(&server).await {
            Ok(db) => Some(db),
            Err(e) if std::env::var("SALVAGE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") => panic!(
                "PostgreSQL is required (SALVAGE_REQUIRE_POSTGRES=1) but no test database could be created on {server}: {e}"
            ),
            Err(e) => {
                // Straight to stderr: the test harness's capture would swallow `eprintln!` of a
                // test that passes (or of a test binary that stops here).
                let _ = writeln!(
                    std::io::stderr(),
                    "skipping the PostgreSQL tests: no test database could be created on {server}: {e}. \
                     Start PostgreSQL or point SALVAGE_TEST_DATABASE_URL at a server; \
                     SALVAGE_REQUIRE_POSTGRES=1 turns this into a failure."
                );
                None
            }
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        // Drop may run inside an async runtime, which must not block on another one: a thread
        // of its own drops the database. FORCE ends connections the test's pools still hold.
        let (server, name) = (self.server_url.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await?;
                Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

/// `url` with its database (the path) replaced by `name`; the query string is kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let authority_end = base[scheme_end..].find('/').map_or(base.len(), |i| scheme_end + i);
    let mut out = format!("{}/{name}", &base[..authority_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://u:p@h:5432/postgres", "x"),
            "postgres://u:p@h:5432/x"
        );
        assert_eq!(with_database("postgres://h", "x"), "postgres://h/x");
        assert_eq!(
            with_database("postgresql://h/db?sslmode=disable", "x"),
            "postgresql://h/x?sslmode=disable"
        );
    }
}
