//! throughput: concurrent single-item restores over HTTP — infoRouter's GET
//! `RestoreRecycleBinItem` and REST `POST /trash/restore` — by 1, 8, 32 and 128 clients, each
//! level for a fixed time: operations per second, p50 and p99 latency, and errors (any answer
//! that is not a successful restore of that one item).

use crate::installation::{Backend, Installation, Server, ADMIN_PASSWORD};
use crate::report::{cpu_time, percentile, Report};
use anyhow::{ensure, Result};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Clone, Copy)]
enum Api {
    InfoRouter,
    Rest,
}

impl Api {
    fn scenario(self) -> &'static str {
        match self {
            Api::InfoRouter => "throughput_inforouter",
            Api::Rest => "throughput_rest",
        }
    }
}

/// What the clients share: the server, credentials and the next item to restore.
struct Shared {
    server: Server,
    ticket: String,
    token: String,
    first_record: i64,
    items: usize,
    next: AtomicUsize,
}

pub async fn run(report: &mut Report, backend: &Backend, levels: &[usize], seconds: f64, items: usize) -> Result<()> {
    let mut inst = Installation::create(backend).await?;
    let b = inst.backend;
    let bin = inst.deleted_documents("Work", "restores", items).await?;
    let server = inst.serve().await?;
    let shared = Arc::new(Shared {
        ticket: server.inforouter_ticket("admin", ADMIN_PASSWORD).await?,
        token: server.rest_token("admin", ADMIN_PASSWORD).await?,
        server,
        first_record: bin.first_record,
        items,
        next: AtomicUsize::new(0),
    });
    for api in [Api::InfoRouter, Api::Rest] {
        for &clients in levels {
            let cpu_before = cpu_time();
            let (latencies, errors, elapsed) = level(&shared, api, clients, Duration::from_secs_f64(seconds)).await?;
            let cpu = cpu_time()
                .zip(cpu_before)
                .map(|(after, before)| after.saturating_sub(before));
            let name = |figure: &str| format!("clients_{clients}.{figure}");
            let s = api.scenario();
            report.record(
                s,
                b,
                &name("ops_per_s"),
                latencies.len() as f64 / elapsed.as_secs_f64(),
                "ops/s",
            );
            report.time(s, b, &name("p50"), percentile(&latencies, 50.0));
            report.time(s, b, &name("p99"), percentile(&latencies, 99.0));
            report.record(s, b, &name("errors"), errors as f64, "errors");
            if let Some(cpu) = cpu.filter(|_| !latencies.is_empty()) {
                // Client and server together: the machine's cores bound ops/s by this.
                let per_op = cpu.as_secs_f64() * 1e6 / latencies.len() as f64;
                report.record(s, b, &name("cpu_per_op"), per_op, "µs");
            }
        }
    }
    drop(shared);
    inst.close().await;
    Ok(())
}

/// `clients` clients restoring one item after another for `duration`: the sorted latencies of
/// the successful restores, the number of errors, and the time the level took.
async fn level(
    shared: &Arc<Shared>,
    api: Api,
    clients: usize,
    duration: Duration,
) -> Result<(Vec<Duration>, usize, Duration)> {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let shared = shared.clone();
            tokio::spawn(async move { client(&shared, api, started + duration).await })
        })
        .collect();
    let (mut latencies, mut errors) = (Vec::new(), 0);
    for task in tasks {
        let (l, e) = task.await??;
        latencies.extend(l);
        errors += e;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Ok((latencies, errors, elapsed))
}

async fn client(shared: &Shared, api: Api, until: Instant) -> Result<(Vec<Duration>, usize)> {
    let (mut latencies, mut errors) = (Vec::new(), 0);
    while Instant::now() < until {
        let k = shared.next.fetch_add(1, Ordering::Relaxed);
        ensure!(
            k < shared.items,
            "all {} trashed items were restored before the time was up: give the scenario more items",
            shared.items
        );
        let record = shared.first_record + k as i64;
        let started = Instant::now();
        match restore(shared, api, record).await {
            Ok(()) => latencies.push(started.elapsed()),
            Err(e) => {
                if errors == 0 {
                    eprintln!("bench: a restore failed: {e:#}");
                }
                errors += 1;
            }
        }
    }
    Ok((latencies, errors))
}

async fn restore(shared: &Shared, api: Api, record: i64) -> Result<()> {
    let http = &shared.server.http;
    let base = &shared.server.base;
    match api {
        Api::InfoRouter => {
            let handler = format!("D{record}");
            let res = http
                .get(format!("{base}/srv.asmx/RestoreRecycleBinItem"))
                .query(&[
                    ("AuthenticationTicket", shared.ticket.as_str()),
                    ("ItemHandler", &handler),
                    ("RestorePath", ""),
                ])
                .send()
                .await?;
            let status = res.status();
            let text = res.text().await?;
            ensure!(
                status.is_success() && text.contains("success=\"true\""),
                "{status}: {text}"
            );
        }
        Api::Rest => {
            let res = http
                .post(format!("{base}/api/v1/trash/restore"))
                .bearer_auth(&shared.token)
                .json(&serde_json::json!({ "items": [record] }))
                .send()
                .await?;
            let status = res.status();
            let body: serde_json::Value = res.json().await?;
            ensure!(status.is_success() && body["restored"] == 1, "{status}: {body}");
        }
    }
    Ok(())
}
