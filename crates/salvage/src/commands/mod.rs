//! One module per command. Each returns the process exit code it wants.

mod backup;
mod check;
mod demo;
mod import;
mod init;
mod ls;
mod migrate;
mod rm;
mod serve;
mod trash;

use crate::cli::{Cli, Command};
use crate::open;
use anyhow::{Context, Result};
use std::process::ExitCode;

/// The log format a server's configuration file asks for (read before logging starts).
pub fn serve_log_format(args: &crate::cli::ServeArgs) -> Option<crate::cli::LogFormat> {
    serve::FileConfig::load(args.config.as_ref())
        .ok()
        .and_then(|f| f.log_format)
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Init => return init::run(&cli).await,
        Command::Serve(args) => {
            let file = serve::FileConfig::load(args.config.as_ref())?;
            return serve::run(&cli, args, file).await;
        }
        Command::Migrate(args) => return migrate::run(&cli, args).await,
        Command::Backup { dest } => return backup::run(&cli, dest).await,
        _ => {}
    }
    let (repo, store) = open::repository(
        &cli.data_dir(),
        cli.database_url.as_deref(),
        cli.blob_url.as_deref(),
        false,
    )
    .await?;
    let actor = repo
        .actor_by_name(&cli.tenant, &cli.user)
        .await
        .with_context(|| format!("cannot act as user {:?} in tenant {:?}", cli.user, cli.tenant))?;
    let code = match &cli.command {
        Command::Init | Command::Serve(_) | Command::Migrate(_) | Command::Backup { .. } => {
            unreachable!("handled above")
        }
        Command::Import { source, target } => import::run(&cli, &repo, &actor, source, target).await,
        Command::Ls { path, recursive } => ls::run(&cli, &repo, &actor, path, *recursive).await,
        Command::Rm { path } => rm::run(&cli, &repo, &actor, path).await,
        Command::Trash(command) => trash::run(&cli, &repo, &actor, command).await,
        Command::Check => check::run(&cli, &repo).await,
    };
    store.close().await;
    code
}
