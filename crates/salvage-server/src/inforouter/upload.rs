//! Chunked uploads (spec §8): CreateUploadHandler opens an upload, UploadFileChunk appends one
//! CRC-checked chunk at a time, UploadDocumentWithHandler stores the result as a document (or a
//! new version), DeleteUploadHandler abandons it.
//!
//! Chunks are appended to an anonymous temporary file (in `TMPDIR`), so a large document never
//! sits in memory, and the finished file is streamed into the blob store by the core's upload.
//! An upload belongs to the user who opened it; anyone else's handler reads as unknown. Open
//! uploads live in this server's memory: a client sends all chunks of one upload to the same
//! server, and an upload left idle longer than `IDLE_TIMEOUT` is dropped with its file. They are
//! this face's own state (`Uploads`), which the application keeps for it (`AppState::face`).

use super::binding::Call;
use super::documents::{file_param, store_upload, upload_folder};
use super::shared::*;
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use salvage_core::model::{TenantId, UserId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncSeekExt, AsyncWriteExt};

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "CreateUploadHandler",
        params: &["AuthenticationTicket", "PreferedChunkSize"],
    },
    Operation {
        name: "UploadFileChunk",
        params: &[
            "AuthenticationTicket",
            "UploadHandler",
            "FileChunk",
            "ChunkHEXCRC",
            "LastChunk",
        ],
    },
    Operation {
        name: "UploadDocumentWithHandler",
        params: &["AuthenticationTicket", "Path", "UploadHandler"],
    },
    Operation {
        name: "UploadDocumentWithHandler1",
        params: &["AuthenticationTicket", "Path", "UploadHandler", "VersionComments"],
    },
    Operation {
        name: "DeleteUploadHandler",
        params: &["AuthenticationTicket", "UploadHandler"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "CreateUploadHandler" => create_handler(state, call).await,
        "UploadFileChunk" => upload_chunk(state, call).await,
        "UploadDocumentWithHandler" | "UploadDocumentWithHandler1" => upload_with_handler(state, call).await,
        "DeleteUploadHandler" => delete_handler(state, call).await,
        _ => return None,
    })
}

/// The chunk size when the client states no preference.
pub const DEFAULT_CHUNK_SIZE: usize = 1024 * 1024;
/// infoRouter's documented bounds on a chunk.
const MIN_CHUNK_SIZE: usize = 256 * 1024;
const MAX_CHUNK_SIZE: usize = 32 * 1024 * 1024;
/// An upload nobody has touched for this long is dropped (infoRouter's `FileUploadTimeOut`).
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(900);
/// Open uploads one user may have at once, so abandoned ones cannot fill the disk.
const MAX_OPEN_PER_USER: usize = 16;

const UNKNOWN_HANDLER: &str = "Invalid UploadHandler";

/// One open upload.
struct Upload {
    tenant: TenantId,
    user: UserId,
    chunk_size: usize,
    file: tokio::fs::File,
    size: u64,
    last_chunk_received: bool,
}

struct Entry {
    upload: Arc<tokio::sync::Mutex<Upload>>,
    owner: (TenantId, UserId),
    touched: Instant,
}

/// The open uploads of this server, by handler.
#[derive(Default)]
pub struct Uploads {
    open: Mutex<HashMap<String, Entry>>,
}

impl Uploads {
    /// Drops uploads idle for longer than `IDLE_TIMEOUT`; their files go with them.
    fn expire(open: &mut HashMap<String, Entry>) {
        open.retain(|_, e| e.touched.elapsed() < IDLE_TIMEOUT);
    }

    /// Registers an upload and returns its handler, or `None` when its user has too many open.
    fn open(&self, upload: Upload) -> Option<String> {
        let mut open = self.open.lock().expect("uploads lock");
        Self::expire(&mut open);
        let owner = (upload.tenant, upload.user);
        if open.values().filter(|e| e.owner == owner).count() >= MAX_OPEN_PER_USER {
            return None;
        }
        let handler = uuid::Uuid::new_v4().to_string();
        open.insert(
            handler.clone(),
            Entry {
                upload: Arc::new(tokio::sync::Mutex::new(upload)),
                owner,
                touched: Instant::now(),
            },
        );
        Some(handler)
    }

