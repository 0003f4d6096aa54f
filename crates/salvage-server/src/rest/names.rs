//! The closed sets of names the REST API reads and writes as plain strings (node kinds, stages,
//! sorts, audit actions, roles, restore policies), described to OpenAPI as enums. Each list is
//! taken from the type that parses and prints the names, so the document cannot drift from what
//! the server accepts.
//!
//! The types here are never built: fields keep their `String` and point at them with
//! `#[schema(value_type = ...)]` (or `#[param(value_type = ...)]`).

use salvage_core::model::{AuditAction, NodeKind, RestorePolicy, Role, Stage};
use salvage_core::store::TrashSort;
use std::borrow::Cow;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};

/// A string schema that admits exactly `values`.
pub(crate) fn string_enum<'a>(description: &str, values: impl IntoIterator<Item = &'a str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

/// A kind of live item: `library`, `folder` or `document`.
pub struct NodeKindName;

impl PartialSchema for NodeKindName {
    fn schema() -> RefOr<Schema> {
        string_enum("A kind of item.", NodeKind::ALL.map(NodeKind::as_str))
    }
}

impl ToSchema for NodeKindName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("NodeKind")
    }
}

/// Where a deleted item is: the user bin or the system bin.
pub struct StageName;

impl PartialSchema for StageName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Where a deleted item is: its deleter's bin, or the system bin (administrators).",
            Stage::ALL.map(Stage::as_str),
        )
    }
}

impl ToSchema for StageName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Stage")
    }
}

/// An order of the recycle bin's listing.
pub struct TrashSortName;

impl PartialSchema for TrashSortName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "An order of the recycle bin: newest or oldest deletion first, by name (ascending or \
             descending), largest or smallest first.",
            TrashSort::ALL.map(TrashSort::as_str),
        )
    }
}

impl ToSchema for TrashSortName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("TrashSort")
    }
}

/// What an audit event records.
pub struct AuditActionName;

impl PartialSchema for AuditActionName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "What an audit event records.",
            AuditAction::ALL.map(AuditAction::as_str),
        )
    }
}

impl ToSchema for AuditActionName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AuditAction")
    }
}

/// A role in a tenant (Scene7's names).
pub struct RoleName;

impl PartialSchema for RoleName {
    fn schema() -> RefOr<Schema> {
        string_enum("A role in a tenant.", Role::ALL.map(Role::as_str))
    }
}

impl ToSchema for RoleName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Role")
    }
}

/// Who may restore an item.
pub struct RestorePolicyName;

impl PartialSchema for RestorePolicyName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Who may restore a deleted item: its deleter and administrators, or any member whose \
             role may work the recycle bin.",
            RestorePolicy::ALL.map(RestorePolicy::as_str),
        )
    }
}

impl ToSchema for RestorePolicyName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("RestorePolicy")
    }
}

/// Who an access-list entry is for.
pub struct PrincipalName;

/// The principals of access-list entries, as the REST API spells them.
pub const PRINCIPALS: [&str; 4] = ["anonymous", "members", "group", "user"];

impl PartialSchema for PrincipalName {
    fn schema() -> RefOr<Schema> {
        string_enum(
            "Who an access-list entry is for: anyone, every member of the tenant, a group or a \
             user (the last two name it by `id`).",
            PRINCIPALS,
        )
    }
}

impl ToSchema for PrincipalName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Principal")
    }
}
