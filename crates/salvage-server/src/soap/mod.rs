//! SOAP machinery shared by the legacy faces (infoRouter `/srv.asmx`, Scene7 IPS): reading an
//! envelope by namespace URI and local name (clients choose their own prefixes), and writing
//! envelopes and faults in SOAP 1.1 or 1.2.
//!
//! It is a shared module, not a face: it serves no route and knows neither face, which only
//! call it, so both legacy faces stay siblings that share a toolkit (as they share `budget`).
//!
//! XML from the network is untrusted: a document type declaration is refused outright (so no
//! entity is ever defined, let alone expanded), unknown entity references are errors, and depth
//! and element count are bounded. Request bodies are read within their face's limit and the body
//! budget (`crate::budget`), to which a tree's memory beyond the body's bytes is charged.

mod read;
mod write;

pub use read::{read_document, read_envelope, Element, Envelope, ReadError};
pub(crate) use read::{read_document_charged, read_envelope_from};
pub use write::{envelope, envelope_parts, escape, fault, FaultCode};

pub const SOAP11_NS: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12_NS: &str = "http://www.w3.org/2003/05/soap-envelope";

/// Deepest element nesting accepted (a SOAP request needs a handful of levels).
pub const MAX_DEPTH: usize = 64;
/// Most elements accepted in one document.
pub const MAX_ELEMENTS: usize = 200_000;
/// Most attributes (namespace declarations included) accepted on one element. The XML reader
/// checks each attribute against the element's earlier ones for duplicates, so the work on one
/// element grows with the square of its attributes.
pub const MAX_ATTRIBUTES: usize = 64;
/// Most namespace declarations in scope at once. Every element's prefix is looked up among
/// them, so without a bound the work grows with elements times declarations.
pub const MAX_NAMESPACES: usize = 128;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SoapVersion {
    V11,
    V12,
}

impl SoapVersion {
    pub fn namespace(self) -> &'static str {
        match self {
            SoapVersion::V11 => SOAP11_NS,
            SoapVersion::V12 => SOAP12_NS,
        }
    }

    /// The content type of a reply in this version.
    pub fn content_type(self) -> &'static str {
        match self {
            SoapVersion::V11 => "text/xml; charset=utf-8",
            SoapVersion::V12 => "application/soap+xml; charset=utf-8",
        }
    }

    fn from_namespace(ns: &str) -> Option<SoapVersion> {
        match ns {
            SOAP11_NS => Some(SoapVersion::V11),
            SOAP12_NS => Some(SoapVersion::V12),
            _ => None,
        }
    }
}
