//! SQLite's spelling of what the shared SQL cannot write once (see `sql::dialect`).

use crate::sql::Dialect;

pub(crate) const DIALECT: Dialect = Dialect {
    numbered_binds: false,
    parent_key: "ifnull(parent_id, 0)",
    // `IS` compares NULLs as equal and is served by an index.
    same_parent: "parent_id IS $2",
    // Ids come from AUTOINCREMENT (never reused), known only after the insert: the row goes in
    // with its parent's path and `node_path` appends the id.
    insert_node: "INSERT INTO nodes (tenant_id, parent_id, kind, name, name_key, path, depth, created_by, created_at, modified_at) \
                  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
    node_path: Some("UPDATE nodes SET path = path || id || '/' WHERE id = $1 RETURNING *"),
    insert_record: "INSERT INTO trash_records (tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, \
                    deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $9) RETURNING id",
    trigram_table: true,
};
