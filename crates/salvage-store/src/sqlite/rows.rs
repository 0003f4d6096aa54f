//! Row to model conversions.

use chrono::{DateTime, TimeZone, Utc};
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::*;
use salvage_core::{Error, Result};
use sqlx::sqlite::SqliteRow;
use sqlx::Row;

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

pub(crate) fn node(row: &SqliteRow) -> Result<Node> {
    Ok(Node {
        id: row.get("id"),
        tenant_id: row.get("tenant_id"),
        parent_id: row.get("parent_id"),
        kind: kind(row.get("kind"))?,
        name: row.get("name"),
        path: row.get("path"),
        depth: row.get("depth"),
        trash_record_id: row.get("trash_record_id"),
        size: row.get("size"),
        current_version: row.get("current_version"),
        published_version: row.get("published_version"),
        doc_type_id: row.get("doc_type_id"),
        requires_doc_type: row.get("requires_doc_type"),
        acl_inherited: row.get("acl_inherited"),
        created_by: row.get("created_by"),
        created_at: time(row.get("created_at")),
        modified_at: time(row.get("modified_at")),
    })
}

pub(crate) fn record(row: &SqliteRow) -> Result<TrashRecord> {
    Ok(TrashRecord {
        id: row.get("id"),
        tenant_id: row.get("tenant_id"),
        root_node_id: row.get("root_node_id"),
        kind: kind(row.get("kind"))?,
        name: row.get("name"),
        original_parent_id: row.get("original_parent_id"),
        original_path: row.get("original_path"),
        deleted_by: row.get("deleted_by"),
        deleted_by_name: row.get("deleted_by_name"),
        deleted_at: time(row.get("deleted_at")),
        item_count: row.get("item_count"),
        total_size: row.get("total_size"),
        stage: Stage::from_i64(row.get("stage")),
        stage_changed_at: time(row.get("stage_changed_at")),
    })
}

pub(crate) fn tenant(row: &SqliteRow) -> Result<Tenant> {
    let policy: String = row.get("restore_policy");
    Ok(Tenant {
        id: row.get("id"),
        name: row.get("name"),
        settings: TrashSettings {
            user_bin_days: row.get::<i64, _>("user_bin_days") as u32,
            system_bin_days: row.get::<i64, _>("system_bin_days") as u32,
            names_reserved: row.get("names_reserved"),
            restore_policy: RestorePolicy::parse(&policy).ok_or_else(|| corrupt("restore policy", &policy))?,
        },
        created_at: time(row.get("created_at")),
    })
}

pub(crate) fn user(row: &SqliteRow) -> User {
    User {
        id: row.get("id"),
        username: row.get("username"),
        email: row.get("email"),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        password_hash: row.get("password_hash"),
        enabled: row.get("enabled"),
        is_system_admin: row.get("is_system_admin"),
        created_at: time(row.get("created_at")),
    }
}

pub(crate) fn group(row: &SqliteRow) -> Group {
    Group {
        id: row.get("id"),
        tenant_id: row.get("tenant_id"),
        name: row.get("name"),
        builtin: row.get("builtin"),
    }
}

pub(crate) fn membership(row: &SqliteRow) -> Result<Membership> {
    let role: String = row.get("role");
    Ok(Membership {
        user_id: row.get("user_id"),
        tenant_id: row.get("tenant_id"),
        role: Role::parse(&role).ok_or_else(|| corrupt("role", &role))?,
    })
}

pub(crate) fn version(row: &SqliteRow) -> Version {
    Version {
        node_id: row.get("node_id"),
        number: row.get("number"),
        blob_sha256: row.get("blob_sha256"),
        size: row.get("size"),
        created_by: row.get("created_by"),
        created_at: time(row.get("created_at")),
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

pub(crate) fn acl_entry(row: &SqliteRow) -> Result<AclEntry> {
    let kind: String = row.get("principal_kind");
    let id: i64 = row.get("principal_id");
    let principal = match kind.as_str() {
        "anonymous" => Principal::Anonymous,
        "members" => Principal::Members,
        "group" => Principal::Group(id),
        "user" => Principal::User(id),
        other => return Err(corrupt("principal kind", other)),
    };
    let right: i64 = row.get("access_right");
    let right = Right::from_u8(right as u8).ok_or_else(|| corrupt("access right", &right.to_string()))?;
    Ok(AclEntry { principal, right })
}

pub(crate) fn event(row: &SqliteRow) -> Result<AuditEvent> {
    let action: String = row.get("action");
    Ok(AuditEvent {
        id: row.get("id"),
        tenant_id: row.get("tenant_id"),
        at: time(row.get("at")),
        actor_id: row.get("actor_id"),
        action: AuditAction::parse(&action).ok_or_else(|| corrupt("audit action", &action))?,
        record_id: row.get("record_id"),
        node_id: row.get("node_id"),
        kind: kind(row.get("kind"))?,
        name: row.get("name"),
        from_path: row.get("from_path"),
        to_path: row.get("to_path"),
    })
}
