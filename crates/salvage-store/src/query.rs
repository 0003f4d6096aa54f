//! SQL pieces both backends build their statements from: the path ranges of subtrees, the
//! filters of the trash and audit listings, and the orders and keyset cursors of the folder and
//! trash listings, appended to a statement of the backend's dialect (`sql::Sql`).

use salvage_core::model::{Node, NodeId, NodeKind, TenantId};
use salvage_core::name;
use salvage_core::store::{
    AuditFilter, ChildCursor, ChildOrder, ChildSort, PathRange, SortKey, TrashCursor, TrashFilter, TrashOrder,
    TrashSort,
};
use salvage_core::{Error, Result};

use crate::rows::{ms, NODE_COLUMNS, RECORD_COLUMNS};
use crate::sql::Sql;

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

/// Every node of a tenant that sets its own access list, with its entries (a list without any
/// gives one row of NULLs), by path. `nodes_own_access_lists` serves it.
pub(crate) fn access_scopes(tenant: TenantId) -> String {
    format!(
        "SELECT n.path, e.principal_kind, e.principal_id, e.access_right FROM nodes n \
         LEFT JOIN acl_entries e ON e.node_id = n.id \
         WHERE n.tenant_id = {tenant} AND NOT n.acl_inherited ORDER BY n.path, e.principal_kind, e.principal_id"
    )
}

/// ` AND EXISTS (…)`: keeps only the trash records (`record_column`, a record id) that mark a
/// node whose id path lies outside every range of `hidden`. The paths are written into the
/// statement: id paths hold only digits and slashes, which is checked, so nothing can be
/// injected.
pub(crate) fn outside_hidden(record_column: &str, hidden: &[PathRange]) -> String {
    if hidden.is_empty() {
        return String::new();
    }
    let literal = |path: &str| {
        assert!(
            path.bytes().all(|b| b.is_ascii_digit() || b == b'/'),
            "an id path holds only digits and slashes"
        );
        format!("'{path}'")
    };
    let ranges = hidden
        .iter()
        .map(|r| format!("(hn.path >= {} AND hn.path < {})", literal(&r.start), literal(&r.end)))
        .collect::<Vec<_>>()
        .join(" OR ");
    format!(" AND EXISTS (SELECT 1 FROM nodes hn WHERE hn.trash_record_id = {record_column} AND NOT ({ranges}))")
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
pub(crate) fn push_outside(q: &mut Sql, excluded: &[Node]) {
    for m in excluded {
        q.push(" AND NOT (path >= ")
            .push_bind(m.path.clone())
            .push(" AND path < ")
            .push_bind(subtree_end(&m.path))
            .push(")");
    }
}

/// Appends `column` equal to the path `prefix` or below it, as a range (so an index serves it).
fn push_path_prefix(q: &mut Sql, column: &str, prefix: &str, or_equal: bool) {
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

/// How a trash listing finds the records whose name contains a text (`name_contains`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameSearch {
    /// `r.name_key LIKE '%…%'` over the records as the listing reads them. PostgreSQL's planner
    /// serves it from the trigram index `trash_by_name_trigrams` when it expects few matches;
    /// on SQLite it filters the records read in the listing's order, which is the better plan
    /// when many records match (a page fills after a few reads).
    Like,
    /// SQLite: the FTS5 trigram table `trash_name_trigrams` names the candidates, the records
    /// are read by id (`NOT INDEXED` keeps the planner, which has no statistics, from reading
    /// the bin in order and probing the candidates instead) and the same LIKE checks each, so
    /// the result is exactly that of `Like`. The better plan when few records match; a text
    /// shorter than a trigram falls back to `Like`.
    Trigrams,
}

/// The shortest text a trigram index can look up: shorter ones hold no trigram.
const TRIGRAM_CHARS: usize = 3;

/// The FTS5 query of a name search for `trash_name_trigrams`, if its text is long enough: the
/// name key as one string (a phrase: its trigrams one after another), in double quotes with
/// inner ones doubled, so no character of it is read as query syntax.
pub(crate) fn trigram_phrase(f: &TrashFilter) -> Option<String> {
    let needle = name::key(f.name_contains.as_deref()?);
    (needle.chars().count() >= TRIGRAM_CHARS).then(|| format!("\"{}\"", needle.replace('"', "\"\"")))
}

/// The phrase to look up in the trigram table, when `search` asks for it and the text allows.
fn trigram_lookup(f: &TrashFilter, search: NameSearch) -> Option<String> {
    match search {
        NameSearch::Like => None,
        NameSearch::Trigrams => trigram_phrase(f),
    }
}

/// The trash records as a listing or count reads them: `trash_records r`, by id only when the
/// trigram table gives the ids.
pub(crate) fn trash_source(f: &TrashFilter, search: NameSearch) -> &'static str {
    if trigram_lookup(f, search).is_some() {
        "trash_records r NOT INDEXED"
    } else {
        "trash_records r"
    }
}

/// Appends the WHERE conditions of a trash filter over `trash_records r` (as `trash_source`
/// names it for the same filter and search).
pub(crate) fn push_trash_filter(q: &mut Sql, tenant: TenantId, f: &TrashFilter, search: NameSearch) {
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
    if let Some(phrase) = trigram_lookup(f, search) {
        q.push(" AND r.id IN (SELECT rowid FROM trash_name_trigrams WHERE trash_name_trigrams MATCH ")
            .push_bind(phrase)
            .push(")");
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
    q.push(outside_hidden("r.id", &f.hidden));
}

/// The key of the type order: `0` (containers) or `1` (documents), then the name key. One text
/// column rather than two, so that SQLite, which seeks an index on an expression only by its
/// first column, seeks right to the cursor. Written exactly as in the index that serves it, so
/// both planners recognise the expression.
const TYPE_KEY: &str = "(CASE WHEN kind = 'document' THEN '1' ELSE '0' END || name_key)";

/// What a trash listing is ordered by, before the id.
fn trash_column(by: TrashOrder) -> &'static str {
    match by {
        TrashOrder::DeletedAt => "r.deleted_at",
        TrashOrder::Name => "r.name_key",
        TrashOrder::Size => "r.total_size",
    }
}

