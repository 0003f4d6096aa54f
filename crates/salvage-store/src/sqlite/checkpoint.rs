//! WAL checkpoints off the request path.
//!
//! In WAL mode a commit appends the pages it changed to the `-wal` file; a checkpoint copies
//! them back into the database file and syncs it, and once everything is copied and no reader
//! still reads the WAL, the next commit starts the WAL over from its beginning. SQLite's
//! automatic checkpoint runs inside the commit that takes the WAL past 1,000 pages, so one
//! request in a few hundred paid for copying and syncing what all the others wrote (one
//! client: p50 ~1 ms, p99 10–25 ms). The writer therefore runs with `wal_autocheckpoint=0`,
//! and a task of the store checkpoints on a connection of its own ([`Checkpointer`]): `PASSIVE`
//! checkpoints, which never wait for the writer or the readers and never hold them up, every
//! second, and every tenth of a second while much is being written. Whatever a reader's
//! snapshot still needs stays in the WAL until a later round.
//!
//! A passive checkpoint copies what was committed when it began, and the WAL starts over only
//! if no commit came in meanwhile; the writer does not wait for the disk, so under constant
//! writes faster than the disk takes them (or while a reader holds an old snapshot) the WAL
//! keeps growing. The safety valve ([`WriterValve`]) bounds it: once the file passes
//! [`Policy::valve_bytes`], a write first waits for a checkpoint of the task in progress to
//! end and then checkpoints itself, as SQLite's automatic checkpoint would, so the WAL starts
//! over at that write and the writer's `journal_size_limit` cuts the file back. Only one
//! checkpoint runs at a time (a second one would find the WAL busy and skip). A reader that
//! holds an old snapshot holds the WAL with it, whoever checkpoints.
//!
//! The task ends when the store is closed, or when every handle of the store is dropped; it
//! never panics, and logs what fails.

use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// When the WAL is checkpointed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Pause between the task's checkpoints.
    pub interval: Duration,
    /// Pause between the task's checkpoints while much is being written: after one that found
    /// at least `busy_frames` pages in the WAL, more than the one before.
    pub busy_interval: Duration,
    pub busy_frames: i64,
    /// WAL file size past which the writer checkpoints before it writes; also the size the
    /// WAL file is cut back to when it starts over.
    pub valve_bytes: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            interval: Duration::from_secs(1),
            busy_interval: Duration::from_millis(100),
            // SQLite's own threshold: 1,000 pages (4 MiB of 4 KiB pages).
            busy_frames: 1000,
            valve_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The WAL file of the database `conn` is connected to, if it has one: not an in-memory
/// database, and in WAL mode.
pub(crate) async fn wal_file(conn: &mut SqliteConnection) -> sqlx::Result<Option<PathBuf>> {
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&mut *conn).await?;
    let file: String = sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
        .fetch_one(&mut *conn)
        .await?;
    Ok((mode.eq_ignore_ascii_case("wal") && !file.is_empty()).then(|| PathBuf::from(format!("{file}-wal"))))
}

/// The safety valve, checked each time the writer connection is taken for a write: while the
/// WAL file is past `valve_bytes`, the writer checkpoints before it writes.
pub(crate) struct WriterValve {
    valve_bytes: u64,
    /// The WAL to watch, once the database is open (until then, nothing to do).
    wal: OnceLock<PathBuf>,
    /// Held by whoever checkpoints: the task or the writer.
    turn: tokio::sync::Mutex<()>,
    /// Whether the WAL was past the limit at the last check (to log the changes).
    open: AtomicBool,
}

impl WriterValve {
    pub(crate) fn new(valve_bytes: u64) -> WriterValve {
        WriterValve {
            valve_bytes,
            wal: OnceLock::new(),
            turn: tokio::sync::Mutex::new(()),
            open: AtomicBool::new(false),
        }
    }

    pub(crate) fn watch(&self, wal: PathBuf) {
        let _ = self.wal.set(wal);
    }

