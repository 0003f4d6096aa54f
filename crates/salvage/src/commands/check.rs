use crate::cli::Cli;
use crate::output::print_json;
use anyhow::Result;
use salvage_core::Repository;
use std::process::ExitCode;

pub async fn run(cli: &Cli, repo: &Repository) -> Result<ExitCode> {
    let violations = repo.check().await?;
    if cli.json {
        print_json(&violations)?;
    } else if violations.is_empty() {
        println!("All invariants hold.");
    } else {
        for v in &violations {
            println!("{}: {}", v.invariant, v.detail);
        }
        println!("{} violation(s) found.", violations.len());
    }
    Ok(if violations.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
