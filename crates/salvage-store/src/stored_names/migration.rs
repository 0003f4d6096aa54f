//! The one-time migration that brings the names of a database written before rule 13 under it.
//! The store runs it when it opens a database that has not had it yet; it records that it ran
//! (a row of `data_migrations`), so it runs once, and it runs in one transaction of the caller's,
//! so a database is either migrated whole or not at all.
//!
//! What it does, reading every table page by page and writing only the rows that change:
//! - items (nodes): the name becomes NFC and loses any invisible format character
//!   (`name::repaired`), and the name key becomes the key of the name. Where two live siblings
//!   then have the same key, the one with the higher id is renamed `name (2)` (`(3)`, … the first
//!   name no sibling has or is about to get) and an audit event `rename` records its old and new
//!   path; so does every item whose name lost a format character;
//! - trash records: name, name key and original path likewise (their items are marked, so
//!   they never clash);
//! - tenants, groups, users and document types: names in NFC and keys recomputed; a tenant, a
//!   group (in its tenant) or a user name or e-mail address that then clashes with an earlier
//!   one gets the same numbered suffix, logged as a warning (there is no item to audit). Their
//!   format characters are left as their owners chose them; new ones are refused;
//! - audit events: names and paths in NFC (the history is otherwise left as it was).
//!
//! Why the live items are rekeyed in two passes: a new key may be the stored key of a sibling
//! not yet read, and the database's unique index of live names is checked at every statement.
//! So the first pass writes a new key at once only where no live item holds it and no earlier
//! item of the page wants it (one lookup per page), and parks the others under a key no name can
//! have (`/{id}`; names hold no '/'); the second gives the parked items their keys in id order,
//! renaming whichever of two clashing items came later. A database where nothing clashes is
//! rewritten in one statement per page: on SQLite (a debug build), a million items whose keys all
//! change took 46 s, a million whose keys were all current 7 s (reading and checking them).

use super::{on_either, Conn, NamedRow, PAGE};
use crate::query::{id_list, storage_error};
use salvage_core::model::path_ids;
use salvage_core::name;
use salvage_core::{Error, Result};
use std::collections::{HashMap, HashSet};

/// The row of `data_migrations` that says this migration ran.
pub(crate) const MIGRATION: &str = "names-nfc-full-case-folding";

/// Runs the migration unless it ran before. The caller commits.
pub(crate) async fn bring_under_rule_13(conn: &mut Conn<'_>) -> Result<()> {
    let ran: i64 = on_either!(conn, c => {
        sqlx::query_scalar("SELECT count(*) FROM data_migrations WHERE name = $1")
            .bind(MIGRATION)
            .fetch_one(&mut **c)
            .await
    })
    .map_err(storage_error)?;
    if ran > 0 {
        return Ok(());
    }
    let audited = audit_events(conn).await?;
    let others = tenants(conn).await? + groups(conn).await? + users(conn).await? + doc_types(conn).await?;
    let items = nodes(conn).await?;
    let records = trash_records(conn).await?;
    let at = chrono::Utc::now().timestamp_millis();
    on_either!(conn, c => {
        sqlx::query("INSERT INTO data_migrations (name, ran_at) VALUES ($1, $2)")
            .bind(MIGRATION)
            .bind(at)
            .execute(&mut **c)
            .await
            .map(drop)
    })
    .map_err(storage_error)?;
    tracing::info!(
        items.normalized = items.normalized,
        items.renamed = items.renamed,
        trash_records = records,
        audit_events = audited,
        other_names = others,
        "stored names brought under rule 13 (NFC, full case folding, no format characters)"
    );
    Ok(())
}

/// What happened to the items.
#[derive(Debug, Default)]
struct ItemCounts {
    /// Items whose stored name or key changed.
    normalized: u64,
    /// Items renamed (audited): a clash with an earlier sibling, or a format character removed.
    renamed: u64,
}

