//! The Scene7 face's readers driven by the fuzz targets (see `crate::fuzzing`): the same
//! functions the service and the upload servlet call, without the repository behind them.

use super::faults::Fault;
use super::xml::Params;
use super::{handles, upload};
use crate::soap::{read_document, Element, SoapVersion};
use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{header, HeaderMap, HeaderValue, Request};

/// A SOAP request to `/scene7/services/IpsApiService`: the envelope, its options, the
/// operation, and every parameter read in each way the operations read them.
pub fn soap(content_type: &str, body: &[u8]) {
    let mut headers = HeaderMap::new();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    let Ok(request) = super::read_request(&headers, crate::soap::read_envelope(body)) else {
        return;
    };
    let element = &request.envelope.body;
    let _ = super::operation_of(&element.name);
    parameters(element);
    for header in &request.envelope.headers {
        parameters(header);
    }
}

/// Reads every child of an element as each kind of parameter, and each text as each handle.
fn parameters(element: &Element) {
    let params = Params(element);
    // Each lookup scans the children; a few dozen are plenty to exercise every reader.
    for child in element.children.iter().take(32) {
        let name = child.name.as_str();
        let _ = params.bool(name);
        let _ = params.int(name);
        let _ = params.items(name);
        if let Some(text) = params.optional(name) {
            handle_texts(text);
            replies_are_well_formed(text);
        }
        parameters(child);
    }
}

/// A fault that quotes client text still reads back as XML, with the text intact.
fn replies_are_well_formed(text: &str) {
    let fault = Fault::invalid("p", text);
    for version in [SoapVersion::V11, SoapVersion::V12] {
        let envelope = fault.envelope(version);
        if let Err(e) = read_document(envelope.as_bytes()) {
            panic!("the fault for {text:?} is not well-formed: {e}\n{envelope}");
        }
    }
}

/// A `/scene7/UploadFile` form: the multipart parts as axum reads them, the `auth` and
/// `uploadParams` parts as the servlet reads them, and the files drained.
pub fn upload(content_type: &str, body: &[u8]) {
    crate::fuzzing::block_on(async {
        let request = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body.to_vec()));
        let Ok(request) = request else { return };
        let headers = request.headers().clone();
        let Ok(mut form) = Multipart::from_request(request, &()).await else {
            return;
        };
        while let Ok(Some(field)) = form.next_field().await {
            match field.name().unwrap_or_default() {
                "auth" => {
                    if let Ok(text) = field.text().await {
                        let _ = upload::auth_part(&text, &headers, None);
                    }
                }
                "uploadParams" | "uploadPostParams" => {
                    if let Ok(text) = field.text().await {
                        if let Ok(doc) = upload::params_part(&text, None) {
                            parameters(&doc);
                        }
                    }
                }
                _ => {
                    if field.bytes().await.is_err() {
                        return;
                    }
                }
            }
        }
    });
}

/// Every kind of handle, read from `text`; what reads as a handle is written again and reads
/// back the same, and a handle already in the emitted form is written exactly as given.
pub fn handle_texts(text: &str) {
    if let Some(id) = handles::parse_company(text) {
        let written = handles::company(id);
        assert_eq!(handles::parse_company(&written), Some(id), "company {text:?}");
        if canonical_number(text.strip_prefix("c|")) {
            assert_eq!(written, text);
        }
    }
    if let Some(id) = handles::parse_asset(text) {
        let written = handles::asset(id);
        assert_eq!(handles::parse_asset(&written), Some(id), "asset {text:?}");
        if canonical_number(text.strip_prefix("a|")) {
            assert_eq!(written, text);
        }
    }
    if let Some(id) = handles::parse_user(text) {
        let written = handles::user(id, "someone@example.com");
        assert_eq!(handles::parse_user(&written), Some(id), "user {text:?}");
    }
    for company in ["Acme", "a", "Acme/Sub"] {
        if let Some(names) = handles::parse_folder(text, company) {
            let written = handles::folder(company, &names);
            assert_eq!(
                handles::parse_folder(&written, company),
                Some(names.clone()),
                "folder {text:?} in {company:?}"
            );
            // Written as read unless it was spelt otherwise than names are stored (another
            // normalization form, backslashes, doubled slashes, white space around it).
            let canonical = !text.contains("//") && !text.contains('\\') && text.trim() == text;
            if text.starts_with("f|") && text.ends_with('/') && canonical && salvage_core::name::is_nfc(text) {
                assert_eq!(written, text, "folder {text:?} in {company:?}");
            }
            assert_eq!(super::folders::relative_names(company, text), Ok(names));
        }
        let _ = super::folders::relative_names(company, text);
    }
}

/// Digits with no sign, no padding and no leading zero: the form salvage writes numbers in.
fn canonical_number(s: Option<&str>) -> bool {
    s.is_some_and(|s| !s.is_empty() && !s.starts_with('0') && s.bytes().all(|b| b.is_ascii_digit()))
}
