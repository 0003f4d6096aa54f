//! The document operations (spec §8): finding documents, uploading and downloading content, and
//! document types and publishing. Every rule is the core's; this module only translates.

use super::auth::caller;
use super::binding::{Binding, Call};
use super::errors::{self, system_error, DOCUMENT_NOT_FOUND, FOLDER_NOT_FOUND};
use super::shared::*;
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use salvage_core::model::{Actor, Node as Item};
use salvage_core::Error;
use tokio::io::AsyncReadExt;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "GetDocument",
        params: &[
            "AuthenticationTicket",
            "Path",
            "withPropertySets",
            "withSecurity",
            "withOwner",
            "withVersions",
        ],
    },
    Operation {
        name: "DocumentExists",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "UploadDocument",
        params: &["AuthenticationTicket", "Path", "FileContent"],
    },
    Operation {
        name: "UploadDocument1",
        params: &["AuthenticationTicket", "Path", "FileContent", "VersionComment"],
    },
    Operation {
        name: "DownloadDocument",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "PublishDocument",
        params: &["AuthenticationTicket", "DocumentPath", "VersionNumber"],
    },
    Operation {
        name: "UpdateDocumentType",
        params: &["AuthenticationTicket", "Path", "DocumentTypeID"],
    },
    Operation {
        name: "GetDocumentTypes",
        params: &["AuthenticationTicket"],
    },
    Operation {
        name: "GetPublishingRequirements",
        params: &["AuthenticationTicket", "domainname"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "GetDocument" => get_document(state, call).await,
        "DocumentExists" => document_exists(state, call).await,
        "UploadDocument" | "UploadDocument1" => upload_document(state, call).await,
        "DownloadDocument" => download_document(state, call).await,
        "PublishDocument" => publish_document(state, call).await,
        "UpdateDocumentType" => update_document_type(state, call).await,
        "GetDocumentTypes" => get_document_types(state, call).await,
        "GetPublishingRequirements" => get_publishing_requirements(state, call).await,
        _ => return None,
    })
}

fn missing_document(m: Missing, period: bool) -> XmlNode {
    match m {
        Missing::NotFound if period => XmlNode::failure("response", &format!("{DOCUMENT_NOT_FOUND}."), 4041),
        Missing::NotFound => XmlNode::failure("response", DOCUMENT_NOT_FOUND, 4041),
        Missing::BadIdentifier => XmlNode::failure("response", INVALID_IDENTIFIER, 4000),
    }
}

/// GetDocument(AuthenticationTicket, Path, withPropertySets, withSecurity, withOwner,
/// withVersions): the documented attributes salvage has values for, in the documented order.
async fn get_document(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("Path")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, true),
    };
    let full_path = match state.repo.path_of(&actor, &doc).await {
        Ok(p) => p,
        Err(e) => return system_error("response", &e),
    };
    let folder_path = full_path.rsplit_once('/').map_or("", |(f, _)| f);
    let library = match state.repo.node(&actor, library_id(&doc)).await {
        Ok(l) => l,
        Err(e) => return system_error("response", &e),
    };
    let folder_name = folder_path.rsplit_once('/').map_or("", |(_, n)| n).to_owned();
    let doc_type_name = match doc.doc_type_id {
        Some(t) => state
            .repo
            .doc_types(&actor)
            .await
            .ok()
            .and_then(|ts| ts.into_iter().find(|d| d.id == t))
            .map(|d| d.name)
            .unwrap_or_default(),
        None => String::new(),
    };
    let versions = match state.repo.versions(&actor, doc.id).await {
        Ok(v) => v,
        Err(e) => return system_error("response", &e),
    };
    let owner = user_name(state, &actor, doc.created_by).await;
    let mut document = XmlNode::new("document")
        .attr("DocumentID", doc.id.to_string())
        .attr("Name", doc.name.clone())
        .attr("Path", backslashed(folder_path))
        .attr("Description", "")
        .attr("UpdateInstructions", "")
        .attr("CreationDate", date_time(doc.created_at))
        .attr("ModificationDate", date_time(doc.modified_at))
        .attr("CheckoutDate", "")
        .attr("CheckoutBy", "")
        .attr("CheckoutByUserName", "")
        .attr("Size", doc.size.to_string())
        .attr("Type", format_of(&doc.name))
        .attr("PercentComplete", "0")
        .attr("CompletionDate", "")
        .attr("Importance", "0")
        .attr("RetentionDate", "")
        .attr("DispositionDate", "")
        .attr("CutoffDate", "")
        .attr("RDDefId", "0")
        .attr("ExpirationDate", "")
        .attr("RegisterDate", date_time(doc.created_at))
        .attr("RegisteredBy", owner.clone())
        .attr("DocTypeID", doc.doc_type_id.unwrap_or(0).to_string())
        .attr("DocTypeName", doc_type_name)
        .attr("VersionNumber", doc.current_version.to_string())
        .attr("PublishedVersionNumber", doc.published_version.to_string())
        .attr("PublishingRule", "")
        .attr("OwnerName", owner)
        .attr("WorkflowId", "0")
        .attr("DomainId", library.id.to_string())
        .attr("DomainName", library.name.clone())
        .attr("FolderId", doc.parent_id.unwrap_or(0).to_string())
        .attr("Foldername", folder_name)
        .attr("IsShortcut", "FALSE")
        .attr("VersionCount", versions.len().to_string())
        .attr("UserViewStatus", "");
    if flag(call, "withVersions") {
        let mut list = XmlNode::new("Versions");
        for v in &versions {
            list.push(
                XmlNode::new("Version")
                    .attr("VersionId", (v.number * 1_000_000).to_string())
                    .attr("VersionNumber", v.number.to_string())
                    .attr("Size", v.size.to_string())
                    .attr("CreationDate", date_time(v.created_at))
                    .attr("AuthorName", user_name(state, &actor, v.created_by).await),
            );
        }
        document.push(list);
    }
    let mut node = XmlNode::ok("response");
    node.push(document);
    node
}

