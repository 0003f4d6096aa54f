//! `salvage migrate`: copies an installation into a new database (and blob store), then checks
//! the copy the way `salvage check` does.
//!
//! Order matters for safety: the source is checked first (a broken source is not copied), the
//! contents are copied before the metadata (so once the metadata is committed, everything it
//! refers to is there), and the metadata is written in one transaction that is verified before
//! it commits. Run again after a failure: contents already copied are skipped, and a target
//! whose metadata did not commit is still empty.

use crate::cli::{Cli, MigrateArgs};
use crate::open;
use crate::output::print_json;
use anyhow::{bail, Context, Result};
use futures_util::{StreamExt, TryStreamExt};
use indicatif::{ProgressBar, ProgressStyle};
use salvage_core::blob::BlobStore;
use salvage_core::store::Violation;
use salvage_store::transfer::{Snapshot, TableCount};
use serde::Serialize;
use std::process::ExitCode;

/// Contents copied at once: object stores answer each request slowly but many in parallel.
const PARALLEL_COPIES: usize = 8;

#[derive(Serialize)]
pub struct Report {
    tables: Vec<TableCount>,
    blobs_copied: u64,
    bytes_copied: u64,
    violations: Vec<Violation>,
}

pub async fn run(cli: &Cli, args: &MigrateArgs) -> Result<ExitCode> {
    let report = copy_installation(cli, args).await?;
    if cli.json {
        print_json(&report)?;
    } else {
        print_report(&report);
    }
    Ok(exit_code(&report))
}

/// Success when the copy passed its check.
pub fn exit_code(report: &Report) -> ExitCode {
    if report.violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Checks the source, copies the contents (when a target blob store is named), then the
/// database, and checks the copy.
pub async fn copy_installation(cli: &Cli, args: &MigrateArgs) -> Result<Report> {
    let data_dir = cli.data_dir();
    let source_url = args.from.as_deref().or(cli.database_url.as_deref());
    let source = open::database(&data_dir, source_url, false).await?;
    let source_blobs = open::blobs(&data_dir, args.from_blobs.as_deref().or(cli.blob_url.as_deref())).await?;

    let problems = open::wire(&source, source_blobs.clone()).check().await?;
    if !problems.is_empty() {
        bail!(
            "the source installation has {} broken invariant(s), so it is not copied; `salvage check` lists them",
            problems.len()
        );
    }

    let target = open::open_url(&args.to)
        .await
        .with_context(|| format!("cannot open the target database {}", open::redacted(&args.to)))?;
    let target_blobs = match &args.to_blobs {
        Some(url) => Some(
            salvage_blob::open_url(url)
                .await
                .with_context(|| format!("cannot use the blob store {url}"))?,
        ),
        None => None,
    };

    let mut snapshot = Snapshot::begin(&source).await?;
    let (blobs_copied, bytes_copied) = match &target_blobs {
        Some(to) => copy_blobs(&mut snapshot, source_blobs.as_ref(), to.as_ref()).await?,
        None => (0, 0),
    };

    let counts = snapshot.row_counts().await?;
    let bar = progress_bar(counts.iter().map(|c| c.rows).sum(), "{pos}/{len} rows  {msg}");
    bar.set_message("copying the database");
    let tables = snapshot.copy_into(&target, &|rows| bar.inc(rows)).await;
    bar.finish_and_clear();
    let tables = tables.context("the database was not copied; the target is unchanged")?;
    source.close().await;

    let checked_blobs = target_blobs.unwrap_or(source_blobs);
    let violations = open::wire(&target, checked_blobs).check().await?;
    target.close().await;
    Ok(Report {
        tables,
        blobs_copied,
        bytes_copied,
        violations,
    })
}

/// Copies every blob the source's metadata refers to, a page of hashes at a time, several at
/// once. Contents nobody refers to any more (waiting for the collector's grace delay) are not
/// copied: their rows go along, and the target's collector forgets them.
async fn copy_blobs(snapshot: &mut Snapshot, from: &dyn BlobStore, to: &dyn BlobStore) -> Result<(u64, u64)> {
    let total = snapshot
        .row_counts()
        .await?
        .into_iter()
        .find(|c| c.table == "blobs")
        .map_or(0, |c| c.rows);
    let bar = progress_bar(total, "{pos}/{len} contents  {msg}");
    let (mut copied, mut bytes) = (0u64, 0u64);
    let mut after: Option<String> = None;
    loop {
        let page = snapshot.blobs(after.as_deref(), 1000).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.sha256.clone());
        let results: Vec<u64> = futures_util::stream::iter(page)
            .map(|blob| async move {
                if blob.refcount <= 0 {
                    return Ok(0);
                }
                salvage_blob::copy(from, to, &blob.sha256)
                    .await
                    .with_context(|| format!("cannot copy the content {} ({} bytes)", blob.sha256, blob.size))
            })
            .buffer_unordered(PARALLEL_COPIES)
            .inspect(|_| bar.inc(1))
            .try_collect()
            .await?;
        for size in results.into_iter().filter(|&size| size > 0) {
            copied += 1;
            bytes += size;
        }
        bar.set_message(crate::output::size(bytes as i64));
    }
    bar.finish_and_clear();
    Ok((copied, bytes))
}

fn progress_bar(total: u64, counter: &str) -> ProgressBar {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} [{{elapsed_precise}}] {{bar:40}} {counter}"))
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar
}

pub fn print_report(report: &Report) {
    println!("{:<16} {:>12}", "table", "rows");
    for t in &report.tables {
        println!("{:<16} {:>12}", t.table, t.rows);
    }
    println!(
        "Copied {} content file(s), {}.",
        report.blobs_copied,
        crate::output::size(report.bytes_copied as i64)
    );
    if report.violations.is_empty() {
        println!("Every table was verified against the source, and all invariants hold in the copy.");
    } else {
        for v in &report.violations {
            println!("{}: {}", v.invariant, v.detail);
        }
        println!("{} violation(s) found in the copy.", report.violations.len());
    }
}
