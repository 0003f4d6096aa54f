//! deleteAsset, deleteAssets, restoreAssetsFromTrash and emptyAssetsFromTrash (spec §9–10), each
//! a translation of the core's trash engine. A batch is one core call in one transaction (the
//! classify → call → judge of `batch::Assets`); each handle gets the code its single-item
//! operation would have raised (spec §18 #4): an unknown or other company's handle is an error
//! 30001, an asset that is not in the trash a warning.

use super::auth::Access;
use super::batch::{invalid_handle, Assets, Verdict};
use super::faults::{self, Fault};
use super::xml::Out;
use super::{Call, Operation};
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

/// The fault of a batch the core refused as a whole.
fn batch_fault(e: Error) -> Fault {
    Fault::from_core(&e, "asset handle")
}

fn live(state: ItemState) -> bool {
    state == ItemState::Live
}

fn trashed(state: ItemState) -> bool {
    matches!(state, ItemState::Trashed(_))
}

/// The line of an asset the core could not take out of the trash: a warning when it was no
/// longer there, else an error.
fn failed(handle: &str, e: &Error) -> Verdict {
    match e {
        Error::NotInTrash(Some(_)) => Verdict::Warning(not_in_trash()),
        e => Verdict::Error(item_fault(e, handle)),
    }
}

/// deleteAsset(companyHandle, assetHandle): the asset goes to the trash.
async fn delete_asset(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let handle = call.params.required("assetHandle")?;
    match Assets::classify(call, &company, &[handle]).await?.single()? {
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
    let assets = Assets::classify(call, &company, &given).await?;
    let outcomes = call
        .state
        .repo
        .delete_many(&company.actor, &assets.ids(live))
        .await
        .map_err(batch_fault)?;
    let batch = assets.judge(
        live,
        outcomes,
        |handle, outcome| match outcome {
            Ok(_) => Verdict::Success,
            Err(e) => Verdict::Error(item_fault(&e, handle)),
        },
        |handle, _| Verdict::Error(invalid_handle(handle)),
    );
    Ok(batch.render(call.reply()))
}

/// restoreAssetsFromTrash(companyHandle, assetHandleArray): each asset back into the folder it
/// was deleted from, re-creating that folder if it is gone. A name taken meanwhile is an error;
/// nothing is overwritten.
async fn restore_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let given = call.params.required_items("assetHandleArray")?;
    let assets = Assets::classify(call, &company, &given).await?;
    let items: Vec<TrashItem> = assets.ids(trashed).into_iter().map(TrashItem::Node).collect();
    let options = RestoreOptions {
        target: Target::Original,
        missing_parent: MissingParent::Recreate,
        on_conflict: OnConflict::Fail,
        all_or_nothing: false,
        only: None,
    };
    let report = call
        .state
        .repo
        .restore(&company.actor, &items, options)
        .await
        .map_err(batch_fault)?;
    let batch = assets.judge(
        trashed,
        report.results,
        |handle, result| match result.outcome {
            Outcome::Restored(_) => Verdict::Success,
            Outcome::Failed(e) => failed(handle, &e),
            Outcome::Skipped(e) => Verdict::Error(item_fault(&e, handle)),
        },
        |_, _| Verdict::Warning(not_in_trash()),
    );
    Ok(batch.render(call.reply()))
}

/// emptyAssetsFromTrash(companyHandle, assetHandleArray): each asset to the emptied trash
/// (`InEmptiedTrash`), where the retention sweeper purges it.
async fn empty_assets(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let given = call.params.required_items("assetHandleArray")?;
    let assets = Assets::classify(call, &company, &given).await?;
    let outcomes = call
        .state
        .repo
        .empty_items(&company.actor, &assets.ids(trashed))
        .await
        .map_err(batch_fault)?;
    let batch = assets.judge(
        trashed,
        outcomes,
        |handle, outcome| match outcome {
            Ok(()) => Verdict::Success,
            Err(e) => failed(handle, &e),
        },
        |_, _| Verdict::Warning(not_in_trash()),
    );
    Ok(batch.render(call.reply()))
}
