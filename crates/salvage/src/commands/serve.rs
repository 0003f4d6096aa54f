//! `salvage serve`: the HTTP server. Settings come from flags, then `SALVAGE_*` variables, then
//! an optional TOML file, then defaults.

use super::demo;
use crate::cli::{Cli, ServeArgs, DEFAULT_DATA_DIR};
use crate::open;
use anyhow::{bail, Context, Result};
use salvage_core::throttle::ThrottlePolicy;
use salvage_server::{Limits, TrustedProxies};
use serde::Deserialize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// The TOML configuration file; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub listen: Option<String>,
    /// A separate address for `/metrics`; the main address then answers it with 404.
    pub metrics_listen: Option<String>,
    /// Name each tenant in the trash gauges of `/metrics` (default: totals over all tenants).
    pub metrics_tenant_labels: Option<bool>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub blob_url: Option<String>,
    pub max_body_bytes: Option<usize>,
    pub max_soap_bytes: Option<usize>,
    pub max_upload_bytes: Option<u64>,
    /// Most bytes of request bodies held in memory at once, across all requests.
    pub max_buffered_bytes: Option<u64>,
    pub request_timeout_secs: Option<u64>,
    pub header_read_timeout_secs: Option<u64>,
    pub body_read_timeout_secs: Option<u64>,
    pub sweep_interval_secs: Option<u64>,
    pub log_format: Option<crate::cli::LogFormat>,
    /// Failed logins in a row of one account from one client address before that address is
    /// refused for the account for a while (0: never).
    pub login_account_failures: Option<u32>,
    /// Failed logins from one client address, whatever the names, before its attempts are
    /// slowed (0: never).
    pub login_address_failures: Option<u32>,
    /// The first lockout after too many failures; each further failure doubles it.
    pub login_lockout_secs: Option<u64>,
    /// Reverse proxies whose forwarding headers are believed: addresses or CIDR networks.
    pub trusted_proxies: Option<Vec<String>>,
    /// How long a session may live, however much it is used.
    pub session_max_age_hours: Option<u64>,
}

impl FileConfig {
    pub fn load(path: Option<&PathBuf>) -> Result<FileConfig> {
        let Some(path) = path else {
            return Ok(FileConfig::default());
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("the configuration file {} is not valid", path.display()))
    }
}

