//! The orders of folder and trash listings, and the keyset cursors that page through them.
//!
//! Every order ends with the item's id, so items that share a sort key (deleted in the same
//! millisecond, of the same size, named alike but for case) still have one fixed order, and a
//! page that starts after the (key, id) of the last item shown visits each item exactly once.
//! Descending is always the exact reverse of ascending, ties included.
//!
//! A cursor knows the order it was taken in, so one from another order is refused rather than
//! followed to the wrong place. As text (for URLs and JSON) a cursor is `{order}.{id}.{key}`;
//! the key comes last because a name key may contain anything a name may, dots included.

use crate::error::{Error, Result};
use crate::model::{Node, NodeId, NodeKind, RecordId, TrashRecord};
use crate::name;
use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// One page of a listing plus where the next one starts.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

// --- trash listings -----------------------------------------------------------------------------

/// What a trash listing is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TrashOrder {
    DeletedAt,
    /// The item's name, case-insensitively.
    Name,
    /// The total size of what the deletion removed.
    Size,
}

/// The order of a trash listing: newest first unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TrashSort {
    pub by: TrashOrder,
    pub descending: bool,
}

impl Default for TrashSort {
    fn default() -> Self {
        TrashSort::NEWEST_FIRST
    }
}

impl TrashSort {
    pub const NEWEST_FIRST: TrashSort = TrashSort::new(TrashOrder::DeletedAt, true);
    pub const OLDEST_FIRST: TrashSort = TrashSort::new(TrashOrder::DeletedAt, false);
    pub const NAME: TrashSort = TrashSort::new(TrashOrder::Name, false);
    pub const NAME_DESCENDING: TrashSort = TrashSort::new(TrashOrder::Name, true);
    pub const LARGEST_FIRST: TrashSort = TrashSort::new(TrashOrder::Size, true);
    pub const SMALLEST_FIRST: TrashSort = TrashSort::new(TrashOrder::Size, false);

    /// Every order, the default first.
    pub const ALL: [TrashSort; 6] = [
        TrashSort::NEWEST_FIRST,
        TrashSort::OLDEST_FIRST,
        TrashSort::NAME,
        TrashSort::NAME_DESCENDING,
        TrashSort::LARGEST_FIRST,
        TrashSort::SMALLEST_FIRST,
    ];

    pub const fn new(by: TrashOrder, descending: bool) -> TrashSort {
        TrashSort { by, descending }
    }

    /// The name of the order in URLs and the REST API.
    pub fn as_str(self) -> &'static str {
        match (self.by, self.descending) {
            (TrashOrder::DeletedAt, true) => "newest",
            (TrashOrder::DeletedAt, false) => "oldest",
            (TrashOrder::Name, false) => "name",
            (TrashOrder::Name, true) => "name-desc",
            (TrashOrder::Size, true) => "largest",
            (TrashOrder::Size, false) => "smallest",
        }
    }

    pub fn parse(s: &str) -> Option<TrashSort> {
        TrashSort::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The names of every order, for messages: `newest, oldest, ...`.
    pub fn names() -> String {
        TrashSort::ALL.map(TrashSort::as_str).join(", ")
    }

    /// The same key, the other way round.
    pub fn reversed(self) -> TrashSort {
        TrashSort::new(self.by, !self.descending)
    }

    /// The cursor that continues this listing after `record`.
    pub fn cursor_after(self, record: &TrashRecord) -> TrashCursor {
        let key = match self.by {
            TrashOrder::DeletedAt => SortKey::Time(record.deleted_at),
            TrashOrder::Name => SortKey::Text(name::key(&record.name)),
            TrashOrder::Size => SortKey::Number(record.total_size),
        };
        TrashCursor {
            sort: self,
            key,
            id: record.id,
        }
    }
}

/// The value of the sort key where a page ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SortKey {
    Time(DateTime<Utc>),
    /// A name key (`name::key`), compared byte by byte.
    Text(String),
    Number(i64),
    /// Containers (rank 0) before documents (rank 1), then the name key.
    Ranked(i64, String),
}

/// Keyset position in a trash listing: after the record with this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrashCursor {
    sort: TrashSort,
    key: SortKey,
    id: RecordId,
}

impl TrashCursor {
    /// The order this cursor belongs to.
    pub fn sort(&self) -> TrashSort {
        self.sort
    }

    /// The sort key of the last record of the page; it always matches `sort().by`.
    pub fn key(&self) -> &SortKey {
        &self.key
    }

    pub fn id(&self) -> RecordId {
        self.id
    }
}

impl fmt::Display for TrashCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.sort.as_str(), self.id, key_text(&self.key))
    }
}

impl FromStr for TrashCursor {
    type Err = Error;