    /// The caller's upload by handler; another user's reads as unknown.
    fn get(&self, handler: &str, owner: (TenantId, UserId)) -> Option<Arc<tokio::sync::Mutex<Upload>>> {
        let mut open = self.open.lock().expect("uploads lock");
        Self::expire(&mut open);
        let entry = open.get_mut(handler.trim()).filter(|e| e.owner == owner)?;
        entry.touched = Instant::now();
        Some(entry.upload.clone())
    }

    fn remove(&self, handler: &str, owner: (TenantId, UserId)) -> bool {
        let mut open = self.open.lock().expect("uploads lock");
        match open.get(handler.trim()) {
            Some(e) if e.owner == owner => open.remove(handler.trim()).is_some(),
            _ => false,
        }
    }
}

/// The largest chunk one request can carry: base64 makes it a third larger, and the envelope
/// needs some room too.
fn largest_chunk(max_body_bytes: usize) -> usize {
    (max_body_bytes.saturating_sub(64 * 1024) / 4 * 3).clamp(MIN_CHUNK_SIZE, MAX_CHUNK_SIZE)
}

/// The chunk size granted for a preference: the default for none, else clamped to the bounds.
fn chunk_size(preferred: &str, max_body_bytes: usize) -> usize {
    let largest = largest_chunk(max_body_bytes);
    match preferred.trim().parse::<usize>() {
        Ok(n) if n > 0 => n.clamp(MIN_CHUNK_SIZE, largest),
        _ => DEFAULT_CHUNK_SIZE.min(largest),
    }
}

/// CreateUploadHandler(AuthenticationTicket, PreferedChunkSize).
async fn create_handler(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let file = match tempfile::tempfile() {
        Ok(f) => tokio::fs::File::from_std(f),
        Err(e) => {
            tracing::error!(error = %e, "cannot create a temporary file for an upload");
            return XmlNode::failure(
                "response",
                &format!("SystemError:cannot create a temporary file: {e}"),
                5000,
            );
        }
    };
    let chunk_size = chunk_size(call.param("PreferedChunkSize"), state.limits.max_soap_bytes);
    let upload = Upload {
        tenant: actor.tenant_id,
        user: actor.user_id,
        chunk_size,
        file,
        size: 0,
        last_chunk_received: false,
    };
    match state.face::<Uploads>().open(upload) {
        Some(handler) => XmlNode::ok("response")
            .attr("UploadHandler", handler)
            .attr("ChunkSize", chunk_size.to_string()),
        None => XmlNode::failure(
            "response",
            &format!("Too many open uploads: finish or delete one first (at most {MAX_OPEN_PER_USER})."),
            4290,
        ),
    }
}

/// Whether `given` (hex, any case, leading zeros optional) is the CRC-32 of `chunk`. An empty
/// value skips the check.
fn crc_matches(given: &str, chunk: &[u8]) -> bool {
    let given = given.trim();
    given.is_empty() || u32::from_str_radix(given, 16).is_ok_and(|c| c == crc32fast::hash(chunk))
}