async fn nodes(conn: &mut Conn<'_>) -> Result<ItemCounts> {
    let mut counts = ItemCounts::default();
    // Items whose name changed visibly, with the name they had (in NFC).
    let mut renamed: HashMap<i64, String> = HashMap::new();
    let mut parked: Vec<i64> = Vec::new();
    let mut after = 0;
    loop {
        let page = conn.node_page(after).await?;
        let mut updates: Vec<(i64, Vec<String>)> = Vec::new();
        // Live items whose key changes: (their place in `updates`, the key wanted where).
        let mut rekeyed = Vec::new();
        for row in &page {
            let new_name = name::repaired(&row.name);
            let key = name::key(&new_name);
            if new_name == row.name && key == row.name_key {
                continue;
            }
            let before = name::nfc(&row.name);
            if new_name != before {
                renamed.insert(row.id, before);
            }
            if !row.marked && key != row.name_key {
                rekeyed.push((updates.len(), (row.tenant_id, row.parent_id.unwrap_or(0), key.clone())));
            }
            updates.push((row.id, vec![new_name, key]));
        }
        // A new key no live item holds yet (and no earlier item of the page wants) is written
        // at once; the others are parked.
        let wanted: Vec<(i64, i64, String)> = rekeyed.iter().map(|(_, want)| want.clone()).collect();
        let held = keys_held(conn, &wanted).await?;
        let mut first = HashSet::new();
        for (at, want) in rekeyed {
            if held.contains(&want) || !first.insert(want) {
                let (id, values) = &mut updates[at];
                parked.push(*id);
                values[1] = format!("/{id}");
            }
        }
        counts.normalized += updates.len() as u64;
        update_rows(conn, "nodes", &["name", "name_key"], &updates).await?;
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.id,
            _ => break,
        }
    }
    // The parked items a page at a time, in id order: those whose key no live sibling holds
    // (nor an earlier item of the page wants) now get it in one statement; the others are
    // settled one by one, seeing what the statement wrote.
    for page in parked.chunks(PAGE as usize) {
        let mut rows = parked_names(conn, page).await?;
        rows.sort_by_key(|(id, ..)| *id);
        let wanted: Vec<(i64, i64, String)> = rows
            .iter()
            .map(|(_, tenant, parent, current)| (*tenant, parent.unwrap_or(0), name::key(current)))
            .collect();
        let held = keys_held(conn, &wanted).await?;
        let mut first = HashSet::new();
        let mut free = Vec::new();
        let mut contested = Vec::new();
        for (row, want) in rows.into_iter().zip(wanted) {
            if !held.contains(&want) && first.insert(want.clone()) {
                free.push((row.0, vec![want.2]));
            } else {
                contested.push(row);
            }
        }
        update_rows(conn, "nodes", &["name_key"], &free).await?;
        for (id, tenant, parent, current) in contested {
            if settle_clash(conn, id, tenant, parent, current, &mut renamed).await? {
                counts.renamed += 1;
            }
        }
    }
    // Items that only lost a format character (or were left with nothing and became "unnamed").
    let mut remaining: Vec<(i64, String)> = renamed.into_iter().collect();
    remaining.sort();
    for (id, before) in remaining {
        let (_, _, current) = node_place(conn, id).await?;
        rename_event(conn, id, &before, &current).await?;
        counts.renamed += 1;
    }
    Ok(counts)
}

/// Settles parked item `id`, whose key a live sibling may hold: the later of the two is renamed
/// (and audited), and `id` gets its key unless it was the later one. Whether one was renamed.
async fn settle_clash(
    conn: &mut Conn<'_>,
    id: i64,
    tenant: i64,
    parent: Option<i64>,
    current: String,
    renamed: &mut HashMap<i64, String>,
) -> Result<bool> {
    let key = name::key(&current);
    let (loser, loser_name) = match conn.live_child(tenant, parent, &key).await? {
        None => {
            set_node_key(conn, id, &key).await?;
            return Ok(false);
        }
        Some((holder, holder_name)) if holder > id => (holder, holder_name),
        // The earlier item keeps the name.
        Some(_) => (id, current),
    };
    let other = free_name(conn, tenant, parent, &loser_name, loser).await?;
    set_node_name(conn, loser, &other, &name::key(&other)).await?;
    let before = renamed.remove(&loser).unwrap_or(loser_name);
    rename_event(conn, loser, &before, &other).await?;
    if loser != id {
        set_node_key(conn, id, &key).await?;
    }
    Ok(true)
}

