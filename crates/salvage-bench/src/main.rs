//! salvage-bench: measures salvage where its users feel it — deleting and restoring large
//! folders, batch restores, a recycle bin of a million items, concurrent restores over HTTP —
//! on SQLite and, when a server answers, on PostgreSQL. Every figure is printed as
//! `bench <scenario>.<figure> <value> <unit>`, then a summary table with the targets and the
//! growth of each figure from size to size.
//!
//!     cargo run --release -p salvage-bench                  # the whole suite
//!     cargo run --release -p salvage-bench -- bin --sizes 1m # one scenario at one size
//!     cargo run -p salvage-bench -- --smoke                  # every scenario, tiny (CI)

mod growth;
mod installation;
mod report;
mod scenarios;
mod targets;

use anyhow::Result;
use clap::{Parser, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use installation::Backend;
use report::Report;
use salvage_store::testing::{ScratchDatabase, DEFAULT_SERVER_URL};
use scenarios::Size;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    Subtree,
    Batch,
    Bin,
    Throughput,
    /// Peak memory of a server process under maximal unauthenticated bodies (SQLite only: the
    /// database plays no part).
    Memory,
    /// What an attack on one account from many addresses costs its owner, and the bound on the
    /// login counters a flood of made-up names leaves.
    Lockout,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Backends {
    All,
    Sqlite,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(name = "salvage-bench", about = "The salvage benchmark suite")]
struct Args {
    /// Scenarios to run; all of them when none is named. (growth is computed from the sizes
    /// of subtree and bin that ran.)
    #[arg(value_enum)]
    scenarios: Vec<Scenario>,
    /// Sizes for subtree and bin (e.g. `10k,100k`); default 10k, 100k and 1m.
    #[arg(long, value_delimiter = ',', value_parser = Size::parse)]
    sizes: Option<Vec<Size>>,
    /// Handles per restoreAssetsFromTrash call; default 1k and 10k.
    #[arg(long, value_delimiter = ',', value_parser = Size::parse)]
    batches: Option<Vec<Size>>,
    /// Concurrent clients of the throughput scenario; default 1, 8, 32 and 128.
    #[arg(long, value_delimiter = ',')]
    clients: Option<Vec<usize>>,
    /// Seconds each throughput level runs.
    #[arg(long, default_value_t = 3.0)]
    seconds: f64,
    #[arg(long, value_enum, default_value = "all")]
    backend: Backends,
    /// PostgreSQL server for the PostgreSQL half (any database on it; scratch databases are
    /// created beside it and dropped).
    #[arg(long, env = "SALVAGE_BENCH_DATABASE_URL", default_value = DEFAULT_SERVER_URL)]
    database_url: String,
    /// Every scenario at a tiny size, to prove the suite still runs (CI).
    #[arg(long)]
    smoke: bool,
    /// Exit with status 1 when a target is missed.
    #[arg(long)]
    strict: bool,
    /// Run as the memory scenario's server process over a repository in DIR (internal).
    #[arg(long, value_name = "DIR", hide = true)]
    serve_memory: Option<std::path::PathBuf>,
}

/// What one run measures, after defaults and `--smoke`.
struct Plan {
    scenarios: Vec<Scenario>,
    sizes: Vec<Size>,
    batches: Vec<Size>,
    clients: Vec<usize>,
    seconds: f64,
    /// Trashed items the throughput scenario restores from.
    throughput_items: usize,
    repetitions: usize,
    /// Every scenario at its smallest.
    smoke: bool,
}

impl Plan {
    fn from(args: &Args) -> Plan {
        let scenarios = if args.scenarios.is_empty() {
            vec![
                Scenario::Subtree,
                Scenario::Batch,
                Scenario::Bin,
                Scenario::Throughput,
                Scenario::Memory,
                Scenario::Lockout,
            ]
        } else {
            args.scenarios.clone()
        };
        let (sizes, batches, clients, seconds) = if args.smoke {
            (vec![Size(1_000), Size(3_000)], vec![Size(100)], vec![1, 8], 0.2)
        } else {
            (
                vec![Size(10_000), Size(100_000), Size(1_000_000)],
                vec![Size(1_000), Size(10_000)],
                vec![1, 8, 32, 128],
                args.seconds,
            )
        };
        let clients = args.clients.clone().unwrap_or(clients);
        // Enough trashed items for every level of both APIs at 5,000 restores a second.
        let throughput_items = ((seconds * 5_000.0) as usize * clients.len() * 2).max(1_000);
        Plan {
            scenarios,
            sizes: args.sizes.clone().unwrap_or(sizes),
            batches: args.batches.clone().unwrap_or(batches),
            clients,
            seconds,
            throughput_items,
            repetitions: if args.smoke { 5 } else { 200 },
            smoke: args.smoke,
        }
    }

    fn steps(&self) -> u64 {
        self.scenarios
            .iter()
            .map(|s| match s {
                Scenario::Subtree | Scenario::Bin => self.sizes.len(),
                Scenario::Batch => self.batches.len(),
                Scenario::Throughput | Scenario::Memory | Scenario::Lockout => 1,
            })
            .sum::<usize>() as u64
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(dir) = &args.serve_memory {
        return scenarios::memory::serve(dir).await;
    }
    // Quiet unless asked: `RUST_LOG=sqlx=debug` shows every statement with its time, which is
    // how a slow figure is traced to its query.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let plan = Plan::from(&args);
    describe_machine();
    let backends = backends(&args).await;
    let mut report = Report::default();
    let progress = ProgressBar::new(plan.steps() * backends.len() as u64)
        .with_style(ProgressStyle::with_template("{bar:30} {pos}/{len} {msg} ({elapsed})").expect("a valid template"));
    for backend in &backends {
        for scenario in &plan.scenarios {
            run(&mut report, &progress, backend, *scenario, &plan).await?;
        }
    }
    progress.finish_and_clear();
    let findings = growth::analyse(&mut report);
    let missed = report.summary();
    if !findings.is_empty() {
        println!("\ngrowth findings:");
        for f in &findings {
            println!("  {f}");
        }
    }
    if args.strict && (missed > 0 || !findings.is_empty()) {
        std::process::exit(1);
    }
    Ok(())
}

async fn run(
    report: &mut Report,
    progress: &ProgressBar,
    backend: &Backend,
    scenario: Scenario,
    plan: &Plan,
) -> Result<()> {
    let step = |what: String| progress.set_message(format!("{what} on {}", backend.name()));
    match scenario {
        Scenario::Subtree => {
            for &size in &plan.sizes {
                step(format!("subtree {size}"));
                scenarios::subtree::run(report, backend, size).await?;
                progress.inc(1);
            }
        }
        Scenario::Batch => {
            for &size in &plan.batches {
                step(format!("batch {size}"));
                scenarios::batch::run(report, backend, size).await?;
                progress.inc(1);
            }
        }
        Scenario::Bin => {
            for &size in &plan.sizes {
                step(format!("bin {size}"));
                scenarios::bin::run(report, backend, size, plan.repetitions).await?;
                progress.inc(1);
            }
        }
        Scenario::Throughput => {
            step("throughput".into());
            scenarios::throughput::run(report, backend, &plan.clients, plan.seconds, plan.throughput_items).await?;
            progress.inc(1);
        }
        // Bodies are read before any database is asked anything: one backend is enough.
        Scenario::Memory if matches!(backend, Backend::Sqlite) => {
            step("memory".into());
            scenarios::memory::run(report, plan.smoke).await?;
            progress.inc(1);
        }
        Scenario::Memory => progress.inc(1),
        Scenario::Lockout => {
            step("lockout".into());
            scenarios::lockout::run(report, backend, plan.smoke).await?;
            progress.inc(1);
        }
    }
    Ok(())
}

/// SQLite always (unless only PostgreSQL is asked for); PostgreSQL when its server answers.
async fn backends(args: &Args) -> Vec<Backend> {
    let mut backends = Vec::new();
    if args.backend != Backends::Postgres {
        backends.push(Backend::Sqlite);
    }
    if args.backend != Backends::Sqlite {
        match ScratchDatabase::create(&args.database_url).await {
            Ok(probe) => {
                drop(probe);
                backends.push(Backend::Postgres(args.database_url.clone()));
            }
            Err(e) => println!(
                "bench: PostgreSQL skipped: no scratch database on {}: {e} (start PostgreSQL or set SALVAGE_BENCH_DATABASE_URL)",
                args.database_url
            ),
        }
    }
    backends
}

/// The machine the figures come from, for the record.
fn describe_machine() {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_owned())
        })
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| format!("{:.0} GiB", kb / 1024.0 / 1024.0))
        .unwrap_or_else(|| "unknown memory".into());
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!(
        "bench: {} on {cores} cores of {cpu}, {memory}; {}",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        if cfg!(debug_assertions) {
            "debug build (figures are not representative)"
        } else {
            "release build"
        }
    );
}
