//! The four ASMX bindings: HTTP GET (`/srv.asmx/{Op}?…`), HTTP POST form (`/srv.asmx/{Op}`),
//! SOAP 1.1 and SOAP 1.2 (`POST /srv.asmx`). Each turns a request into a `Call` and a result node
//! back into the binding's response, as ASP.NET does.

use super::multipart::FilePart;
use super::xml::XmlNode;
use crate::budget::{BodyError, Reservation};
use crate::soap::{self, Envelope, FaultCode, ReadError, SoapVersion};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

pub const TEMPURI: &str = "http://tempuri.org/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Binding {
    Get,
    Post,
    Soap(SoapVersion),
}

/// What an operation answers: a whole result, or a list whose items are read and written a page
/// at a time, so that its memory does not grow with the list (`GetRecycleBinContent` of a bin of
/// a million items).
pub enum Answer {
    Whole(XmlNode),
    Listing {
        /// The result element (`<response success="true" error="">`) the items go in.
        root: XmlNode,
        /// The items, serialised, a page per element. An error after the first page ends the
        /// body abruptly, so a client never takes a cut list for a whole one.
        items: BoxStream<'static, Result<String, salvage_core::Error>>,
    },
}

impl From<XmlNode> for Answer {
    fn from(node: XmlNode) -> Self {
        Answer::Whole(node)
    }
}

/// One operation call: its name and parameters, whatever the binding.
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: String,
    pub binding: Binding,
    params: Vec<(String, String)>,
    /// File parts of a `multipart/form-data` POST, by field name.
    files: Vec<(String, FilePart)>,
    /// The `ticket` cookie, used where a ticket parameter is optional; kept for operations that
    /// change nothing only (see `READ_ONLY`).
    pub cookie_ticket: Option<String>,
    /// Who sent it, for the login throttle.
    pub client: crate::client::ClientInfo,
    /// The share of the body budget the parameters were read under: it is given back when the
    /// call (and so its parameters) is dropped.
    held: Option<Reservation>,
}

impl Call {
    pub fn new(operation: String, binding: Binding, params: Vec<(String, String)>, headers: &HeaderMap) -> Self {
        let cookie_ticket = cookie(headers, "ticket").filter(|_| super::reads_only(&operation));
        Call {
            operation,
            binding,
            params,
            files: Vec::new(),
            cookie_ticket,
            client: Default::default(),
            held: None,
        }
    }

    /// The same call, sent from `client`.
    pub fn sent_by(mut self, client: crate::client::ClientInfo) -> Self {
        self.client = client;
        self
    }

    /// The same call, keeping the share of the body budget its parameters were read under.
    pub fn holding(mut self, reservation: Option<Reservation>) -> Self {
        self.held = reservation;
        self
    }

    /// Adds a parameter (a text field of a multipart form).
    pub fn push_param(&mut self, name: String, value: String) {
        self.params.push((name, value));
    }

    /// Adds a file part of a multipart form.
    pub fn push_file(&mut self, name: String, file: FilePart) {
        self.files.push((name, file));
    }

    /// A file part by field name, in any case.
    pub fn file(&self, name: &str) -> Option<&FilePart> {
        self.files
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// A parameter by name, in any case (ASMX's value collections ignore case; SOAP clients are
    /// accepted the same way). Missing parameters read as empty, the lenient choice the spec
    /// recommends.
    pub fn param(&self, name: &str) -> &str {
        self.params
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map_or("", |(_, v)| v.as_str())
    }

    /// The parameter names, as the client sent them.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.params.iter().map(|(k, _)| k.as_str())
    }

    /// The ticket from `AuthenticationTicket`, else (for an operation that changes nothing) the
    /// `ticket` cookie.
    pub fn ticket(&self) -> Option<&str> {
        let given = self.param("AuthenticationTicket").trim();
        if !given.is_empty() {
            return Some(given);
        }
        self.cookie_ticket.as_deref().filter(|t| !t.is_empty())
    }

    /// The response for this call's binding.
    pub fn respond(&self, answer: Answer) -> Response {
        match answer {
            Answer::Whole(node) => self.respond_whole(&node),
            Answer::Listing { root, items } => self.respond_listing(&root, items),
        }
    }

    fn respond_whole(&self, node: &XmlNode) -> Response {
        match self.binding {
            Binding::Get | Binding::Post => {
                let mut body = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
                node.render(&mut body, false);
                xml_response(StatusCode::OK, "text/xml; charset=utf-8", body)
            }
            Binding::Soap(version) => {
                let op = &self.operation;
                let mut inner = format!("<{op}Response xmlns=\"{TEMPURI}\"><{op}Result>");
                node.render(&mut inner, true);
                inner.push_str(&format!("</{op}Result></{op}Response>"));
                xml_response(StatusCode::OK, version.content_type(), soap::envelope(version, &inner))
            }
        }
    }

    /// The same document as `respond_whole` would write for `root` holding every item, sent
    /// as the items are read.
    fn respond_listing(
        &self,
        root: &XmlNode,
        items: BoxStream<'static, Result<String, salvage_core::Error>>,
    ) -> Response {
        let (mut head, mut tail, content_type) = match self.binding {
            Binding::Get | Binding::Post => (
                String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"),
                String::new(),
                "text/xml; charset=utf-8",
            ),
            Binding::Soap(version) => {
                let op = &self.operation;
                let (envelope_head, envelope_tail) = soap::envelope_parts(version);
                (
                    format!("{envelope_head}<{op}Response xmlns=\"{TEMPURI}\"><{op}Result>"),
                    format!("</{op}Result></{op}Response>{envelope_tail}"),
                    version.content_type(),
                )
            }
        };
        let unqualified = matches!(self.binding, Binding::Soap(_));
        root.render_start(&mut head, unqualified);
        let mut end = String::new();
        root.render_end(&mut end);
        tail.insert_str(0, &end);
        let body = stream::once(async move { Ok(head) })
            .chain(items)
            .chain(stream::once(async move { Ok(tail) }))
            .map_ok(bytes::Bytes::from)
            .map_err(|e| std::io::Error::other(e.to_string()));
        let mut response = Body::from_stream(body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        response
    }
}

fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then(|| v.to_owned())
        })
}

