use crate::cli::Cli;
use crate::output::{print_json, size};
use anyhow::Result;
use salvage_core::model::Actor;
use salvage_core::Repository;
use std::process::ExitCode;

pub async fn run(cli: &Cli, repo: &Repository, actor: &Actor, path: &str) -> Result<ExitCode> {
    let node = repo.resolve(actor, path).await?;
    let record = repo.delete(actor, node.id).await?;
    if cli.json {
        print_json(&record)?;
    } else {
        println!(
            "Moved {} to the recycle bin as trash item {} ({} item(s), {}). Undo with: salvage trash restore {}",
            record.original_path,
            record.id,
            record.item_count,
            size(record.total_size),
            record.id
        );
    }
    Ok(ExitCode::SUCCESS)
}
