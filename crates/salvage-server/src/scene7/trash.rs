//! deleteAsset, deleteAssets, restoreAssetsFromTrash and emptyAssetsFromTrash (spec §9–10), each
//! a translation of the core's trash engine. A batch is one core call in one transaction; each
//! handle gets the code its single-item operation would have raised (spec §18 #4): an unknown
//! or other company's handle is an error 30001, an asset that is not in the trash a warning.

use super::auth::{Access, Company};
use super::batch::Batch;
use super::faults::{self, Fault};
use super::handles;
use super::xml::Out;
use super::{Call, Operation};
use salvage_core::model::{NodeId, NodeKind};
use salvage_core::trash::{ItemState, MissingParent, OnConflict, Outcome, RestoreOptions, Target, TrashItem};
use salvage_core::Error;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "deleteAsset",
        access: Access::Write,
    },
    Operation {
        name: "deleteAssets",
        access: Access::Write,
    },
    Operation {
        name: "restoreAssetsFromTrash",
        access: Access::Write,
    },
    Operation {
        name: "emptyAssetsFromTrash",
        access: Access::Write,
    },
];

pub async fn run(call: &Call<'_>) -> Option<Result<Out, Fault>> {
    Some(match call.op.name {
        "deleteAsset" => delete_asset(call).await,
        "deleteAssets" => delete_assets(call).await,
        "restoreAssetsFromTrash" => restore_assets(call).await,
        "emptyAssetsFromTrash" => empty_assets(call).await,
        _ => return None,
    })
}

fn invalid_handle(handle: &str) -> Fault {
    Fault::ips(faults::INVALID_PARAMETER, format!("Invalid asset handle '{handle}'"))
}

fn not_in_trash() -> Fault {
    Fault::ips(faults::INVALID_PARAMETER, "Asset is not in the trash")
}

/// A core error for one asset, as the fault its single-item operation raises.
fn item_fault(e: &Error, handle: &str) -> Fault {
    match e {
        Error::NotFound(_) | Error::NotInTrash(None) => invalid_handle(handle),
        Error::NotInTrash(Some(_)) => not_in_trash(),
        e => Fault::from_core(e, "asset handle"),
    }
}

/// What each handle of a batch names: an asset of the company with its trash state, or the
/// fault that answers the handle. One read of the core for the whole batch.
async fn classify<'h>(
    call: &Call<'_>,
    company: &Company,
    handles_in: &[&'h str],
) -> Result<Vec<(&'h str, Result<(NodeId, ItemState), Fault>)>, Fault> {
    let parsed: Vec<Option<NodeId>> = handles_in.iter().map(|h| handles::parse_asset(h)).collect();
    let ids: Vec<NodeId> = parsed.iter().flatten().copied().collect();
    let mut located = call
        .state
        .repo
        .locate_items(&company.actor, &ids)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?
        .into_iter();
    Ok(handles_in
        .iter()
        .zip(parsed)
        .map(|(&handle, id)| {
            let found = id.and_then(|_| located.next().flatten());
            let class = match found {
                Some(item) if item.node.kind == NodeKind::Document => Ok((item.node.id, item.state)),
                _ => Err(invalid_handle(handle)),
            };
            (handle, class)
        })
        .collect())
}

/// deleteAsset(companyHandle, assetHandle): the asset goes to the trash.
async fn delete_asset(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let handle = call.params.required("assetHandle")?;
    match classify(call, &company, &[handle]).await?.remove(0).1? {
        (id, ItemState::Live) => {
            call.state
                .repo
                .delete(&company.actor, id)
                .await
                .map_err(|e| item_fault(&e, handle))?;
            Ok(call.reply())
        }
        // Already in the trash: as unknown as any other asset that is not live.
        _ => Err(invalid_handle(handle)),
    }
}

