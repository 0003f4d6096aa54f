//! Writing SOAP envelopes and faults.

use super::SoapVersion;
use std::borrow::Cow;

/// Escapes text for an XML element or attribute value.
pub fn escape(text: &str) -> Cow<'_, str> {
    quick_xml::escape::escape(text)
}

/// Wraps a body (already serialised XML) in an envelope of `version`.
pub fn envelope(version: SoapVersion, body: &str) -> String {
    let (head, tail) = envelope_parts(version);
    format!("{head}{body}{tail}")
}

/// What comes before and after the body of an envelope of `version`, for a body that is
/// written as it is produced.
pub fn envelope_parts(version: SoapVersion) -> (String, &'static str) {
    (
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><soap:Envelope xmlns:soap=\"{}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"><soap:Body>",
            version.namespace()
        ),
        "</soap:Body></soap:Envelope>",
    )
}

/// Who is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultCode {
    /// The request was wrong (SOAP 1.1 `Client`, 1.2 `Sender`).
    Client,
    /// The server failed (SOAP 1.1 `Server`, 1.2 `Receiver`).
    Server,
}

/// A complete fault envelope. `detail` is serialised XML placed inside the detail element.
pub fn fault(version: SoapVersion, code: FaultCode, reason: &str, detail: Option<&str>) -> String {
    let reason = escape(reason);
    let body = match version {
        SoapVersion::V11 => {
            let code = match code {
                FaultCode::Client => "soap:Client",
                FaultCode::Server => "soap:Server",
            };
            let detail = detail.map_or_else(|| "<detail />".to_owned(), |d| format!("<detail>{d}</detail>"));
            format!("<soap:Fault><faultcode>{code}</faultcode><faultstring>{reason}</faultstring>{detail}</soap:Fault>")
        }
        SoapVersion::V12 => {
            let code = match code {
                FaultCode::Client => "soap:Sender",
                FaultCode::Server => "soap:Receiver",
            };
            let detail = detail.map_or_else(
                || "<soap:Detail />".to_owned(),
                |d| format!("<soap:Detail>{d}</soap:Detail>"),
            );
            format!("<soap:Fault><soap:Code><soap:Value>{code}</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">{reason}</soap:Text></soap:Reason>{detail}</soap:Fault>")
        }
    };
    envelope(version, &body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::{read_envelope, SOAP12_NS};

    #[test]
    fn faults_read_back_in_both_versions() {
        let f11 = fault(
            SoapVersion::V11,
            FaultCode::Client,
            "Server did not recognize the value of HTTP Header SOAPAction: x & y.",
            None,
        );
        let env = read_envelope(f11.as_bytes()).unwrap();
        assert_eq!(env.body.name, "Fault");
        assert_eq!(env.body.child("faultcode").unwrap().text, "soap:Client");
        assert_eq!(
            env.body.child("faultstring").unwrap().text,
            "Server did not recognize the value of HTTP Header SOAPAction: x & y."
        );

        let f12 = fault(SoapVersion::V12, FaultCode::Server, "boom", Some("<x>1</x>"));
        let env = read_envelope(f12.as_bytes()).unwrap();
        assert_eq!(env.version, SoapVersion::V12);
        assert_eq!(env.body.namespace.as_deref(), Some(SOAP12_NS));
        assert_eq!(
            env.body.child("Code").unwrap().child("Value").unwrap().text,
            "soap:Receiver"
        );
        assert_eq!(env.body.child("Detail").unwrap().child("x").unwrap().text, "1");
    }
}
