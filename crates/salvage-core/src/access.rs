//! Access lists over the service: a caller's effective right, reading and setting a folder's
//! list, and the administrator check every area shares.

use crate::acl::{AclEntry, Right};
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::visibility::{live_node, right_on};

impl Repository {
    /// The caller's effective right on an item. An item the caller may not even list is not
    /// found, as everywhere else.
    pub async fn right_on(&self, actor: &Actor, id: NodeId) -> Result<Right> {
        let mut tx = self.store.read().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        right_on(tx.as_mut(), actor, &node).await
    }

    /// A folder's effective access list and whether it is inherited.
    pub async fn access_list(&self, actor: &Actor, id: NodeId) -> Result<(bool, Vec<AclEntry>)> {
        let mut tx = self.store.read().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        let ids = crate::model::path_ids(&node.path);
        let entries = tx
            .nearest_access_list(actor.tenant_id, &ids)
            .await?
            .map(|(_, e)| e)
            .unwrap_or_default();
        Ok((node.acl_inherited, entries))
    }

    /// Sets a folder's own access list (or, with `inherit`, drops it). With `apply_to_tree` every
    /// folder below drops its own list and inherits this one.
    pub async fn set_access_list(
        &self,
        actor: &Actor,
        id: NodeId,
        inherit: bool,
        entries: &[AclEntry],
        apply_to_tree: bool,
    ) -> Result<()> {
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        if !node.kind.is_container() {
            return Err(Error::InvalidTarget(
                "access lists are set on libraries and folders".into(),
            ));
        }
        if !right_on(tx.as_mut(), actor, &node).await?.can_manage_access() {
            return Err(Error::PermissionDenied(format!(
                "you may not change the security of {:?}",
                node.name
            )));
        }
        tx.set_access_list(node.id, inherit, entries).await?;
        if apply_to_tree {
            tx.inherit_below(&node).await?;
        }
        tx.commit().await
    }
}

/// Refuses a role the capability matrix (`Capability`) does not allow `capability`; `what`
/// names the refused action. Every face reaches the tree, the documents and the trash through
/// the core, so a role one face refuses is refused by all of them.
pub(crate) fn require_capability(actor: &Actor, capability: Capability, what: &str) -> Result<()> {
    if actor.role.may(capability) {
        Ok(())
    } else {
        Err(Error::PermissionDenied(format!(
            "the role {} may not {what}",
            actor.role.as_str()
        )))
    }
}

pub(crate) fn require_admin(actor: &Actor) -> Result<()> {
    if actor.is_admin {
        Ok(())
    } else {
        Err(Error::PermissionDenied("only an administrator may do this".into()))
    }
}
