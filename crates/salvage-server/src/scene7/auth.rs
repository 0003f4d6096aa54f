//! Who is calling (spec §5): the `authHeader` SOAP header in the unversioned or any versioned
//! namespace with its children in any order, the legacy `AuthUser`/`AuthPassword` headers, or
//! HTTP Basic; and what their role lets them do, per operation and company (§8.2).

use super::faults::{self, Fault};
use super::{handles, is_ips_namespace};
use crate::client::ClientInfo;
use crate::soap::Element;
use crate::state::AppState;
use axum::http::{header, HeaderMap};
use base64::Engine;
use salvage_core::model::{Actor, Role, Tenant, User};
use salvage_core::Error;

/// What the request says about authentication and about how to answer.
#[derive(Debug, Clone, Default)]
pub struct RequestOptions {
    pub credentials: Option<(String, String)>,
    /// `authHeader/gzipResponse`: `Some(false)` turns compression off.
    pub gzip: Option<bool>,
    /// `authHeader/faultHttpStatusCode`: the HTTP status of faults (Flash clients ask for 200).
    pub fault_status: Option<u16>,
    /// Who sent the request, for the login throttle.
    pub client: ClientInfo,
}

impl RequestOptions {
    /// Reads the SOAP headers and the HTTP `Authorization` header. The `authHeader` wins over
    /// the legacy headers, which win over Basic.
    pub fn read(soap_headers: &[Element], http: &HeaderMap) -> Self {
        let mut options = RequestOptions::default();
        let text = |e: &Element, name: &str| e.child(name).map(|c| c.text.trim().to_owned());
        let auth_header = soap_headers
            .iter()
            .find(|h| h.name == "authHeader" && h.namespace.as_deref().is_some_and(is_ips_namespace));
        if let Some(h) = auth_header {
            if let (Some(user), Some(password)) = (text(h, "user"), h.child("password")) {
                options.credentials = Some((user, password.text.clone()));
            }
            options.gzip = match text(h, "gzipResponse").as_deref() {
                Some("true" | "1") => Some(true),
                Some("false" | "0") => Some(false),
                _ => None,
            };
            options.fault_status = text(h, "faultHttpStatusCode")
                .and_then(|s| s.parse::<u16>().ok())
                .filter(|s| (200..600).contains(s));
        }
        if options.credentials.is_none() {
            let legacy = |name: &str| soap_headers.iter().find(|h| h.name == name).map(|h| h.text.clone());
            if let (Some(user), Some(password)) = (legacy("AuthUser"), legacy("AuthPassword")) {
                options.credentials = Some((user.trim().to_owned(), password));
            }
        }
        if options.credentials.is_none() {
            options.credentials = basic(http);
        }
        options
    }
}

fn basic(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let (user, password) = std::str::from_utf8(&decoded).ok()?.split_once(':')?;
    Some((user.to_owned(), password.to_owned()))
}

/// Checks the credentials. IPS answers a missing or wrong login with a fault, never with 401;
/// after repeated failures the credentials are refused without being checked, with the same
/// fault and how long to wait.
pub async fn authenticate(state: &AppState, options: &RequestOptions) -> Result<User, Fault> {
    let Some((user, password)) = &options.credentials else {
        return Err(Fault::authentication(
            faults::NO_CREDENTIALS,
            "The request could not be authenticated: no credentials were sent",
        ));
    };
    state
        .repo
        .check_login(user, password, options.client.address)
        .await
        .map_err(|e| match e {
            Error::PermissionDenied(_) => {
                Fault::authentication(faults::INVALID_USER, "Invalid user: the account is disabled")
            }
            e => Fault::from_core(&e, "user"),
        })
}

/// Which roles may run an operation: the core's role capability matrix, by the name the
/// Scene7 operations here have always used for it.
pub use salvage_core::model::Capability as Access;

/// A company the caller is a member of, and the caller acting in it.
pub struct Company {
    pub tenant: Tenant,
    pub actor: Actor,
}

impl Company {
    /// The company's root path name (`Acme` of `Acme/`).
    pub fn name(&self) -> &str {
        &self.tenant.name
    }
}

/// The company a handle names, with the caller's role there checked against `access`. An
/// unknown company and one the caller is no member of are the same fault.
pub async fn company(state: &AppState, user: &User, handle: &str, op: &str, access: Access) -> Result<Company, Fault> {
    let id = handles::parse_company(handle).ok_or_else(Fault::invalid_company)?;
    let actor = state.repo.actor_for(user, id).await.map_err(|e| match e {
        Error::NotFound(_) => Fault::invalid_company(),
        e => Fault::from_core(&e, "company handle"),
    })?;
    if !access.allows(actor.role) {
        return Err(Fault::operation_refused(op));
    }
    let tenant = state
        .repo
        .tenant(&actor)
        .await
        .map_err(|e| Fault::from_core(&e, "company"))?;
    Ok(Company { tenant, actor })
}

