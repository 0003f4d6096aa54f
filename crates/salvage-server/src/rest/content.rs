//! Document contents: streamed uploads and downloads (with `Range`), and versions.

use super::auth::Caller;
use super::document::Binary;
use super::extract::{Path, Query};
use super::problem::{ApiError, ApiResult, Problem};
use super::views::{NodeView, VersionView};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::AsyncReadExt;
use tokio_util::io::{ReaderStream, StreamReader};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The document's name in the folder.
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UploadView {
    pub document: NodeView,
    pub version: VersionView,
}

/// Upload a document (the request body is its content, streamed). An existing document of that
/// name gets a new version.
#[utoipa::path(post, path = "/nodes/{id}/documents", operation_id = "uploadDocument", tag = "repository", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The folder"), UploadQuery),
    request_body(content = inline(Binary), content_type = "application/octet-stream", description = "The document's bytes, streamed"),
    responses((status = 201, body = UploadView), (status = 400, response = Problem), (status = 403, response = Problem), (status = 404, response = Problem),
        (status = 409, response = Problem), (status = 413, response = Problem), (status = 422, response = Problem)))]
pub async fn upload(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(folder): Path<i64>,
    Query(q): Query<UploadQuery>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<(StatusCode, axum::Json<UploadView>)> {
    let max = state.limits.max_upload_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max) {
        return Err(too_large(max));
    }
    // Count as the bytes arrive, so a body without Content-Length cannot exceed the limit either.
    let seen = Arc::new(AtomicU64::new(0));
    let exceeded = Arc::new(AtomicBool::new(false));
    let timed_out = Arc::new(AtomicBool::new(false));
    let (counter, flag, late) = (seen.clone(), exceeded.clone(), timed_out.clone());
    let stream = body
        .into_data_stream()
        .map_err(move |e| {
            if crate::ops::body_timed_out(&e) {
                late.store(true, Ordering::Relaxed);
            }
            std::io::Error::other(e)
        })
        .and_then(move |chunk| {
            let total = counter.fetch_add(chunk.len() as u64, Ordering::Relaxed) + chunk.len() as u64;
            let over = total > max;
            flag.store(over, Ordering::Relaxed);
            futures_util::future::ready(if over {
                Err(std::io::Error::other("upload exceeds the size limit"))
            } else {
                Ok(chunk)
            })
        });
    let mut reader = StreamReader::new(stream);
    let result = state.repo.upload(&actor, folder, &q.name, &mut reader).await;
    if exceeded.load(Ordering::Relaxed) {
        return Err(too_large(max));
    }
    if timed_out.load(Ordering::Relaxed) {
        return Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the upload stopped arriving; send it without pausing",
        ));
    }
    let (node, version) = result?;
    let path = state.repo.path_of(&actor, &node).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(UploadView {
            document: NodeView::new(&node, path),
            version: VersionView::from(&version),
        }),
    ))
}

fn too_large(max: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body-too-large",
        format!("uploads are limited to {max} bytes"),
    )
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct DownloadQuery {
    /// Version number; the current version when absent.
    pub version: Option<i64>,
}

/// Download a document's content (streamed; single byte ranges supported).
#[utoipa::path(get, path = "/documents/{id}/content", operation_id = "downloadDocument", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path), DownloadQuery,
        ("Range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`")),
    responses(
        (status = 200, description = "The whole document", content_type = "application/octet-stream", body = inline(Binary),
            headers(("Content-Disposition" = String, description = "`attachment` with the document's name"),
                ("ETag" = String, description = "The version's SHA-256, quoted"),
                ("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 206, description = "The requested range", content_type = "application/octet-stream", body = inline(Binary),
            headers(("Content-Range" = String, description = "`bytes <first>-<last>/<size>`"),
                ("Content-Disposition" = String, description = "`attachment` with the document's name"),
                ("ETag" = String, description = "The version's SHA-256, quoted"),
                ("Accept-Ranges" = String, description = "`bytes`"))),
        (status = 404, response = Problem), (status = 416, response = Problem),
        (status = 422, response = Problem)))]
pub async fn download(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
    Query(q): Query<DownloadQuery>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let node = state.repo.node(&actor, id).await?;
    let versions = state.repo.versions(&actor, id).await?;
    let number = q.version.unwrap_or(node.current_version);
    let version = versions
        .iter()
        .find(|v| v.number == number)
        .ok_or_else(|| ApiError::from(salvage_core::Error::not_found(format!("version {number}"))))?;
    let total = version.size as u64;
    let range = match headers.get(header::RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(value) => match http_range_header::parse_range_header(value).and_then(|r| r.validate(total)) {
            Ok(ranges) if ranges.len() == 1 => Some(ranges[0].clone()),
            // Several ranges at once: answer with the whole document, which RFC 9110 allows.
            Ok(_) => None,
            Err(_) => {
                let mut response = ApiError::new(
                    StatusCode::RANGE_NOT_SATISFIABLE,
                    "range-not-satisfiable",
                    format!("the document has {total} bytes"),
                )
                .into_response();
                response.headers_mut().insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{total}")).expect("ascii"),
                );
                return Ok(response);
            }
        },
    };
    let (start, len) = match &range {
        Some(r) => (*r.start(), r.end() - r.start() + 1),
        None => (0, total),
    };
    let (_, reader) = state.repo.open_version_at(&actor, id, Some(number), start).await?;
    let body = Body::from_stream(ReaderStream::new(reader.take(len)));
    let mut response = Response::new(body);
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    h.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("\"{}\"", version.blob_sha256)).expect("hex"),
    );
    let disposition = format!("attachment; filename*=UTF-8''{}", percent_encode(&node.name));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(r) = range {
        *response.status_mut() = StatusCode::PARTIAL_CONTENT;
        let value = format!("bytes {}-{}/{total}", r.start(), r.end());
        response
            .headers_mut()
            .insert(header::CONTENT_RANGE, HeaderValue::from_str(&value).expect("ascii"));
    }
    Ok(response)
}

/// RFC 5987 encoding of a file name for Content-Disposition.
fn percent_encode(name: &str) -> String {
    name.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A document's versions, oldest first.
#[utoipa::path(get, path = "/documents/{id}/versions", operation_id = "listVersions", tag = "repository", security(("bearer" = [])), params(("id" = i64, Path)),
    responses((status = 200, body = [VersionView]), (status = 404, response = Problem),
        (status = 422, response = Problem)))]
pub async fn versions(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(id): Path<i64>,
) -> ApiResult<axum::Json<Vec<VersionView>>> {
    Ok(axum::Json(
        state
            .repo
            .versions(&actor, id)
            .await?
            .iter()
            .map(VersionView::from)
            .collect(),
    ))
}
