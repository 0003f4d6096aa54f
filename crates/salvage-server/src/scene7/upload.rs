//! Uploads the IPS way (spec §15): the `/scene7/UploadFile` multipart servlet, and the
//! `uploadPost` operation with the same parameters.
//!
//! IPS runs uploads as jobs that a client opens with `jobName`, continues with the returned
//! `jobHandle` and ends with `endJob`. salvage stores each file while its POST is read, so a
//! job is finished when its last POST is answered; the handle only lets a client carry on with
//! the same job as it would with IPS.

use super::auth::{self, Access, Company, RequestOptions};
use super::faults::{self, Fault};
use super::xml::{Out, Params};
use super::{is_ips_namespace, Call, Operation, UNVERSIONED_NS};
use crate::budget::{Reservation, Tally};
use crate::soap::{self, read_document_charged, Element, ReadError};
use crate::state::AppState;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{Multipart, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use salvage_core::Error;
use std::sync::{Arc, Mutex};
use tokio_util::io::StreamReader;

pub const OPERATIONS: &[Operation] = &[Operation {
    name: "uploadPost",
    access: Access::Upload,
}];

pub async fn run(call: &Call<'_>) -> Option<Result<Out, Fault>> {
    Some(match call.op.name {
        "uploadPost" => upload_post(call).await,
        _ => return None,
    })
}

/// The job handle of a POST: the one it continues, or a new one for its `jobName`.
fn job_handle(company: &Company, params: &Params<'_>, now: chrono::DateTime<chrono::Utc>) -> Result<String, Fault> {
    if let Some(handle) = params.optional("jobHandle") {
        return Ok(handle.to_owned());
    }
    let name = params.optional("jobName").ok_or_else(|| Fault::missing("jobName"))?;
    Ok(format!("j|{}||{name}|{}", company.tenant.id, now.timestamp_millis()))
}

/// uploadPost(companyHandle, jobName | jobHandle, …): opens or continues a job. Over SOAP no
/// file travels, so there is nothing to store.
async fn upload_post(call: &Call<'_>) -> Result<Out, Fault> {
    let company = call.company().await?;
    let handle = job_handle(&company, &call.params, call.state.repo.clock().now())?;
    Ok(call.reply().field("jobHandle", handle))
}

/// A servlet reply: a bare document, not a SOAP envelope.
fn reply(status: StatusCode, body: String) -> Response {
    let mut response = (status, format!("<?xml version='1.0' encoding='UTF-8'?>{body}")).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml;charset=utf-8"));
    response
}

fn fault_reply(options: &RequestOptions, fault: &Fault) -> Response {
    tracing::info!(code = fault.code, reason = %fault.reason, "Scene7 upload fault");
    let status = fault.status(options.fault_status);
    let body = format!(
        "<tns:{el} xmlns:tns=\"{UNVERSIONED_NS}\"><tns:code>{code}</tns:code><tns:reason>{reason}</tns:reason></tns:{el}>",
        el = fault.kind.element(),
        code = fault.code,
        reason = soap::escape(&fault.reason)
    );
    fault.finish(reply(status, body))
}

/// What the parts before the files said.
struct Job {
    options: RequestOptions,
    params: Option<Element>,
}

/// `POST /scene7/UploadFile`: `auth` (an `authHeader` document), `uploadParams` (an
/// `uploadPostParam` document), then one or more files.
pub async fn servlet(
    State(state): State<AppState>,
    client: crate::client::ClientInfo,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let mut job = Job {
        options: RequestOptions {
            client,
            ..RequestOptions::read(&[], &headers)
        },
        params: None,
    };
    match receive(&state, &headers, multipart, &mut job).await {
        Ok(body) => reply(StatusCode::OK, body),
        Err(fault) => fault_reply(&job.options, &fault),
    }
}

fn bad_request(why: impl std::fmt::Display) -> Fault {
    Fault::ips(
        faults::INVALID_REQUEST_XML,
        format!("The upload could not be read: {why}"),
    )
}

/// A part that is not a readable document, or whose tree found no room in the body budget.
fn part_fault(e: ReadError) -> Fault {
    match e {
        ReadError::Body(e) => Fault::unreadable(&e),
        e => bad_request(e),
    }
}

/// The most an `auth` or `uploadParams` part may hold. Both are small XML documents, and both
/// are read before the caller is known.
const MAX_PART_BYTES: usize = 64 * 1024;

/// An `auth` or `uploadParams` part, refused beyond `MAX_PART_BYTES` before more of it is read,
/// and charged to the body budget meanwhile.
async fn small_part(field: &mut Field<'_>, budget: &mut Tally<'_>) -> Result<String, Fault> {
    let name = field.name().unwrap_or_default().to_owned();
    let mut text = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(|e| bad_request(e.body_text()))? {
        if text.len() + chunk.len() > MAX_PART_BYTES {
            return Err(bad_request(format!(
                "the {name} part is larger than the {MAX_PART_BYTES} bytes it may have"
            )));
        }
        budget
            .charge(chunk.len() as u64)
            .await
            .map_err(|e| Fault::unreadable(&e))?;
        text.extend_from_slice(&chunk);
    }
    String::from_utf8(text).map_err(|_| bad_request(format!("the {name} part is not UTF-8")))
}

async fn receive(
    state: &AppState,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
    job: &mut Job,
) -> Result<String, Fault> {
    let mut multipart = multipart.map_err(|e| bad_request(e.body_text()))?;
    let mut ready: Option<(Company, String, Vec<String>, bool)> = None;
    let mut stored = 0usize;
    // The parts read before the files, held until the job is done.
    let mut parts = Tally::new(&state.budget);
    while let Some(mut field) = multipart.next_field().await.map_err(|e| bad_request(e.body_text()))? {
        match field.name().unwrap_or_default() {
            "auth" => {
                let text = small_part(&mut field, &mut parts).await?;
                job.options = RequestOptions {
                    client: job.options.client.clone(),
                    ..auth_part(&text, headers, parts.reservation())?
                };
            }
            "uploadParams" | "uploadPostParams" => {
                let text = small_part(&mut field, &mut parts).await?;
                job.params = Some(params_part(&text, parts.reservation())?);
            }
            _ if field.file_name().is_some() => {
                if ready.is_none() {
                    ready = Some(open(state, job).await?);
                }
                let Some((company, _, folder, overwrite)) = &ready else {
                    unreachable!("opened above")
                };
                store(state, company, job, folder, *overwrite, field).await?;
                stored += 1;
            }
            // Other form fields carry nothing salvage needs.
            _ => {}
        }
    }
    let (company, handle) = match ready {
        Some((company, handle, _, _)) => (company, handle),
        None => {
            let (company, handle, _, _) = open(state, job).await?;
            (company, handle)
        }
    };
    tracing::info!(company = company.tenant.id, files = stored, job = %handle, "Scene7 upload");
    let ns = job
        .params
        .as_ref()
        .and_then(|p| p.namespace.clone())
        .unwrap_or_else(|| UNVERSIONED_NS.to_owned());
    Ok(Out::new("uploadPostReturn").field("jobHandle", handle).render(&ns))
}

/// The `auth` part: an `authHeader` document (its tree charged to `meter`).
pub(super) fn auth_part(text: &str, headers: &HeaderMap, meter: Option<&Reservation>) -> Result<RequestOptions, Fault> {
    let doc = read_document_charged(text.as_bytes(), meter).map_err(part_fault)?;
    Ok(RequestOptions::read(std::slice::from_ref(&doc), headers))
}

/// The `uploadParams` part: an `uploadPostParam` document in an IPS namespace (its tree charged
/// to `meter`).
pub(super) fn params_part(text: &str, meter: Option<&Reservation>) -> Result<Element, Fault> {
    let doc = read_document_charged(text.as_bytes(), meter).map_err(part_fault)?;
    if doc.name != "uploadPostParam" || !doc.namespace.as_deref().is_some_and(is_ips_namespace) {
        return Err(bad_request(
            "uploadParams must be an uploadPostParam document in an IPS namespace",
        ));
    }
    Ok(doc)
}

/// Authenticates the caller and reads the job's parameters: its company, handle, destination
/// folder names and whether existing assets are overwritten.
async fn open(state: &AppState, job: &Job) -> Result<(Company, String, Vec<String>, bool), Fault> {
    let user = auth::authenticate(state, &job.options).await?;
    let doc = job.params.as_ref().ok_or_else(|| Fault::missing("uploadParams"))?;
    let params = Params(doc);
    let company = auth::company(
        state,
        &user,
        params.required("companyHandle")?,
        "uploadPost",
        Access::Upload,
    )
    .await?;
    let handle = job_handle(&company, &params, state.repo.clock().now())?;
    let folder = super::folders::relative_names(company.name(), params.optional("destFolder").unwrap_or_default())
        .map_err(|e| Fault::from_core(&e, "destFolder"))?;
    if folder.is_empty() {
        return Err(Fault::invalid(
            "destFolder",
            "assets are kept in folders, not at the company root",
        ));
    }
    let overwrite = match params.element("uploadParams") {
        Some(job) => Params(job).bool("overwrite")?.unwrap_or(true),
        None => true,
    };
    Ok((company, handle, folder, overwrite))
}

/// `name`, or, when its IPS id (the name without extension) is taken anywhere in the company by
/// a live or trashed asset, the first `name-1.ext`, `name-2.ext`… that is free: IPS ids are unique
/// per company, and a trashed asset keeps its id until it is purged.
async fn free_name(state: &AppState, company: &Company, name: &str) -> Result<String, Fault> {
    let (stem, ext) = salvage_core::name::split_extension(name);
    for n in 0u32..1000 {
        let candidate_stem = if n == 0 { stem.to_owned() } else { format!("{stem}-{n}") };
        let taken = state
            .repo
            .document_stem_taken(&company.actor, &candidate_stem, None)
            .await
            .map_err(|e| Fault::from_core(&e, "asset"))?;
        if !taken {
            return Ok(format!("{candidate_stem}{ext}"));
        }
    }
    Err(Fault::ips(
        faults::EXCEPTION,
        format!("No free asset id is left for '{stem}'."),
    ))
}

/// Stores one file part into the destination folder, creating it if needed.
async fn store(
    state: &AppState,
    company: &Company,
    job: &Job,
    folder: &[String],
    overwrite: bool,
    field: Field<'_>,
) -> Result<(), Fault> {
    let params = job.params.as_ref().map(Params);
    let given = params.as_ref().and_then(|p| p.optional("fileName"));
    let from_part = field.file_name().unwrap_or_default().to_owned();
    // Clients send names with the path they came from (`Co/UploadFileServlet…//123-1.jpg`).
    let name = given
        .unwrap_or(&from_part)
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .to_owned();
    if name.is_empty() {
        return Err(Fault::missing("fileName"));
    }
    let actor = &company.actor;
    let path = format!("/{}", folder.join("/"));
    let parent = state
        .repo
        .ensure_folder_path(actor, &path)
        .await
        .map_err(|e| Fault::from_core(&e, "destFolder"))?;
    let name = match state.repo.resolve(actor, &format!("{path}/{name}")).await {
        // The same asset again: a new version, unless the job forbids overwriting.
        Ok(_) if overwrite => name,
        Ok(_) => return Err(Fault::from_core(&Error::NameConflict(name), "asset")),
        Err(Error::NotFound(_)) => free_name(state, company, &name).await?,
        Err(e) => return Err(Fault::from_core(&e, "fileName")),
    };
    // A part that cannot be read (too large, cut short, or too slow to arrive) is the client's
    // fault, not the server's: remember why, to answer it as such.
    let unreadable = Arc::new(Mutex::new(None));
    let why = unreadable.clone();
    let stream = field.map_err(move |e| {
        *why.lock().expect("unreadable lock") = Some(e.body_text());
        std::io::Error::other(e)
    });
    let mut reader = Box::pin(StreamReader::new(stream));
    let stored = state.repo.upload(actor, parent.id, &name, &mut reader).await;
    if let Some(why) = unreadable.lock().expect("unreadable lock").take() {
        return Err(bad_request(why));
    }
    stored.map_err(|e| Fault::from_core(&e, "asset"))?;
    Ok(())
}