/// deleteAssets(companyHandle, assetHandleArray): every live asset named goes to the trash.
async fn delete_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let given = call.params.required_items("assetHandleArray")?;
    let classes = classify(call, &company, &given).await?;
    let live: Vec<NodeId> = classes
        .iter()
        .filter_map(|(_, c)| match c {
            Ok((id, ItemState::Live)) => Some(*id),
            _ => None,
        })
        .collect();
    let mut outcomes = call
        .state
        .repo
        .delete_many(&company.actor, &live)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?
        .into_iter();
    let mut batch = Batch::default();
    for (handle, class) in classes {
        match class {
            Ok((_, ItemState::Live)) => match outcomes.next() {
                Some(Ok(_)) => batch.success(),
                Some(Err(e)) => batch.error(handle, item_fault(&e, handle)),
                None => unreachable!("one outcome per live asset"),
            },
            Ok(_) => batch.error(handle, invalid_handle(handle)),
            Err(f) => batch.error(handle, f),
        }
    }
    Ok(batch.render(call.reply()))
}

/// restoreAssetsFromTrash(companyHandle, assetHandleArray): each asset back into the folder it
/// was deleted from, re-creating that folder if it is gone. A name taken meanwhile is an error;
/// nothing is overwritten.
async fn restore_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let given = call.params.required_items("assetHandleArray")?;
    let classes = classify(call, &company, &given).await?;
    let trashed: Vec<TrashItem> = classes
        .iter()
        .filter_map(|(_, c)| match c {
            Ok((id, ItemState::Trashed(_))) => Some(TrashItem::Node(*id)),
            _ => None,
        })
        .collect();
    let options = RestoreOptions {
        target: Target::Original,
        missing_parent: MissingParent::Recreate,
        on_conflict: OnConflict::Fail,
        all_or_nothing: false,
    };
    let mut outcomes = call
        .state
        .repo
        .restore(&company.actor, &trashed, options)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?
        .results
        .into_iter();
    let mut batch = Batch::default();
    for (handle, class) in classes {
        match class {
            Ok((_, ItemState::Trashed(_))) => match outcomes.next().map(|r| r.outcome) {
                Some(Outcome::Restored(_)) => batch.success(),
                Some(Outcome::Failed(Error::NotInTrash(Some(_)))) => batch.warning(handle, not_in_trash()),
                Some(Outcome::Failed(e) | Outcome::Skipped(e)) => batch.error(handle, item_fault(&e, handle)),
                None => unreachable!("one outcome per trashed asset"),
            },
            Ok((_, ItemState::Live)) => batch.warning(handle, not_in_trash()),
            Err(f) => batch.error(handle, f),
        }
    }
    Ok(batch.render(call.reply()))
}

/// emptyAssetsFromTrash(companyHandle, assetHandleArray): each asset to the emptied trash
/// (`InEmptiedTrash`), where the retention sweeper purges it.
async fn empty_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let given = call.params.required_items("assetHandleArray")?;
    let classes = classify(call, &company, &given).await?;
    let trashed: Vec<NodeId> = classes
        .iter()
        .filter_map(|(_, c)| match c {
            Ok((id, ItemState::Trashed(_))) => Some(*id),
            _ => None,
        })
        .collect();
    let mut outcomes = call
        .state
        .repo
        .empty_items(&company.actor, &trashed)
        .await
        .map_err(|e| Fault::from_core(&e, "asset handle"))?
        .into_iter();
    let mut batch = Batch::default();
    for (handle, class) in classes {
        match class {
            Ok((_, ItemState::Trashed(_))) => match outcomes.next() {
                Some(Ok(())) => batch.success(),
                Some(Err(Error::NotInTrash(Some(_)))) => batch.warning(handle, not_in_trash()),
                Some(Err(e)) => batch.error(handle, item_fault(&e, handle)),
                None => unreachable!("one outcome per trashed asset"),
            },
            Ok((_, ItemState::Live)) => batch.warning(handle, not_in_trash()),
            Err(f) => batch.error(handle, f),
        }
    }
    Ok(batch.render(call.reply()))
}