/// `(id, tenant, parent, name)` of the nodes `ids`.
async fn parked_names(conn: &mut Conn<'_>, ids: &[i64]) -> Result<Vec<(i64, i64, Option<i64>, String)>> {
    let sql = format!(
        "SELECT id, tenant_id, parent_id, name FROM nodes WHERE id IN ({})",
        id_list(ids)
    );
    on_either!(conn, c => sqlx::query_as(&sql).fetch_all(&mut **c).await).map_err(storage_error)
}

/// Of the wanted `(tenant, parent or 0, key)` triples, those a live node holds: one index seek
/// each (CROSS JOIN keeps SQLite's planner on `wanted` as the outer loop).
async fn keys_held(conn: &mut Conn<'_>, wanted: &[(i64, i64, String)]) -> Result<HashSet<(i64, i64, String)>> {
    if wanted.is_empty() {
        return Ok(HashSet::new());
    }
    let values: Vec<String> = (0..wanted.len())
        .map(|i| {
            let [a, b, c] = [1, 2, 3].map(|k| conn.parameter(3 * i + k));
            format!("({a}, {b}, {c})")
        })
        .collect();
    let sql = format!(
        "WITH wanted (want_tenant, want_parent, want_key) AS (VALUES {}) \
         SELECT want_tenant, want_parent, want_key FROM wanted CROSS JOIN nodes \
         WHERE tenant_id = want_tenant AND {} = want_parent AND name_key = want_key AND trash_record_id IS NULL",
        values.join(", "),
        conn.parent_key()
    );
    let held: Vec<(i64, i64, String)> = on_either!(conn, c => {
        let mut q = sqlx::query_as(&sql);
        for (tenant, parent, key) in wanted {
            q = q.bind(*tenant).bind(*parent).bind(key.as_str());
        }
        q.fetch_all(&mut **c).await
    })
    .map_err(storage_error)?;
    Ok(held.into_iter().collect())
}

