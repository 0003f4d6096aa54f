//! What infoRouter answers for each of the core's errors, in one place: the `errorCode` of every
//! kind of error (`Wording::failure`), and the `error` text each operation documents for the
//! kinds it reports (the `Wording` constants below, one per operation). An error an operation
//! does not document is a system error, `SystemError:<the core's message>` with code 5000, as
//! infoRouter answers a failure it did not foresee.
//!
//! Clients match these texts and codes, so they are part of the wire contract (spec §6 and §12,
//! held by the tests of `tests/api/inforouter*.rs`): the same core error reads differently from
//! one operation to the next ("Folder not found" or "Folder not found.", "Access denied" or
//! "Access denied."), and that is kept, not tidied. How an answer is shaped (`<root>` or
//! `<response>`, with or without `success`) is the operation's; see `Failure`.
//!
//! This module is a leaf of the face: it names only the result element and the core's error.

use super::xml::XmlNode;
use salvage_core::Error;

pub const AUTH_FAILED: &str = "[900] Authentication failed";
pub const INVALID_TICKET: &str = "[901] Session expired or Invalid ticket";
pub const FOLDER_NOT_FOUND: &str = "Folder not found";
pub const DOCUMENT_NOT_FOUND: &str = "Document not found";
pub const PATH_NOT_FOUND: &str = "Path not found";
/// A name already taken where an item is created, moved or restored.
const CONFLICT: &str = "An item named \"{name}\" already exists in the target folder.";
const SYSTEM_ERROR: &str = "SystemError:{error}";
const SYSTEM_ERROR_CODE: u16 = 5000;

/// A failure as infoRouter reports it: the `error` text and its `errorCode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub message: String,
    pub code: u16,
}

impl Failure {
    /// `<root success="false" error="…" errorCode="…" />`, the documented shape of most
    /// operations (`root` is `response` or `root`).
    pub fn node(&self, root: &'static str) -> XmlNode {
        XmlNode::failure(root, &self.message, self.code)
    }

    /// The shape without `success` (CreateFolder, DeleteFolder, FolderExists, GetFolder,
    /// GetFolders1; spec §12 #24). That is the shape of the failures these operations document;
    /// a system error keeps `<response success="false" …/>`, as every operation writes it.
    pub fn bare(&self) -> XmlNode {
        if self.code == SYSTEM_ERROR_CODE {
            return self.node("response");
        }
        bare_failure(&self.message, self.code)
    }
}

/// `<response error="…" errorCode="…" />`: the documented failure shape without `success`.
pub fn bare_failure(error: &str, code: u16) -> XmlNode {
    XmlNode::new("response")
        .attr("error", error)
        .attr("errorCode", code.to_string())
}

/// A system error (`SystemError:…`, 5000) in the shape `<root success="false" …/>`: what an
/// operation answers for an error it documents nothing for.
pub fn system_error(root: &'static str, e: &Error) -> XmlNode {
    Wording::NONE.failure(e).node(root)
}

/// The texts one operation documents for the core errors it reports; every other error is a
/// system error. A text may name parts of the error: `{name}` (the name of an `InvalidName` or a
/// `NameConflict`), `{rule}` (the rule an `InvalidName` breaks), `{why}` (the reason of an
/// `InvalidInput` or an `InvalidTarget`) and `{error}` (the core's whole message).
#[derive(Debug, Clone, Copy)]
pub struct Wording {
    not_found: Option<&'static str>,
    invalid_name: Option<&'static str>,
    invalid_input: Option<&'static str>,
    name_conflict: Option<&'static str>,
    permission_denied: Option<&'static str>,
    access_denied: Option<&'static str>,
    insufficient_rights: Option<&'static str>,
    not_in_trash: Option<&'static str>,
    original_location_missing: Option<&'static str>,
    target_not_found: Option<&'static str>,
    invalid_target: Option<(&'static str, u16)>,
    authentication_failed: Option<&'static str>,
    too_many_attempts: Option<&'static str>,
}

impl Wording {
    /// Reports nothing: every error is a system error.
    pub const NONE: Wording = Wording {
        not_found: None,
        invalid_name: None,
        invalid_input: None,
        name_conflict: None,
        permission_denied: None,
        access_denied: None,
        insufficient_rights: None,
        not_in_trash: None,
        original_location_missing: None,
        target_not_found: None,
        invalid_target: None,
        authentication_failed: None,
        too_many_attempts: None,
    };

