//! The `multipart/form-data` form of the HTTP POST binding (infoRouter documents `UploadDocument`
//! this way, with a `fileContent` file part), read as it arrives.
//!
//! Text fields are parameters: they are held in memory, charged to the body budget, and bounded
//! together by `max_soap_bytes`, as a url-encoded form is. File parts are never held in memory:
//! each is written to an anonymous temporary file (in `TMPDIR`) as it arrives, up to
//! `max_upload_bytes`, and only for a caller whose ticket — from the fields before the file, or
//! the `ticket` cookie — is valid. For anyone else reading stops at the first file part, and the
//! operation answers as it does for a call without a valid ticket.

use super::binding::{self, Binding, Call};
use crate::budget::{BodyBudget, BodyError, Tally};
use crate::state::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap};
use axum::response::Response;
use futures_util::TryStreamExt;
use std::sync::Arc;
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

/// A file part of a form, in a temporary file that goes when the last handle does.
#[derive(Debug, Clone)]
pub struct FilePart {
    file: Arc<std::fs::File>,
    pub size: u64,
}

impl FilePart {
    /// The content, from its start.
    pub async fn open(&self) -> std::io::Result<tokio::fs::File> {
        let mut file = tokio::fs::File::from_std(self.file.try_clone()?);
        file.rewind().await?;
        Ok(file)
    }
}

/// How a form is read: its limits, and who may send files (`None`: anyone, for the fuzz targets).
pub struct Reading<'a> {
    pub budget: &'a BodyBudget,
    pub max_text_bytes: u64,
    pub max_file_bytes: u64,
    pub state: Option<&'a AppState>,
}

/// Reads the form into `call`. The call keeps the share of the budget its text fields took.
pub async fn read(
    reading: &Reading<'_>,
    headers: &HeaderMap,
    body: Body,
    mut call: Call,
) -> Result<Call, Box<Response>> {
    let bad = |why: String| {
        Box::new(binding::exception(
            "ArgumentException",
            &format!("The form cannot be read: {why}."),
        ))
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|e| bad(e.to_string()))?;
    let mut form = multer::Multipart::new(body.into_data_stream(), boundary);
    let mut text = Text {
        tally: Tally::new(reading.budget),
        used: 0,
        limit: reading.max_text_bytes,
    };
    let mut checked = false;
    loop {
        let field = match form.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => return Err(refused(e, &bad)),
        };
        let name = field.name().unwrap_or_default().to_owned();
        if field.file_name().is_some() {
            if !checked {
                if let Some(state) = reading.state {
                    if super::auth::caller(state, &call).await.is_err() {
                        break;
                    }
                }
                checked = true;
            }
            let file = spool(field, reading.max_file_bytes).await.map_err(|e| match e {
                Spool::Body(e) => refused(e, &bad),
                Spool::TooLarge => Box::new(binding::unreadable(
                    Binding::Post,
                    &BodyError::TooLarge {
                        limit: reading.max_file_bytes,
                    },
                )),
                Spool::Disk(e) => {
                    tracing::error!(error = %e, "cannot keep an uploaded file part");
                    Box::new(binding::exception("IO.IOException", "The file could not be stored."))
                }
            })?;
            call.push_file(name, file);
        } else {
            let value = text.read(field).await.map_err(|e| match e {
                Field::Body(e) => refused(e, &bad),
                Field::Budget(e) => Box::new(binding::unreadable(Binding::Post, &e)),
                Field::NotUtf8 => bad("a field is not UTF-8".into()),
            })?;
            call.push_param(name, value);
        }
    }
    Ok(call.holding(text.tally.into_reservation()))
}

/// The answer to a form that failed while it was read: slow, cut off or malformed.
fn refused(e: multer::Error, bad: &impl Fn(String) -> Box<Response>) -> Box<Response> {
    if crate::ops::body_timed_out(&e) {
        return Box::new(binding::unreadable(Binding::Post, &BodyError::TimedOut));
    }
    bad(e.to_string())
}

/// The text fields read so far, and the share of the budget they hold.
struct Text<'a> {
    tally: Tally<'a>,
    used: u64,
    limit: u64,
}

enum Field {
    Body(multer::Error),
    Budget(BodyError),
    NotUtf8,
}

impl Text<'_> {
    async fn read(&mut self, mut field: multer::Field<'_>) -> Result<String, Field> {
        let mut value = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(Field::Body)? {
            self.charge(chunk.len() as u64).await.map_err(Field::Budget)?;
            value.extend_from_slice(&chunk);
        }
        String::from_utf8(value).map_err(|_| Field::NotUtf8)
    }

    async fn charge(&mut self, bytes: u64) -> Result<(), BodyError> {
        self.used += bytes;
        if self.used > self.limit {
            return Err(BodyError::TooLarge { limit: self.limit });
        }
        self.tally.charge(bytes).await
    }
}

enum Spool {
    Body(multer::Error),
    TooLarge,
    Disk(std::io::Error),
}

/// Writes a file part to a temporary file as it arrives.
async fn spool(field: multer::Field<'_>, limit: u64) -> Result<FilePart, Spool> {
    let file = tempfile::tempfile().map_err(Spool::Disk)?;
    let shared = Arc::new(file.try_clone().map_err(Spool::Disk)?);
    let mut out = tokio::fs::File::from_std(file);
    let mut size = 0u64;
    let mut chunks = field.map_err(Spool::Body);
    while let Some(chunk) = chunks.try_next().await? {
        size += chunk.len() as u64;
        if size > limit {
            return Err(Spool::TooLarge);
        }
        out.write_all(&chunk).await.map_err(Spool::Disk)?;
    }
    out.flush().await.map_err(Spool::Disk)?;
    Ok(FilePart { file: shared, size })
}
