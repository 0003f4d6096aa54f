//! Who may do what with the trash: the role check, the tenant's restore policy, which records a
//! caller sees and who may restore one (DESIGN.md §3 rules 10 and 12).

use crate::access::require_capability;
use crate::error::{Error, Result};
use crate::model::*;
use crate::store::StoreTx;
use crate::visibility::can_see_record;

/// Refuses a role that may not work the trash (`what` names the refused action).
pub(crate) fn require_trash_role(actor: &Actor, what: &str) -> Result<()> {
    require_capability(actor, Capability::Write, what)
}

/// The restore policy of the caller's tenant.
pub(crate) async fn restore_policy(tx: &mut dyn StoreTx, actor: &Actor) -> Result<RestorePolicy> {
    Ok(tx
        .tenant(actor.tenant_id)
        .await?
        .ok_or_else(|| Error::not_found("tenant"))?
        .settings
        .restore_policy)
}

/// A deletion of the caller's tenant that the caller may see (`None`: unknown, another
/// tenant's or hidden, all alike).
pub(crate) async fn visible_record(tx: &mut dyn StoreTx, actor: &Actor, id: RecordId) -> Result<Option<TrashRecord>> {
    let policy = restore_policy(tx, actor).await?;
    match tx.record(actor.tenant_id, id).await? {
        Some(r) if can_see_record(tx, actor, &r, policy).await? => Ok(Some(r)),
        _ => Ok(None),
    }
}

/// Whether `actor` may take `record` out of the trash (DESIGN.md §3 rule 10).
pub(crate) fn may_restore(actor: &Actor, record: &TrashRecord, policy: RestorePolicy) -> bool {
    if actor.is_admin {
        return true;
    }
    if record.stage == Stage::SystemBin || !actor.role.may_work_trash() {
        return false;
    }
    match policy {
        RestorePolicy::DeleterOrAdministrator => record.deleted_by == actor.user_id,
        RestorePolicy::AnyTrashRole => true,
    }
}
