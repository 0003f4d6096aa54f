//! The one error type of the core. Each face (CLI, REST, infoRouter, Scene7) maps it to its own
//! wire convention at its edge; nothing here knows about HTTP or XML.

use crate::model::NodeKind;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A path, id or name that does not resolve (or is not visible to the caller: another
    /// tenant's ids behave exactly like unknown ones).
    #[error("{0} not found")]
    NotFound(String),
    #[error("invalid name {name:?}: {rule}")]
    InvalidName { name: String, rule: &'static str },
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// A live item with that name already exists where something is being created or moved.
    #[error("an item named {0:?} already exists in the target folder")]
    NameConflict(String),
    /// The caller's role or access list does not allow the operation.
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    /// Restore of something the caller neither deleted nor administers.
    #[error("access denied: only the user who deleted this item or an administrator may restore it")]
    AccessDenied,
    /// No create right in the folder a restore would put the item in.
    #[error("insufficient rights: you need the right to add items in the target folder")]
    InsufficientRights,
    /// A restore somewhere other than the item's original place that would let the caller read
    /// content they may not read where it was (DESIGN.md §3 rule 12: a restore grants nothing).
    #[error("{0}; restore it to its original place, or ask an administrator")]
    WouldGrantAccess(String),
    #[error("{} is no longer in the recycle bin", kind_word(*.0))]
    NotInTrash(Option<NodeKind>),
    #[error("the original location no longer exists; restore to another folder or ask for the path to be recreated")]
    OriginalLocationMissing,
    #[error("target folder not found")]
    TargetNotFound,
    #[error("invalid target: {0}")]
    InvalidTarget(String),
    #[error("authentication failed: unknown user or wrong password")]
    AuthenticationFailed,
    #[error("session expired or invalid ticket")]
    InvalidTicket,
    /// The login throttle refused the attempt without checking the password (see `throttle`).
    #[error("too many failed sign-in attempts from this address; try again in {retry_after_secs} seconds")]
    TooManyAttempts {
        /// Whole seconds until the lockout ends, at least 1.
        retry_after_secs: i64,
    },
    #[error("storage error: {0}")]
    Storage(String),
    #[error("blob storage error: {0}")]
    Blob(String),
}

fn kind_word(kind: Option<NodeKind>) -> &'static str {
    match kind {
        Some(NodeKind::Document) => "the document",
        Some(NodeKind::Folder) | Some(NodeKind::Library) => "the folder",
        None => "the item",
    }
}

impl Error {
    /// A stable machine-readable code, the same in every face (used by JSON output and as the
    /// RFC 9457 problem `type` suffix).
    pub fn code(&self) -> &'static str {
        match self {
            Error::NotFound(_) => "not-found",
            Error::InvalidName { .. } => "invalid-name",
            Error::InvalidInput(_) => "invalid-input",
            Error::NameConflict(_) => "name-conflict",
            Error::PermissionDenied(_) => "permission-denied",
            Error::AccessDenied => "access-denied",
            Error::InsufficientRights => "insufficient-rights",
            Error::WouldGrantAccess(_) => "would-grant-access",
            Error::NotInTrash(_) => "not-in-trash",
            Error::OriginalLocationMissing => "parent-missing",
            Error::TargetNotFound => "target-not-found",
            Error::InvalidTarget(_) => "invalid-target",
            Error::AuthenticationFailed => "authentication-failed",
            Error::InvalidTicket => "invalid-ticket",
            Error::TooManyAttempts { .. } => "too-many-attempts",
            Error::Storage(_) => "storage",
            Error::Blob(_) => "blob",
        }
    }

    pub fn not_found(what: impl Into<String>) -> Self {
        Error::NotFound(what.into())
    }
}
