//! Row to model conversions, shared by the backends: both schemas have the same columns and
//! decode to the same Rust types (integers as `i64`, flags as `bool`, times as Unix milliseconds).

use chrono::{DateTime, TimeZone, Utc};
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::{Error, Result};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

/// A result row of either backend, read by column name.
pub(crate) trait Columns {
    fn int(&self, column: &str) -> i64;
    fn opt_int(&self, column: &str) -> Option<i64>;
    fn text(&self, column: &str) -> String;
    fn opt_text(&self, column: &str) -> Option<String>;
    fn flag(&self, column: &str) -> bool;
}

macro_rules! columns_of {
    ($row:ty) => {
        impl Columns for $row {
            fn int(&self, column: &str) -> i64 {
                self.get(column)
            }
            fn opt_int(&self, column: &str) -> Option<i64> {
                self.get(column)
            }
            fn text(&self, column: &str) -> String {
                self.get(column)
            }
            fn opt_text(&self, column: &str) -> Option<String> {
                self.get(column)
            }
            fn flag(&self, column: &str) -> bool {
                self.get(column)
            }
        }
    };
}
columns_of!(SqliteRow);
columns_of!(PgRow);

pub(crate) const NODE_COLUMNS: &str = "id, tenant_id, parent_id, kind, name, path, depth, trash_record_id, size, current_version, published_version, doc_type_id, requires_doc_type, acl_inherited, created_by, created_at, modified_at";

pub(crate) const RECORD_COLUMNS: &str = "r.id, r.tenant_id, r.root_node_id, r.kind, r.name, r.original_parent_id, r.original_path, r.deleted_by, u.username AS deleted_by_name, r.deleted_at, r.item_count, r.total_size, r.stage, r.stage_changed_at";

pub(crate) fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

