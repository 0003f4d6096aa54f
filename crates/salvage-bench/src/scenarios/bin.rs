//! bin at scale: a recycle bin of N items (10 deleters, deletions spread over 30 days). The
//! REST listing's first page and a page 10,000 items deep, a name search, a search by deleter
//! and time window, and infoRouter's `GetRecycleBinContent` for one deleter (a tenth of the
//! bin): its time, and the memory it needs beyond what the process held before (it must
//! stream, so that does not grow with the count).

use super::Size;
use crate::installation::{Backend, Installation, Server, ADMIN_PASSWORD, USER_PASSWORD};
use crate::report::{percentile, PeakMemory, Report};
use anyhow::{ensure, Context, Result};
use futures_util::StreamExt;
use salvage_store::testing::bulk::{bin_document_name, BinSpec};
use serde_json::Value;
use std::time::{Duration, Instant};

const DAY_MS: i64 = 86_400_000;
const DELETERS: usize = 10;
const PAGE: usize = 50;

pub async fn run(report: &mut Report, backend: &Backend, size: Size, repetitions: usize) -> Result<()> {
    let scenario = format!("bin_{}", size.label());
    let s = scenario.as_str();
    let mut inst = Installation::create(backend).await?;
    let b = inst.backend;
    let (_, folder) = inst.folder("Archive", "bin").await?;
    let users = inst.users(DELETERS).await?;
    let since = chrono::Utc::now().timestamp_millis() - 30 * DAY_MS;
    let sha = inst.sha.clone();
    let started = Instant::now();
    inst.sql
        .load_bin(&BinSpec {
            tenant: inst.tenant,
            folder: folder.id,
            folder_path: &folder.path,
            folder_names: "/Archive/bin",
            deleters: &users,
            items: size.count(),
            since_ms: since,
            span_ms: 30 * DAY_MS,
            sha: &sha,
        })
        .await;
    report.time(s, b, "load", started.elapsed());
    let server = inst.serve().await?;
    let token = server.rest_token("admin", ADMIN_PASSWORD).await?;
    let list = |query: String| {
        let (server, token) = (&server, &token);
        async move { page(server, token, &query).await }
    };

    let first = timed(repetitions, || list(format!("limit={PAGE}"))).await?;
    report.time(s, b, "first_page_p50", percentile(&first, 50.0));
    report.time(s, b, "first_page_p99", percentile(&first, 99.0));

    // Walk to 10,000 items deep (or half the bin) in pages of 1,000, then time the next page.
    let depth = 10_000.min(size.count() / 2);
    let step = depth.clamp(1, 1000);
    let mut cursor = String::new();
    for _ in 0..depth / step {
        let p = page(&server, &token, &format!("limit={step}{cursor}")).await?;
        let next = p["next"].as_str().context("a next cursor")?;
        cursor = format!("&cursor={next}");
    }
    let deep = timed(repetitions, || list(format!("limit={PAGE}{cursor}"))).await?;
    report.time(s, b, "deep_page_p50", percentile(&deep, 50.0));
    report.time(s, b, "deep_page_p99", percentile(&deep, 99.0));

    // A name that matches one item, as a person looking for one file types it.
    let wanted = bin_document_name(size.count() / 3);
    let searches = repetitions.clamp(1, 10);
    let name = timed(searches, || async {
        let p = list(format!("limit={PAGE}&name={}", wanted.trim_end_matches(".pdf"))).await?;
        ensure!(
            p["items"].as_array().map(Vec::len) == Some(1),
            "one item named {wanted}"
        );
        Ok(p)
    })
    .await?;
    report.time(s, b, "name_search_p50", percentile(&name, 50.0));
    report.time(s, b, "name_search_max", percentile(&name, 100.0));

    // Everything one deleter removed on one day.
    let day = chrono::DateTime::from_timestamp_millis(since + 10 * DAY_MS).context("a day")?;
    let (from, to) = (day.to_rfc3339(), (day + chrono::Duration::days(1)).to_rfc3339());
    let deleter = users[3];
    let filtered = timed(searches, || async {
        let query = format!(
            "limit={PAGE}&deleted_by={deleter}&since={}&until={}",
            urlencode(&from),
            urlencode(&to)
        );
        let p = list(query).await?;
        ensure!(
            p["items"].as_array().is_some_and(|a| !a.is_empty()),
            "items in the window"
        );
        Ok(p)
    })
    .await?;
    report.time(s, b, "filtered_search_p50", percentile(&filtered, 50.0));
    report.time(s, b, "filtered_search_max", percentile(&filtered, 100.0));

    // GetRecycleBinContent of user0, read as it arrives.
    let ticket = server.inforouter_ticket("user0", USER_PASSWORD).await?;
    let before = PeakMemory::current_megabytes();
    PeakMemory::reset();
    let started = Instant::now();
    let items = recycle_bin_content(&server, &ticket).await?;
    report.time(s, b, "recycle_bin_content", started.elapsed());
    if let (Some(before), Some(peak)) = (before, PeakMemory::megabytes()) {
        report.record(s, b, "recycle_bin_content_extra_rss", (peak - before).max(0.0), "MB");
    }
    let expected = size.count().div_ceil(DELETERS);
    ensure!(
        items == expected,
        "GetRecycleBinContent listed {items} items, not {expected}"
    );
    report.record(s, b, "recycle_bin_content_items", items as f64, "items");

    drop(server);
    inst.close().await;
    Ok(())
}

/// Runs `call` `n` times and returns the sorted times.
async fn timed<F, Fut>(n: usize, mut call: F) -> Result<Vec<Duration>>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Value>>,
{
    let mut times = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        call().await?;
        times.push(started.elapsed());
    }
    times.sort();
    Ok(times)
}

async fn page(server: &Server, token: &str, query: &str) -> Result<Value> {
    let res = server
        .http
        .get(format!("{}/api/v1/trash?{query}", server.base))
        .bearer_auth(token)
        .send()
        .await?;
    let status = res.status();
    let body: Value = res.json().await?;
    ensure!(status.is_success(), "GET /trash?{query}: {status} {body}");
    Ok(body)
}

/// Reads the whole answer chunk by chunk, counting the items without keeping them.
async fn recycle_bin_content(server: &Server, ticket: &str) -> Result<usize> {
    const MARK: &[u8] = b"Handler=\"";
    let res = server
        .http
        .get(format!("{}/srv.asmx/GetRecycleBinContent", server.base))
        .query(&[("AuthenticationTicket", ticket)])
        .send()
        .await?;
    ensure!(res.status().is_success(), "GetRecycleBinContent: {}", res.status());
    let mut body = res.bytes_stream();
    let (mut head, mut carry, mut items) = (Vec::new(), Vec::new(), 0);
    while let Some(chunk) = body.next().await {
        let chunk = chunk?;
        if head.len() < 1024 {
            head.extend_from_slice(&chunk[..chunk.len().min(1024)]);
        }
        carry.extend_from_slice(&chunk);
        items += carry.windows(MARK.len()).filter(|w| *w == MARK).count();
        // Keep a tail shorter than the mark, so a mark split over two chunks is counted once.
        let keep = carry.len().min(MARK.len() - 1);
        carry.drain(..carry.len() - keep);
    }
    let success: &[u8] = b"success=\"true\"";
    ensure!(
        head.windows(success.len()).any(|w| w == success),
        "GetRecycleBinContent did not answer success: {}",
        String::from_utf8_lossy(&head)
    );
    Ok(items)
}

fn urlencode(text: &str) -> String {
    text.replace('+', "%2B").replace(':', "%3A")
}
