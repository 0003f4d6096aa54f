//! Access lists: a node either inherits its parent's or sets its own.

use crate::acl::AclEntry;
use crate::error::Result;
use crate::model::*;
use async_trait::async_trait;

#[async_trait]
pub trait AccessTx: Send {
    /// The access list of the nearest node among `ids` (root first) that does not inherit:
    /// the deepest one, with its id. `None` if all of them inherit.
    async fn nearest_access_list(
        &mut self,
        tenant: TenantId,
        ids: &[NodeId],
    ) -> Result<Option<(NodeId, Vec<AclEntry>)>>;
    /// A node's own access list (empty if it inherits), ordered by principal.
    async fn access_list(&mut self, node: NodeId) -> Result<Vec<AclEntry>>;
    /// Replaces a node's own access list; `inherit` true drops it and inherits again. Two
    /// entries for one principal are kept as one, with the higher right.
    async fn set_access_list(&mut self, node: NodeId, inherit: bool, entries: &[AclEntry]) -> Result<()>;
    /// Drops the own access list of every node strictly below `root`, so the whole subtree
    /// inherits `root`'s again (one statement over the path range).
    async fn inherit_below(&mut self, root: &Node) -> Result<()>;
    /// The id path and access list of every node of the tenant that sets a list of its own,
    /// live or in the trash, by path (one statement; the visibility rule judges many nodes
    /// with them).
    async fn access_scopes(&mut self, tenant: TenantId) -> Result<Vec<(String, Vec<AclEntry>)>>;
}