    /// Reads a cursor written by `Display`; also the older `{millis}.{id}` of the newest-first
    /// listing, so a link or script from before orders existed still pages on.
    fn from_str(s: &str) -> Result<TrashCursor> {
        let bad = || bad_cursor(s);
        if let Some((millis, id)) = s.split_once('.') {
            if let (Ok(millis), Ok(id)) = (millis.parse::<i64>(), id.parse::<i64>()) {
                return Ok(TrashCursor {
                    sort: TrashSort::NEWEST_FIRST,
                    key: SortKey::Time(DateTime::from_timestamp_millis(millis).ok_or_else(bad)?),
                    id,
                });
            }
        }
        let (order, id, key) = split_cursor(s)?;
        let sort = TrashSort::parse(order).ok_or_else(bad)?;
        let key = match sort.by {
            TrashOrder::DeletedAt => parse_time(key),
            TrashOrder::Name => Some(SortKey::Text(key.to_owned())),
            TrashOrder::Size => key.parse().ok().map(SortKey::Number),
        }
        .ok_or_else(bad)?;
        Ok(TrashCursor { sort, key, id })
    }
}

// --- folder listings ----------------------------------------------------------------------------

/// What a folder listing is ordered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ChildOrder {
    /// The name, case-insensitively (the default).
    #[default]
    Name,
    /// Last modified.
    Modified,
    /// Size of a document's current version; folders count as empty.
    Size,
    /// Folders before documents, each by name.
    Type,
}

impl ChildOrder {
    pub const ALL: [ChildOrder; 4] = [
        ChildOrder::Name,
        ChildOrder::Modified,
        ChildOrder::Size,
        ChildOrder::Type,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChildOrder::Name => "name",
            ChildOrder::Modified => "modified",
            ChildOrder::Size => "size",
            ChildOrder::Type => "type",
        }
    }
}

/// The order of a folder listing: by name, A to Z, unless asked otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ChildSort {
    pub by: ChildOrder,
    pub descending: bool,
}

impl ChildSort {
    pub const NAME: ChildSort = ChildSort::new(ChildOrder::Name, false);

    pub const fn new(by: ChildOrder, descending: bool) -> ChildSort {
        ChildSort { by, descending }
    }

    /// `name`, `name-desc`, `modified`, `modified-desc`, ...
    pub fn as_str(self) -> &'static str {
        match (self.by, self.descending) {
            (ChildOrder::Name, false) => "name",
            (ChildOrder::Name, true) => "name-desc",
            (ChildOrder::Modified, false) => "modified",
            (ChildOrder::Modified, true) => "modified-desc",
            (ChildOrder::Size, false) => "size",
            (ChildOrder::Size, true) => "size-desc",
            (ChildOrder::Type, false) => "type",
            (ChildOrder::Type, true) => "type-desc",
        }
    }

    pub fn parse(s: &str) -> Option<ChildSort> {
        ChildOrder::ALL
            .into_iter()
            .flat_map(|by| [ChildSort::new(by, false), ChildSort::new(by, true)])
            .find(|o| o.as_str() == s)
    }

    pub fn reversed(self) -> ChildSort {
        ChildSort::new(self.by, !self.descending)
    }

    /// The cursor that continues this listing after `node`.
    pub fn cursor_after(self, node: &Node) -> ChildCursor {
        let key = match self.by {
            ChildOrder::Name => SortKey::Text(name::key(&node.name)),
            ChildOrder::Modified => SortKey::Time(node.modified_at),
            ChildOrder::Size => SortKey::Number(node.size),
            ChildOrder::Type => SortKey::Ranked(type_rank(node.kind), name::key(&node.name)),
        };
        ChildCursor {
            sort: self,
            key,
            id: node.id,
        }
    }

    /// The position after every item whose name key is `name_key` in the name order: the
    /// cursors of the listings that page by name key alone (sibling names are unique).
    pub fn after_name(name_key: &str) -> ChildCursor {
        ChildCursor {
            sort: ChildSort::NAME,
            key: SortKey::Text(name_key.to_owned()),
            id: NodeId::MAX,
        }
    }
}

/// Where a kind goes in the type order: containers first.
pub fn type_rank(kind: NodeKind) -> i64 {
    match kind {
        NodeKind::Document => 1,
        NodeKind::Library | NodeKind::Folder => 0,
    }
}

/// Keyset position in a folder listing: after the item with this sort key and id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildCursor {
    sort: ChildSort,
    key: SortKey,
    id: NodeId,
}

impl ChildCursor {
    pub fn sort(&self) -> ChildSort {
        self.sort
    }

    /// The sort key of the last item of the page; it always matches `sort().by`.
    pub fn key(&self) -> &SortKey {
        &self.key
    }

    pub fn id(&self) -> NodeId {
        self.id
    }
}

impl fmt::Display for ChildCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.sort.as_str(), self.id, key_text(&self.key))
    }
}

impl FromStr for ChildCursor {
    type Err = Error;

    fn from_str(s: &str) -> Result<ChildCursor> {
        let bad = || bad_cursor(s);
        let (order, id, key) = split_cursor(s)?;
        let sort = ChildSort::parse(order).ok_or_else(bad)?;
        let key = match sort.by {
            ChildOrder::Name => Some(SortKey::Text(key.to_owned())),
            ChildOrder::Modified => parse_time(key),
            ChildOrder::Size => key.parse().ok().map(SortKey::Number),
            ChildOrder::Type => key.split_once('.').and_then(|(rank, name)| match rank {
                "0" | "1" => Some(SortKey::Ranked(rank.parse().ok()?, name.to_owned())),
                _ => None,
            }),
        }
        .ok_or_else(bad)?;
        Ok(ChildCursor { sort, key, id })
    }
}