    /// What this operation answers for `e`. The code belongs to the kind of error, whatever the
    /// operation calls it; only a target that is no folder is read two ways (see
    /// `invalid_target`).
    pub fn failure(&self, e: &Error) -> Failure {
        let said = match e {
            Error::NotFound(_) => self.not_found.map(|m| (m, 4041)),
            Error::InvalidName { .. } => self.invalid_name.map(|m| (m, 4000)),
            Error::InvalidInput(_) => self.invalid_input.map(|m| (m, 4000)),
            Error::NameConflict(_) => self.name_conflict.map(|m| (m, 4090)),
            Error::PermissionDenied(_) => self.permission_denied.map(|m| (m, 4030)),
            Error::AccessDenied => self.access_denied.map(|m| (m, 4030)),
            Error::InsufficientRights => self.insufficient_rights.map(|m| (m, 4030)),
            Error::NotInTrash(_) => self.not_in_trash.map(|m| (m, 4000)),
            Error::OriginalLocationMissing => self.original_location_missing.map(|m| (m, 4041)),
            Error::TargetNotFound => self.target_not_found.map(|m| (m, 4041)),
            Error::InvalidTarget(_) => self.invalid_target,
            Error::AuthenticationFailed => self.authentication_failed.map(|m| (m, 4010)),
            Error::TooManyAttempts { .. } => self.too_many_attempts.map(|m| (m, 4010)),
            Error::WouldGrantAccess(_) | Error::InvalidTicket | Error::Storage(_) | Error::Blob(_) => None,
        };
        let (text, code) = said.unwrap_or((SYSTEM_ERROR, SYSTEM_ERROR_CODE));
        Failure {
            message: fill(text, e),
            code,
        }
    }

    pub const fn not_found(mut self, text: &'static str) -> Self {
        self.not_found = Some(text);
        self
    }

    pub const fn invalid_name(mut self, text: &'static str) -> Self {
        self.invalid_name = Some(text);
        self
    }

    pub const fn invalid_input(mut self, text: &'static str) -> Self {
        self.invalid_input = Some(text);
        self
    }

    /// A name already taken, in the one wording infoRouter uses for items.
    pub const fn name_conflict(self) -> Self {
        self.name_conflict_as(CONFLICT)
    }

    pub const fn name_conflict_as(mut self, text: &'static str) -> Self {
        self.name_conflict = Some(text);
        self
    }

    pub const fn permission_denied(mut self, text: &'static str) -> Self {
        self.permission_denied = Some(text);
        self
    }

    pub const fn access_denied(mut self, text: &'static str) -> Self {
        self.access_denied = Some(text);
        self
    }

    pub const fn insufficient_rights(mut self, text: &'static str) -> Self {
        self.insufficient_rights = Some(text);
        self
    }

    pub const fn not_in_trash(mut self, text: &'static str) -> Self {
        self.not_in_trash = Some(text);
        self
    }

    pub const fn original_location_missing(mut self, text: &'static str) -> Self {
        self.original_location_missing = Some(text);
        self
    }

    pub const fn target_not_found(mut self, text: &'static str) -> Self {
        self.target_not_found = Some(text);
        self
    }

    /// A target that is no folder one can put things in. Most operations document it as a
    /// missing folder (4041); Move, as a destination it refuses (4000).
    pub const fn invalid_target(mut self, text: &'static str, code: u16) -> Self {
        self.invalid_target = Some((text, code));
        self
    }

    pub const fn authentication_failed(mut self, text: &'static str) -> Self {
        self.authentication_failed = Some(text);
        self
    }

