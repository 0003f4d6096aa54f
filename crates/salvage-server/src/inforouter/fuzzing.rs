//! The infoRouter face's readers driven by the fuzz targets (see `crate::fuzzing`): the same
//! functions the four bindings and the operations call, without the repository behind them.

use super::binding::{self, Binding, Call};
use super::documents::{file_param, version_number};
use super::recycle::parse_handler;
use super::security::{parse_access_list, Names};
use super::shared::{backslashed, flag, format_of, segments, short_id};
use super::xml::XmlNode;
use crate::budget::BodyBudget;
use crate::soap::{read_document, SoapVersion};
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue};

/// A SOAP request to `/srv.asmx` in either version, routed by its body element and by a
/// SOAPAction, then every parameter read as the operations read them.
pub fn soap(body: &[u8]) {
    let headers = HeaderMap::new();
    for version in [SoapVersion::V11, SoapVersion::V12] {
        for action in [None, Some("http://tempuri.org/AuthenticateUser".to_owned())] {
            let envelope = crate::soap::read_envelope(body);
            if let Ok(call) = binding::read_soap(envelope, version, action, &headers, super::known) {
                parameters(&call);
            }
        }
    }
}

/// The HTTP GET binding's query string and the HTTP POST binding's form body.
pub fn form(encoded: &[u8]) {
    let headers = HeaderMap::new();
    let Ok(params) = std::str::from_utf8(encoded)
        .map_err(drop)
        .and_then(|q| super::pairs(q).map_err(drop))
    else {
        return;
    };
    for binding in [Binding::Get, Binding::Post] {
        parameters(&Call::new("GetDocument".to_owned(), binding, params.clone(), &headers));
    }
    let _ = super::http_operation(std::str::from_utf8(encoded).unwrap_or_default());
}

/// A `multipart/form-data` POST (UploadDocument): the form as the POST binding reads it.
pub fn multipart(content_type: &str, body: &[u8]) {
    let mut headers = HeaderMap::new();
    let Ok(value) = HeaderValue::from_str(content_type) else {
        return;
    };
    headers.insert(header::CONTENT_TYPE, value);
    let budget = BodyBudget::new(64 * 1024 * 1024, std::time::Duration::ZERO);
    let reading = super::multipart::Reading {
        budget: &budget,
        max_text_bytes: 16 * 1024 * 1024,
        max_file_bytes: 16 * 1024 * 1024,
        state: None,
    };
    let call = Call::new("UploadDocument".to_owned(), Binding::Post, Vec::new(), &headers);
    let body = Body::from(body.to_vec());
    if let Ok(call) = crate::fuzzing::block_on(super::multipart::read(&reading, &headers, body, call)) {
        parameters(&call);
    }
}

/// Every parameter of a call read in each way an operation may read it.
fn parameters(call: &Call) {
    let _ = call.ticket();
    // Each lookup scans the parameters; a few dozen names are plenty to exercise every reader.
    for name in call.names().take(32) {
        let value = call.param(name);
        let _ = flag(call, name);
        let _ = crate::fuzzing::block_on(file_param(call, name));
        let _ = version_number(value, 7);
        let _ = parse_access_list(value, &Names::default());
        let _ = format_of(value);
        path_texts(value);
        replies_are_well_formed(call, value);
    }
}

/// Handlers (`D12`, `F3`), short ids (`~D12.pdf`) and paths (`/Lib/a`, `\Lib\a`): what reads as
/// a handler is written again and reads back the same, and a path keeps its names whichever
/// slash it is written with.
pub fn path_texts(text: &str) {
    if let Some(handler) = parse_handler(text) {
        let written = handler.to_string();
        assert_eq!(parse_handler(&written), Some(handler), "handler {text:?}");
        if text.trim() == text && text.starts_with(['D', 'F']) && !text[1..].starts_with(['0', '+']) {
            assert_eq!(written, text, "handler {text:?}");
        }
    }
    let _ = short_id(text);
    let names = segments(text);
    assert_eq!(segments(&backslashed(text)), names, "path {text:?}");
    if let Ok(names) = &names {
        assert_eq!(
            segments(&format!("/{}", names.join("/"))).as_ref(),
            Ok(names),
            "path {text:?}"
        );
    }
}

/// A reply that quotes client text, in the call's binding, is well-formed XML that says the same.
fn replies_are_well_formed(call: &Call, text: &str) {
    let node = XmlNode::failure("response", text, 4000);
    let mut xml = String::new();
    node.render(&mut xml, matches!(call.binding, Binding::Soap(_)));
    match read_document(xml.as_bytes()) {
        Ok(root) => assert_eq!(root.attribute("error"), Some(text), "{xml}"),
        Err(e) => panic!("the reply for {text:?} is not well-formed: {e}\n{xml}"),
    }
}