// --- text form ----------------------------------------------------------------------------------

fn key_text(key: &SortKey) -> String {
    match key {
        SortKey::Time(t) => t.timestamp_millis().to_string(),
        SortKey::Text(s) => s.clone(),
        SortKey::Number(n) => n.to_string(),
        SortKey::Ranked(rank, s) => format!("{rank}.{s}"),
    }
}

fn bad_cursor(s: &str) -> Error {
    let shown: String = s.chars().take(60).collect();
    Error::InvalidInput(format!("{shown:?} is not a cursor from this listing"))
}

/// `{order}.{id}.{key}` into its parts.
fn split_cursor(s: &str) -> Result<(&str, i64, &str)> {
    let mut parts = s.splitn(3, '.');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(order), Some(id), Some(key)) => Ok((order, id.parse().map_err(|_| bad_cursor(s))?, key)),
        _ => Err(bad_cursor(s)),
    }
}

fn parse_time(millis: &str) -> Option<SortKey> {
    DateTime::from_timestamp_millis(millis.parse().ok()?).map(SortKey::Time)
}

/// Refuses a cursor taken in another order than the listing's.
pub(crate) fn check_order<S: PartialEq + Copy>(
    listing: S,
    cursor: Option<S>,
    name: impl Fn(S) -> &'static str,
) -> Result<()> {
    match cursor {
        Some(order) if order != listing => Err(Error::InvalidInput(format!(
            "the cursor belongs to the \"{}\" order, not \"{}\"; start again from the first page",
            name(order),
            name(listing)
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn record(name: &str, size: i64) -> TrashRecord {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        TrashRecord {
            id: 42,
            tenant_id: 1,
            root_node_id: 7,
            kind: NodeKind::Document,
            name: name.into(),
            original_parent_id: None,
            original_path: format!("/L/{name}"),
            deleted_by: 1,
            deleted_by_name: "admin".into(),
            deleted_at: at,
            item_count: 1,
            total_size: size,
            stage: crate::model::Stage::UserBin,
            stage_changed_at: at,
        }
    }

    #[test]
    fn every_trash_order_has_one_name() {
        for sort in TrashSort::ALL {
            assert_eq!(TrashSort::parse(sort.as_str()), Some(sort));
        }
        assert_eq!(TrashSort::default(), TrashSort::NEWEST_FIRST);
        assert_eq!(TrashSort::parse("Newest"), None);
    }

    #[test]
    fn trash_cursors_read_back_what_they_wrote() {
        let r = record("Q1 report.v2.pdf", 1234);
        for sort in TrashSort::ALL {
            let cursor = sort.cursor_after(&r);
            let text = cursor.to_string();
            assert_eq!(text.parse::<TrashCursor>().unwrap(), cursor, "{text}");
        }
        assert_eq!(
            TrashSort::NAME.cursor_after(&r).to_string(),
            "name.42.q1 report.v2.pdf",
            "the key is the case-folded name, dots and all"
        );
    }

    #[test]
    fn the_older_newest_first_cursor_still_reads() {
        let cursor: TrashCursor = "1772355600000.42".parse().unwrap();
        assert_eq!(cursor.sort(), TrashSort::NEWEST_FIRST);
        assert_eq!(cursor, TrashSort::NEWEST_FIRST.cursor_after(&record("a", 1)));
    }

    #[test]
    fn malformed_cursors_are_invalid_input() {
        for bad in [
            "",
            "x",
            "newest.1",
            "newest.x.5",
            "newest.1.soon",
            "largest.1.big",
            "sideways.1.5",
            "1.2.3",
            "99999999999999999999.1",
        ] {
            assert!(
                matches!(bad.parse::<TrashCursor>(), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
        for bad in ["", "name", "type.1.2.x", "type.1.x", "size.1.", "modified-desc.1.x"] {
            assert!(
                matches!(bad.parse::<ChildCursor>(), Err(Error::InvalidInput(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn child_cursors_read_back_what_they_wrote() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap();
        let node = Node {
            id: 9,
            tenant_id: 1,
            parent_id: Some(1),
            kind: NodeKind::Folder,
            name: "Reports.2026".into(),
            path: "/1/9/".into(),
            depth: 1,
            trash_record_id: None,
            size: 0,
            current_version: 0,
            published_version: 0,
            doc_type_id: None,
            requires_doc_type: false,
            acl_inherited: true,
            created_by: 1,
            created_at: at,
            modified_at: at,
        };
        for by in ChildOrder::ALL {
            for sort in [ChildSort::new(by, false), ChildSort::new(by, true)] {
                assert_eq!(ChildSort::parse(sort.as_str()), Some(sort));
                let cursor = sort.cursor_after(&node);
                assert_eq!(cursor.to_string().parse::<ChildCursor>().unwrap(), cursor);
            }
        }
        assert_eq!(
            ChildSort::new(ChildOrder::Type, true).cursor_after(&node).to_string(),
            "type-desc.9.0.reports.2026"
        );
    }
}
