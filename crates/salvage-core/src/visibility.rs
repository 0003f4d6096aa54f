//! The visibility rule (DESIGN.md §3 rule 12), the one place that decides what a caller may see
//! and read.
//!
//! - A caller sees a node when it is in their tenant and their effective right on it includes
//!   List. The effective right is decided by the nearest access list on the node's id path, the
//!   node itself included: a folder with an access list of its own decides for its whole
//!   subtree; with none anywhere above, members have `acl::DEFAULT_MEMBER_RIGHT`.
//!   Administrators see everything of their tenant.
//! - An item in the trash keeps its id path (a deletion only marks it), so the same rule judges
//!   it *at the place it was deleted from, with the access lists it had there*. A deletion (a
//!   trash record) is seen when the caller may see deletions of its deleter at all (the
//!   tenant's restore policy) and may see one of the items it holds as deleted (the nodes it
//!   marks: its deleted item, or what is left of it in the trash after one item was taken out
//!   with its folders) where it was.
//! - Reading (downloading, or restoring somewhere other than the original place, which would
//!   make content readable there) needs the Read right judged the same way.
//!
//! What a caller cannot see is answered exactly like what does not exist: every function here
//! answers "not found" (or leaves the node out) without a name.
//!
//! Two ways of asking, one rule: `right_on` asks the store for the nearest access list of one
//! node (a statement per question, for the single items of most calls), and `Scopes` reads the
//! tenant's folders with lists of their own once and judges any number of nodes in memory (for
//! listings, searches and batches). Both apply `acl::effective_right` to the same nearest list.

use crate::acl::{effective_right, Right, DEFAULT_MEMBER_RIGHT};
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::{PathRange, StoreTx, TrashFilter};
use std::collections::HashMap;

/// The caller's effective right on a node, live or in the trash: the nearest access list on its
/// id path.
pub(crate) async fn right_on(tx: &mut dyn StoreTx, actor: &Actor, node: &Node) -> Result<Right> {
    if actor.is_admin {
        return Ok(Right::FullControl);
    }
    let ids = path_ids(&node.path);
    let acl = tx.nearest_access_list(actor.tenant_id, &ids).await?;
    Ok(effective_right(actor, acl.as_ref().map(|(_, e)| e.as_slice())))
}

/// Whether the caller may see `node` where it is (or, in the trash, where it was deleted from).
pub(crate) async fn can_see(tx: &mut dyn StoreTx, actor: &Actor, node: &Node) -> Result<bool> {
    Ok(right_on(tx, actor, node).await?.can_list())
}

/// Whether no node on the way from the root down to `node` (itself included) is marked.
pub(crate) async fn is_live(tx: &mut dyn StoreTx, node: &Node) -> Result<bool> {
    if node.trash_record_id.is_some() {
        return Ok(false);
    }
    if node.parent_id.is_none() {
        return Ok(node.kind == NodeKind::Library);
    }
    Ok(tx.nearest_marked(node.tenant_id, &node.ancestor_ids()).await?.is_none())
}

/// A live node of the caller's tenant that the caller may see, or "not found": items in the
/// trash, other tenants' ids and items hidden by an access list all look exactly like unknown
/// ones.
pub(crate) async fn live_node(tx: &mut dyn StoreTx, actor: &Actor, id: NodeId) -> Result<Node> {
    match tx.node(actor.tenant_id, id).await? {
        Some(node) if is_live(tx, &node).await? && can_see(tx, actor, &node).await? => Ok(node),
        _ => Err(Error::not_found(format!("item {id}"))),
    }
}

/// Whether everyone who may work the trash sees every deletion: where anyone may restore
/// anything, hiding other users' deletions would only hide what they may restore. Access lists
/// still apply: the policy widens whose deletions a caller sees, never where.
fn sees_every_deleter(actor: &Actor, policy: RestorePolicy) -> bool {
    actor.is_admin || (policy == RestorePolicy::AnyTrashRole && actor.role.may_work_trash())
}

/// Whether the policy shows the caller deletions made by `record`'s deleter.
fn may_see_deleter(actor: &Actor, record: &TrashRecord, policy: RestorePolicy) -> bool {
    sees_every_deleter(actor, policy) || record.deleted_by == actor.user_id
}

