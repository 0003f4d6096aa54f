//! The service description, generated per API version: `/scene7/webservice/IpsApi.wsdl` (the
//! pre-4.0 unversioned namespace) and `/scene7/webservice/IpsApi-{version}.wsdl`. No original
//! IPS WSDL is public, so this one is written from the published schema fragments
//! (`schema.txt`, a copy of the spec's subset): one element per `{op}Param` and `{op}Return`,
//! the types they use, the unversioned `authHeader` SOAP header and the three faults, and a SOAP
//! 1.1 and a SOAP 1.2 binding whose `soap:address` is this server (or `?serviceUrl=`).

use super::{is_version, operations, UNVERSIONED_NS, WSDL_NS};
use crate::client::ClientInfo;
use crate::soap::escape;
use axum::extract::{Path, Query};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::OnceLock;

const SCHEMA: &str = include_str!("schema.txt");
pub const SERVICE_PATH: &str = "/scene7/services/IpsApiService";

/// One block of `schema.txt`: a complex type (or an operation element's anonymous type) and its
/// fields in sequence order.
#[derive(Debug)]
pub struct Block {
    pub name: String,
    pub fields: Vec<Field>,
}

#[derive(Debug)]
pub struct Field {
    pub name: String,
    /// `xsd:string`, or `types:Asset` for a type of the schema.
    pub ty: String,
    pub min: String,
    pub max: String,
}

/// The blocks of `schema.txt`, parsed once.
pub fn blocks() -> &'static [Block] {
    static BLOCKS: OnceLock<Vec<Block>> = OnceLock::new();
    BLOCKS.get_or_init(|| parse(SCHEMA))
}

fn parse(text: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if let Some(name) = line.strip_suffix(" (sequence):") {
            blocks.push(Block {
                name: name.trim().to_owned(),
                fields: Vec::new(),
            });
            continue;
        }
        let parts: Vec<&str> = line.split_whitespace().collect();
        if let ([name, ty, occurs], Some(block)) = (parts.as_slice(), blocks.last_mut()) {
            let (min, max) = occurs.split_once("..").unwrap_or(("1", "1"));
            block.fields.push(Field {
                name: (*name).to_owned(),
                ty: (*ty).to_owned(),
                min: min.to_owned(),
                max: max.to_owned(),
            });
        }
    }
    blocks
}

