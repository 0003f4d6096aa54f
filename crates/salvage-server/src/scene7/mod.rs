//! The Scene7 (Adobe Dynamic Media Classic) IPS-compatible web service: SOAP 1.1 and 1.2 at
//! `/scene7/services/IpsApiService`, its WSDL at `/scene7/webservice/IpsApi[-{version}].wsdl`,
//! and the `/scene7/UploadFile` servlet. Every rule comes from the core; this module translates
//! handles, element names and faults (`../shared/specs/scene7-ips-api.md`).
//!
//! A request is routed on the local name of the first body element, `{op}Param`, in any IPS
//! namespace (`http://www.scene7.com/IpsApi/xsd` or `…/xsd/{version}`); `SOAPAction` is not
//! needed. The reply, `{op}Return`, is in the request's namespace.

mod assets;
mod auth;
mod batch;
mod company;
mod faults;
mod folders;
#[doc(hidden)]
pub(crate) mod fuzzing;
mod handles;
mod trash;
mod tree;
mod upload;
mod wsdl;
mod xml;

use crate::client::ClientInfo;
use crate::soap::{self, ReadError, SoapVersion};
use crate::state::AppState;
use auth::{Access, RequestOptions};
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Extensions, HeaderMap, HeaderValue, StatusCode, Version};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use faults::Fault;
use salvage_core::model::User;
use tower_http::compression::predicate::{DefaultPredicate, Predicate};
use tower_http::compression::CompressionLayer;
use xml::{Out, Params};

/// The namespace of `authHeader` and of the three faults, whatever the API version.
pub const UNVERSIONED_NS: &str = "http://www.scene7.com/IpsApi/xsd";
/// The namespace of the WSDL's port type and operations.
pub const WSDL_NS: &str = "http://www.scene7.com/IpsApi";

/// `http://www.scene7.com/IpsApi/xsd`, optionally followed by `/YYYY-MM-DD` or
/// `/YYYY-MM-DD-beta`, optionally with a trailing slash (spec §3.1).
pub fn is_ips_namespace(ns: &str) -> bool {
    let Some(rest) = ns.strip_prefix(UNVERSIONED_NS) else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.is_empty() || rest.strip_prefix('/').is_some_and(is_version)
}

/// `YYYY-MM-DD` or `YYYY-MM-DD-beta`.
pub fn is_version(v: &str) -> bool {
    let date = v.strip_suffix("-beta").unwrap_or(v);
    let b = date.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

/// An operation and which roles may call it.
pub struct Operation {
    pub name: &'static str,
    pub access: Access,
}

/// The operations of each module, in the order the WSDL lists them.
const GROUPS: &[&[Operation]] = &[
    company::OPERATIONS,
    folders::OPERATIONS,
    assets::OPERATIONS,
    trash::OPERATIONS,
    upload::OPERATIONS,
];

pub fn operations() -> impl Iterator<Item = &'static Operation> {
    GROUPS.iter().flat_map(|g| g.iter())
}

/// One authenticated call of an operation.
pub struct Call<'a> {
    pub state: &'a AppState,
    pub op: &'static Operation,
    pub params: Params<'a>,
    pub user: User,
    pub client: ClientInfo,
}

impl Call<'_> {
    /// The company of `companyHandle`, the caller's role there checked for this operation. An
    /// administrator of the company may act as another member with `accessUserHandle`.
    pub async fn company(&self) -> Result<auth::Company, Fault> {
        let handle = self.params.required("companyHandle")?;
        let company = auth::company(self.state, &self.user, handle, self.op.name, self.op.access).await?;
        match self.params.optional("accessUserHandle") {
            Some(other) => auth::impersonate(self.state, company, other, self.op.name, self.op.access).await,
            None => Ok(company),
        }
    }

    /// For operations without a company: whether the caller's roles allow this operation.
    pub async fn check_role(&self) -> Result<(), Fault> {
        auth::anywhere(self.state, &self.user, self.op.name, self.op.access).await
    }

    /// The (empty) `{op}Return` element.
    pub fn reply(&self) -> Out {
        Out::new(&format!("{}Return", self.op.name))
    }
}

async fn run(call: &Call<'_>) -> Result<Out, Fault> {
    if let Some(r) = company::run(call).await {
        return r;
    }
    if let Some(r) = folders::run(call).await {
        return r;
    }
    if let Some(r) = assets::run(call).await {
        return r;
    }
    if let Some(r) = trash::run(call).await {
        return r;
    }
    if let Some(r) = upload::run(call).await {
        return r;
    }
    unreachable!("{} is listed without a handler", call.op.name)
}

/// The routes; a service request's body is read within `max_body_bytes` by `service`, an
/// upload's within `max_upload_bytes`.
pub fn router(max_upload_bytes: u64) -> Router<AppState> {
    let upload_limit = usize::try_from(max_upload_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/scene7/services/IpsApiService", post(service))
        .route("/scene7/webservice/{file}", get(wsdl::serve))
        .route(
            "/scene7/UploadFile",
            post(upload::servlet).layer(DefaultBodyLimit::max(upload_limit)),
        )
        // IPS gzips when the client accepts it, unless the request said `gzipResponse` false.
        .layer(
            CompressionLayer::new()
                .gzip(true)
                .no_br()
                .no_deflate()
                .no_zstd()
                .compress_when(DefaultPredicate::new().and(not_marked_plain)),
        )
}

/// Marks a reply the client asked to have uncompressed (`gzipResponse` false). A marker rather
/// than `Content-Encoding: identity`, which would also stop the compression layer: PHP's
/// SoapClient, the most common Scene7 client, fails on any encoding it does not decode,
/// `identity` included, so such a reply carries no `Content-Encoding` at all.
#[derive(Debug, Clone, Copy)]
struct Plain;

fn not_marked_plain(_: StatusCode, _: Version, _: &HeaderMap, extensions: &Extensions) -> bool {
    extensions.get::<Plain>().is_none()
}

fn xml_response(status: StatusCode, version: SoapVersion, body: String, gzip: Option<bool>) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(version.content_type()));
    if gzip == Some(false) {
        response.extensions_mut().insert(Plain);
    }
    response
}