/// The CRC-32 (IEEE) of a version's content.
async fn crc32_of(state: &AppState, actor: &Actor, doc: &Item, number: i64) -> Result<u32, Error> {
    let (_, mut reader) = state.repo.open_version(actor, doc.id, Some(number)).await?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = reader.read(&mut buf).await.map_err(|e| Error::Blob(e.to_string()))?;
        if n == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buf[..n]);
    }
}

/// DocumentExists(AuthenticationTicket, Path): `CRC32LASTVERSION` is the latest version's
/// checksum, `CRC32` the published version's (the latest's when nothing is published).
async fn document_exists(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("Path")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, false),
    };
    let last = match crc32_of(state, &actor, &doc, doc.current_version).await {
        Ok(c) => c,
        Err(e) => return system_error("response", &e),
    };
    let published = if doc.published_version > 0 && doc.published_version != doc.current_version {
        match crc32_of(state, &actor, &doc, doc.published_version).await {
            Ok(c) => c,
            Err(e) => return system_error("response", &e),
        }
    } else {
        last
    };
    XmlNode::new("response")
        .attr("success", "true")
        .attr("CRC32LASTVERSION", format!("{last:08x}"))
        .attr("CRC32", format!("{published:08x}"))
}

/// A `byte[]` parameter: a file part of a multipart form (read from its temporary file), else
/// base64 text from SOAP (`base64Binary`, possibly folded over lines) or a form (where an
/// unescaped `+` arrives as a space).
pub(super) async fn file_param(call: &Call, name: &str) -> Option<Vec<u8>> {
    if let Some(file) = call.file(name) {
        let mut content = Vec::with_capacity(usize::try_from(file.size).ok()?);
        file.open().await.ok()?.read_to_end(&mut content).await.ok()?;
        return Some(content);
    }
    let raw = call.param(name);
    let cleaned: String = match call.binding {
        Binding::Get | Binding::Post => raw
            .chars()
            .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
            .map(|c| if c == ' ' { '+' } else { c })
            .collect(),
        Binding::Soap(_) => raw.chars().filter(|c| !c.is_ascii_whitespace()).collect(),
    };
    STANDARD.decode(cleaned).ok()
}

/// The existing folder and the document name of an upload path (`\Library\folder\name.ext`).
pub(super) async fn upload_folder(state: &AppState, actor: &Actor, path: &str) -> Result<(Item, String), XmlNode> {
    let not_found = || XmlNode::failure("root", FOLDER_NOT_FOUND, 4041);
    let names = segments(path).map_err(|e| errors::UPLOAD.failure(&e).node("root"))?;
    let Some((name, folder)) = names.split_last() else {
        return Err(not_found());
    };
    if folder.is_empty() {
        return Err(not_found());
    }
    match folder_at(state, actor, &folder.join("/")).await {
        Some(parent) => Ok((parent, name.clone())),
        None => Err(not_found()),
    }
}

/// Stores `content` as the document `name` in `folder` (a new version when it exists) and
/// answers `<root success="true" DocumentId VersionId/>` or the documented failure.
pub(super) async fn store_upload(
    state: &AppState,
    actor: &Actor,
    folder: i64,
    name: &str,
    content: &mut (dyn tokio::io::AsyncRead + Unpin + Send),
) -> XmlNode {
    match state.repo.upload(actor, folder, name, content).await {
        Ok((doc, version)) => XmlNode::new("root")
            .attr("success", "true")
            .attr("DocumentId", doc.id.to_string())
            .attr("VersionId", (version.number * 1_000_000).to_string()),
        Err(e) => errors::UPLOAD.failure(&e).node("root"),
    }
}

