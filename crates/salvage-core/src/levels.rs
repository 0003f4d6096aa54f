//! Moving a folder across the top level. A tenant's top level holds its libraries, and
//! `update_node` keeps them there: infoRouter's domains and the REST libraries are not folders.
//! But "library" is salvage's notion: for a face whose top-level folders are folders like any
//! other (Scene7's company root), `move_folder` puts a folder anywhere. A library moved into a
//! folder becomes a folder, and a folder moved to the top level becomes a library; nothing else
//! of it changes (id, contents, access list, trash records and their marks, the library's
//! publishing rule, kept for the day it is a library again).
//!
//! Who may: as for any move, Change on the folder and Add on the target; and since this adds or
//! takes away a library, an administrator only, as creating or deleting one is.

use crate::access::require_admin;
use crate::error::{Error, Result};
use crate::model::*;
use crate::repository::Repository;
use crate::tree::check_container_outside;
use crate::visibility::{live_node, right_on};

/// Where `move_folder` puts a folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// The tenant's top level (the Scene7 company root).
    TopLevel,
    /// Into this folder (or library).
    Into(NodeId),
}

impl Repository {
    /// Moves a folder or library to `to`, changing its kind when it crosses the top level.
    /// Moving it where it already is changes nothing.
    pub async fn move_folder(&self, actor: &Actor, id: NodeId, to: Destination) -> Result<Node> {
        let mut tx = self.store.write().await?;
        let node = live_node(tx.as_mut(), actor, id).await?;
        if !node.kind.is_container() {
            return Err(Error::InvalidTarget(format!(
                "{:?} is a document, not a folder",
                node.name
            )));
        }
        let target = match to {
            Destination::TopLevel => None,
            Destination::Into(parent) => {
                let target = live_node(tx.as_mut(), actor, parent).await?;
                check_container_outside(&target, &node)?;
                Some(target)
            }
        };
        let parent_id = target.as_ref().map(|t| t.id);
        if parent_id == node.parent_id {
            return Ok(node);
        }
        let kind = match target {
            None => NodeKind::Library,
            Some(_) => NodeKind::Folder,
        };
        if kind != node.kind {
            require_admin(actor)?;
        }
        if !right_on(tx.as_mut(), actor, &node).await?.can_change() {
            return Err(Error::PermissionDenied(format!("you may not move {:?}", node.name)));
        }
        if let Some(target) = &target {
            if !right_on(tx.as_mut(), actor, target).await?.can_add() {
                return Err(Error::PermissionDenied(format!(
                    "you may not add items to {:?}",
                    target.name
                )));
            }
        }
        self.check_name_free(tx.as_mut(), actor.tenant_id, parent_id, &node.name)
            .await?;
        tx.move_subtree(&node, target.as_ref(), kind, self.clock.now()).await?;
        let moved = tx
            .node(actor.tenant_id, id)
            .await?
            .ok_or_else(|| Error::not_found("item"))?;
        tx.commit().await?;
        Ok(moved)
    }
}
