//! What a transfer copies: every table of the schema, in an order that satisfies the foreign
//! keys, with each column's kind so rows can be carried between backends that spell types
//! differently (SQLite keeps flags as integers, PostgreSQL as booleans).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Int,
    Bool,
    Text,
}

use Kind::{Bool, Int, Text};

pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// A total order, so the source and the target can be read back the same way and
    /// compared; for nodes, parents come before their children.
    pub order_by: &'static str,
    /// Whether ids come from a counter that must carry over: ids are never reused, so the
    /// target must not hand out an id a purged item once had.
    pub id_counter: bool,
}

impl Table {
    pub fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| *name)
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn select(&self) -> String {
        format!(
            "SELECT {} FROM {} ORDER BY {}",
            self.column_list(),
            self.name,
            self.order_by
        )
    }
}

/// Parents before children: tenants and users, then what belongs to them; trash records before
/// the nodes they mark; blobs before the versions that reference them.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "tenants",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("user_bin_days", Int),
            ("system_bin_days", Int),
            ("names_reserved", Bool),
            ("restore_policy", Text),
            ("created_at", Int),
        ],
        order_by: "id",
        id_counter: true,
    },
    Table {
        name: "users",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("username_key", Text),
            ("email", Text),
            ("email_key", Text),
            ("first_name", Text),
            ("last_name", Text),
            ("password_hash", Text),
            ("enabled", Bool),
            ("is_system_admin", Bool),
            ("created_at", Int),
        ],
        order_by: "id",
        id_counter: true,
    },
    Table {
        name: "memberships",
        columns: &[("user_id", Int), ("tenant_id", Int), ("role", Text)],
        order_by: "user_id, tenant_id",
        id_counter: false,
    },
    Table {
        name: "groups",
        columns: &[
            ("id", Int),
            ("tenant_id", Int),
            ("name", Text),
            ("name_key", Text),
            ("builtin", Bool),
        ],
        order_by: "id",
        id_counter: true,
    },
    Table {
        name: "group_members",
        columns: &[("group_id", Int), ("user_id", Int)],
        order_by: "group_id, user_id",
        id_counter: false,
    },
    Table {
        name: "sessions",
        columns: &[
            ("ticket_hash", Text),
            ("user_id", Int),
            ("tenant_id", Int),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        order_by: "ticket_hash",
        id_counter: false,
    },
    Table {
        name: "doc_types",
        columns: &[("id", Int), ("tenant_id", Int), ("name", Text)],
        order_by: "id",
        id_counter: true,
    },
    Table {
        name: "trash_records",
        columns: &[
            ("id", Int),
            ("tenant_id", Int),
            ("root_node_id", Int),
            ("kind", Text),
            ("name", Text),
            ("name_key", Text),
            ("original_parent_id", Int),
            ("original_path", Text),
            ("deleted_by", Int),
            ("deleted_at", Int),
            ("item_count", Int),
            ("total_size", Int),
            ("stage", Int),
            ("stage_changed_at", Int),
        ],
        order_by: "id",
        id_counter: true,
    },
    Table {
        name: "nodes",
        columns: &[
            ("id", Int),
            ("tenant_id", Int),
            ("parent_id", Int),
            ("kind", Text),
            ("name", Text),
            ("name_key", Text),
            ("path", Text),
            ("depth", Int),
            ("trash_record_id", Int),
            ("size", Int),
            ("current_version", Int),
            ("published_version", Int),
            ("doc_type_id", Int),
            ("requires_doc_type", Bool),
            ("acl_inherited", Bool),
            ("created_by", Int),
            ("created_at", Int),
            ("modified_at", Int),
        ],
        order_by: "depth, id",
        id_counter: true,
    },
    Table {
        name: "blobs",
        columns: &[("sha256", Text), ("size", Int), ("refcount", Int), ("zero_since", Int)],
        order_by: "sha256",
        id_counter: false,
    },
    Table {
        name: "versions",
        columns: &[
            ("node_id", Int),
            ("number", Int),
            ("blob_sha256", Text),
            ("size", Int),
            ("created_by", Int),
            ("created_at", Int),
        ],
        order_by: "node_id, number",
        id_counter: false,
    },
    Table {
        name: "acl_entries",
        columns: &[
            ("node_id", Int),
            ("principal_kind", Text),
            ("principal_id", Int),
            ("access_right", Int),
        ],
        order_by: "node_id, principal_kind, principal_id",
        id_counter: false,
    },
    Table {
        name: "audit_events",
        columns: &[
            ("id", Int),
            ("tenant_id", Int),
            ("at", Int),
            ("actor_id", Int),
            ("action", Text),
            ("record_id", Int),
            ("node_id", Int),
            ("kind", Text),
            ("name", Text),
            ("from_path", Text),
            ("to_path", Text),
        ],
        order_by: "id",
        id_counter: true,
    },
];