/// `company` seen by another member, for an administrator's `accessUserHandle`. Anyone else
/// may only name themselves.
pub async fn impersonate(
    state: &AppState,
    company: Company,
    handle: &str,
    op: &str,
    access: Access,
) -> Result<Company, Fault> {
    let invalid = || Fault::authorization(faults::INVALID_REQUEST_USER, "Invalid access user handle");
    let id = handles::parse_user(handle).ok_or_else(invalid)?;
    if id == company.actor.user_id {
        return Ok(company);
    }
    if !company.actor.is_admin {
        return Err(Fault::authorization(
            faults::NO_IMPERSONATION_PERMISSION,
            "Only an administrator of the company may act as another user",
        ));
    }
    // The handle carries the user's e-mail after the id, by which the core finds members.
    let email = handle
        .trim()
        .trim_start_matches("u|")
        .split_once('|')
        .map(|(_, e)| e)
        .ok_or_else(invalid)?;
    let user = match state.repo.find_user(&company.actor, email).await {
        Ok(u) if u.id == id => u,
        Ok(_) | Err(Error::NotFound(_)) => return Err(invalid()),
        Err(e) => return Err(Fault::from_core(&e, "access user handle")),
    };
    let actor = state
        .repo
        .actor_for(&user, company.tenant.id)
        .await
        .map_err(|_| invalid())?;
    if !access.allows(actor.role) {
        return Err(Fault::operation_refused(op));
    }
    Ok(Company { actor, ..company })
}

/// For operations that name no company: whether any of the caller's roles allows `access`. A
/// user who is a member of no company may call nothing ("Non-IPS Admin users must be an active
/// member of at least one company").
pub async fn anywhere(state: &AppState, user: &User, op: &str, access: Access) -> Result<(), Fault> {
    let memberships = state
        .repo
        .memberships_of(user)
        .await
        .map_err(|e| Fault::from_core(&e, "user"))?;
    let allowed = (user.is_system_admin && access.allows(Role::IpsAdmin))
        || memberships.iter().any(|(_, role)| access.allows(*role));
    if allowed {
        Ok(())
    } else {
        Err(Fault::operation_refused(op))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::read_document;

    #[test]
    fn auth_header_in_any_order_beats_legacy_and_basic() {
        let h = read_document(
            br#"<authHeader xmlns="http://www.scene7.com/IpsApi/xsd/2014-04-03"><faultHttpStatusCode>200</faultHttpStatusCode><password>p w</password><gzipResponse>false</gzipResponse><user>u@x</user></authHeader>"#,
        )
        .unwrap();
        let mut http = HeaderMap::new();
        http.insert(header::AUTHORIZATION, "Basic YjpjOmQ=".parse().unwrap());
        let o = RequestOptions::read(std::slice::from_ref(&h), &http);
        assert_eq!(o.credentials, Some(("u@x".into(), "p w".into())));
        assert_eq!(o.gzip, Some(false));
        assert_eq!(o.fault_status, Some(200));

        let o = RequestOptions::read(&[], &http);
        assert_eq!(o.credentials, Some(("b".into(), "c:d".into())));

        let user = read_document(br#"<AuthUser xmlns="http://www.scene7.com/IpsApi">old@x</AuthUser>"#).unwrap();
        let password =
            read_document(br#"<AuthPassword xmlns="http://www.scene7.com/IpsApi">pw</AuthPassword>"#).unwrap();
        let o = RequestOptions::read(&[user, password], &http);
        assert_eq!(o.credentials, Some(("old@x".into(), "pw".into())));

        let foreign =
            read_document(br#"<authHeader xmlns="urn:other"><user>u</user><password>p</password></authHeader>"#)
                .unwrap();
        assert_eq!(RequestOptions::read(&[foreign], &HeaderMap::new()).credentials, None);
    }

    #[test]
    fn roles_per_access() {
        assert!(Access::Read.allows(Role::ImagePortalUser));
        assert!(!Access::Write.allows(Role::ImagePortalUser));
        assert!(!Access::Write.allows(Role::TrialSiteAdmin));
        assert!(Access::Write.allows(Role::ImagePortalContribUser));
        assert!(Access::Upload.allows(Role::TrialSiteUser));
        assert!(!Access::Upload.allows(Role::WebServiceUser));
        assert!(Access::AddCompany.allows(Role::TrialSiteAdmin));
        assert!(!Access::AddCompany.allows(Role::IpsCompanyAdmin));
    }
}
