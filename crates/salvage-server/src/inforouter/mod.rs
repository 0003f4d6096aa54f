//! The infoRouter-compatible web services at `/srv.asmx`: the four ASMX bindings over one table
//! of operations. Every rule comes from the core; this module only translates.

mod admin;
mod auth;
mod binding;
mod documents;
mod errors;
mod folders;
#[doc(hidden)]
pub(crate) mod fuzzing;
mod multipart;
mod recycle;
mod security;
mod settings;
mod shared;
mod upload;
mod wsdl;
mod xml;

use crate::client::ClientInfo;
use crate::soap::{self, ReadError};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use binding::{Answer, Binding, Call};

/// An operation and its parameters, in WSDL order.
pub struct Operation {
    pub name: &'static str,
    pub params: &'static [&'static str],
}

/// The operations of each module, in the order the WSDL lists them.
const GROUPS: &[&[Operation]] = &[
    auth::OPERATIONS,
    folders::OPERATIONS,
    documents::OPERATIONS,
    security::OPERATIONS,
    upload::OPERATIONS,
    settings::OPERATIONS,
    recycle::OPERATIONS,
    admin::OPERATIONS,
];

/// The operations that change nothing: the only ones a `ticket` cookie may authenticate. A
/// browser sends its cookies with whatever request another site makes it send, so anything
/// that changes data (delete, restore, purge, empty, create, upload, move, access lists,
/// settings, logging out, ...) needs the ticket in the request itself, where no other site can
/// put it (cross-site request forgery). An operation not listed here counts as a change.
const READ_ONLY: &[&str] = &[
    "isValidTicket",
    "GetCurrentUser",
    "GetUser",
    "GetAllUsers",
    "GetDomains",
    "DomainExists",
    "GetDeleteLog",
    "FolderExists",
    "GetFolder",
    "GetFolders",
    "GetFolders1",
    "GetDocuments1",
    "GetFoldersAndDocuments1",
    "GetDocument",
    "DocumentExists",
    "DownloadDocument",
    "GetDocumentTypes",
    "GetPublishingRequirements",
    "GetAccessList",
    "FolderAccessAllowed",
    "GetGeneralAppSettings",
    "GetRecycleBinContent",
    "SearchRecycledItems",
];

/// Every operation this server answers.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    GROUPS.iter().flat_map(|g| g.iter())
}

/// Whether `operation` changes nothing (see `READ_ONLY`).
fn reads_only(operation: &str) -> bool {
    READ_ONLY.contains(&operation)
}

fn known(name: &str) -> bool {
    operations().any(|o| o.name == name)
}

/// Hands the call to the module that has the operation (`known` has already checked the name).
async fn run(state: &AppState, call: &Call) -> Answer {
    macro_rules! first_answer {
        ($($module:ident),*) => {
            $(
                if let Some(answer) = $module::run(state, call).await {
                    return answer.into();
                }
            )*
        };
    }
    first_answer!(auth, folders, documents, security, upload, settings, recycle, admin);
    unreachable!("{} is listed without a handler", call.operation)
}

/// The routes of `/srv.asmx`; bodies are read within their own limits (see `http_post` and
/// `soap`).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/srv.asmx", get(service_page).post(soap))
        .route("/srv.asmx/{operation}", get(http_get).post(http_post))
}

/// `GET /srv.asmx?WSDL` (any case) is the WSDL; plain `GET /srv.asmx` lists the operations.
/// Both give the address the client used (as a trusted proxy tells it).
async fn service_page(RawQuery(query): RawQuery, client: ClientInfo) -> Response {
    let wants_wsdl = query.as_deref().is_some_and(|q| {
        q.split('&')
            .any(|p| p.split('=').next().is_some_and(|k| k.eq_ignore_ascii_case("wsdl")))
    });
    let service = format!("{}/srv.asmx", client.origin());
    if wants_wsdl {
        let mut response = wsdl::document(&service).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/xml; charset=utf-8"),
        );
        return response;
    }
    let items: String = operations()
        .map(|o| {
            format!(
                "<li><a href=\"srv.asmx/{0}\">{0}</a>({1})</li>",
                o.name,
                o.params.join(", ")
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>srv Web Service</title></head><body><h1>srv</h1>\
         <p>infoRouter-compatible web services of salvage at <code>{service}</code>. The service description is at <a href=\"{service}?WSDL\">{service}?WSDL</a>.</p>\
         <ul>{items}</ul></body></html>",
        service = crate::soap::escape(&service)
    ))
    .into_response()
}

