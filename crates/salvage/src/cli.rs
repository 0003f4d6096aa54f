//! Command-line definitions. Global options are accepted before or after the subcommand.

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand, ValueEnum};
use salvage_core::model::NodeKind;
use salvage_core::store::TrashSort;
use salvage_core::trash::{MissingParentPolicy, OnConflict};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "salvage",
    version,
    about = "A document repository whose recycle bin you can trust"
)]
pub struct Cli {
    /// Where salvage keeps its database and document contents [default: ./salvage-data].
    #[arg(long, global = true, env = "SALVAGE_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database to use [default: SQLite in the data directory]: sqlite:///var/lib/salvage/salvage.db, or
    /// postgres://user:password@host:5432/salvage for PostgreSQL shared by several servers.
    #[arg(long, global = true, env = "SALVAGE_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where document content is kept [default: the data directory's blobs/], e.g.
    /// s3://bucket/prefix (endpoint, region and credentials from the AWS_* variables).
    #[arg(long, global = true, env = "SALVAGE_BLOB_URL")]
    pub blob_url: Option<String>,
    /// The user the command acts as.
    #[arg(
        long = "as",
        global = true,
        env = "SALVAGE_USER",
        default_value = "admin",
        value_name = "USER"
    )]
    pub user: String,
    /// The tenant the command acts in.
    #[arg(long, global = true, env = "SALVAGE_TENANT", default_value = "default")]
    pub tenant: String,
    /// Print JSON instead of tables.
    #[arg(long, global = true)]
    pub json: bool,
    /// More log output (repeat for more).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Log lines as human-readable text or as JSON objects.
    #[arg(long, global = true, env = "SALVAGE_LOG_FORMAT", value_enum)]
    pub log_format: Option<LogFormat>,
    #[command(subcommand)]
    pub command: Command,
}

pub const DEFAULT_DATA_DIR: &str = "./salvage-data";