fn fault_response(version: SoapVersion, options: &RequestOptions, fault: &Fault) -> Response {
    tracing::info!(code = fault.code, reason = %fault.reason, "Scene7 fault");
    let status = fault.status(options.fault_status);
    fault.finish(xml_response(status, version, fault.envelope(version), options.gzip))
}

/// A SOAP request read up to authentication: its envelope, whose body element is in an IPS
/// namespace, and its options.
pub(crate) struct Request {
    pub envelope: soap::Envelope,
    pub options: RequestOptions,
}

/// Makes a request of an envelope (as read, or why it could not be), or answers the fault that
/// says why not.
pub(crate) fn read_request(
    headers: &HeaderMap,
    envelope: Result<soap::Envelope, ReadError>,
) -> Result<Request, Box<Response>> {
    // Until the envelope is read, its version is what the content type suggests.
    let guessed = match headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) {
        Some(ct) if ct.trim_start().to_ascii_lowercase().starts_with("application/soap+xml") => SoapVersion::V12,
        _ => SoapVersion::V11,
    };
    let refuse = |fault: Fault| Box::new(fault_response(guessed, &RequestOptions::default(), &fault));
    let envelope = match envelope {
        Ok(e) => e,
        Err(ReadError::Body(e)) => return Err(refuse(Fault::unreadable(&e))),
        Err(e) => return Err(refuse(Fault::ips(faults::INVALID_REQUEST_XML, e.to_string()))),
    };
    let options = RequestOptions::read(&envelope.headers, headers);
    let request = &envelope.body;
    if !request.namespace.as_deref().is_some_and(is_ips_namespace) {
        let why = format!(
            "The body element {} is not in an IPS namespace ({UNVERSIONED_NS}[/version])",
            request.name
        );
        return Err(Box::new(fault_response(
            envelope.version,
            &options,
            &Fault::ips(faults::INVALID_REQUEST_XML, why),
        )));
    }
    Ok(Request { envelope, options })
}

/// The operation a body element (`{op}Param`) calls, if this server serves it.
pub(crate) fn operation_of(element: &str) -> Option<&'static Operation> {
    element
        .strip_suffix("Param")
        .and_then(|name| operations().find(|o| o.name == name))
}

/// `POST /scene7/services/IpsApiService`: the envelope is read as the body arrives, within
/// `max_body_bytes` and the body budget, whose share is kept until the answer is made.
async fn service(State(state): State<AppState>, client: ClientInfo, headers: HeaderMap, body: Body) -> Response {
    let read = match state
        .budget
        .admit(&headers, body, state.limits.max_body_bytes as u64)
        .await
    {
        Ok(body) => soap::read_envelope_from(body).await,
        Err(e) => Err(ReadError::Body(e)),
    };
    let (envelope, _held) = match read {
        Ok((envelope, held)) => (Ok(envelope), Some(held)),
        Err(e) => (Err(e), None),
    };
    let Request { envelope, mut options } = match read_request(&headers, envelope) {
        Ok(r) => r,
        Err(response) => return *response,
    };
    options.client = client.clone();
    let version = envelope.version;
    let request = &envelope.body;
    let namespace = request.namespace.as_deref().unwrap_or(UNVERSIONED_NS);
    let user = match auth::authenticate(&state, &options).await {
        Ok(u) => u,
        Err(f) => return fault_response(version, &options, &f),
    };
    let Some(op) = operation_of(&request.name) else {
        // The nearest documented fault for an operation salvage does not serve (spec §16).
        let why = format!("Operation {} is not supported by this server", request.name);
        return fault_response(version, &options, &Fault::ips(faults::EXCEPTION, why));
    };
    let call = Call {
        state: &state,
        op,
        params: Params(request),
        user,
        client,
    };
    match run(&call).await {
        Ok(reply) => {
            tracing::debug!(operation = op.name, "Scene7 call");
            let body = soap::envelope(version, &reply.render(namespace));
            xml_response(StatusCode::OK, version, body, options.gzip)
        }
        Err(f) => fault_response(version, &options, &f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_namespaces() {
        for ok in [
            "http://www.scene7.com/IpsApi/xsd",
            "http://www.scene7.com/IpsApi/xsd/",
            "http://www.scene7.com/IpsApi/xsd/2008-01-15",
            "http://www.scene7.com/IpsApi/xsd/2022-11-01-beta",
        ] {
            assert!(is_ips_namespace(ok), "{ok}");
        }
        for bad in [
            "http://www.scene7.com/IpsApi",
            "http://www.scene7.com/IpsApi/xsdx",
            "http://www.scene7.com/IpsApi/xsd/2008-1-15",
            "http://www.scene7.com/IpsApi/xsd/2008-01-15-alpha",
            "http://tempuri.org/",
        ] {
            assert!(!is_ips_namespace(bad), "{bad}");
        }
    }
}
