//! The service description, in the shape ASP.NET generates: service `srv`, namespace
//! `http://tempuri.org/`, results declared as `xsd:any`, and four bindings (SOAP 1.1, SOAP 1.2,
//! HTTP GET, HTTP POST).
//!
//! WSDL-driven clients (zeep, .NET proxies) build their calls and read the replies from this
//! document alone, so each declared type must match what the server reads and writes: a
//! `byte[]` is `base64Binary` both ways, and a flag is a `boolean` the client may send as one.

use super::binding::TEMPURI;
use super::operations;
use crate::soap::escape;

/// The XML Schema type of a parameter, by its name (spec §5–§9 tables). The operation tables
/// list names only and every parameter not named here is a string; the names are consistent
/// across operations, so the name alone decides. The server reads all of these from text, and
/// accepts the lexical forms a client writes for the declared type (`true`, `42`,
/// `2024-06-15T10:23:45Z`, base64).
fn param_type(name: &str) -> &'static str {
    match name {
        // `byte[]`.
        "FileContent" | "FileChunk" => "base64Binary",
        // `bool`.
        "WithRules" | "withPropertySets" | "withSecurity" | "withOwner" | "withVersions" | "Anonymous" | "Hidden"
        | "ReadOnlyUser" | "Checkout" | "LastChunk" | "ApplyToTree" => "boolean",
        // `int`.
        "PreferedChunkSize" | "PageNumber" | "VersionNumber" | "DocumentTypeID" | "ActionId" => "int",
        // `long`.
        "minSize" | "maxSize" => "long",
        // `DateTime`.
        "dateDeletedMinDate" | "dateDeletedMaxDate" | "StartDate" | "EndDate" => "dateTime",
        _ => "string",
    }
}

/// ASMX declares .NET value types as required (`minOccurs="1"`) and reference types (`string`,
/// `byte[]`) as optional; a proxy generated from this WSDL then has the same signature as one
/// generated from infoRouter's. (The server itself reads a missing parameter as empty.)
fn min_occurs(xsd_type: &str) -> u8 {
    match xsd_type {
        "string" | "base64Binary" => 0,
        _ => 1,
    }
}

/// The type of an operation's result when it is not an `XmlNode`: `byte[]` results are
/// `base64Binary`, which the server writes as bare base64 text inside `{Op}Result` over SOAP
/// and as `<base64Binary xmlns="http://tempuri.org/">` over GET/POST (see `xml::XmlNode::scalar`).
fn result_type(operation: &str) -> Option<&'static str> {
    match operation {
        "DownloadDocument" => Some("base64Binary"),
        _ => None,
    }
}