/// UploadFileChunk(AuthenticationTicket, UploadHandler, FileChunk, ChunkHEXCRC, LastChunk). A
/// chunk whose CRC does not match is not kept and answered `tryagain="true"`.
async fn upload_chunk(state: &AppState, call: &Call) -> XmlNode {
    let failure = |e: &str, c| XmlNode::failure("root", e, c).attr("tryagain", "false");
    let actor = match actor(state, call, failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(upload) = state
        .face::<Uploads>()
        .get(call.param("UploadHandler"), (actor.tenant_id, actor.user_id))
    else {
        return failure(UNKNOWN_HANDLER, 4041);
    };
    // A chunk sent as a file part is not read into memory when it is larger than the upload takes.
    let largest = upload.lock().await.chunk_size as u64;
    if call.file("FileChunk").is_some_and(|f| f.size > largest) {
        return failure("The chunk is larger than this upload takes.", 4000);
    }
    let Some(chunk) = file_param(call, "FileChunk").await else {
        return failure("FileChunk is not valid base64.", 4000);
    };
    let mut upload = upload.lock().await;
    if upload.last_chunk_received {
        return failure("The last chunk of this upload was already received.", 4000);
    }
    if chunk.len() > upload.chunk_size {
        let message = format!(
            "The chunk is {} bytes; this upload takes chunks of at most {} bytes.",
            chunk.len(),
            upload.chunk_size
        );
        return failure(&message, 4000);
    }
    if upload.size + chunk.len() as u64 > state.limits.max_upload_bytes {
        let message = format!(
            "The document would be larger than the {} bytes this server accepts.",
            state.limits.max_upload_bytes
        );
        return failure(&message, 4130);
    }
    if !crc_matches(call.param("ChunkHEXCRC"), &chunk) {
        return XmlNode::failure(
            "root",
            "The chunk's CRC does not match its content; send it again.",
            4000,
        )
        .attr("tryagain", "true");
    }
    if let Err(e) = upload.file.write_all(&chunk).await {
        tracing::error!(error = %e, "cannot write an upload chunk");
        return failure(&format!("SystemError:cannot store the chunk: {e}"), 5000);
    }
    upload.size += chunk.len() as u64;
    upload.last_chunk_received = flag(call, "LastChunk");
    XmlNode::new("root").attr("success", "true").attr("tryagain", "false")
}

/// UploadDocumentWithHandler(AuthenticationTicket, Path, UploadHandler) and
/// UploadDocumentWithHandler1 (+ VersionComments, which the core does not keep). The handler is
/// used up when the document is stored; after a failure it stays, so the client can try again.
async fn upload_with_handler(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("root", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let owner = (actor.tenant_id, actor.user_id);
    let handler = call.param("UploadHandler");
    let Some(upload) = state.face::<Uploads>().get(handler, owner) else {
        return XmlNode::failure("root", UNKNOWN_HANDLER, 4041);
    };
    let (folder, name) = match upload_folder(state, &actor, call.param("Path")).await {
        Ok(target) => target,
        Err(node) => return node,
    };
    let mut upload = upload.lock().await;
    if !upload.last_chunk_received {
        tracing::debug!(handler, "storing an upload whose last chunk was not flagged");
    }
    if let Err(e) = upload.file.rewind().await {
        return XmlNode::failure("root", &format!("SystemError:cannot read the upload: {e}"), 5000);
    }
    let node = store_upload(state, &actor, folder.id, &name, &mut upload.file).await;
    if node.is_success() {
        state.face::<Uploads>().remove(handler, owner);
    } else if let Err(e) = upload.file.seek(std::io::SeekFrom::End(0)).await {
        tracing::error!(error = %e, "cannot reposition an upload after a failed store");
    }
    node
}

/// DeleteUploadHandler(AuthenticationTicket, UploadHandler): abandons an upload.
async fn delete_handler(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    if state
        .face::<Uploads>()
        .remove(call.param("UploadHandler"), (actor.tenant_id, actor.user_id))
    {
        XmlNode::ok("response")
    } else {
        XmlNode::failure("response", UNKNOWN_HANDLER, 4041)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_sizes_are_clamped_to_the_bounds_and_the_body_limit() {
        let roomy = 64 * 1024 * 1024;
        assert_eq!(chunk_size("", roomy), DEFAULT_CHUNK_SIZE);
        assert_eq!(chunk_size("0", roomy), DEFAULT_CHUNK_SIZE);
        assert_eq!(chunk_size("1000", roomy), MIN_CHUNK_SIZE);
        assert_eq!(chunk_size("999999999", roomy), MAX_CHUNK_SIZE);
        assert_eq!(chunk_size("500000", roomy), 500_000);
        // A 1 MiB body cannot carry a 1 MiB chunk in base64.
        let small = 1024 * 1024;
        assert!(chunk_size("", small) * 4 / 3 < small);
    }

    #[test]
    fn crcs_are_compared_as_numbers() {
        let crc = crc32fast::hash(b"hello");
        assert!(crc_matches(&format!("{crc:08X}"), b"hello"));
        assert!(crc_matches(&format!("{crc:x}"), b"hello"));
        assert!(crc_matches("", b"hello"));
        assert!(!crc_matches("deadbeef", b"hello"));
        assert!(!crc_matches("not hex", b"hello"));
    }
}