/// UploadDocument(AuthenticationTicket, Path, FileContent) and UploadDocument1 (+
/// VersionComment, which the core does not keep): a new document, or a new version of the one
/// at `Path`. The folder must exist.
async fn upload_document(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("root", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let (folder, name) = match upload_folder(state, &actor, call.param("Path")).await {
        Ok(target) => target,
        Err(node) => return node,
    };
    // A file part streams from its temporary file; base64 text is decoded in memory.
    if let Some(file) = call.file("FileContent") {
        return match file.open().await {
            Ok(mut content) => store_upload(state, &actor, folder.id, &name, &mut content).await,
            Err(e) => XmlNode::failure("root", &format!("SystemError:cannot read the upload: {e}"), 5000),
        };
    }
    let Some(content) = file_param(call, "FileContent").await else {
        return XmlNode::failure("root", "FileContent is not valid base64.", 4000);
    };
    store_upload(state, &actor, folder.id, &name, &mut content.as_slice()).await
}

/// DownloadDocument(AuthenticationTicket, Path): the latest version as `byte[]`, which ASMX
/// writes as `<base64Binary xmlns="http://tempuri.org/">` (spec §12 #21). Any error is an empty
/// array, as documented.
async fn download_document(state: &AppState, call: &Call) -> XmlNode {
    let empty = || XmlNode::scalar("base64Binary", "");
    let Ok(actor) = caller(state, call).await else {
        return empty();
    };
    let Ok(doc) = document_at(state, &actor, call.param("Path")).await else {
        return empty();
    };
    let Ok((_, mut reader)) = state.repo.open_version(&actor, doc.id, None).await else {
        return empty();
    };
    let mut content = Vec::new();
    if reader.read_to_end(&mut content).await.is_err() {
        return empty();
    }
    XmlNode::scalar("base64Binary", STANDARD.encode(content))
}

// --- document types and publishing --------------------------------------------------------------

/// One version in infoRouter's internal numbering, where version n is `n × 1,000,000` and `0` is
/// the latest. A plain small number (`2`) is taken as the version itself, as people write it.
pub(super) fn version_number(raw: &str, latest: i64) -> Option<i64> {
    let n: i64 = raw.trim().parse().ok()?;
    match n {
        0 => Some(latest),
        n if n < 0 => None,
        n if n < 1_000_000 => Some(n),
        n if n % 1_000_000 == 0 => Some(n / 1_000_000),
        _ => None,
    }
}

/// PublishDocument(AuthenticationTicket, DocumentPath, VersionNumber). The core's rules decide:
/// change rights on the document, and a document type first where the library requires one.
async fn publish_document(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("DocumentPath")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, false),
    };
    let Some(version) = version_number(call.param("VersionNumber"), doc.current_version) else {
        return XmlNode::failure("response", "Version not found", 4041);
    };
    match state.repo.publish(&actor, doc.id, version).await {
        Ok(()) => XmlNode::ok("response"),
        Err(e) => errors::PUBLISH_DOCUMENT.failure(&e).node("response"),
    }
}

/// UpdateDocumentType(AuthenticationTicket, Path, DocumentTypeID); `0` clears the type.
async fn update_document_type(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let doc = match document_at(state, &actor, call.param("Path")).await {
        Ok(d) => d,
        Err(m) => return missing_document(m, true),
    };
    let doc_type = match call.param("DocumentTypeID").trim().parse::<i64>() {
        Ok(0) => None,
        Ok(id) if id > 0 => Some(id),
        _ => return XmlNode::failure("response", "Document type not found", 4041),
    };
    match state.repo.set_doc_type(&actor, doc.id, doc_type).await {
        Ok(()) => XmlNode::ok("response"),
        Err(e) => errors::UPDATE_DOCUMENT_TYPE.failure(&e).node("response"),
    }
}

/// GetDocumentTypes(AuthenticationTicket). salvage's types carry no property set or description.
async fn get_document_types(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("response", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let types = match state.repo.doc_types(&actor).await {
        Ok(t) => t,
        Err(e) => return system_error("response", &e),
    };
    let mut list = XmlNode::new("DocumentTypes");
    for t in types {
        list.push(
            XmlNode::new("DocumentType")
                .attr("TypeID", t.id.to_string())
                .attr("TypeName", t.name)
                .attr("PropertySetID", "0")
                .attr("PropertySetName", "")
                .attr("Description", ""),
        );
    }
    let mut node = XmlNode::ok("response");
    node.push(list);
    node
}

/// GetPublishingRequirements(AuthenticationTicket, domainname): `Doctype` when the library
/// requires a document type before publishing.
async fn get_publishing_requirements(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, |e, c| XmlNode::failure("root", e, c)).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let name = call.param("domainname").trim();
    let library = match folder_at(state, &actor, name).await {
        Some(l) if segments(name).is_ok_and(|names| names.len() == 1) => l,
        _ => return XmlNode::failure("root", "Domain not found.", 4041),
    };
    let mut requirements = XmlNode::new("PublishingRequirements");
    if library.requires_doc_type {
        requirements.push(XmlNode::element("PublishingRequirement", "Doctype"));
    }
    let mut node = XmlNode::new("root").attr("success", "true");
    node.push(requirements);
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_in_either_numbering() {
        assert_eq!(version_number("0", 4), Some(4));
        assert_eq!(version_number("2000000", 4), Some(2));
        assert_eq!(version_number("3", 4), Some(3));
        assert_eq!(version_number("1500000", 4), None);
        assert_eq!(version_number("-1", 4), None);
        assert_eq!(version_number("x", 4), None);
    }
}
