//! batch: `restoreAssetsFromTrash` with N asset handles in one Scene7 SOAP call, end to end
//! (request written, sent, every asset restored, answer read).

use super::Size;
use crate::installation::{Backend, Installation, ADMIN_PASSWORD};
use crate::report::Report;
use anyhow::{ensure, Context, Result};
use std::fmt::Write;
use std::time::Instant;

pub async fn run(report: &mut Report, backend: &Backend, size: Size) -> Result<()> {
    let scenario = format!("batch_{}", size.label());
    let mut inst = Installation::create(backend).await?;
    let b = inst.backend;
    let bin = inst.deleted_documents("Assets", "batch", size.count()).await?;
    let server = inst.serve().await?;

    let mut handles = String::with_capacity(size.count() * 24);
    for k in 0..size.count() as i64 {
        write!(handles, "<items>a|{}</items>", bin.first_node + k)?;
    }
    let body = format!(
        "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Header>\
         <authHeader xmlns=\"http://www.scene7.com/IpsApi/xsd\"><user>admin</user><password>{ADMIN_PASSWORD}</password></authHeader>\
         </soapenv:Header><soapenv:Body><restoreAssetsFromTrashParam xmlns=\"http://www.scene7.com/IpsApi/xsd/2008-01-15\">\
         <companyHandle>c|{}</companyHandle><assetHandleArray>{handles}</assetHandleArray>\
         </restoreAssetsFromTrashParam></soapenv:Body></soapenv:Envelope>",
        inst.tenant
    );

    let started = Instant::now();
    let answer = server
        .http
        .post(format!("{}/scene7/services/IpsApiService", server.base))
        .header("content-type", "text/xml; charset=utf-8")
        .body(body)
        .send()
        .await?
        .text()
        .await?;
    let elapsed = started.elapsed();
    let restored = answer
        .split("<successCount>")
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .and_then(|n| n.parse::<usize>().ok())
        .with_context(|| format!("no successCount in {}", &answer[..answer.len().min(500)]))?;
    ensure!(
        restored == size.count(),
        "{restored} of {} assets restored: {}",
        size.count(),
        &answer[..answer.len().min(500)]
    );
    report.time(&scenario, b, "restore", elapsed);
    report.record(
        &scenario,
        b,
        "restores_per_s",
        size.count() as f64 / elapsed.as_secs_f64(),
        "ops/s",
    );
    drop(server);
    inst.close().await;
    Ok(())
}