/// The first of `name (2)`, `name (3)`, … that no live sibling of `me` has, and that no parked
/// sibling is about to get.
async fn free_name(conn: &mut Conn<'_>, tenant: i64, parent: Option<i64>, name: &str, me: i64) -> Result<String> {
    // Parked keys are '/' and the id; '0' follows '/'.
    let waiting: HashSet<String> = conn
        .live_children_keyed(tenant, parent, "/", "0")
        .await?
        .into_iter()
        .filter(|(id, _)| *id != me)
        .map(|(_, n)| name::key(&n))
        .collect();
    for n in 2..=100_000 {
        let candidate = name::numbered_candidate(name, n);
        let key = name::key(&candidate);
        if !waiting.contains(&key) && conn.live_child(tenant, parent, &key).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(Error::Storage(format!(
        "no free name for item {me} ({name:?}) among its siblings"
    )))
}

/// Tenant, parent and name of a node.
async fn node_place(conn: &mut Conn<'_>, id: i64) -> Result<(i64, Option<i64>, String)> {
    on_either!(conn, c => {
        sqlx::query_as("SELECT tenant_id, parent_id, name FROM nodes WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **c)
            .await
    })
    .map_err(storage_error)
}

async fn set_node_name(conn: &mut Conn<'_>, id: i64, new_name: &str, key: &str) -> Result<()> {
    on_either!(conn, c => {
        sqlx::query("UPDATE nodes SET name = $1, name_key = $2 WHERE id = $3")
            .bind(new_name)
            .bind(key)
            .bind(id)
            .execute(&mut **c)
            .await
            .map(drop)
    })
    .map_err(storage_error)?;
    Ok(())
}

async fn set_node_key(conn: &mut Conn<'_>, id: i64, key: &str) -> Result<()> {
    on_either!(conn, c => {
        sqlx::query("UPDATE nodes SET name_key = $1 WHERE id = $2")
            .bind(key)
            .bind(id)
            .execute(&mut **c)
            .await
            .map(drop)
    })
    .map_err(storage_error)?;
    Ok(())
}

/// Audits that salvage renamed item `id` from `before` to `after`, with its paths by names.
async fn rename_event(conn: &mut Conn<'_>, id: i64, before: &str, after: &str) -> Result<()> {
    let (tenant, kind, path): (i64, String, String) = on_either!(conn, c => {
        sqlx::query_as("SELECT tenant_id, kind, path FROM nodes WHERE id = $1")
            .bind(id)
            .fetch_one(&mut **c)
            .await
    })
    .map_err(storage_error)?;
    let mut ancestors = path_ids(&path);
    ancestors.pop();
    let mut folder = String::new();
    if !ancestors.is_empty() {
        let sql = format!("SELECT id, name FROM nodes WHERE id IN ({})", id_list(&ancestors));
        let names: HashMap<i64, String> = on_either!(conn, c => {
            sqlx::query_as::<_, (i64, String)>(&sql).fetch_all(&mut **c).await
        })
        .map_err(storage_error)?
        .into_iter()
        .collect();
        for ancestor in &ancestors {
            folder.push('/');
            folder.push_str(names.get(ancestor).map_or("?", String::as_str));
        }
    }
    let at = chrono::Utc::now().timestamp_millis();
    on_either!(conn, c => {
        sqlx::query(
            "INSERT INTO audit_events (tenant_id, at, actor_id, action, record_id, node_id, kind, name, from_path, to_path) \
             VALUES ($1, $2, NULL, 'rename', NULL, $3, $4, $5, $6, $7)",
        )
        .bind(tenant)
        .bind(at)
        .bind(id)
        .bind(&kind)
        .bind(after)
        .bind(format!("{folder}/{before}"))
        .bind(format!("{folder}/{after}"))
        .execute(&mut **c)
        .await
        .map(drop)
    })
    .map_err(storage_error)?;
    tracing::warn!(
        item = id,
        from = before,
        to = after,
        "renamed an item to bring its name under rule 13"
    );
    Ok(())
}

/// Trash records: name and original path as their items', name key of the name.
async fn trash_records(conn: &mut Conn<'_>) -> Result<u64> {
    let sql = "SELECT id, name, name_key, original_path FROM trash_records WHERE id > $1 ORDER BY id LIMIT $2";
    let mut changed = 0;
    let mut after = 0;
    loop {
        let page = text_rows(conn, sql, after).await?;
        let mut updates = Vec::new();
        for (id, [stored_name, stored_key, stored_path]) in &page {
            let new_name = name::repaired(stored_name);
            let key = name::key(&new_name);
            let path: String = stored_path
                .split('/')
                .filter(|s| !s.is_empty())
                .map(|segment| format!("/{}", name::repaired(segment)))
                .collect();
            let path = if path.is_empty() { stored_path.clone() } else { path };
            if (&new_name, &key, &path) != (stored_name, stored_key, stored_path) {
                updates.push((*id, vec![new_name, key, path]));
            }
        }
        changed += updates.len() as u64;
        update_rows(conn, "trash_records", &["name", "name_key", "original_path"], &updates).await?;
        match page.last() {
            Some((last, _)) if page.len() as i64 == PAGE => after = *last,
            _ => return Ok(changed),
        }
    }
}

/// Audit events: the names and paths in NFC, so path filters find them.
async fn audit_events(conn: &mut Conn<'_>) -> Result<u64> {
    let sql = "SELECT id, name, from_path, to_path FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2";
    let mut changed = 0;
    let mut after = 0;
    loop {
        let page = text_rows(conn, sql, after).await?;
        let mut updates = Vec::new();
        for (id, texts) in &page {
            if !texts.iter().all(|t| name::is_nfc(t)) {
                updates.push((*id, texts.iter().map(|t| name::nfc(t)).collect()));
            }
        }
        changed += updates.len() as u64;
        update_rows(conn, "audit_events", &["name", "from_path", "to_path"], &updates).await?;
        match page.last() {
            Some((last, _)) if page.len() as i64 == PAGE => after = *last,
            _ => return Ok(changed),
        }
    }
}

/// A page of `(id, [text; 3])` rows of a query with those columns and the parameters "after
/// id" and the page size.
async fn text_rows(conn: &mut Conn<'_>, sql: &str, after: i64) -> Result<Vec<(i64, [String; 3])>> {
    let rows: Vec<(i64, String, String, String)> = on_either!(conn, c => {
        sqlx::query_as(sql).bind(after).bind(PAGE).fetch_all(&mut **c).await
    })
    .map_err(storage_error)?;
    Ok(rows.into_iter().map(|(id, a, b, c)| (id, [a, b, c])).collect())
}

/// Tenant names are unique as written: NFC makes two spellings of one name the same name.
async fn tenants(conn: &mut Conn<'_>) -> Result<u64> {
    let rows = conn
        .all_named_rows("SELECT id, CAST(0 AS BIGINT), name, name FROM tenants WHERE id > $1 ORDER BY id LIMIT $2")
        .await?;
    let settled = settle(&rows, name::nfc, |n| n.to_owned(), name::numbered_candidate);
    rekey(conn, "tenant", "tenants", "name", None, &settled).await
}

async fn groups(conn: &mut Conn<'_>) -> Result<u64> {
    let rows = conn
        .all_named_rows("SELECT id, tenant_id, name, name_key FROM groups WHERE id > $1 ORDER BY id LIMIT $2")
        .await?;
    let settled = settle(&rows, name::nfc, name::key, name::numbered_candidate);
    rekey(conn, "group", "groups", "name_key", Some("name"), &settled).await
}

/// User names, then e-mail addresses: each unique across the installation.
async fn users(conn: &mut Conn<'_>) -> Result<u64> {
    let rows = conn
        .all_named_rows(
            "SELECT id, CAST(0 AS BIGINT), username, username_key FROM users WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .await?;
    let settled = settle(&rows, name::nfc, name::key, name::numbered_candidate);
    let usernames = rekey(conn, "user name", "users", "username_key", Some("username"), &settled).await?;
    let rows = conn
        .all_named_rows("SELECT id, CAST(0 AS BIGINT), email, email_key FROM users WHERE id > $1 ORDER BY id LIMIT $2")
        .await?;
    let settled = settle(&rows, name::nfc, name::key, |e, n| format!("{e} ({n})"));
    Ok(usernames + rekey(conn, "e-mail address", "users", "email_key", Some("email"), &settled).await?)
}

async fn doc_types(conn: &mut Conn<'_>) -> Result<u64> {
    let rows = conn
        .all_named_rows("SELECT id, tenant_id, name, name FROM doc_types WHERE id > $1 ORDER BY id LIMIT $2")
        .await?;
    let updates: Vec<(i64, Vec<String>)> = rows
        .iter()
        .filter(|r| !name::is_nfc(&r.name))
        .map(|r| (r.id, vec![name::nfc(&r.name)]))
        .collect();
    update_rows(conn, "doc_types", &["name"], &updates).await?;
    Ok(updates.len() as u64)
}

/// A row's name and key as they are to be stored.
#[derive(Debug)]
struct Settled {
    row: NamedRow,
    name: String,
    key: String,
}

/// Normalizes every row's name and gives it the key `key_of` makes of it; where two rows of a
/// scope would then share a key, the earlier (lower id) keeps it and the later takes the first of
/// `other(name, 2)`, `other(name, 3)`, … no row has or wants. Empty keys (no e-mail address) are
/// not unique.
fn settle(
    rows: &[NamedRow],
    normal: impl Fn(&str) -> String,
    key_of: impl Fn(&str) -> String,
    other: impl Fn(&str, u32) -> String,
) -> Vec<Settled> {
    let mut settled: Vec<Settled> = rows
        .iter()
        .map(|row| {
            let name = normal(&row.name);
            let key = key_of(&name);
            Settled {
                row: row.clone(),
                name,
                key,
            }
        })
        .collect();
    settled.sort_by_key(|s| s.row.id);
    let wanted: HashSet<(i64, String)> = settled.iter().map(|s| (s.row.scope, s.key.clone())).collect();
    let mut taken: HashSet<(i64, String)> = HashSet::new();
    for s in &mut settled {
        if s.key.is_empty() || taken.insert((s.row.scope, s.key.clone())) {
            continue;
        }
        for n in 2.. {
            let candidate = other(&s.name, n);
            let key = (s.row.scope, key_of(&candidate));
            if !wanted.contains(&key) && !taken.contains(&key) {
                s.name = candidate;
                s.key = key.1.clone();
                taken.insert(key);
                break;
            }
        }
    }
    settled
}

/// Writes the settled names of `table` whose name or key changed: first every changed row's
/// unique `key_column` is parked ('/' and the id), then each gets its final name (in
/// `name_column`, when the table keeps the name apart from its key) and key. Returns how many
/// rows changed.
async fn rekey(
    conn: &mut Conn<'_>,
    what: &str,
    table: &str,
    key_column: &str,
    name_column: Option<&str>,
    settled: &[Settled],
) -> Result<u64> {
    let changed: Vec<&Settled> = settled
        .iter()
        .filter(|s| s.name != s.row.name || s.key != s.row.key)
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = changed.iter().map(|s| s.row.id).collect();
    conn.execute(&format!(
        "UPDATE {table} SET {key_column} = '/' || id WHERE id IN ({})",
        id_list(&ids)
    ))
    .await?;
    let (columns, updates): (Vec<&str>, Vec<(i64, Vec<String>)>) = match name_column {
        Some(name_column) => (
            vec![name_column, key_column],
            changed
                .iter()
                .map(|s| (s.row.id, vec![s.name.clone(), s.key.clone()]))
                .collect(),
        ),
        None => (
            vec![key_column],
            changed.iter().map(|s| (s.row.id, vec![s.name.clone()])).collect(),
        ),
    };
    update_rows(conn, table, &columns, &updates).await?;
    for s in &changed {
        if s.name != name::nfc(&s.row.name) {
            tracing::warn!(
                id = s.row.id,
                from = s.row.name,
                to = s.name,
                "renamed a {what} that clashed with an earlier one under rule 13"
            );
        }
    }
    Ok(changed.len() as u64)
}

/// Sets `columns` of the rows of `table` by id, in one statement per page of rows.
async fn update_rows(conn: &mut Conn<'_>, table: &str, columns: &[&str], rows: &[(i64, Vec<String>)]) -> Result<()> {
    for chunk in rows.chunks(PAGE as usize) {
        let width = columns.len() + 1;
        let values: Vec<String> = (0..chunk.len())
            .map(|row| {
                let params: Vec<String> = (1..=width).map(|i| conn.parameter(row * width + i)).collect();
                format!("({})", params.join(", "))
            })
            .collect();
        let set: Vec<String> = columns.iter().map(|c| format!("{c} = v.{c}")).collect();
        let sql = format!(
            "WITH v (id, {}) AS (VALUES {}) UPDATE {table} SET {} FROM v WHERE {table}.id = v.id",
            columns.join(", "),
            values.join(", "),
            set.join(", ")
        );
        on_either!(conn, c => {
            let mut q = sqlx::query(&sql);
            for (id, texts) in chunk {
                q = q.bind(*id);
                for text in texts {
                    q = q.bind(text.as_str());
                }
            }
            q.execute(&mut **c).await.map(drop)
        })
        .map_err(storage_error)?;
    }
    Ok(())
}
