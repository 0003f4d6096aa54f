use crate::cli::Cli;
use crate::open;
use crate::output::print_json;
use anyhow::Result;
use std::process::ExitCode;

pub async fn run(cli: &Cli) -> Result<ExitCode> {
    let (repo, store) = open::repository(
        &cli.data_dir(),
        cli.database_url.as_deref(),
        cli.blob_url.as_deref(),
        true,
    )
    .await?;
    let password = std::env::var("SALVAGE_ADMIN_PASSWORD").ok();
    let report = repo.init(password.as_deref()).await?;
    store.close().await;
    if cli.json {
        print_json(&report)?;
        return Ok(ExitCode::SUCCESS);
    }
    let data_dir = cli.data_dir();
    let dir = data_dir.display();
    if !report.tenant_created && !report.admin_created {
        println!("salvage is already set up in {dir}; nothing to do.");
        return Ok(ExitCode::SUCCESS);
    }
    println!("salvage is set up in {dir}: tenant \"default\", administrator \"admin\".");
    match report.generated_password {
        Some(password) => {
            println!("The administrator's password is: {password}");
            println!("It is shown only this once: keep it somewhere safe.");
        }
        None if report.admin_created => println!("The administrator's password is the one in SALVAGE_ADMIN_PASSWORD."),
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}