/// Whether the caller may see a deletion: one of a deleter the policy shows them, holding an
/// item the caller may see where it was deleted from.
pub(crate) async fn can_see_record(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    record: &TrashRecord,
    policy: RestorePolicy,
) -> Result<bool> {
    if !may_see_deleter(actor, record, policy) {
        return Ok(false);
    }
    if actor.is_admin {
        return Ok(true);
    }
    for marked in tx.marked_nodes(record.id).await? {
        if can_see(tx, actor, &marked).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// `can_see_record` for many deletions at once, with the scopes read once and `marked` the
/// nodes the record marks.
pub(crate) fn record_in_sight<'a>(
    scopes: &Scopes,
    actor: &Actor,
    record: &TrashRecord,
    mut marked: impl Iterator<Item = &'a Node>,
    policy: RestorePolicy,
) -> bool {
    may_see_deleter(actor, record, policy) && marked.any(|m| scopes.can_see(m))
}

/// Narrows a trash filter to the deletions the caller may see (and puts its path in NFC). Asking for another deleter's
/// items where the policy shows only one's own is refused outright (the filter itself is
/// wrong, and says nothing about any item).
pub(crate) async fn visible_trash_filter(
    tx: &mut dyn StoreTx,
    actor: &Actor,
    filter: &TrashFilter,
    policy: RestorePolicy,
) -> Result<TrashFilter> {
    let mut filter = filter.clone();
    // Its path prefix is compared with stored paths byte by byte, so it is brought to their
    // form (NFC) here, once for every face.
    filter.path_prefix = filter.path_prefix.as_deref().map(crate::name::nfc);
    if !sees_every_deleter(actor, policy) {
        match filter.deleted_by {
            Some(other) if other != actor.user_id => {
                return Err(Error::PermissionDenied(
                    "only an administrator may see other users' deleted items".into(),
                ));
            }
            _ => filter.deleted_by = Some(actor.user_id),
        }
    }
    filter.hidden = Scopes::read(tx, actor).await?.hidden_ranges();
    Ok(filter)
}

/// The tenant's nodes with access lists of their own, each with the caller's right there: the
/// visibility rule for many nodes at once, read in one statement.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scopes {
    /// Administrators see everything; nothing is read for them.
    everything: bool,
    /// By id path, the caller's right under each node that sets its own list.
    rights: HashMap<String, Right>,
}

impl Scopes {
    pub(crate) async fn read(tx: &mut dyn StoreTx, actor: &Actor) -> Result<Scopes> {
        if actor.is_admin {
            return Ok(Scopes {
                everything: true,
                rights: HashMap::new(),
            });
        }
        let rights = tx
            .access_scopes(actor.tenant_id)
            .await?
            .into_iter()
            .map(|(path, entries)| (path, effective_right(actor, Some(&entries))))
            .collect();
        Ok(Scopes {
            everything: false,
            rights,
        })
    }

    /// The caller's right on a node with id path `path`: the deepest scope on it decides.
    pub(crate) fn right_at(&self, path: &str) -> Right {
        if self.everything {
            return Right::FullControl;
        }
        // The prefixes of `/1/5/9/` that end at a '/', deepest first: `/1/5/9/`, `/1/5/`, `/1/`.
        path.char_indices()
            .filter(|&(i, c)| c == '/' && i > 0)
            .map(|(i, _)| &path[..=i])
            .rev()
            .find_map(|prefix| self.rights.get(prefix).copied())
            .unwrap_or(DEFAULT_MEMBER_RIGHT)
    }

    pub(crate) fn can_see(&self, node: &Node) -> bool {
        self.right_at(&node.path).can_list()
    }

    /// Whether some node strictly below `node` sets an access list that hides it from the
    /// caller (what moves with `node` would carry it along).
    pub(crate) fn hides_below(&self, node: &Node) -> bool {
        self.rights
            .iter()
            .any(|(path, right)| path.len() > node.path.len() && path.starts_with(&node.path) && !right.can_list())
    }

    /// The id-path ranges the caller may not see, as few and as disjoint as the scopes allow:
    /// a hidden scope's subtree less the scopes inside it that show themselves again (and what
    /// those hide in turn). Empty for administrators and where no list hides anything.
    pub(crate) fn hidden_ranges(&self) -> Vec<PathRange> {
        let mut paths: Vec<&String> = self.rights.keys().collect();
        paths.sort();
        let mut ranges = Vec::new();
        let mut rest = &paths[..];
        while let Some((top, after)) = rest.split_first() {
            let inside = after.iter().take_while(|p| p.starts_with(top.as_str())).count();
            self.hidden_within(top, &after[..inside], &mut ranges);
            rest = &after[inside..];
        }
        merge_adjacent(ranges)
    }

