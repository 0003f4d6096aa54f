//! One module per command. Each returns the process exit code it wants.

mod check;
mod import;
mod init;
mod ls;
mod rm;
mod trash;

use crate::cli::{Cli, Command};
use crate::open;
use anyhow::{Context, Result};
use std::process::ExitCode;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Init = cli.command {
        return init::run(&cli).await;
    }
    let (repo, store) = open::repository(&cli.data_dir, false).await?;
    let actor = repo
        .actor_by_name(&cli.tenant, &cli.user)
        .await
        .with_context(|| format!("cannot act as user {:?} in tenant {:?}", cli.user, cli.tenant))?;
    let code = match &cli.command {
        Command::Init => unreachable!("handled above"),
        Command::Import { source, target } => import::run(&cli, &repo, &actor, source, target).await,
        Command::Ls { path, recursive } => ls::run(&cli, &repo, &actor, path, *recursive).await,
        Command::Rm { path } => rm::run(&cli, &repo, &actor, path).await,
        Command::Trash(command) => trash::run(&cli, &repo, &actor, command).await,
        Command::Check => check::run(&cli, &repo).await,
    };
    store.close().await;
    code
}
