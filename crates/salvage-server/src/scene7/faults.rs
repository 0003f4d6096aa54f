//! The three IPS faults (spec §6): their codes, how the core's errors map to them, and how they
//! are written: inside a SOAP fault for the web service, bare for the upload servlet.

use super::UNVERSIONED_NS;
use crate::soap::{self, escape, FaultCode, SoapVersion};
use salvage_core::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Authentication,
    Authorization,
    IpsApi,
}

impl Kind {
    /// The detail element's local name.
    pub fn element(self) -> &'static str {
        match self {
            Kind::Authentication => "authenticationFault",
            Kind::Authorization => "authorizationFault",
            Kind::IpsApi => "ipsApiFault",
        }
    }

    fn faultstring(self) -> &'static str {
        match self {
            Kind::Authentication => "AuthenticationException",
            Kind::Authorization => "AuthorizationException",
            Kind::IpsApi => "ipsApiFault",
        }
    }

    /// The caller is at fault for credentials and permissions; `ipsApiFault` is reported as the
    /// server's, as IPS does.
    fn code(self) -> FaultCode {
        match self {
            Kind::Authentication | Kind::Authorization => FaultCode::Client,
            Kind::IpsApi => FaultCode::Server,
        }
    }
}

// Codes with their IPS constant names.
pub const NO_CREDENTIALS: u32 = 10000;
pub const INVALID_CREDENTIALS: u32 = 10001;
pub const INVALID_USER: u32 = 10002;
pub const INVALID_COMPANY: u32 = 20000;
pub const INVALID_REQUEST_USER: u32 = 20002;
pub const NO_OPERATION_PERMISSION: u32 = 20003;
pub const NO_IMPERSONATION_PERMISSION: u32 = 20004;
pub const MISSING_PERMISSION: u32 = 20009;
pub const EXCEPTION: u32 = 30000;
pub const INVALID_PARAMETER: u32 = 30001;
pub const MISSING_PARAMETER: u32 = 30002;
pub const INVALID_REQUEST_XML: u32 = 30003;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: Kind,
    pub code: u32,
    pub reason: String,
    /// For a request refused because the server is busy: seconds to wait. Such a fault is
    /// answered with 503 and `Retry-After`, whatever status the client asked faults to have.
    pub retry_after: Option<u64>,
}

impl Fault {
    pub fn new(kind: Kind, code: u32, reason: impl Into<String>) -> Self {
        Fault {
            kind,
            code,
            reason: reason.into(),
            retry_after: None,
        }
    }

    /// The fault of a request body that could not be read into memory: too large, too slow, or
    /// refused for want of room in the body budget.
    pub fn unreadable(e: &crate::budget::BodyError) -> Self {
        match e {
            crate::budget::BodyError::Busy { retry_after } => Fault {
                retry_after: Some(*retry_after),
                ..Fault::ips(
                    EXCEPTION,
                    format!("The server is busy; try again in {retry_after} seconds"),
                )
            },
            e => Fault::ips(INVALID_REQUEST_XML, format!("The request could not be read: {e}")),
        }
    }

    /// The HTTP status to answer with: the client's choice (`faultHttpStatusCode`), else 500;
    /// 503 for a busy server.
    pub fn status(&self, chosen: Option<u16>) -> axum::http::StatusCode {
        use axum::http::StatusCode;
        if self.retry_after.is_some() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        chosen
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    /// Adds `Retry-After` to the response of a busy fault.
    pub fn finish(&self, mut response: axum::response::Response) -> axum::response::Response {
        if let Some(secs) = self.retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
        }
        response
    }

    pub fn authentication(code: u32, reason: impl Into<String>) -> Self {
        Fault::new(Kind::Authentication, code, reason)
    }

    pub fn authorization(code: u32, reason: impl Into<String>) -> Self {
        Fault::new(Kind::Authorization, code, reason)
    }

    pub fn ips(code: u32, reason: impl Into<String>) -> Self {
        Fault::new(Kind::IpsApi, code, reason)
    }

    pub fn missing(param: &str) -> Self {
        Fault::ips(MISSING_PARAMETER, format!("Missing required parameter '{param}'"))
    }

    pub fn invalid(param: &str, why: impl std::fmt::Display) -> Self {
        Fault::ips(
            INVALID_PARAMETER,
            format!("Invalid value for parameter '{param}': {why}"),
        )
    }

