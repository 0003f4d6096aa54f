//! The `salvage` binary: administration and trash commands over the embedded repository.

mod cli;
mod commands;
mod open;
mod output;

use clap::Parser;
use std::process::ExitCode;
use tracing_subscriber::EnvFilter;

/// Logs go to standard error: warnings for commands, information for the server, more with -v;
/// `RUST_LOG` overrides. The server's format may come from its configuration file.
fn init_logging(cli: &cli::Cli) {
    let serving = matches!(cli.command, cli::Command::Serve(_));
    let default_level = match (cli.verbose, serving) {
        (0, false) => "warn",
        (0, true) | (1, _) => "info",
        _ => "debug",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_level));
    let from_file = match &cli.command {
        cli::Command::Serve(args) => commands::serve_log_format(args),
        _ => None,
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match cli.log_format.or(from_file).unwrap_or(cli::LogFormat::Human) {
        cli::LogFormat::Json => builder.json().init(),
        cli::LogFormat::Human => builder.init(),
    }
}

fn main() -> ExitCode {
    salvage_server::allocator::return_large_buffers();
    let cli = cli::Cli::parse();
    init_logging(&cli);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