    pub const fn too_many_attempts(mut self, text: &'static str) -> Self {
        self.too_many_attempts = Some(text);
        self
    }
}

/// `text` with its `{…}` parts filled from `e`, in one pass (a name that itself reads `{why}`
/// stays as it is).
fn fill(text: &str, e: &Error) -> String {
    let part = |key: &str| -> Option<String> {
        Some(match (key, e) {
            ("name", Error::InvalidName { name, .. } | Error::NameConflict(name)) => name.clone(),
            ("rule", Error::InvalidName { rule, .. }) => (*rule).to_owned(),
            ("why", Error::InvalidInput(why) | Error::InvalidTarget(why)) => why.clone(),
            ("error", e) => e.to_string(),
            _ => return None,
        })
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').and_then(|close| Some((part(&after[..close])?, close))) {
            Some((value, close)) => {
                out.push_str(&value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

// The wording of each operation that reports core errors, by operation.

/// AuthenticateUser, AuthenticateUser1, RenewTicket (answered without `errorCode`).
pub const LOGIN: Wording = Wording::NONE
    .authentication_failed(AUTH_FAILED)
    .too_many_attempts("[900] Authentication failed: {error}");

pub const GET_USER: Wording = Wording::NONE.not_found("User not found");

pub const GET_ALL_USERS: Wording = Wording::NONE.permission_denied("Access denied.");

pub const CREATE_USER: Wording = Wording::NONE
    .permission_denied("Access denied")
    .name_conflict_as("Username already exists")
    .invalid_name("Invalid user name: {rule}")
    .invalid_input("{why}");

pub const CREATE_DOMAIN: Wording = Wording::NONE
    .name_conflict_as("Domain already exists")
    .invalid_name("Invalid domain name");

/// CreateFolder (in the shape without `success`).
pub const CREATE_FOLDER: Wording = Wording::NONE
    .not_found("Folder not found.")
    .invalid_target("Folder not found.", 4041)
    .permission_denied("Access denied")
    .invalid_name("Invalid folder name: \"{name}\"")
    .name_conflict();

/// GetFolders, GetFolders1, GetFoldersAndDocuments1.
pub const LIST_FOLDER: Wording = Wording::NONE.permission_denied("Access denied");

pub const MOVE: Wording = Wording::NONE
    .not_found("Source not found.")
    .name_conflict()
    .permission_denied("Access denied.")
    .invalid_target("Invalid destination: {why}.", 4000);

/// UploadDocument, UploadDocument1, UploadDocumentWithHandler and the multipart upload.
pub const UPLOAD: Wording = Wording::NONE
    .not_found(FOLDER_NOT_FOUND)
    .invalid_target(FOLDER_NOT_FOUND, 4041)
    .permission_denied("Access denied")
    .name_conflict()
    .invalid_name("Invalid document name: \"{name}\"");

pub const PUBLISH_DOCUMENT: Wording = Wording::NONE
    .permission_denied(
        "Access denied. To publish a document you must be the owner, a domain manager, or the author of at least one version.",
    )
    .not_found("Version not found")
    .invalid_input("The library requires a document type before a document can be published.");

pub const UPDATE_DOCUMENT_TYPE: Wording = Wording::NONE
    .permission_denied("Access denied")
    .not_found("Document type not found");

pub const GET_ACCESS_LIST: Wording = Wording::NONE.not_found(PATH_NOT_FOUND);

pub const SET_ACCESS_LIST: Wording = Wording::NONE
    .permission_denied("Access denied")
    .not_found(PATH_NOT_FOUND);

pub const FOLDER_ACCESS_ALLOWED: Wording = Wording::NONE.not_found(FOLDER_NOT_FOUND);

pub const SET_SETTINGS: Wording =
    Wording::NONE.permission_denied("Insufficient rights. Only an administrator can change the application settings.");

/// RestoreRecycleBinItem; the text for an item no longer in the bin names its kind (see
/// `recycle::not_in_bin`).
pub const RESTORE: Wording = Wording::NONE
    .access_denied("Access denied.")
    .original_location_missing("The original location no longer exists.")
    .target_not_found("Target folder not found")
    .invalid_target("Target folder not found", 4041)
    .insufficient_rights("Insufficient rights")
    .name_conflict();

pub const EMPTY_RECYCLE_BIN: Wording = Wording::NONE.permission_denied("Access denied.");

pub const DELETE_DOCUMENT: Wording = Wording::NONE
    .not_found(DOCUMENT_NOT_FOUND)
    .permission_denied("Access denied.");

/// DeleteFolder (in the shape without `success`).
pub const DELETE_FOLDER: Wording = Wording::NONE
    .not_found("Folder not found.")
    .permission_denied("Access denied.");

#[cfg(test)]
mod tests {
    use super::*;

    fn said(wording: &Wording, e: Error) -> (String, u16) {
        let f = wording.failure(&e);
        (f.message, f.code)
    }

    #[test]
    fn what_an_operation_does_not_document_is_a_system_error() {
        assert_eq!(
            said(&GET_USER, Error::PermissionDenied("no".into())),
            ("SystemError:permission denied: no".to_owned(), 5000)
        );
        assert_eq!(
            said(&Wording::NONE, Error::Storage("disk".into())),
            ("SystemError:storage error: disk".to_owned(), 5000)
        );
    }

    #[test]
    fn texts_name_parts_of_the_error() {
        assert_eq!(
            said(&MOVE, Error::NameConflict("a {why}".into())),
            (
                "An item named \"a {why}\" already exists in the target folder.".to_owned(),
                4090
            )
        );
        assert_eq!(
            said(&MOVE, Error::InvalidTarget("inside itself".into())),
            ("Invalid destination: inside itself.".to_owned(), 4000)
        );
        assert_eq!(
            said(
                &CREATE_USER,
                Error::InvalidName {
                    name: "x".into(),
                    rule: "too long"
                }
            ),
            ("Invalid user name: too long".to_owned(), 4000)
        );
        assert_eq!(
            said(&LOGIN, Error::TooManyAttempts { retry_after_secs: 3 }).0,
            format!("{AUTH_FAILED}: {}", Error::TooManyAttempts { retry_after_secs: 3 })
        );
    }

    #[test]
    fn the_shapes_differ_only_in_success() {
        let f = UPLOAD.failure(&Error::InvalidTarget("a document".into()));
        let (mut root, mut bare) = (String::new(), String::new());
        f.node("root").render(&mut root, false);
        f.bare().render(&mut bare, false);
        assert_eq!(
            root,
            "<root success=\"false\" error=\"Folder not found\" errorCode=\"4041\" />"
        );
        assert_eq!(bare, "<response error=\"Folder not found\" errorCode=\"4041\" />");
        let mut system = String::new();
        UPLOAD
            .failure(&Error::Blob("gone".into()))
            .bare()
            .render(&mut system, false);
        assert_eq!(
            system,
            "<response success=\"false\" error=\"SystemError:blob storage error: gone\" errorCode=\"5000\" />"
        );
    }
}
