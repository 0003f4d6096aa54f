//! `salvage trash …`: list, show, restore (items or by filter, with preflight), purge, empty
//! and a retention pass.

use crate::cli::{Cli, FilterArgs, TrashCommand};
use crate::output::{print_json, size, time, JsonArray};
use anyhow::{bail, Result};
use salvage_core::model::{Actor, Stage, TrashRecord};
use salvage_core::params::{parse_time, Bound};
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{
    BatchReport, FilterRestore, MissingParent, Outcome, RestoreOptions, RunAs, Target, TrashItem,
};
use salvage_core::{Error, Repository};
use serde::Serialize;
use std::process::ExitCode;

pub async fn run(cli: &Cli, repo: &Repository, actor: &Actor, command: &TrashCommand) -> Result<ExitCode> {
    match command {
        TrashCommand::List { filter, sort, limit } => list(cli, repo, actor, filter, *sort, *limit).await,
        TrashCommand::Show { id } => show(cli, repo, actor, *id).await,
        TrashCommand::Restore {
            items,
            filter,
            filters,
            to,
            on_conflict,
            missing_parent,
            fallback,
            all_or_nothing,
            dry_run,
        } => {
            let target = match to {
                // Found inside the restore's transaction: a path that names no folder is each
                // item's "target not found".
                Some(path) => Target::Path(path.clone()),
                None => Target::Original,
            };
            // --fallback implies the fallback policy.
            let missing_parent = match fallback {
                Some(path) => MissingParent::Fallback(folder(repo, actor, path).await?),
                None => match missing_parent.with_fallback(None) {
                    Some(policy) => policy,
                    None => bail!("--missing-parent fallback needs --fallback PATH"),
                },
            };
            let options = RestoreOptions {
                target,
                on_conflict: *on_conflict,
                missing_parent,
                all_or_nothing: *all_or_nothing,
                only: None,
            };
            let report = if *filter {
                let filter = trash_filter(repo, actor, filters).await?;
                let run = if *dry_run { RunAs::Preflight } else { RunAs::Now };
                match repo.restore_by_filter(actor, &filter, options, run).await? {
                    FilterRestore::Done(report) => report,
                    FilterRestore::Started(_) => bail!("a restore asked to run now was started as a job"),
                }
            } else {
                let items = items.iter().map(|s| parse_item(s)).collect::<Result<Vec<_>>>()?;
                if *dry_run {
                    repo.preflight(actor, &items, options).await?
                } else {
                    repo.restore(actor, &items, options).await?
                }
            };
            print_restore(cli, &report)
        }
        TrashCommand::Purge { items } => purge(cli, repo, actor, items).await,
        TrashCommand::Empty { all } => {
            let moved = repo.empty(actor, *all).await?;
            if cli.json {
                print_json(&serde_json::json!({ "moved_to_system_bin": moved }))?;
            } else {
                println!("Moved {moved} item(s) to the system recycle bin; an administrator can still restore them until retention purges them.");
            }
            Ok(ExitCode::SUCCESS)
        }
        TrashCommand::Sweep => {
            let report = repo.sweep().await?;
            if cli.json {
                print_json(&report)?;
            } else {
                println!(
                    "Retention: {} item(s) moved to the system bin, {} purged, {} expired session(s) and {} unreferenced content file(s) removed.",
                    report.moved_to_system_bin, report.purged, report.sessions_expired, report.blobs_removed
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `42` is a trash item; `node:42` is one item inside a deleted folder.
fn parse_item(s: &str) -> Result<TrashItem> {
    let parsed = match s.strip_prefix("node:") {
        Some(id) => id.parse().map(TrashItem::Node),
        None => s.parse().map(TrashItem::Record),
    };
    parsed.or_else(|_| bail!("cannot read {s:?} as a trash item: use an id shown by `salvage trash list`, or node:ID for one item inside a deleted folder (see `salvage trash show`)"))
}

fn item_label(item: &TrashItem) -> String {
    match item {
        TrashItem::Record(id) => id.to_string(),
        TrashItem::Node(id) => format!("node:{id}"),
    }
}

async fn folder(repo: &Repository, actor: &Actor, path: &str) -> Result<i64> {
    let node = repo.resolve(actor, path).await?;
    if !node.kind.is_container() {
        bail!("{path} is a document, not a folder");
    }
    Ok(node.id)
}

async fn trash_filter(repo: &Repository, actor: &Actor, args: &FilterArgs) -> Result<TrashFilter> {
    let now = repo.clock().now();
    let deleted_by = match &args.deleted_by {
        None => None,
        Some(user) => Some(repo.user_param(actor, "--deleted-by", user).await?),
    };
    let time = |param: &str, text: &Option<String>, bound: Bound| {
        text.as_deref().map(|t| parse_time(param, t, bound, now)).transpose()
    };
    let filter = TrashFilter {
        deleted_by,
        since: time("--since", &args.since, Bound::From)?,
        until: time("--until", &args.until, Bound::Until)?,
        name_contains: args.name.clone(),
        kind: args.kind,
        ..TrashFilter::default()
    };
    Ok(filter.under(args.path_prefix.as_deref().unwrap_or_default()))
}

fn stage(s: Stage) -> &'static str {
    match s {
        Stage::UserBin => "user bin",
        Stage::SystemBin => "system bin",
    }
}

async fn list(
    cli: &Cli,
    repo: &Repository,
    actor: &Actor,
    args: &FilterArgs,
    sort: TrashSort,
    limit: u64,
) -> Result<ExitCode> {
    let filter = trash_filter(repo, actor, args).await?;
    let mut json = cli.json.then(JsonArray::start);
    if json.is_none() {
        println!(
            "{:>8}  {:<8} {:<28} {:<12} {:<19} {:>6} {:>10}  {:<10}  ORIGINAL PATH",
            "ID", "TYPE", "NAME", "DELETED BY", "DELETED AT", "ITEMS", "SIZE", "STAGE"
        );
    }
    let (mut shown, mut after) = (0u64, None);
    while shown < limit {
        let page = repo
            .trash(actor, &filter, sort, after.as_ref(), (limit - shown).min(1000) as u32)
            .await?;
        for r in &page.items {
            match &mut json {
                Some(json) => json.push(r)?,
                None => println!(
                    "{:>8}  {:<8} {:<28} {:<12} {:<19} {:>6} {:>10}  {:<10}  {}",
                    r.id,
                    r.kind.as_str(),
                    r.name,
                    r.deleted_by_name,
                    time(r.deleted_at),
                    r.item_count,
                    size(r.total_size),
                    stage(r.stage),
                    r.original_path
                ),
            }
        }
        shown += page.items.len() as u64;
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    match json {
        Some(json) => json.finish(),
        None => {
            let total = repo.trash_count(actor, &filter).await?;
            if total as u64 > shown {
                println!("({shown} of {total} shown; raise --limit or narrow the filters to see more)");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn show(cli: &Cli, repo: &Repository, actor: &Actor, id: i64) -> Result<ExitCode> {
    let record = repo.trash_record(actor, id).await?;
    let contents = repo.trash_contents(actor, id, 1000).await?;
    if cli.json {
        #[derive(Serialize)]
        struct Shown<'a> {
            #[serde(flatten)]
            record: &'a TrashRecord,
            contents: &'a [salvage_core::model::Node],
        }
        return print_json(&Shown {
            record: &record,
            contents: &contents,
        })
        .map(|_| ExitCode::SUCCESS);
    }
    println!("Trash item {}: {} {:?}", record.id, record.kind.as_str(), record.name);
    println!("  original path  {}", record.original_path);
    println!(
        "  deleted by     {} at {}",
        record.deleted_by_name,
        time(record.deleted_at)
    );
    println!(
        "  holds          {} item(s), {}",
        record.item_count,
        size(record.total_size)
    );
    println!(
        "  stage          {} since {}",
        stage(record.stage),
        time(record.stage_changed_at)
    );
    println!("Contents (restore one on its own with `salvage trash restore node:ID`):");
    for node in &contents {
        let indent = "  ".repeat((node.depth - contents[0].depth).max(0) as usize + 1);
        println!(
            "{:>10}  {indent}{} ({})",
            format!("node:{}", node.id),
            node.name,
            node.kind.as_str()
        );
    }
    if contents.len() as i64 >= 1000 && record.item_count > 1000 {
        println!("  … and more ({} in all)", record.item_count);
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ItemJson {
    item: TrashItem,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    renamed_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<ErrorJson>,
}

#[derive(Serialize)]
struct ErrorJson {
    code: &'static str,
    message: String,
}

fn error_json(e: &Error) -> ErrorJson {
    ErrorJson {
        code: e.code(),
        message: e.to_string(),
    }
}

fn print_restore(cli: &Cli, report: &BatchReport) -> Result<ExitCode> {
    let (restored, skipped, failed) = report.counts();
    if cli.json {
        let results: Vec<ItemJson> = report
            .results
            .iter()
            .map(|r| {
                let done = match &r.outcome {
                    Outcome::Restored(x) => Some(x),
                    Outcome::Skipped(_) | Outcome::Failed(_) => None,
                };
                ItemJson {
                    item: r.item,
                    status: r.outcome.status().as_str(),
                    path: done.map(|x| x.path.clone()),
                    renamed_from: done.and_then(|x| x.renamed_from.clone()),
                    error: r.outcome.error().map(error_json),
                }
            })
            .collect();
        print_json(
            &serde_json::json!({ "applied": report.applied, "dry_run": report.dry_run, "restored": restored, "skipped": skipped, "failed": failed, "results": results }),
        )?;
    } else {
        let verb = if report.applied { "restored" } else { "would restore" };
        for r in &report.results {
            let label = item_label(&r.item);
            match &r.outcome {
                Outcome::Restored(x) => match &x.renamed_from {
                    Some(old) => println!("{verb} {label} -> {} (renamed from {old:?})", x.path),
                    None => println!("{verb} {label} -> {}", x.path),
                },
                Outcome::Skipped(e) => println!("skipped {label}: {e}"),
                Outcome::Failed(e) => println!("failed  {label}: {e}"),
            }
        }
        if report.dry_run {
            println!("Preflight: {restored} can be restored, {skipped} would be skipped, {failed} cannot be restored. Nothing was changed.");
        } else if !report.applied {
            println!("Nothing was restored: {failed} item(s) cannot be restored and --all-or-nothing was given.");
        } else {
            println!("{restored} restored, {skipped} skipped, {failed} failed.");
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn purge(cli: &Cli, repo: &Repository, actor: &Actor, items: &[String]) -> Result<ExitCode> {
    let items = items.iter().map(|s| parse_item(s)).collect::<Result<Vec<_>>>()?;
    let results = repo.purge(actor, &items).await?;
    let failed = results.iter().filter(|r| r.outcome.is_err()).count();
    if cli.json {
        let rows: Vec<_> = results
            .iter()
            .map(|r| match &r.outcome {
                Ok(record) => serde_json::json!({ "item": r.item, "status": "purged", "path": record.original_path, "items": record.item_count }),
                Err(e) => serde_json::json!({ "item": r.item, "status": "failed", "error": { "code": e.code(), "message": e.to_string() } }),
            })
            .collect();
        print_json(&rows)?;
    } else {
        for r in &results {
            match &r.outcome {
                Ok(record) => println!(
                    "purged  {} {} ({} items)",
                    item_label(&r.item),
                    record.original_path,
                    record.item_count
                ),
                Err(e) => println!("failed  {}: {e}", item_label(&r.item)),
            }
        }
    }
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
