//! What differs between the SQL of the two backends, as data. Each backend spells its own in
//! `sqlite::dialect` and `postgres::dialect`; the shared statements ask for it by name.
//!
//! Everything else is written once in SQL both read: `CAST(… AS BIGINT)`, `TRUE`/`NOT flag`,
//! `ON CONFLICT … DO NOTHING/UPDATE`, `coalesce`, row values, `UPDATE … FROM`.

/// How a backend spells the statements that cannot be written once.
#[derive(Debug)]
pub(crate) struct Dialect {
    /// Placeholders of built statements: `$n` (PostgreSQL) or `?` (SQLite; see `stmt`).
    pub(crate) numbered_binds: bool,
    /// The parent expression of the indexes of live children (`ifnull(parent_id, 0)`,
    /// `coalesce(parent_id, 0)`): a lookup must spell it as the index does to be served by it.
    pub(crate) parent_key: &'static str,
    /// `parent_id` equal to `$2`, NULL equal to NULL, written so that an index serves it.
    pub(crate) same_parent: &'static str,
    /// Inserts a node: `$1` tenant, `$2` parent, `$3` kind, `$4` name, `$5` name key, `$6`
    /// the parent's path, `$7` depth, `$8` creator, `$9` time; returns the row (`*`). The path
    /// ends with the node's id, so either the id is allocated first (and the path written at
    /// once) or `node_path` completes the path after the insert.
    pub(crate) insert_node: &'static str,
    /// Completes the path of node `$1` after `insert_node`, returning the row; `None` where
    /// `insert_node` writes it.
    pub(crate) node_path: Option<&'static str>,
    /// Inserts a trash record: `$1` tenant, `$2` root node, `$3` kind, `$4` name, `$5` name
    /// key, `$6` original parent, `$7` original path, `$8` deleter, `$9` time, `$10` items,
    /// `$11` size; returns its `id`.
    pub(crate) insert_record: &'static str,
    /// Whether the FTS5 trigram table `trash_name_trigrams` exists and a name search must
    /// choose between it and the ordered bin itself (SQLite has no statistics to choose by;
    /// PostgreSQL's planner chooses its trigram index).
    pub(crate) trigram_table: bool,
}