pub async fn run(cli: &Cli, args: &ServeArgs, file: FileConfig) -> Result<ExitCode> {
    let trusted = args
        .trusted_proxies
        .clone()
        .or_else(|| file.trusted_proxies.clone())
        .unwrap_or_default();
    let trusted_proxies = TrustedProxies::parse(trusted.iter().filter(|e| !e.trim().is_empty()))
        .map_err(|e| anyhow::anyhow!("cannot use trusted_proxies (--trusted-proxies, SALVAGE_TRUSTED_PROXIES): {e}"))?;
    let config = repository_config(&file)?;
    let listen = args
        .listen
        .clone()
        .or(file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".to_owned());
    let defaults = Limits::default();
    let limits = Limits {
        max_body_bytes: file.max_body_bytes.unwrap_or(defaults.max_body_bytes),
        max_soap_bytes: file.max_soap_bytes.unwrap_or(defaults.max_soap_bytes),
        max_upload_bytes: file.max_upload_bytes.unwrap_or(defaults.max_upload_bytes),
        max_buffered_bytes: file.max_buffered_bytes.unwrap_or(defaults.max_buffered_bytes),
        buffer_wait: defaults.buffer_wait,
        request_timeout: file
            .request_timeout_secs
            .map_or(defaults.request_timeout, Duration::from_secs),
        trusted_proxies,
        header_read_timeout: file
            .header_read_timeout_secs
            .map_or(defaults.header_read_timeout, Duration::from_secs),
        body_read_timeout: file
            .body_read_timeout_secs
            .map_or(defaults.body_read_timeout, Duration::from_secs),
    };
    let sweep_every = Duration::from_secs(file.sweep_interval_secs.unwrap_or(300).max(1));
    let metrics_listen = args.metrics_listen.clone().or(file.metrics_listen);
    let metrics = salvage_server::MetricsSettings {
        own_listener: metrics_listen.is_some(),
        tenant_labels: file.metrics_tenant_labels.unwrap_or(false),
    };

    // A demo keeps its data in a temporary directory that goes away with the process.
    let demo_dir = if args.demo {
        Some(tempfile::Builder::new().prefix("salvage-demo-").tempdir()?)
    } else {
        None
    };
    let data_dir = match &demo_dir {
        Some(dir) => dir.path().to_path_buf(),
        None => cli
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR)),
    };
    // A demo is self-contained: it never touches a configured database or bucket.
    let (database_url, blob_url) = if args.demo {
        (None, None)
    } else {
        (
            cli.database_url.clone().or(file.database_url),
            cli.blob_url.clone().or(file.blob_url),
        )
    };
    let store = open::database(&data_dir, database_url.as_deref(), true).await?;
    let blobs = open::blobs(&data_dir, blob_url.as_deref()).await?;
    let repo = open::wire_with(&store, blobs, config);

    let password = if args.demo {
        Some(demo::ADMIN_PASSWORD.to_owned())
    } else {
        std::env::var("SALVAGE_ADMIN_PASSWORD").ok()
    };
    let report = repo.init(password.as_deref()).await?;
    if let Some(generated) = &report.generated_password {
        tracing::warn!("created the administrator \"admin\"; its generated password is shown only this once");
        println!("The administrator \"admin\" was created with the password: {generated}");
    }
    if args.demo {
        demo::seed(&repo).await?;
    }

    let listener = tokio::net::TcpListener::bind(&listen).await.with_context(|| {
        format!("cannot listen on {listen}: is another server using it? choose another with --listen")
    })?;
    let address = listener.local_addr()?;
    // Bound before the server announces itself, so a mistake in it stops the start.
    let metrics_listener = match &metrics_listen {
        Some(at) => Some(tokio::net::TcpListener::bind(at).await.with_context(|| {
            format!("cannot listen on {at} for the metrics: is another server using it? choose another with --metrics-listen")
        })?),
        None => None,
    };
    if let Some(l) = &metrics_listener {
        let address = l.local_addr()?;
        tracing::info!(%address, "metrics are served on their own address");
        println!("Metrics are served at http://{address}/metrics only.");
    }
    tracing::info!(%address, data_dir = %data_dir.display(), trusted_proxies = ?trusted, "salvage is serving");
    if args.demo {
        demo::announce(address);
    } else {
        println!(
            "salvage is serving http://{address}/ (data in {}); stop with Ctrl-C.",
            data_dir.display()
        );
    }

    let sweeper = tokio::spawn(sweep_forever(repo.clone(), sweep_every));
    // The metrics listener stops after the main one has finished its requests.
    let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
    let metrics_server = metrics_listener.map(|l| {
        let app = salvage_server::metrics_app(repo.clone(), &metrics);
        tokio::spawn(salvage_server::serve_with(l, app, &limits, async {
            let _ = metrics_stopped.await;
        }))
    });
    let app = salvage_server::app_with(repo, limits.clone(), &metrics);
    salvage_server::serve_with(listener, app, &limits, shutdown_signal())
        .await
        .context("the server stopped")?;
    let _ = stop_metrics.send(());
    if let Some(server) = metrics_server {
        server
            .await
            .context("the metrics server failed")?
            .context("the metrics server stopped")?;
    }
    sweeper.abort();
    store.close().await;
    tracing::info!("stopped");
    drop(demo_dir);
    Ok(ExitCode::SUCCESS)
}

/// The repository's settings from the file: the login throttle and the sessions' lifetime.
fn repository_config(file: &FileConfig) -> Result<salvage_core::Config> {
    let defaults = salvage_core::Config::default();
    let throttle = &defaults.login_throttle;
    let session_max_age = match file.session_max_age_hours {
        None => defaults.session_max_age,
        Some(0) => bail!("session_max_age_hours must be at least 1"),
        Some(hours) => chrono::Duration::hours(hours.min(100 * 365 * 24) as i64),
    };
    Ok(salvage_core::Config {
        session_max_age,
        login_throttle: ThrottlePolicy {
            account_failures: file.login_account_failures.unwrap_or(throttle.account_failures),
            address_failures: file.login_address_failures.unwrap_or(throttle.address_failures),
            lockout: file
                .login_lockout_secs
                .map_or(throttle.lockout, |s| chrono::Duration::seconds(s.min(86_400) as i64)),
            ..throttle.clone()
        },
        ..defaults
    })
}

/// Runs retention every `every`. Safe beside other servers: each purge claims its record.
async fn sweep_forever(repo: salvage_core::Repository, every: Duration) {
    let mut interval = tokio::time::interval(every);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        match repo.sweep().await {
            Ok(r) if r != Default::default() => tracing::info!(?r, "retention sweep"),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "retention sweep failed; will try again"),
        }
    }
}

/// Completes on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