fn xml_response(status: StatusCode, content_type: &'static str, body: String) -> Response {
    let mut response = (status, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// An exception of the GET/POST bindings: HTTP 500, plain text, as ASP.NET reports it.
pub fn exception(kind: &str, message: &str) -> Response {
    let mut response = (
        StatusCode::INTERNAL_SERVER_ERROR,
        format!("System.{kind}: {message}\r\n"),
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The answer to a body that could not be read — too large, too slow to arrive, or refused for
/// want of room in the body budget — in the binding's form: a SOAP fault, or the exception of
/// the GET/POST bindings, as ASP.NET reports them.
pub fn unreadable(binding: Binding, error: &BodyError) -> Response {
    let (status, code, why) = match error {
        BodyError::TimedOut => (
            StatusCode::REQUEST_TIMEOUT,
            FaultCode::Client,
            "The request body stopped arriving.".to_owned(),
        ),
        BodyError::TooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            FaultCode::Client,
            "Maximum request length exceeded.".to_owned(),
        ),
        BodyError::Busy { retry_after } => (
            StatusCode::SERVICE_UNAVAILABLE,
            FaultCode::Server,
            format!("Server Too Busy: try again in {retry_after} seconds."),
        ),
        BodyError::Broken(why) => (StatusCode::BAD_REQUEST, FaultCode::Client, why.clone()),
    };
    let mut response = match binding {
        Binding::Soap(version) => soap_fault(
            version,
            status,
            code,
            &format!("Server was unable to read request. ---> {why}"),
        ),
        Binding::Get | Binding::Post => exception("Web.HttpException", &why),
    };
    *response.status_mut() = status;
    if let BodyError::Busy { retry_after } = error {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
    }
    response
}

/// A SOAP fault in the request's version.
pub fn soap_fault(version: SoapVersion, status: StatusCode, code: FaultCode, reason: &str) -> Response {
    xml_response(status, version.content_type(), soap::fault(version, code, reason, None))
}

/// The SOAP version and action a request declares by its content type and headers.
pub fn soap_request(headers: &HeaderMap) -> Option<(SoapVersion, Option<String>)> {
    let raw = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    let media = raw.split(';').next()?.trim().to_ascii_lowercase();
    match media.as_str() {
        "application/soap+xml" => {
            let action = raw.split(';').skip(1).find_map(|p| {
                let (k, v) = p.trim().split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("action")
                    .then(|| v.trim().trim_matches('"').to_owned())
            });
            Some((SoapVersion::V12, action))
        }
        "text/xml" => {
            let action = headers
                .get("soapaction")
                .and_then(|v| v.to_str().ok())
                .map(|a| a.trim().trim_matches('"').to_owned());
            Some((SoapVersion::V11, action))
        }
        _ => None,
    }
}

/// Makes a call of a SOAP request's envelope (as read, or why it could not be). `known` tells
/// whether an operation exists. The parameters are moved out of the envelope, not copied.
pub fn read_soap(
    envelope: Result<Envelope, ReadError>,
    version: SoapVersion,
    action: Option<String>,
    headers: &HeaderMap,
    known: impl Fn(&str) -> bool,
) -> Result<Call, Box<Response>> {
    let refuse = |status, reason: &str| Box::new(soap_fault(version, status, FaultCode::Client, reason));
    let envelope = envelope.map_err(|e| {
        let reason = match &e {
            ReadError::Body(body) => return Box::new(unreadable(Binding::Soap(version), body)),
            ReadError::Malformed(_) | ReadError::NotEnvelope(_) => {
                format!("Server was unable to read request. ---> {e}")
            }
            ReadError::Refused(_) => format!("Server refused to read request. ---> {e}"),
        };
        refuse(StatusCode::BAD_REQUEST, &reason)
    })?;
    if envelope.version != version {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "The envelope's SOAP version does not match the request's content type.",
        ));
    }
    // The action names the operation; without one, the first body element does (§12 #23).
    let operation = match action.as_deref() {
        Some(a) if !a.is_empty() => {
            let op = a.strip_prefix(TEMPURI).unwrap_or(a);
            if !known(op) {
                return Err(refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("Server did not recognize the value of HTTP Header SOAPAction: {a}."),
                ));
            }
            op.to_owned()
        }
        Some(a) => {
            return Err(refuse(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("Server did not recognize the value of HTTP Header SOAPAction: {a}."),
            ));
        }
        None => {
            let op = envelope.body.name.clone();
            if !known(&op) {
                return Err(refuse(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    &format!("Server did not recognize the request element {op}."),
                ));
            }
            op
        }
    };
    if envelope.body.name != operation {
        return Err(refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!(
                "Server was unable to read request. ---> The body element {} does not match the action {operation}.",
                envelope.body.name
            ),
        ));
    }
    let params = envelope.body.children.into_iter().map(|c| (c.name, c.text)).collect();
    Ok(Call::new(operation, Binding::Soap(version), params, headers))
}