    pub fn operation_refused(op: &str) -> Self {
        Fault::authorization(
            NO_OPERATION_PERMISSION,
            format!("User does not have permission to access operation '{op}'"),
        )
    }

    pub fn invalid_company() -> Self {
        Fault::authorization(INVALID_COMPANY, "Invalid company handle")
    }

    /// The fault the core's error stands for. `what` names the object the operation was about,
    /// for the reasons of lookups that failed ("Invalid asset handle 'a|7'").
    pub fn from_core(e: &Error, what: &str) -> Self {
        match e {
            Error::NotFound(_) | Error::NotInTrash(None) => Fault::ips(INVALID_PARAMETER, format!("Invalid {what}")),
            Error::NotInTrash(Some(_)) => Fault::ips(INVALID_PARAMETER, "Asset is not in the trash"),
            Error::InvalidName { name, rule } => {
                Fault::ips(INVALID_PARAMETER, format!("Invalid name '{name}': {rule}"))
            }
            Error::InvalidInput(m) | Error::InvalidTarget(m) => Fault::ips(INVALID_PARAMETER, m.clone()),
            Error::TargetNotFound | Error::OriginalLocationMissing => Fault::ips(INVALID_PARAMETER, e.to_string()),
            Error::NameConflict(name) if what.starts_with("asset") => {
                Fault::ips(EXCEPTION, format!("Asset ID '{name}' is already in use."))
            }
            Error::NameConflict(name) => Fault::ips(EXCEPTION, format!("The name '{name}' is already in use.")),
            Error::PermissionDenied(_)
            | Error::AccessDenied
            | Error::InsufficientRights
            | Error::WouldGrantAccess(_) => Fault::authorization(MISSING_PERMISSION, e.to_string()),
            Error::AuthenticationFailed | Error::InvalidTicket => {
                Fault::authentication(INVALID_CREDENTIALS, "Invalid username/password")
            }
            // A login the throttle refused: the same fault, and how long to wait.
            Error::TooManyAttempts { .. } => {
                Fault::authentication(INVALID_CREDENTIALS, format!("Invalid username/password: {e}"))
            }
            Error::Storage(_) | Error::Blob(_) => {
                tracing::error!(error = %e, "Scene7 operation failed");
                Fault::ips(EXCEPTION, "The operation failed on the server")
            }
        }
    }

    /// The detail element, in the unversioned namespace whatever the request's version.
    pub fn detail(&self) -> String {
        format!(
            "<ns1:{el} xmlns:ns1=\"{UNVERSIONED_NS}\"><ns1:code>{code}</ns1:code><ns1:reason>{reason}</ns1:reason></ns1:{el}>",
            el = self.kind.element(),
            code = self.code,
            reason = escape(&self.reason)
        )
    }

    /// The whole SOAP fault envelope.
    pub fn envelope(&self, version: SoapVersion) -> String {
        soap::fault(version, self.kind.code(), self.kind.faultstring(), Some(&self.detail()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::read_envelope;

    #[test]
    fn faults_carry_code_and_reason_in_the_unversioned_namespace() {
        let f = Fault::operation_refused("addCompany");
        let env = read_envelope(f.envelope(SoapVersion::V11).as_bytes()).unwrap();
        assert_eq!(env.body.child("faultcode").unwrap().text, "soap:Client");
        assert_eq!(env.body.child("faultstring").unwrap().text, "AuthorizationException");
        let detail = &env.body.child("detail").unwrap().children[0];
        assert_eq!(detail.name, "authorizationFault");
        assert_eq!(detail.namespace.as_deref(), Some(UNVERSIONED_NS));
        assert_eq!(detail.child("code").unwrap().text, "20003");
        assert_eq!(
            detail.child("reason").unwrap().text,
            "User does not have permission to access operation 'addCompany'"
        );

        let f = Fault::ips(INVALID_REQUEST_XML, "a < b");
        let env = read_envelope(f.envelope(SoapVersion::V12).as_bytes()).unwrap();
        assert_eq!(
            env.body.child("Code").unwrap().child("Value").unwrap().text,
            "soap:Receiver"
        );
        let detail = &env.body.child("Detail").unwrap().children[0];
        assert_eq!(detail.name, "ipsApiFault");
        assert_eq!(detail.child("reason").unwrap().text, "a < b");
    }
}