    /// Appends the hidden parts of the subtree of `scope`, whose descendant scopes are `inside`
    /// (sorted by path).
    fn hidden_within(&self, scope: &str, inside: &[&String], out: &mut Vec<PathRange>) {
        let hidden = !self.rights[scope].can_list();
        let mut start = scope.to_owned();
        let mut rest = inside;
        while let Some((child, after)) = rest.split_first() {
            let nested = after.iter().take_while(|p| p.starts_with(child.as_str())).count();
            if hidden && start.as_str() < child.as_str() {
                out.push(PathRange::new(start.clone(), child.to_string()));
            }
            self.hidden_within(child, &after[..nested], out);
            start = PathRange::subtree(child).end;
            rest = &after[nested..];
        }
        let end = PathRange::subtree(scope).end;
        if hidden && start < end {
            out.push(PathRange::new(start, end));
        }
    }
}

/// Joins ranges that touch, so a statement carries as few conditions as it can.
fn merge_adjacent(ranges: Vec<PathRange>) -> Vec<PathRange> {
    let mut merged: Vec<PathRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if last.end == range.start => last.end = range.end,
            _ => merged.push(range),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(rights: &[(&str, Right)]) -> Scopes {
        Scopes {
            everything: false,
            rights: rights.iter().map(|(p, r)| (p.to_string(), *r)).collect(),
        }
    }

    fn ranges(s: &Scopes) -> Vec<(String, String)> {
        s.hidden_ranges().into_iter().map(|r| (r.start, r.end)).collect()
    }

    #[test]
    fn the_deepest_list_decides() {
        let s = scopes(&[
            ("/1/", Right::Read),
            ("/1/5/", Right::NoAccess),
            ("/1/5/9/", Right::List),
        ]);
        assert_eq!(s.right_at("/1/"), Right::Read);
        assert_eq!(s.right_at("/1/4/"), Right::Read);
        assert_eq!(s.right_at("/1/5/"), Right::NoAccess);
        assert_eq!(s.right_at("/1/5/7/8/"), Right::NoAccess);
        assert_eq!(s.right_at("/1/5/9/"), Right::List);
        assert_eq!(
            s.right_at("/1/5/90/"),
            Right::NoAccess,
            "a sibling whose id starts alike"
        );
        assert_eq!(s.right_at("/2/"), DEFAULT_MEMBER_RIGHT);
    }

    #[test]
    fn hidden_ranges_leave_out_what_shows_itself_again() {
        let s = scopes(&[
            ("/1/5/", Right::NoAccess),
            ("/1/5/9/", Right::List),
            ("/1/5/9/12/", Right::NoAccess),
        ]);
        assert_eq!(
            ranges(&s),
            vec![
                ("/1/5/".into(), "/1/5/9/".into()),
                ("/1/5/9/12/".into(), "/1/5/9/120".into()),
                ("/1/5/90".into(), "/1/50".into()),
            ]
        );
        for (path, hidden) in [
            ("/1/5/", true),
            ("/1/5/3/", true),
            ("/1/5/9/", false),
            ("/1/5/9/4/", false),
            ("/1/5/9/12/", true),
            ("/1/5/9/12/77/", true),
            ("/1/5/91/", true),
            ("/1/6/", false),
        ] {
            let in_range = s
                .hidden_ranges()
                .iter()
                .any(|r| r.start.as_str() <= path && path < r.end.as_str());
            assert_eq!(in_range, hidden, "{path}");
            assert_eq!(!s.right_at(path).can_list(), hidden, "{path}");
        }
    }

    #[test]
    fn nothing_is_hidden_from_administrators_or_without_lists() {
        assert!(ranges(&scopes(&[("/1/", Right::Read)])).is_empty());
        let admin = Scopes {
            everything: true,
            rights: HashMap::new(),
        };
        assert!(admin.hidden_ranges().is_empty());
        assert_eq!(admin.right_at("/1/"), Right::FullControl);
    }

    #[test]
    fn sibling_scopes_merge() {
        let s = scopes(&[("/1/", Right::NoAccess), ("/1/2/", Right::NoAccess)]);
        assert_eq!(ranges(&s), vec![("/1/".into(), "/10".into())]);
    }
}
