//! The service description, in the shape ASP.NET generates: service `srv`, namespace
//! `http://tempuri.org/`, results declared as `xsd:any`, and four bindings (SOAP 1.1, SOAP 1.2,
//! HTTP GET, HTTP POST).

use super::binding::TEMPURI;
use super::operations;
use crate::soap::escape;

pub fn document(address: &str) -> String {
    let mut types = String::new();
    let mut messages = String::new();
    let (mut soap_ops, mut get_ops, mut post_ops) = (String::new(), String::new(), String::new());
    let (mut soap11, mut soap12, mut get_binding, mut post_binding) =
        (String::new(), String::new(), String::new(), String::new());
    for op in operations() {
        let n = op.name;
        let fields: String = op
            .params
            .iter()
            .map(|p| format!("<s:element minOccurs=\"0\" maxOccurs=\"1\" name=\"{p}\" type=\"s:string\" />"))
            .collect();
        types.push_str(&format!(
            "<s:element name=\"{n}\"><s:complexType><s:sequence>{fields}</s:sequence></s:complexType></s:element>\
             <s:element name=\"{n}Response\"><s:complexType><s:sequence><s:element minOccurs=\"0\" maxOccurs=\"1\" name=\"{n}Result\"><s:complexType mixed=\"true\"><s:sequence><s:any /></s:sequence></s:complexType></s:element></s:sequence></s:complexType></s:element>"
        ));
        let parts: String = op
            .params
            .iter()
            .map(|p| format!("<wsdl:part name=\"{p}\" type=\"s:string\" />"))
            .collect();
        messages.push_str(&format!(
            "<wsdl:message name=\"{n}SoapIn\"><wsdl:part name=\"parameters\" element=\"tns:{n}\" /></wsdl:message>\
             <wsdl:message name=\"{n}SoapOut\"><wsdl:part name=\"parameters\" element=\"tns:{n}Response\" /></wsdl:message>\
             <wsdl:message name=\"{n}HttpGetIn\">{parts}</wsdl:message><wsdl:message name=\"{n}HttpGetOut\"><wsdl:part name=\"Body\" /></wsdl:message>\
             <wsdl:message name=\"{n}HttpPostIn\">{parts}</wsdl:message><wsdl:message name=\"{n}HttpPostOut\"><wsdl:part name=\"Body\" /></wsdl:message>"
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
            "<wsdl:operation name=\"{n}\"><http:operation location=\"/{n}\" /><wsdl:input><http:urlEncoded /></wsdl:input><wsdl:output><mime:content part=\"Body\" type=\"text/xml\" /></wsdl:output></wsdl:operation>"
        ));
        post_binding.push_str(&format!(
            "<wsdl:operation name=\"{n}\"><http:operation location=\"/{n}\" /><wsdl:input><mime:content type=\"application/x-www-form-urlencoded\" /></wsdl:input><wsdl:output><mime:content part=\"Body\" type=\"text/xml\" /></wsdl:output></wsdl:operation>"
        ));
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