pub fn document(address: &str) -> String {
    let mut types = String::new();
    let mut messages = String::new();
    let (mut soap_ops, mut get_ops, mut post_ops) = (String::new(), String::new(), String::new());
    let (mut soap11, mut soap12, mut get_binding, mut post_binding) =
        (String::new(), String::new(), String::new(), String::new());
    let mut scalar_results = Vec::new();
    for op in operations() {
        let n = op.name;
        let fields: String = op
            .params
            .iter()
            .map(|p| {
                let t = param_type(p);
                let min = min_occurs(t);
                format!("<s:element minOccurs=\"{min}\" maxOccurs=\"1\" name=\"{p}\" type=\"s:{t}\" />")
            })
            .collect();
        let parts: String = op
            .params
            .iter()
            .map(|p| format!("<wsdl:part name=\"{p}\" type=\"s:{}\" />", param_type(p)))
            .collect();
        // An `XmlNode` result is `xsd:any` in SOAP and an untyped text/xml body over GET/POST; a
        // scalar result is typed in SOAP and a global element of its type over GET/POST.
        let (result, http_out, http_output) = match result_type(n) {
            None => (
                format!("<s:element minOccurs=\"0\" maxOccurs=\"1\" name=\"{n}Result\"><s:complexType mixed=\"true\"><s:sequence><s:any /></s:sequence></s:complexType></s:element>"),
                "<wsdl:part name=\"Body\" />".to_owned(),
                "<mime:content part=\"Body\" type=\"text/xml\" />",
            ),
            Some(t) => {
                if !scalar_results.contains(&t) {
                    scalar_results.push(t);
                }
                (
                    format!("<s:element minOccurs=\"{}\" maxOccurs=\"1\" name=\"{n}Result\" type=\"s:{t}\" />", min_occurs(t)),
                    format!("<wsdl:part name=\"Body\" element=\"tns:{t}\" />"),
                    "<mime:mimeXml part=\"Body\" />",
                )
            }
        };
        types.push_str(&format!(
            "<s:element name=\"{n}\"><s:complexType><s:sequence>{fields}</s:sequence></s:complexType></s:element>\
             <s:element name=\"{n}Response\"><s:complexType><s:sequence>{result}</s:sequence></s:complexType></s:element>"
        ));
        messages.push_str(&format!(
            "<wsdl:message name=\"{n}SoapIn\"><wsdl:part name=\"parameters\" element=\"tns:{n}\" /></wsdl:message>\
             <wsdl:message name=\"{n}SoapOut\"><wsdl:part name=\"parameters\" element=\"tns:{n}Response\" /></wsdl:message>\
             <wsdl:message name=\"{n}HttpGetIn\">{parts}</wsdl:message><wsdl:message name=\"{n}HttpGetOut\">{http_out}</wsdl:message>\
             <wsdl:message name=\"{n}HttpPostIn\">{parts}</wsdl:message><wsdl:message name=\"{n}HttpPostOut\">{http_out}</wsdl:message>"
        ));
        soap_ops.push_str(&format!("<wsdl:operation name=\"{n}\"><wsdl:input message=\"tns:{n}SoapIn\" /><wsdl:output message=\"tns:{n}SoapOut\" /></wsdl:operation>"));
        get_ops.push_str(&format!("<wsdl:operation name=\"{n}\"><wsdl:input message=\"tns:{n}HttpGetIn\" /><wsdl:output message=\"tns:{n}HttpGetOut\" /></wsdl:operation>"));
        post_ops.push_str(&format!("<wsdl:operation name=\"{n}\"><wsdl:input message=\"tns:{n}HttpPostIn\" /><wsdl:output message=\"tns:{n}HttpPostOut\" /></wsdl:operation>"));
        for (out, prefix) in [(&mut soap11, "soap"), (&mut soap12, "soap12")] {
            out.push_str(&format!(
                "<wsdl:operation name=\"{n}\"><{prefix}:operation soapAction=\"{TEMPURI}{n}\" style=\"document\" /><wsdl:input><{prefix}:body use=\"literal\" /></wsdl:input><wsdl:output><{prefix}:body use=\"literal\" /></wsdl:output></wsdl:operation>"
            ));
        }
        get_binding.push_str(&format!(
            "<wsdl:operation name=\"{n}\"><http:operation location=\"/{n}\" /><wsdl:input><http:urlEncoded /></wsdl:input><wsdl:output>{http_output}</wsdl:output></wsdl:operation>"
        ));
        post_binding.push_str(&format!(
            "<wsdl:operation name=\"{n}\"><http:operation location=\"/{n}\" /><wsdl:input><mime:content type=\"application/x-www-form-urlencoded\" /></wsdl:input><wsdl:output>{http_output}</wsdl:output></wsdl:operation>"
        ));
    }
    // The GET/POST body of a scalar result, e.g. `<base64Binary xmlns="http://tempuri.org/">`.
    for t in scalar_results {
        types.push_str(&format!("<s:element name=\"{t}\" nillable=\"true\" type=\"s:{t}\" />"));
    }
    let address = escape(address);
    format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
<wsdl:definitions xmlns:soap=\"http://schemas.xmlsoap.org/wsdl/soap/\" xmlns:tm=\"http://microsoft.com/wsdl/mime/textMatching/\" xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\" xmlns:mime=\"http://schemas.xmlsoap.org/wsdl/mime/\" xmlns:tns=\"{TEMPURI}\" xmlns:s=\"http://www.w3.org/2001/XMLSchema\" xmlns:soap12=\"http://schemas.xmlsoap.org/wsdl/soap12/\" xmlns:http=\"http://schemas.xmlsoap.org/wsdl/http/\" targetNamespace=\"{TEMPURI}\" xmlns:wsdl=\"http://schemas.xmlsoap.org/wsdl/\">\
<wsdl:types><s:schema elementFormDefault=\"qualified\" targetNamespace=\"{TEMPURI}\">{types}</s:schema></wsdl:types>{messages}\
<wsdl:portType name=\"srvSoap\">{soap_ops}</wsdl:portType><wsdl:portType name=\"srvHttpGet\">{get_ops}</wsdl:portType><wsdl:portType name=\"srvHttpPost\">{post_ops}</wsdl:portType>\
<wsdl:binding name=\"srvSoap\" type=\"tns:srvSoap\"><soap:binding transport=\"http://schemas.xmlsoap.org/soap/http\" />{soap11}</wsdl:binding>\
<wsdl:binding name=\"srvSoap12\" type=\"tns:srvSoap\"><soap12:binding transport=\"http://schemas.xmlsoap.org/soap/http\" />{soap12}</wsdl:binding>\
<wsdl:binding name=\"srvHttpGet\" type=\"tns:srvHttpGet\"><http:binding verb=\"GET\" />{get_binding}</wsdl:binding>\
<wsdl:binding name=\"srvHttpPost\" type=\"tns:srvHttpPost\"><http:binding verb=\"POST\" />{post_binding}</wsdl:binding>\
<wsdl:service name=\"srv\">\
<wsdl:port name=\"srvSoap\" binding=\"tns:srvSoap\"><soap:address location=\"{address}\" /></wsdl:port>\
<wsdl:port name=\"srvSoap12\" binding=\"tns:srvSoap12\"><soap12:address location=\"{address}\" /></wsdl:port>\
<wsdl:port name=\"srvHttpGet\" binding=\"tns:srvHttpGet\"><http:address location=\"{address}\" /></wsdl:port>\
<wsdl:port name=\"srvHttpPost\" binding=\"tns:srvHttpPost\"><http:address location=\"{address}\" /></wsdl:port>\
</wsdl:service></wsdl:definitions>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::{read_document, Element};

    /// The schema's declaration of `{name}`, a top-level element of the schema.
    fn declaration<'a>(schema: &'a Element, name: &str) -> &'a Element {
        schema
            .children_named("element")
            .find(|e| e.attribute("name") == Some(name))
            .unwrap_or_else(|| panic!("the schema declares {name}"))
    }

    /// The fields of an operation's request or response element, as (name, minOccurs, type).
    fn fields<'a>(schema: &'a Element, element: &str) -> Vec<(&'a str, &'a str, &'a str)> {
        let sequence = declaration(schema, element)
            .child("complexType")
            .and_then(|c| c.child("sequence"))
            .unwrap();
        sequence
            .children_named("element")
            .map(|e| {
                let attr = |a| e.attribute(a).unwrap_or("");
                (attr("name"), attr("minOccurs"), attr("type"))
            })
            .collect()
    }

    #[test]
    fn the_wsdl_is_well_formed_and_types_what_the_server_reads_and_writes() {
        let wsdl = document("http://example.test/srv.asmx?a=1&b=2");
        // The namespace-aware reader also rejects a prefix that is not declared.
        let definitions = read_document(wsdl.as_bytes()).expect("the WSDL is well-formed XML");
        let schema = definitions.child("types").and_then(|t| t.child("schema")).unwrap();

        assert_eq!(
            fields(schema, "UploadDocument"),
            [
                ("AuthenticationTicket", "0", "s:string"),
                ("Path", "0", "s:string"),
                ("FileContent", "0", "s:base64Binary"),
            ]
        );
        assert_eq!(
            fields(schema, "DownloadDocumentResponse"),
            [("DownloadDocumentResult", "0", "s:base64Binary")]
        );
        assert_eq!(
            declaration(schema, "base64Binary").attribute("type"),
            Some("s:base64Binary"),
            "the GET/POST body of DownloadDocument is declared"
        );
        let get_folder = fields(schema, "GetFolder");
        assert_eq!(get_folder[1], ("Path", "0", "s:string"));
        assert_eq!(get_folder[5], ("withOwner", "1", "s:boolean"));
        let search = fields(schema, "SearchRecycledItems");
        assert!(
            search.contains(&("dateDeletedMinDate", "1", "s:dateTime")),
            "{search:?}"
        );
        assert!(search.contains(&("minSize", "1", "s:long")), "{search:?}");

        // An `XmlNode` result stays `xsd:any`.
        let restore = declaration(schema, "RestoreRecycleBinItemResponse");
        let result = restore.child("complexType").and_then(|c| c.child("sequence")).unwrap();
        let any = result.child("element").and_then(|e| e.child("complexType")).unwrap();
        assert_eq!(any.attribute("mixed"), Some("true"));
        assert!(any.child("sequence").and_then(|s| s.child("any")).is_some());

        // The GET/POST messages type their parts the same way.
        let message = definitions
            .children_named("message")
            .find(|m| m.attribute("name") == Some("UploadDocumentHttpPostIn"))
            .unwrap();
        let part = message.children_named("part").last().unwrap();
        assert_eq!(part.attribute("type"), Some("s:base64Binary"));
    }
}