/// What a folder listing is ordered by, and whether the id must break ties: live sibling names
/// are unique (nodes_live_names), so by name or type it never does, and the index of the order
/// alone gives it on PostgreSQL too.
fn child_column(by: ChildOrder) -> (&'static str, bool) {
    match by {
        ChildOrder::Name => ("name_key", false),
        ChildOrder::Modified => ("modified_at", true),
        ChildOrder::Size => ("size", true),
        ChildOrder::Type => (TYPE_KEY, false),
    }
}

/// Binds a cursor's sort key as its column holds it.
fn push_key(q: &mut Sql, key: &SortKey) {
    match key {
        SortKey::Time(t) => q.push_bind(ms(*t)),
        SortKey::Number(n) => q.push_bind(*n),
        SortKey::Text(s) => q.push_bind(s.clone()),
        SortKey::Ranked(rank, s) => q.push_bind(format!("{rank}{s}")),
    };
}

/// Appends the keyset condition "after (`key`, `id`)" of an order by `column` and then
/// `id_column`, both ascending or both descending: `c >= v AND (c, id) > (v, i)`. The row
/// comparison is the condition; PostgreSQL seeks an index of the order with it to the very
/// entry, SQLite (which cannot seek on the rowid inside a row value) with the first part to the
/// first item of the cursor's key, so it reads past only the items that share that key.
fn push_after(q: &mut Sql, column: &str, id_column: &str, key: &SortKey, id: i64, descending: bool) {
    let op = if descending { "<" } else { ">" };
    q.push(format!(" AND {column} {op}= "));
    push_key(q, key);
    q.push(format!(" AND ({column}, {id_column}) {op} ("));
    push_key(q, key);
    q.push(", ").push_bind(id).push(")");
}

/// Appends `ORDER BY` the column and then, if given, the id, both in one direction.
fn push_order_by(q: &mut Sql, column: &str, id_column: Option<&str>, descending: bool) {
    let direction = if descending { "DESC" } else { "ASC" };
    q.push(format!(" ORDER BY {column} {direction}"));
    if let Some(id) = id_column {
        q.push(format!(", {id} {direction}"));
    }
}

fn wrong_order(cursor: &str, listing: &str) -> Error {
    Error::InvalidInput(format!(
        "the cursor belongs to the \"{cursor}\" order, not \"{listing}\""
    ))
}

/// Appends the trash listing: records of `tenant` matching the filter in the order `sort`,
/// after `after`; `search` says how the name search, if any, finds its records.
pub(crate) fn push_trash_listing(
    q: &mut Sql,
    tenant: TenantId,
    filter: &TrashFilter,
    search: NameSearch,
    sort: TrashSort,
    after: Option<&TrashCursor>,
    limit: u32,
) -> Result<()> {
    q.push(format!(
        "SELECT {RECORD_COLUMNS} FROM {} JOIN users u ON u.id = r.deleted_by",
        trash_source(filter, search)
    ));
    push_trash_filter(q, tenant, filter, search);
    let column = trash_column(sort.by);
    if let Some(c) = after {
        if c.sort() != sort {
            return Err(wrong_order(c.sort().as_str(), sort.as_str()));
        }
        push_after(q, column, "r.id", c.key(), c.id(), sort.descending);
    }
    push_order_by(q, column, Some("r.id"), sort.descending);
    q.push(" LIMIT ").push_bind(limit as i64);
    Ok(())
}

/// Appends a folder listing: the unmarked children of `parent` (`None`: the libraries) in the
/// order `sort`, after `after`. `parent_key` is the backend's spelling of the parent expression
/// of its children indexes (`ifnull(parent_id, 0)`, `coalesce(parent_id, 0)`).
pub(crate) fn push_children_listing(
    q: &mut Sql,
    parent_key: &str,
    tenant: TenantId,
    parent: Option<NodeId>,
    sort: ChildSort,
    after: Option<&ChildCursor>,
    limit: u32,
) -> Result<()> {
    q.push(format!("SELECT {NODE_COLUMNS} FROM nodes WHERE tenant_id = "));
    q.push_bind(tenant);
    q.push(format!(" AND {parent_key} = ")).push_bind(parent.unwrap_or(0));
    q.push(" AND trash_record_id IS NULL");
    let (column, ties) = child_column(sort.by);
    if let Some(c) = after {
        if c.sort() != sort {
            return Err(wrong_order(c.sort().as_str(), sort.as_str()));
        }
        push_after(q, column, "id", c.key(), c.id(), sort.descending);
    }
    push_order_by(q, column, ties.then_some("id"), sort.descending);
    q.push(" LIMIT ").push_bind(limit as i64);
    Ok(())
}

/// The audit listing: events of `tenant` matching the filter, newest first, before `before_id`.
pub(crate) fn push_audit_listing(q: &mut Sql, tenant: TenantId, f: &AuditFilter, before_id: Option<i64>, limit: u32) {
    q.push("SELECT * FROM audit_events WHERE tenant_id = ")
        .push_bind(tenant);
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
        push_path_prefix(q, "from_path", prefix, true);
        q.push(" OR ");
        push_path_prefix(q, "to_path", prefix, false);
        q.push(")");
    }
    if let Some(before) = before_id {
        q.push(" AND id < ").push_bind(before);
    }
    q.push(" ORDER BY id DESC LIMIT ").push_bind(limit as i64);
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