    /// Before a write: checkpoints on `writer` if the WAL is too long. Costs a `stat` when it
    /// is not. A failure is logged and the write goes ahead.
    pub(crate) async fn check(&self, writer: &mut SqliteConnection) {
        let Some(wal) = self.wal.get() else {
            return;
        };
        let bytes = wal_bytes(wal);
        let long = bytes > self.valve_bytes;
        if self.open.swap(long, Ordering::Relaxed) != long {
            if long {
                tracing::warn!(
                    bytes,
                    limit = self.valve_bytes,
                    "the WAL grew past its limit (writes faster than the disk, or a long reader): \
                     writes checkpoint it until it starts over"
                );
            } else {
                tracing::info!(
                    bytes,
                    "the WAL started over: checkpoints are off the request path again"
                );
            }
        }
        if long {
            // The writer is taken, so nothing is committed while this runs: once it has
            // copied everything, the coming write starts the WAL over.
            let _turn = self.turn.lock().await;
            if let Err(e) = checkpoint(writer).await {
                tracing::warn!(error = %e, "WAL checkpoint before a write failed");
            }
        }
    }
}

/// The running checkpoint task of a store.
pub(crate) struct Checkpointer {
    /// Sending (or dropping) tells the task to stop.
    stop: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Checkpointer {
    /// Opens the task's connection to the database `options` name and starts the task, which
    /// takes turns with the writer's checkpoints through `valve`.
    pub(crate) async fn start(
        options: &SqliteConnectOptions,
        wal: PathBuf,
        valve: Arc<WriterValve>,
        policy: Policy,
    ) -> sqlx::Result<Checkpointer> {
        let conn = options.connect().await?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(run(conn, wal, valve, policy, stopped));
        Ok(Checkpointer {
            stop: Mutex::new(Some(stop)),
            task: Mutex::new(Some(task)),
        })
    }

    /// Stops the task and waits until it has closed its connection. Later calls return at once.
    pub(crate) async fn stop(&self) {
        // A poisoned lock only means another caller panicked while holding it; the value is
        // still right.
        let stop = self.stop.lock().unwrap_or_else(|e| e.into_inner()).take();
        drop(stop);
        let task = self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        if let Some(task) = task {
            if let Err(e) = task.await {
                tracing::warn!(error = %e, "the WAL checkpoint task ended abnormally");
            }
        }
    }
}

async fn run(
    mut conn: SqliteConnection,
    wal: PathBuf,
    valve: Arc<WriterValve>,
    policy: Policy,
    mut stopped: oneshot::Receiver<()>,
) {
    // Pages in the WAL at the last checkpoint: the WAL only starts over at the next commit,
    // so an idle WAL keeps its count.
    let mut last_frames = 0;
    let mut pause = policy.interval;
    loop {
        tokio::select! {
            // A stop, or the store's last handle gone (the sender dropped): either way, done.
            _ = &mut stopped => break,
            _ = tokio::time::sleep(pause) => {}
        }
        let turn = valve.turn.lock().await;
        let done = checkpoint(&mut conn).await;
        drop(turn);
        pause = match done {
            Ok((busy, frames, copied)) => {
                tracing::trace!(busy, frames, copied, "passive WAL checkpoint");
                let writing = frames >= policy.busy_frames && frames != last_frames;
                last_frames = frames;
                if writing {
                    policy.busy_interval
                } else {
                    policy.interval
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, wal = %wal.display(), "WAL checkpoint failed; trying again");
                policy.interval
            }
        };
    }
    if let Err(e) = conn.close().await {
        tracing::warn!(error = %e, "closing the WAL checkpoint connection failed");
    }
}

/// `PRAGMA wal_checkpoint(PASSIVE)`: whether it was blocked, pages in the WAL, pages copied.
async fn checkpoint(conn: &mut SqliteConnection) -> sqlx::Result<(i64, i64, i64)> {
    sqlx::query_as("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(conn).await
}

/// The length of the WAL file, 0 when there is none.
fn wal_bytes(wal: &Path) -> u64 {
    match std::fs::metadata(wal) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => 0,
        Err(e) => {
            tracing::warn!(error = %e, wal = %wal.display(), "cannot read the size of the WAL");
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SqliteStore;

    const MIB: u64 = 1024 * 1024;
    const ROW_BYTES: i64 = 8192;

    /// Rounds close together, so a test writes little to see them work.
    fn quick() -> Policy {
        Policy {
            interval: Duration::from_millis(20),
            busy_interval: Duration::from_millis(5),
            busy_frames: 100,
            valve_bytes: 4 * MIB,
        }
    }

    async fn open(file: &Path, policy: Policy) -> SqliteStore {
        SqliteStore::open_with(SqliteConnectOptions::new().filename(file), policy)
            .await
            .expect("open")
    }

    async fn exec(store: &SqliteStore, sql: &str) {
        sqlx::query(sql).execute(&store.writer).await.expect(sql);
    }

    fn wal_path(file: &Path) -> PathBuf {
        PathBuf::from(format!("{}-wal", file.display()))
    }

    /// Rows of `ROW_BYTES` random bytes, each in a transaction of its own; returns the
    /// largest the WAL was seen meanwhile.
    async fn fill(store: &SqliteStore, file: &Path, rows: usize) -> u64 {
        let mut largest = 0;
        for i in 0..rows {
            exec(
                store,
                &format!("INSERT INTO filler (data) VALUES (randomblob({ROW_BYTES}))"),
            )
            .await;
            if i % 20 == 0 {
                largest = largest.max(wal_bytes(&wal_path(file)));
            }
        }
        largest
    }

    async fn count(store: &SqliteStore) -> (i64, i64) {
        sqlx::query_as("SELECT count(*), coalesce(sum(length(data)), 0) FROM filler")
            .fetch_one(&store.reader)
            .await
            .expect("count")
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_wal_stays_bounded_under_constant_writes_and_close_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bounded.db");
        let store = open(&file, quick()).await;
        let auto: i64 = sqlx::query_scalar("PRAGMA wal_autocheckpoint")
            .fetch_one(&store.writer)
            .await
            .unwrap();
        assert_eq!(auto, 0, "the writer must leave checkpoints to the task");
        exec(
            &store,
            "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        )
        .await;

        // 64 MiB in 8,000 commits, faster than the disk can take them: left alone, the WAL
        // would hold all of it.
        let rows = 8000;
        let largest = fill(&store, &file, rows).await;
        assert!(
            largest <= 5 * MIB,
            "the WAL reached {largest} bytes while {} were written",
            rows as i64 * ROW_BYTES
        );
        assert_eq!(count(&store).await, (rows as i64, rows as i64 * ROW_BYTES));

        store.close().await;
        assert_eq!(wal_bytes(&wal_path(&file)), 0, "closing checkpoints the whole WAL");
        store.close().await;

        let store = SqliteStore::open(&file).await.unwrap();
        assert_eq!(count(&store).await, (rows as i64, rows as i64 * ROW_BYTES));
        store.close().await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_wal_kept_by_an_old_snapshot_is_truncated_once_the_reader_is_done() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("valve.db");
        let store = open(
            &file,
            Policy {
                valve_bytes: MIB,
                ..quick()
            },
        )
        .await;
        exec(
            &store,
            "CREATE TABLE filler (id INTEGER PRIMARY KEY, data BLOB NOT NULL)",
        )
        .await;
        fill(&store, &file, 1).await;

        // A reader in the middle of a long read: its snapshot pins the WAL.
        let mut reading = store.reader.begin().await.unwrap();
        let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
            .fetch_one(&mut *reading)
            .await
            .unwrap();
        assert_eq!(seen, 1);
        let rows = 400;
        fill(&store, &file, rows).await;
        assert!(
            wal_bytes(&wal_path(&file)) > MIB,
            "the old snapshot keeps the WAL from starting over"
        );
        let still: i64 = sqlx::query_scalar("SELECT count(*) FROM filler")
            .fetch_one(&mut *reading)
            .await
            .unwrap();
        assert_eq!(still, 1, "the reader's snapshot is unchanged");
        reading.rollback().await.unwrap();

        // The next commits copy the WAL, start it over and cut the file back.
        let mut more = 0;
        while wal_bytes(&wal_path(&file)) > MIB {
            assert!(
                more < 100,
                "the WAL is still {} bytes {more} commits after the reader finished",
                wal_bytes(&wal_path(&file))
            );
            fill(&store, &file, 1).await;
            more += 1;
        }
        let total = rows as i64 + 1 + more;
        assert_eq!(count(&store).await, (total, total * ROW_BYTES));
        store.close().await;
    }

    #[tokio::test]
    async fn an_in_memory_database_has_no_checkpoint_task() {
        let store = SqliteStore::open_url("sqlite::memory:").await.unwrap();
        assert!(store.checkpointer.is_none());
        store.close().await;
    }
}