pub(crate) fn time(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

fn corrupt(what: &str, value: &str) -> Error {
    Error::Storage(format!("unexpected {what} {value:?} in the database"))
}

pub(crate) fn kind(s: &str) -> Result<NodeKind> {
    NodeKind::parse(s).ok_or_else(|| corrupt("node kind", s))
}

pub(crate) fn node(row: &impl Columns) -> Result<Node> {
    Ok(Node {
        id: row.int("id"),
        tenant_id: row.int("tenant_id"),
        parent_id: row.opt_int("parent_id"),
        kind: kind(&row.text("kind"))?,
        name: row.text("name"),
        path: row.text("path"),
        depth: row.int("depth"),
        trash_record_id: row.opt_int("trash_record_id"),
        size: row.int("size"),
        current_version: row.int("current_version"),
        published_version: row.int("published_version"),
        doc_type_id: row.opt_int("doc_type_id"),
        requires_doc_type: row.flag("requires_doc_type"),
        acl_inherited: row.flag("acl_inherited"),
        created_by: row.int("created_by"),
        created_at: time(row.int("created_at")),
        modified_at: time(row.int("modified_at")),
    })
}

pub(crate) fn record(row: &impl Columns) -> Result<TrashRecord> {
    Ok(TrashRecord {
        id: row.int("id"),
        tenant_id: row.int("tenant_id"),
        root_node_id: row.int("root_node_id"),
        kind: kind(&row.text("kind"))?,
        name: row.text("name"),
        original_parent_id: row.opt_int("original_parent_id"),
        original_path: row.text("original_path"),
        deleted_by: row.int("deleted_by"),
        deleted_by_name: row.text("deleted_by_name"),
        deleted_at: time(row.int("deleted_at")),
        item_count: row.int("item_count"),
        total_size: row.int("total_size"),
        stage: Stage::from_i64(row.int("stage")),
        stage_changed_at: time(row.int("stage_changed_at")),
    })
}

pub(crate) fn tenant(row: &impl Columns) -> Result<Tenant> {
    let policy = row.text("restore_policy");
    Ok(Tenant {
        id: row.int("id"),
        name: row.text("name"),
        settings: TrashSettings {
            user_bin_days: row.int("user_bin_days") as u32,
            system_bin_days: row.int("system_bin_days") as u32,
            names_reserved: row.flag("names_reserved"),
            restore_policy: RestorePolicy::parse(&policy).ok_or_else(|| corrupt("restore policy", &policy))?,
        },
        created_at: time(row.int("created_at")),
    })
}

pub(crate) fn user(row: &impl Columns) -> User {
    User {
        id: row.int("id"),
        username: row.text("username"),
        email: row.text("email"),
        first_name: row.text("first_name"),
        last_name: row.text("last_name"),
        password_hash: row.text("password_hash"),
        enabled: row.flag("enabled"),
        is_system_admin: row.flag("is_system_admin"),
        created_at: time(row.int("created_at")),
    }
}

pub(crate) fn group(row: &impl Columns) -> Group {
    Group {
        id: row.int("id"),
        tenant_id: row.int("tenant_id"),
        name: row.text("name"),
        builtin: row.flag("builtin"),
    }
}

pub(crate) fn membership(row: &impl Columns) -> Result<Membership> {
    let role = row.text("role");
    Ok(Membership {
        user_id: row.int("user_id"),
        tenant_id: row.int("tenant_id"),
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
    })
}

pub(crate) fn version(row: &impl Columns) -> Version {
    Version {
        node_id: row.int("node_id"),
        number: row.int("number"),
        blob_sha256: row.text("blob_sha256"),
        size: row.int("size"),
        created_by: row.int("created_by"),
        created_at: time(row.int("created_at")),
    }
}

pub(crate) fn principal_parts(p: Principal) -> (&'static str, i64) {
    match p {
        Principal::Anonymous => ("anonymous", 0),
        Principal::Members => ("members", 0),
        Principal::Group(g) => ("group", g),
        Principal::User(u) => ("user", u),
    }
}

pub(crate) fn acl_entry(row: &impl Columns) -> Result<AclEntry> {
    let kind = row.text("principal_kind");
    let id = row.int("principal_id");
    let principal = match kind.as_str() {
        "anonymous" => Principal::Anonymous,
        "members" => Principal::Members,
        "group" => Principal::Group(id),
        "user" => Principal::User(id),
        other => return Err(corrupt("principal kind", other)),
    };
    let right = row.int("access_right");
    let right = Right::from_u8(right as u8).ok_or_else(|| corrupt("access right", &right.to_string()))?;
    Ok(AclEntry { principal, right })
}

/// Rows of `query::ACCESS_SCOPES` (ordered by path; a list without entries is one row of
/// NULLs) as one (path, entries) pair per node.
pub(crate) fn access_scopes(rows: &[impl Columns]) -> Result<Vec<(String, Vec<AclEntry>)>> {
    let mut scopes: Vec<(String, Vec<AclEntry>)> = Vec::new();
    for row in rows {
        let path = row.text("path");
        if scopes.last().is_none_or(|(last, _)| *last != path) {
            scopes.push((path, Vec::new()));
        }
        if row.opt_text("principal_kind").is_some() {
            let entry = acl_entry(row)?;
            if let Some((_, entries)) = scopes.last_mut() {
                entries.push(entry);
            }
        }
    }
    Ok(scopes)
}

pub(crate) fn event(row: &impl Columns) -> Result<AuditEvent> {
    let action = row.text("action");
    Ok(AuditEvent {
        id: row.int("id"),
        tenant_id: row.int("tenant_id"),
        at: time(row.int("at")),
        actor_id: row.opt_int("actor_id"),
        action: AuditAction::parse(&action).ok_or_else(|| corrupt("audit action", &action))?,
        record_id: row.opt_int("record_id"),
        node_id: row.opt_int("node_id"),
        kind: kind(&row.text("kind"))?,
        name: row.text("name"),
        from_path: row.text("from_path"),
        to_path: row.text("to_path"),
    })
}
