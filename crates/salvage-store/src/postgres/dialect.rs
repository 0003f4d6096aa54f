//! PostgreSQL's spelling of what the shared SQL cannot write once (see `sql::dialect`).

use crate::sql::Dialect;

pub(crate) const DIALECT: Dialect = Dialect {
    numbered_binds: true,
    parent_key: "coalesce(parent_id, 0)",
    // `parent_id IS NOT DISTINCT FROM $2` would say the same but no index serves it.
    same_parent: "(parent_id = $2 OR (parent_id IS NULL AND $2 IS NULL))",
    // The id comes from the counter row (never reused, rolled back with the transaction), so
    // the path is written at once.
    insert_node: "WITH next AS (UPDATE id_counters SET last_id = last_id + 1 WHERE name = 'nodes' RETURNING last_id) \
                  INSERT INTO nodes (id, tenant_id, parent_id, kind, name, name_key, path, depth, created_by, created_at, modified_at) \
                  SELECT last_id, $1, $2, $3, $4, $5, $6 || last_id || '/', $7, $8, $9, $9 FROM next RETURNING *",
    node_path: None,
    insert_record: "WITH next AS (UPDATE id_counters SET last_id = last_id + 1 WHERE name = 'trash_records' RETURNING last_id) \
                    INSERT INTO trash_records (id, tenant_id, root_node_id, kind, name, name_key, original_parent_id, original_path, \
                    deleted_by, deleted_at, item_count, total_size, stage, stage_changed_at) \
                    SELECT last_id, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $9 FROM next RETURNING id",
    trigram_table: false,
};
