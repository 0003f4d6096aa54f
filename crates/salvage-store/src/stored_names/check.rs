//! The name invariants of `salvage check`: every stored name is in NFC, item names hold no
//! invisible format character, every stored name key is the key of its name, and no two live
//! siblings share a key — judged by the key of their names, not by the stored keys, so a key
//! written by an older rule cannot hide a clash.

use super::{Conn, NamedRow, NodeRow, PAGE};
use salvage_core::name;
use salvage_core::store::Violation;
use salvage_core::Result;
use std::collections::HashMap;

const NAMES: &str = "names are Unicode NFC without invisible format characters";
const KEYS: &str = "name keys are the keys of their names";
const SIBLINGS: &str = "live sibling names are unique";

/// What a table's named rows are checked for.
struct Named {
    /// The kind of row and the column, for the messages: "user 3 has the e-mail address …".
    what: &'static str,
    field: &'static str,
    /// `SELECT id, scope, name, key ... WHERE id > $1 ORDER BY id LIMIT $2`; key is '' where the
    /// table keeps none.
    sql: &'static str,
    /// Whether the key column is checked.
    keyed: bool,
    /// Whether the name is an item's, which may hold no format character (the migration
    /// removed them from items; the other names are left as their owners chose them).
    item: bool,
}

const TABLES: &[Named] = &[
    Named {
        what: "trash record",
        field: "name",
        sql: "SELECT id, tenant_id, name, name_key FROM trash_records WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: true,
        item: true,
    },
    Named {
        what: "tenant",
        field: "name",
        sql: "SELECT id, id, name, '' FROM tenants WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: false,
        item: false,
    },
    Named {
        what: "group",
        field: "name",
        sql: "SELECT id, tenant_id, name, name_key FROM groups WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: true,
        item: false,
    },
    Named {
        what: "user",
        field: "user name",
        sql: "SELECT id, id, username, username_key FROM users WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: true,
        item: false,
    },
    Named {
        what: "user",
        field: "e-mail address",
        sql: "SELECT id, id, email, email_key FROM users WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: true,
        item: false,
    },
    Named {
        what: "document type",
        field: "name",
        sql: "SELECT id, tenant_id, name, '' FROM doc_types WHERE id > $1 ORDER BY id LIMIT $2",
        keyed: false,
        item: false,
    },
];

/// Every broken name invariant, read page by page.
pub(crate) async fn check(conn: &mut Conn<'_>) -> Result<Vec<Violation>> {
    let mut violations = check_nodes(conn).await?;
    for table in TABLES {
        let mut after = 0;
        loop {
            let page = conn.named_rows(table.sql, after).await?;
            for row in &page {
                violations.extend(name_problem(table.what, table.field, row.id, &row.name, table.item));
                if table.keyed {
                    violations.extend(key_problem(table.what, table.field, row));
                }
            }
            match page.last() {
                Some(last) if page.len() as i64 == PAGE => after = last.id,
                _ => break,
            }
        }
    }
    Ok(violations)
}

/// Items: names and keys, and clashes among live siblings. The stored keys are unique among
/// live siblings (the database's index sees to it), so a clash can only involve an item whose
/// stored key is not the key of its name; those few are looked up afterwards.
async fn check_nodes(conn: &mut Conn<'_>) -> Result<Vec<Violation>> {
    let mut violations = Vec::new();
    let mut stale: Vec<(NodeRow, String)> = Vec::new();
    let mut after = 0;
    loop {
        let page = conn.node_page(after).await?;
        for row in &page {
            violations.extend(name_problem("item", "name", row.id, &row.name, true));
            let key = name::key(&row.name);
            if key != row.name_key {
                violations.push(Violation {
                    invariant: KEYS,
                    detail: format!(
                        "item {} with the name {:?} has the name key {:?} instead of {key:?}",
                        row.id, row.name, row.name_key
                    ),
                });
                if !row.marked {
                    stale.push((row.clone(), key));
                }
            }
        }
        match page.last() {
            Some(last) if page.len() as i64 == PAGE => after = last.id,
            _ => break,
        }
    }
    let mut clashes: HashMap<(i64, Option<i64>, &str), i64> = HashMap::new();
    for (row, key) in &stale {
        let earlier = match clashes.get(&(row.tenant_id, row.parent_id, key.as_str())) {
            Some(id) => Some(*id),
            None => conn
                .live_child(row.tenant_id, row.parent_id, key)
                .await?
                .map(|(id, _)| id)
                .filter(|id| *id != row.id),
        };
        match earlier {
            Some(other) => violations.push(Violation {
                invariant: SIBLINGS,
                detail: format!(
                    "live items {other} and {} in folder {} have the same name key {key:?}",
                    row.id,
                    row.parent_id.unwrap_or(0)
                ),
            }),
            None => {
                clashes.insert((row.tenant_id, row.parent_id, key.as_str()), row.id);
            }
        }
    }
    Ok(violations)
}

/// What is wrong with a stored name, if anything: not NFC, or (for items) a format character.
fn name_problem(what: &str, field: &str, id: i64, stored: &str, item: bool) -> Option<Violation> {
    let detail = if !name::is_nfc(stored) {
        format!("{what} {id} has the {field} {stored:?}, which is not in Unicode NFC")
    } else if let Some(c) = stored.chars().find(|c| item && name::is_format_character(*c)) {
        format!(
            "{what} {id} has the {field} {stored:?}, which holds the invisible format character U+{:04X}",
            c as u32
        )
    } else {
        return None;
    };
    Some(Violation {
        invariant: NAMES,
        detail,
    })
}

fn key_problem(what: &str, field: &str, row: &NamedRow) -> Option<Violation> {
    let key = name::key(&row.name);
    (key != row.key).then(|| Violation {
        invariant: KEYS,
        detail: format!(
            "{what} {} with the {field} {:?} has the key {:?} instead of {key:?}",
            row.id, row.name, row.key
        ),
    })
}
