//! The finishing pass over the generated OpenAPI document: the error responses every operation
//! shares, added from what the operation is (secured, with parameters, with a JSON body), and
//! the binary body schema.
//!
//! Handlers declare only the errors particular to them, as `(status = 409, response = Problem)`;
//! this pass turns each of those into a full `application/problem+json` response with its
//! headers, and adds the ones the extractors, the authentication and the layers can answer on
//! any route (`400` for a malformed path, query or body, `401`, `413`, `415`, `422`, …).

use super::problem::Problem;
use std::borrow::Cow;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{Content, OpenApi, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{Modify, PartialSchema, ToSchema};

/// A file's bytes, as a request or response body of its own (never JSON).
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .description(Some("The file's bytes."))
            .into()
    }
}

impl ToSchema for Binary {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Binary")
    }
}

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Adds the shared error responses to every operation and writes out the handlers' own.
pub struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                complete(operation);
            }
        }
        // Every reference to the shared response is now written out in place; generators
        // handle inline responses best.
        if let Some(components) = openapi.components.as_mut() {
            components
                .responses
                .remove(<Problem as utoipa::ToResponse>::response().0);
        }
    }
}

/// The statuses any operation of this shape can answer, whatever its handler does.
fn common_statuses(operation: &Operation) -> Vec<u16> {
    let parameters = operation.parameters.as_deref().unwrap_or_default();
    let has = |place: ParameterIn| parameters.iter().any(|p| p.parameter_in == place);
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
    let sessions = operation
        .tags
        .as_ref()
        .is_some_and(|t| t.iter().any(|t| t == "sessions"));
    let mut statuses = vec![408, 500];
    if has(ParameterIn::Path) || has(ParameterIn::Query) || json_body {
        statuses.push(400);
    }
    if secured {
        statuses.push(401);
    }
    // The account's rights can change under any operation but those about the session itself.
    if secured && !sessions {
        statuses.push(403);
    }
    if has(ParameterIn::Path) {
        statuses.push(404);
    }
    if json_body {
        // The JSON body's limit, its content type, its shape, and the budget of bodies read
        // at once.
        statuses.extend([413, 415, 422, 503]);
    }
    statuses
}

fn complete(operation: &mut Operation) {
    let responses = &mut operation.responses.responses;
    // The handler's own, written out.
    let own: Vec<String> = responses
        .iter()
        .filter(|(_, r)| matches!(r, RefOr::Ref(Ref { ref_location, .. }) if ref_location.ends_with("/Problem")))
        .map(|(status, _)| status.clone())
        .collect();
    for status in own {
        if let Ok(code) = status.parse() {
            responses.insert(status, RefOr::T(problem_response(code)));
        }
    }
    for code in common_statuses(operation) {
        operation
            .responses
            .responses
            .entry(code.to_string())
            .or_insert_with(|| RefOr::T(problem_response(code)));
    }
}

/// What each error status means here, in the words a client's developer needs.
fn meaning(status: u16) -> &'static str {
    match status {
        400 => {
            "The path, query string or body is malformed or out of range (`invalid-path`, \
             `invalid-query`, `invalid-json`, `invalid-input`)"
        }
        401 => "No bearer token, or one that is unknown, expired or logged out",
        403 => "The caller may not do this",
        404 => "No such item, or one the caller cannot see",
        408 => "The request or its body took longer than the server allows",
        409 => "The name is taken, or the item's original folder is gone",
        410 => "The item is no longer in the recycle bin",
        413 => "The body is larger than the server accepts",
        415 => "The body is not sent as `application/json`",
        416 => "The range is outside the document; `Content-Range` gives its size",
        422 => {
            "The body's JSON does not have the shape this operation reads, a name is invalid, or the \
             item is of the wrong kind (a folder where a document is needed, or the reverse)"
        }
        429 => "Too many failed logins; try again after `Retry-After` seconds",
        500 => "The server failed; the problem's detail says where",
        503 => "The server is busy reading other requests; try again after `Retry-After` seconds",
        _ => "The request failed; `type` and `code` say why",
    }
}

fn problem_response(status: u16) -> Response {
    let content = Content::new(Some(Ref::from_schema_name("Problem")));
    let mut response = ResponseBuilder::new()
        .description(meaning(status))
        .content(PROBLEM_JSON, content);
    let string = || ObjectBuilder::new().schema_type(Type::String);
    match status {
        401 => {
            response = response.header(
                "WWW-Authenticate",
                HeaderBuilder::new()
                    .schema(string())
                    .description(Some("`Bearer`: how to authenticate"))
                    .build(),
            )
        }
        429 | 503 => {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            )
        }
        416 => {
            response = response.header(
                "Content-Range",
                HeaderBuilder::new()
                    .schema(string())
                    .description(Some("`bytes */<size>`: the document's size"))
                    .build(),
            )
        }
        _ => {}
    }
    response.build()
}