impl Cli {
    /// The data directory from the flag or environment, else the default.
    pub fn data_dir(&self) -> PathBuf {
        self.data_dir.clone().unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP server (REST API under /api/v1). On first start it does what `init` does.
    Serve(ServeArgs),
    /// Create the data directory, tenant `default` and the administrator `admin` (idempotent).
    /// The password comes from SALVAGE_ADMIN_PASSWORD, or is generated and printed once.
    Init,
    /// Copy a directory tree from disk into the repository.
    Import {
        /// Directory to read.
        source: PathBuf,
        /// Folder to import into, e.g. /Library/Folder (created if missing).
        target: String,
    },
    /// List live folders and documents (`/` lists the libraries).
    Ls {
        #[arg(default_value = "/")]
        path: String,
        /// Descend into folders.
        #[arg(short = 'R', long)]
        recursive: bool,
    },
    /// Move a document or folder to the recycle bin.
    Rm { path: String },
    /// Work the recycle bin.
    #[command(subcommand)]
    Trash(TrashCommand),
    /// Verify the repository's invariants; exits 1 if any is broken.
    Check,
    /// Copy this installation — every item, version, trash record, user and audit event, and the
    /// document contents — into a new, empty database and blob store, e.g. from the embedded
    /// default to PostgreSQL and S3. The source is not changed; stop its servers first.
    Migrate(MigrateArgs),
    /// Copy this installation, while its servers keep running, into a new directory that is an
    /// embedded installation of its own (DEST/salvage.db and DEST/blobs/), checked before it
    /// reports success.
    Backup {
        /// A new or empty directory.
        dest: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// Database to copy from [default: --database-url, else the data directory's SQLite database].
    #[arg(long, value_name = "URL")]
    pub from: Option<String>,
    /// Blob store to copy document contents from [default: --blob-url, else the data directory's blobs/].
    #[arg(long, value_name = "URL")]
    pub from_blobs: Option<String>,
    /// Database to copy into, new and empty: postgres://user:password@host:5432/salvage, or
    /// sqlite:///path/to/salvage.db.
    #[arg(long, value_name = "URL")]
    pub to: String,
    /// Blob store to copy document contents into, e.g. s3://bucket/prefix (endpoint, region and
    /// credentials from the AWS_* variables) or a directory [default: contents stay where they are].
    #[arg(long, value_name = "URL")]
    pub to_blobs: Option<String>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "SALVAGE_LISTEN")]
    pub listen: Option<String>,
    /// Serve /metrics only on this address (e.g. 127.0.0.1:9090), not on --listen [default: with
    /// everything else on --listen].
    #[arg(long, env = "SALVAGE_METRICS_LISTEN")]
    pub metrics_listen: Option<String>,
    /// A TOML file with any of: listen, metrics_listen, metrics_tenant_labels, data_dir, database_url, blob_url,
    /// max_body_bytes, max_soap_bytes, max_upload_bytes, max_buffered_bytes, request_timeout_secs, header_read_timeout_secs,
    /// body_read_timeout_secs, sweep_interval_secs, log_format, login_account_failures, login_address_failures,
    /// login_lockout_secs, trusted_proxies, session_max_age_hours. Flags and SALVAGE_* variables win.
    #[arg(long, env = "SALVAGE_CONFIG")]
    pub config: Option<PathBuf>,
    /// Reverse proxies whose X-Forwarded-For, -Proto and -Host headers are believed, as addresses
    /// or networks separated by commas (127.0.0.1,10.0.0.0/8) [default: none].
    #[arg(long, env = "SALVAGE_TRUSTED_PROXIES", value_name = "LIST", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Serve a throwaway repository seeded with example content, users and deleted items.
    #[arg(long)]
    pub demo: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum TrashCommand {
    /// List deleted items, newest first unless --sort says otherwise.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        /// The order of the list.
        #[arg(long, value_parser = closed_set(TrashSort::ALL.map(TrashSort::as_str), TrashSort::parse),
              default_value = TrashSort::default().as_str())]
        sort: TrashSort,
        /// Show at most this many items.
        #[arg(long, default_value_t = 1000)]
        limit: u64,
    },
    /// Show one deleted item and what it contains.
    Show {
        /// Trash item id.
        id: i64,
    },
    /// Put deleted items back.
    Restore {
        /// Trash item ids; `node:ID` picks one item inside a deleted folder.
        #[arg(required_unless_present = "filter", conflicts_with = "filter")]
        items: Vec<String>,
        /// Restore everything matching the filter options instead of listed items.
        #[arg(long)]
        filter: bool,
        #[command(flatten)]
        filters: FilterArgs,
        /// Restore into this folder instead of the original one.
        #[arg(long, value_name = "PATH")]
        to: Option<String>,
        /// What to do when the target holds an item of the same name.
        #[arg(long, value_parser = closed_set(OnConflict::ALL.map(OnConflict::as_str), OnConflict::parse),
              default_value = OnConflict::default().as_str())]
        on_conflict: OnConflict,
        /// What to do when the original folder is gone (`fallback` needs --fallback).
        #[arg(long, value_parser = closed_set(MissingParentPolicy::ALL.map(MissingParentPolicy::as_str), MissingParentPolicy::parse),
              default_value = MissingParentPolicy::default().as_str())]
        missing_parent: MissingParentPolicy,
        /// Where items go when their original folder is gone (implies --missing-parent fallback).
        #[arg(long, value_name = "PATH")]
        fallback: Option<String>,
        /// Restore nothing unless every item can be restored.
        #[arg(long)]
        all_or_nothing: bool,
        /// Only show what would happen (the preflight).
        #[arg(long)]
        dry_run: bool,
    },
    /// Permanently delete items from the recycle bin (administrators).
    Purge {
        #[arg(required = true)]
        items: Vec<String>,
    },
    /// Move your recycle bin to the system bin.
    Empty {
        /// Empty every user's bin (administrators).
        #[arg(long)]
        all: bool,
    },
    /// Run retention once: age user bins into the system bin, purge what is due, remove
    /// unreferenced content after its grace delay.
    Sweep,
}

#[derive(Debug, Args, Default)]
pub struct FilterArgs {
    /// Only items deleted by this user: a user name, an e-mail address or a user id.
    #[arg(long, value_name = "USER")]
    pub deleted_by: Option<String>,
    /// Deleted at or after: RFC 3339, `YYYY-MM-DD[ HH:MM[:SS]]` (UTC), `HH:MM` today, or an age like `2h`, `3d`.
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Deleted at or before (same forms as --since; a date alone means up to its end).
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
    /// Only items whose original path is this folder or below it.
    #[arg(long, value_name = "PATH")]
    pub path_prefix: Option<String>,
    /// Only items whose name contains this (any case).
    #[arg(long)]
    pub name: Option<String>,
    /// Only documents, or only folders.
    #[arg(long = "type", value_parser = closed_set(TRASHED_KINDS.map(NodeKind::as_str), NodeKind::parse))]
    pub kind: Option<NodeKind>,
}

/// The kinds of item a trash listing can be narrowed to.
const TRASHED_KINDS: [NodeKind; 2] = [NodeKind::Document, NodeKind::Folder];

/// A parser of one of the core's closed sets: `names` (its `as_str` of every value) for help
/// and errors, `parse` to read one. The names stay the core's, so the CLI says what REST and
/// the web pages say.
fn closed_set<T: Clone + Send + Sync + 'static>(
    names: impl IntoIterator<Item = &'static str>,
    parse: fn(&str) -> Option<T>,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(names).map(move |name| parse(&name).expect("one of the names listed"))
}