/// `AddCompanyParam` is the type of the element `addCompanyParam`.
fn element_name(block: &str) -> String {
    let mut chars = block.chars();
    chars
        .next()
        .map(|c| c.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn is_operation_block(name: &str) -> bool {
    name.ends_with("Param") || name.ends_with("Return")
}

fn sequence(out: &mut String, fields: &[Field]) {
    out.push_str("<xsd:sequence>");
    for f in fields {
        let max = if f.max == "unbounded" { "unbounded" } else { "1" };
        let _ = write!(
            out,
            "<xsd:element name=\"{}\" type=\"{}\" minOccurs=\"{}\" maxOccurs=\"{max}\"/>",
            f.name, f.ty, f.min
        );
    }
    out.push_str("</xsd:sequence>");
}

/// The unversioned elements: the `authHeader` (children in any order, all optional, as the
/// real unversioned header is) and the three fault details.
fn common_elements() -> String {
    let mut out = String::from("<xsd:element name=\"authHeader\"><xsd:complexType><xsd:all>");
    for (name, ty) in [
        ("user", "string"),
        ("password", "string"),
        ("accessToken", "string"),
        ("locale", "string"),
        ("appName", "string"),
        ("appVersion", "string"),
        ("gzipResponse", "boolean"),
        ("faultHttpStatusCode", "int"),
    ] {
        let _ = write!(out, "<xsd:element name=\"{name}\" type=\"xsd:{ty}\" minOccurs=\"0\"/>");
    }
    out.push_str(
        "</xsd:all><xsd:anyAttribute namespace=\"##other\" processContents=\"lax\"/></xsd:complexType></xsd:element>",
    );
    for fault in ["authenticationFault", "authorizationFault", "ipsApiFault"] {
        let _ = write!(
            out,
            "<xsd:element name=\"{fault}\"><xsd:complexType><xsd:sequence><xsd:element name=\"code\" type=\"xsd:int\"/><xsd:element name=\"reason\" type=\"xsd:string\"/></xsd:sequence><xsd:anyAttribute namespace=\"##other\" processContents=\"lax\"/></xsd:complexType></xsd:element>"
        );
    }
    out
}

/// The schema of the versioned namespace: every type, and the elements of the operations served.
fn types_schema(ns: &str) -> String {
    let served: Vec<String> = operations()
        .flat_map(|o| [format!("{}Param", o.name), format!("{}Return", o.name)])
        .collect();
    let mut out = format!("<xsd:schema targetNamespace=\"{ns}\" elementFormDefault=\"qualified\">");
    if ns == UNVERSIONED_NS {
        out.push_str(&common_elements());
    }
    for block in blocks() {
        if is_operation_block(&block.name) {
            let element = element_name(&block.name);
            if !served.contains(&element) {
                continue;
            }
            let _ = write!(out, "<xsd:element name=\"{element}\"><xsd:complexType>");
            sequence(&mut out, &block.fields);
            out.push_str("</xsd:complexType></xsd:element>");
        } else if block.name != "AuthHeader" {
            let _ = write!(out, "<xsd:complexType name=\"{}\">", block.name);
            sequence(&mut out, &block.fields);
            out.push_str("</xsd:complexType>");
        }
    }
    out.push_str("</xsd:schema>");
    out
}

/// The WSDL for the API namespace `ns`, served at `address`.
pub fn document(ns: &str, address: &str) -> String {
    let faults = ["authenticationFault", "authorizationFault", "ipsApiFault"];
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
<wsdl:definitions xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\" xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns:soap12=\"http://schemas.xmlsoap.org/wsdl/soap12/\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:tns=\"{WSDL_NS}\" xmlns:types=\"{ns}\" xmlns:auth=\"{UNVERSIONED_NS}\" targetNamespace=\"{WSDL_NS}\" name=\"IpsApiService\"><wsdl:types>"
    );
    if ns != UNVERSIONED_NS {
        let _ = write!(
            out,
            "<xsd:schema targetNamespace=\"{UNVERSIONED_NS}\" elementFormDefault=\"qualified\">{}</xsd:schema>",
            common_elements()
        );
    }
    out.push_str(&types_schema(ns));
    out.push_str("</wsdl:types><wsdl:message name=\"authHeader\"><wsdl:part name=\"authHeader\" element=\"auth:authHeader\"/></wsdl:message>");
    for f in faults {
        let _ = write!(
            out,
            "<wsdl:message name=\"{f}\"><wsdl:part name=\"fault\" element=\"auth:{f}\"/></wsdl:message>"
        );
    }
    for op in operations() {
        let n = op.name;
        let _ = write!(
            out,
            "<wsdl:message name=\"{n}Request\"><wsdl:part name=\"parameters\" element=\"types:{n}Param\"/></wsdl:message>\
             <wsdl:message name=\"{n}Response\"><wsdl:part name=\"parameters\" element=\"types:{n}Return\"/></wsdl:message>"
        );
    }
    out.push_str("<wsdl:portType name=\"IpsApiPortType\">");
    for op in operations() {
        let n = op.name;
        let _ = write!(
            out,
            "<wsdl:operation name=\"{n}\"><wsdl:input message=\"tns:{n}Request\"/><wsdl:output message=\"tns:{n}Response\"/>"
        );
        for f in faults {
            let _ = write!(out, "<wsdl:fault name=\"{f}\" message=\"tns:{f}\"/>");
        }
        out.push_str("</wsdl:operation>");
    }
    out.push_str("</wsdl:portType>");
    for (binding, prefix) in [("IpsApiSoapBinding", "soap"), ("IpsApiSoap12Binding", "soap12")] {
        let _ = write!(
            out,
            "<wsdl:binding name=\"{binding}\" type=\"tns:IpsApiPortType\"><{prefix}:binding style=\"document\" transport=\"http://schemas.xmlsoap.org/soap/http\"/>"
        );
        for op in operations() {
            let n = op.name;
            let _ = write!(
                out,
                "<wsdl:operation name=\"{n}\"><{prefix}:operation soapAction=\"{n}\" style=\"document\"/>\
                 <wsdl:input><{prefix}:body use=\"literal\"/><{prefix}:header message=\"tns:authHeader\" part=\"authHeader\" use=\"literal\"/></wsdl:input>\
                 <wsdl:output><{prefix}:body use=\"literal\"/></wsdl:output>"
            );
            for f in faults {
                let _ = write!(
                    out,
                    "<wsdl:fault name=\"{f}\"><{prefix}:fault name=\"{f}\" use=\"literal\"/></wsdl:fault>"
                );
            }
            out.push_str("</wsdl:operation>");
        }
        out.push_str("</wsdl:binding>");
    }
    let address = escape(address);
    let _ = write!(
        out,
        "<wsdl:service name=\"IpsApiService\">\
         <wsdl:port name=\"IpsApiSoapPort\" binding=\"tns:IpsApiSoapBinding\"><soap:address location=\"{address}\"/></wsdl:port>\
         <wsdl:port name=\"IpsApiSoap12Port\" binding=\"tns:IpsApiSoap12Binding\"><soap12:address location=\"{address}\"/></wsdl:port>\
         </wsdl:service></wsdl:definitions>"
    );
    out
}

/// The namespace a WSDL file name stands for: `IpsApi.wsdl` or `IpsApi-{version}.wsdl`.
fn namespace_of(file: &str) -> Option<String> {
    let stem = file.strip_suffix(".wsdl")?;
    if stem == "IpsApi" {
        return Some(UNVERSIONED_NS.to_owned());
    }
    let version = stem.strip_prefix("IpsApi-")?;
    is_version(version).then(|| format!("{UNVERSIONED_NS}/{version}"))
}

/// `GET /scene7/webservice/{file}`.
pub async fn serve(
    Path(file): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    client: ClientInfo,
) -> Response {
    let Some(ns) = namespace_of(&file) else {
        return (StatusCode::NOT_FOUND, "no such service description").into_response();
    };
    let address = match query.get("serviceUrl").map(|u| u.trim()).filter(|u| !u.is_empty()) {
        // A bare server address gets the service's path; a full URL is taken as it is.
        Some(url) => match url.split_once("://") {
            Some((_, rest)) if !rest.trim_end_matches('/').contains('/') => {
                format!("{}{SERVICE_PATH}", url.trim_end_matches('/'))
            }
            _ => url.to_owned(),
        },
        // The address the client used, as a trusted proxy tells it.
        None => format!("{}{SERVICE_PATH}", client.origin()),
    };
    let mut response = document(&ns, &address).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::read_document;

    #[test]
    fn every_operation_and_every_referenced_type_is_defined() {
        let names: Vec<&str> = blocks().iter().map(|b| b.name.as_str()).collect();
        for op in operations() {
            for suffix in ["Param", "Return"] {
                let block = format!("{}{}{suffix}", op.name[..1].to_ascii_uppercase(), &op.name[1..]);
                assert!(names.contains(&block.as_str()), "{block} is missing from schema.txt");
            }
        }
        for block in blocks() {
            for f in &block.fields {
                if let Some(t) = f.ty.strip_prefix("types:") {
                    assert!(names.contains(&t), "{}.{} uses undefined {t}", block.name, f.name);
                } else {
                    assert!(f.ty.starts_with("xsd:"), "{}.{}: {}", block.name, f.name, f.ty);
                }
            }
        }
    }

    #[test]
    fn documents_are_well_formed_and_point_at_the_service() {
        for ns in [UNVERSIONED_NS.to_owned(), format!("{UNVERSIONED_NS}/2008-01-15")] {
            let doc = document(&ns, "http://example.test/scene7/services/IpsApiService");
            let root = read_document(doc.as_bytes()).unwrap();
            assert_eq!(root.name, "definitions");
            let service = root.child("service").unwrap();
            assert_eq!(
                service
                    .child("port")
                    .unwrap()
                    .child("address")
                    .unwrap()
                    .attribute("location"),
                Some("http://example.test/scene7/services/IpsApiService")
            );
            let schemas = &root.child("types").unwrap().children;
            assert!(schemas
                .iter()
                .any(|s| s.attribute("targetNamespace") == Some(ns.as_str())));
        }
        assert_eq!(
            namespace_of("IpsApi-2014-04-03.wsdl").as_deref(),
            Some("http://www.scene7.com/IpsApi/xsd/2014-04-03")
        );
        assert_eq!(
            namespace_of("IpsApi-2022-11-01-beta.wsdl").as_deref(),
            Some("http://www.scene7.com/IpsApi/xsd/2022-11-01-beta")
        );
        assert_eq!(namespace_of("IpsApi-latest.wsdl"), None);
        assert_eq!(namespace_of("other.wsdl"), None);
    }
}
