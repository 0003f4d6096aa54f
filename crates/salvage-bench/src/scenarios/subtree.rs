//! subtree: a folder of N nodes deleted to the trash and restored through the repository; each
//! step's time and peak memory, and the ratio to the floor (the same set-based SQL run directly
//! against the same database).

use super::Size;
use crate::installation::{Backend, Installation};
use crate::report::{PeakMemory, Report};
use anyhow::{ensure, Result};
use salvage_core::trash::{RestoreOptions, TrashItem};
use std::time::Instant;

pub async fn run(report: &mut Report, backend: &Backend, size: Size) -> Result<()> {
    let scenario = format!("subtree_{}", size.label());
    let mut inst = Installation::create(backend).await?;
    let b = inst.backend;
    let lib = inst.repo.create_library(&inst.admin, "Bench").await?;

    let started = Instant::now();
    let (tenant, user, sha) = (inst.tenant, inst.admin.user_id, inst.sha.clone());
    let root = inst
        .sql
        .load_tree(tenant, lib.id, &lib.path, user, size.count(), &sha)
        .await;
    report.time(&scenario, b, "build", started.elapsed());

    PeakMemory::reset();
    let started = Instant::now();
    let record = inst.repo.delete(&inst.admin, root).await?;
    let delete = started.elapsed();
    report.time(&scenario, b, "delete", delete);
    if let Some(mb) = PeakMemory::megabytes() {
        report.record(&scenario, b, "delete_peak_rss", mb, "MB");
    }
    ensure!(record.item_count as usize == size.count(), "every node counted once");

    PeakMemory::reset();
    let started = Instant::now();
    inst.repo
        .restore_one(&inst.admin, TrashItem::Record(record.id), RestoreOptions::default())
        .await?;
    let restore = started.elapsed();
    report.time(&scenario, b, "restore", restore);
    if let Some(mb) = PeakMemory::megabytes() {
        report.record(&scenario, b, "restore_peak_rss", mb, "MB");
    }

    let started = Instant::now();
    let violations = inst.repo.check().await?;
    report.time(&scenario, b, "check", started.elapsed());
    ensure!(violations.is_empty(), "check found {violations:?}");

    let (floor_delete, floor_restore) = inst.sql.floor(tenant, user, root).await;
    report.time(&scenario, b, "floor_delete", floor_delete);
    report.time(&scenario, b, "floor_restore", floor_restore);
    report.record(&scenario, b, "delete_vs_floor", ratio(delete, floor_delete), "x");
    report.record(&scenario, b, "restore_vs_floor", ratio(restore, floor_restore), "x");
    inst.close().await;
    Ok(())
}

fn ratio(a: std::time::Duration, b: std::time::Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
