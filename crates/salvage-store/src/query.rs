//! SQL pieces both backends build their statements from: the path ranges of subtrees and the
//! filters of the trash and audit listings. `QueryBuilder` writes each backend's placeholders.

use salvage_core::model::{Node, NodeId, NodeKind, TenantId};
use salvage_core::name;
use salvage_core::store::{AuditFilter, TrashFilter};
use salvage_core::Error;
use sqlx::{Database, Encode, QueryBuilder, Type};

use crate::rows::ms;

pub(crate) fn storage_error(e: sqlx::Error) -> Error {
    Error::Storage(e.to_string())
}

/// The end of the path range of a subtree: every path with prefix `/a/b/` is `>= "/a/b/"` and
/// `< "/a/b0"` ('0' follows '/'). Both backends compare paths byte by byte.
pub(crate) fn subtree_end(path: &str) -> String {
    let mut end = path[..path.len() - 1].to_owned();
    end.push('0');
    end
}

/// Ids as a literal SQL list (they are integers, so nothing to escape).
pub(crate) fn id_list(ids: &[NodeId]) -> String {
    ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(",")
}

/// Of marked nodes ordered by path, the topmost ones: a marked node below another is already
/// excluded with it.
pub(crate) fn topmost(marked_by_path: Vec<Node>) -> Vec<Node> {
    let mut topmost: Vec<Node> = Vec::new();
    for node in marked_by_path {
        if topmost.last().is_none_or(|top| !node.path.starts_with(&top.path)) {
            topmost.push(node);
        }
    }
    topmost
}

/// Appends conditions that leave out the subtrees of `excluded` (the paths of marked nodes).
pub(crate) fn push_outside<'a, DB>(q: &mut QueryBuilder<'a, DB>, excluded: &[Node])
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
{
    for m in excluded {
        q.push(" AND NOT (path >= ")
            .push_bind(m.path.clone())
            .push(" AND path < ")
            .push_bind(subtree_end(&m.path))
            .push(")");
    }
}

/// Appends `column` equal to the path `prefix` or below it, as a range (so an index serves it).
fn push_path_prefix<'a, DB>(q: &mut QueryBuilder<'a, DB>, column: &str, prefix: &str, or_equal: bool)
where
    DB: Database,
    String: Encode<'a, DB> + Type<DB>,
{
    let prefix = prefix.trim_end_matches('/');
    q.push("(");
    if or_equal {
        q.push(format!("{column} = ")).push_bind(prefix.to_owned()).push(" OR ");
    }
    q.push(format!("({column} >= "))
        .push_bind(format!("{prefix}/"))
        .push(format!(" AND {column} < "))
        .push_bind(format!("{prefix}0"))
        .push("))");
}

/// Appends the WHERE conditions of a trash filter over `trash_records r`.
pub(crate) fn push_trash_filter<'a, DB>(q: &mut QueryBuilder<'a, DB>, tenant: TenantId, f: &TrashFilter)
where
    DB: Database,
    i64: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    q.push(" WHERE r.tenant_id = ").push_bind(tenant);
    if let Some(by) = f.deleted_by {
        q.push(" AND r.deleted_by = ").push_bind(by);
    }
    if let Some(since) = f.since {
        q.push(" AND r.deleted_at >= ").push_bind(ms(since));
    }
    if let Some(until) = f.until {
        q.push(" AND r.deleted_at <= ").push_bind(ms(until));
    }
    if let Some(prefix) = &f.path_prefix {
        q.push(" AND ");
        push_path_prefix(q, "r.original_path", prefix, true);
    }
    if let Some(name) = &f.name_contains {
        let pattern = format!(
            "%{}%",
            name::key(name)
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        q.push(" AND r.name_key LIKE ").push_bind(pattern).push(" ESCAPE '\\'");
    }
    if let Some(kind) = f.kind {
        match kind {
            NodeKind::Document => q.push(" AND r.kind = 'document'"),
            _ => q.push(" AND r.kind <> 'document'"),
        };
    }
    if let Some(min) = f.min_size {
        q.push(" AND r.total_size >= ").push_bind(min);
    }
    if let Some(max) = f.max_size {
        q.push(" AND r.total_size <= ").push_bind(max);
    }
    if let Some(stage) = f.stage {
        q.push(" AND r.stage = ").push_bind(stage.as_i64());
    }
    if let Some(parent) = f.original_parent {
        q.push(" AND r.original_parent_id = ").push_bind(parent);
    }
}

/// The audit listing: events of `tenant` matching the filter, newest first, before `before_id`.
pub(crate) fn audit_query<'a, DB>(
    tenant: TenantId,
    f: &AuditFilter,
    before_id: Option<i64>,
    limit: u32,
) -> QueryBuilder<'a, DB>
where
    DB: Database,
    DB::Arguments<'a>: Default,
    i64: Encode<'a, DB> + Type<DB>,
    String: Encode<'a, DB> + Type<DB>,
{
    let mut q = QueryBuilder::<DB>::new("SELECT * FROM audit_events WHERE tenant_id = ");
    q.push_bind(tenant);
    if let Some(actor) = f.actor_id {
        q.push(" AND actor_id = ").push_bind(actor);
    }
    if let Some(action) = f.action {
        q.push(" AND action = ").push_bind(action.as_str().to_owned());
    }
    if let Some(since) = f.since {
        q.push(" AND at >= ").push_bind(ms(since));
    }
    if let Some(until) = f.until {
        q.push(" AND at <= ").push_bind(ms(until));
    }
    if let Some(prefix) = &f.path_prefix {
        q.push(" AND (");
        push_path_prefix(&mut q, "from_path", prefix, true);
        q.push(" OR ");
        push_path_prefix(&mut q, "to_path", prefix, false);
        q.push(")");
    }
    if let Some(before) = before_id {
        q.push(" AND id < ").push_bind(before);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(limit as i64);
    q
}

#[cfg(test)]
mod tests {
    use super::subtree_end;

    #[test]
    fn subtree_range_contains_exactly_the_prefix() {
        let (start, end) = ("/1/5/".to_owned(), subtree_end("/1/5/"));
        for inside in ["/1/5/", "/1/5/9/", "/1/5/99/3/"] {
            assert!(inside >= start.as_str() && inside < end.as_str(), "{inside}");
        }
        for outside in ["/1/50/", "/1/51/", "/1/4/", "/1/", "/2/"] {
            assert!(!(outside >= start.as_str() && outside < end.as_str()), "{outside}");
        }
    }
}