/// Checks the operation name of the GET/POST bindings: exact case, as ASMX requires.
fn http_operation(name: &str) -> Result<(), Box<Response>> {
    if known(name) {
        return Ok(());
    }
    let message = match operations().find(|o| o.name.eq_ignore_ascii_case(name)) {
        Some(o) => format!(
            "{name} Web Service method name is not valid; the method is named {}.",
            o.name
        ),
        None => format!("{name} Web Service method name is not valid."),
    };
    Err(Box::new(binding::exception("InvalidOperationException", &message)))
}

fn pairs(encoded: &str) -> Result<Vec<(String, String)>, Box<Response>> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(encoded).map_err(|e| {
        let message = format!("The parameters cannot be read: {e}.");
        Box::new(binding::exception("ArgumentException", &message))
    })
}

async fn http_get(
    State(state): State<AppState>,
    client: ClientInfo,
    Path(operation): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = http_operation(&operation) {
        return *r;
    }
    let params = match pairs(query.as_deref().unwrap_or("")) {
        Ok(p) => p,
        Err(r) => return *r,
    };
    let call = Call::new(operation, Binding::Get, params, &headers).sent_by(client);
    call.respond(run(&state, &call).await)
}

async fn http_post(
    State(state): State<AppState>,
    client: ClientInfo,
    Path(operation): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(r) = http_operation(&operation) {
        return *r;
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let limits = &state.limits;
    let call = if content_type.starts_with("application/x-www-form-urlencoded") {
        let form = match state.budget.read(&headers, body, limits.max_soap_bytes as u64).await {
            Ok(form) => form,
            Err(e) => return binding::unreadable(Binding::Post, &e),
        };
        let params = match std::str::from_utf8(&form.bytes)
            .map_err(|_| Box::new(binding::exception("ArgumentException", "The form is not UTF-8.")))
            .and_then(pairs)
        {
            Ok(p) => p,
            Err(r) => return *r,
        };
        // The decoded parameters stay charged to the body's share of the budget.
        Call::new(operation, Binding::Post, params, &headers).holding(Some(form.reservation))
    } else if content_type.starts_with("multipart/form-data") {
        let reading = multipart::Reading {
            budget: &state.budget,
            max_text_bytes: limits.max_soap_bytes as u64,
            max_file_bytes: limits.max_upload_bytes,
            state: Some(&state),
        };
        let call = Call::new(operation, Binding::Post, Vec::new(), &headers).sent_by(client.clone());
        match multipart::read(&reading, &headers, body, call).await {
            Ok(call) => call,
            Err(r) => return *r,
        }
    } else {
        return binding::exception(
            "InvalidOperationException",
            "Request format is invalid: the HTTP POST binding takes application/x-www-form-urlencoded or multipart/form-data.",
        );
    };
    let call = call.sent_by(client);
    call.respond(run(&state, &call).await)
}

/// `POST /srv.asmx`: the envelope is read as the body arrives, within `max_soap_bytes` and the
/// body budget, and its parameters are moved into the call, never copied; the operation then
/// checks the ticket before it decodes any content.
async fn soap(State(state): State<AppState>, client: ClientInfo, headers: HeaderMap, body: Body) -> Response {
    let Some((version, action)) = binding::soap_request(&headers) else {
        return binding::exception(
            "InvalidOperationException",
            "Request format is unrecognized: send SOAP 1.1 (text/xml) or SOAP 1.2 (application/soap+xml).",
        );
    };
    let read = match state
        .budget
        .admit(&headers, body, state.limits.max_soap_bytes as u64)
        .await
    {
        Ok(body) => soap::read_envelope_from(body).await,
        Err(e) => Err(ReadError::Body(e)),
    };
    let (envelope, held) = match read {
        Ok((envelope, held)) => (Ok(envelope), Some(held)),
        Err(e) => (Err(e), None),
    };
    match binding::read_soap(envelope, version, action, &headers, known) {
        Ok(call) => {
            let call = call.sent_by(client).holding(held);
            call.respond(run(&state, &call).await)
        }
        Err(response) => *response,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_read_only_operation_exists() {
        for name in READ_ONLY {
            assert!(known(name), "{name} is listed as read-only but is no operation");
        }
        assert!(!reads_only("DeleteDocument") && !reads_only("LogOut") && reads_only("GetRecycleBinContent"));
    }
}
