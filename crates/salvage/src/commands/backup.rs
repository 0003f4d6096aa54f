//! `salvage backup DEST`: a consistent copy of a running installation as a new embedded one —
//! `DEST/salvage.db` and `DEST/blobs/` — which `salvage --data-dir DEST serve` runs as it is,
//! and `salvage migrate --data-dir DEST --to …` moves back to a shared database.
//!
//! It is `migrate` into a new data directory: the database is read from one snapshot while the
//! servers go on working, every content file the snapshot refers to is copied and re-hashed,
//! and the copy is checked before the command reports success.

use super::migrate::{self, copy_installation};
use crate::cli::{Cli, MigrateArgs};
use crate::output::print_json;
use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::ExitCode;

pub async fn run(cli: &Cli, dest: &Path) -> Result<ExitCode> {
    let occupied = dest.exists()
        && std::fs::read_dir(dest)
            .with_context(|| format!("cannot read {}", dest.display()))?
            .next()
            .is_some();
    if occupied {
        bail!(
            "{} is not empty; back up into a new or empty directory so no earlier backup is mixed in",
            dest.display()
        );
    }
    std::fs::create_dir_all(dest).with_context(|| format!("cannot create {}", dest.display()))?;
    let dest = dest
        .canonicalize()
        .with_context(|| format!("cannot resolve {}", dest.display()))?;
    let args = MigrateArgs {
        from: None,
        from_blobs: None,
        to: format!("sqlite://{}", dest.join("salvage.db").display()),
        to_blobs: Some(dest.join("blobs").display().to_string()),
    };
    let report = copy_installation(cli, &args).await?;
    if cli.json {
        print_json(&report)?;
    } else {
        migrate::print_report(&report);
        println!(
            "Backup in {}. Run it with `salvage --data-dir {} serve`, or move it to PostgreSQL with \
             `salvage migrate --data-dir {} --to postgres://…`.",
            dest.display(),
            dest.display(),
            dest.display()
        );
    }
    Ok(migrate::exit_code(&report))
}
