//! AuthenticateUser, AuthenticateUser1, RenewTicket, isValidTicket and LogOut, and how every
//! other operation finds its caller.

use super::binding::Call;
use super::errors::{self, Wording, AUTH_FAILED, INVALID_TICKET};
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use salvage_core::model::Actor;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "AuthenticateUser",
        params: &["UID", "PWD"],
    },
    Operation {
        name: "AuthenticateUser1",
        params: &["UID", "PWD", "Lang"],
    },
    Operation {
        name: "RenewTicket",
        params: &["UID", "PWD", "Lang", "OldTicket"],
    },
    Operation {
        name: "isValidTicket",
        params: &["AuthenticationTicket"],
    },
    Operation {
        name: "LogOut",
        params: &["AuthenticationTicket"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "AuthenticateUser" | "AuthenticateUser1" | "RenewTicket" => authenticate(state, call).await,
        "isValidTicket" => is_valid_ticket(state, call).await,
        "LogOut" => log_out(state, call).await,
        _ => return None,
    })
}

/// Why a call has no caller: no ticket at all, or one no session has.
pub enum Unauthenticated {
    Missing,
    Invalid,
}

/// The caller of `call`, from its ticket parameter or cookie.
pub async fn caller(state: &AppState, call: &Call) -> Result<Actor, Unauthenticated> {
    let ticket = call.ticket().ok_or(Unauthenticated::Missing)?;
    state
        .repo
        .authenticate(ticket)
        .await
        .map_err(|_| Unauthenticated::Invalid)
}

/// The caller, or the failure node the operation documents for a missing ticket and for an
/// unknown or expired one (wording and `errorCode` differ between operations).
pub async fn require(
    state: &AppState,
    call: &Call,
    root: &'static str,
    missing: (&str, u16),
    invalid: (&str, u16),
) -> Result<Actor, XmlNode> {
    caller(state, call).await.map_err(|why| match why {
        Unauthenticated::Missing => XmlNode::failure(root, missing.0, missing.1),
        Unauthenticated::Invalid => XmlNode::failure(root, invalid.0, invalid.1),
    })
}

async fn ticket_node(state: &AppState, ticket: &str, actor: &Actor) -> XmlNode {
    let expire_on = (state.repo.clock().now() + state.repo.session_ttl())
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let (first, last, email) = match state.repo.user_of(actor).await {
        Ok(u) => (u.first_name, u.last_name, u.email),
        Err(_) => Default::default(),
    };
    XmlNode::new("root")
        .attr("success", "true")
        .attr("ticket", ticket)
        .attr("userid", actor.user_id.to_string())
        .attr("username", actor.username.clone())
        .attr("firstName", first.clone())
        .attr("lastName", last.clone())
        .attr("fullname", format!("{first} {last}").trim().to_owned())
        .attr("email", email)
        .attr("expireOn", expire_on)
        .attr("isAuthenticated", "True")
}

/// AuthenticateUser(UID, PWD), AuthenticateUser1(UID, PWD, Lang) and RenewTicket(UID, PWD, Lang,
/// OldTicket): credentials are always checked; a renewal also ends the old ticket.
/// After repeated failures the login is refused without checking the password, with
/// `AUTH_FAILED` and how long to wait.
pub async fn authenticate(state: &AppState, call: &Call) -> XmlNode {
    let login = state
        .repo
        .login(None, call.param("UID"), call.param("PWD"), call.client.address)
        .await;
    match login {
        Ok((ticket, actor)) => {
            if call.operation == "RenewTicket" && !call.param("OldTicket").is_empty() {
                let _ = state.repo.logout(call.param("OldTicket")).await;
            }
            ticket_node(state, &ticket, &actor).await
        }
        // The documented refusal carries no errorCode.
        Err(e) => XmlNode::new("root")
            .attr("success", "false")
            .attr("error", errors::LOGIN.failure(&e).message),
    }
}

/// isValidTicket(AuthenticationTicket): who the ticket belongs to.
pub async fn is_valid_ticket(state: &AppState, call: &Call) -> XmlNode {
    match caller(state, call).await {
        Ok(actor) => {
            let node = ticket_node(state, call.ticket().unwrap_or_default(), &actor).await;
            node
        }
        Err(Unauthenticated::Missing) => XmlNode::new("root").attr("success", "false").attr("error", AUTH_FAILED),
        Err(Unauthenticated::Invalid) => XmlNode::new("root")
            .attr("success", "false")
            .attr("error", INVALID_TICKET),
    }
}

/// LogOut(AuthenticationTicket): the ticket stops working at once.
pub async fn log_out(state: &AppState, call: &Call) -> XmlNode {
    match caller(state, call).await {
        Ok(_) => match state.repo.logout(call.ticket().unwrap_or_default()).await {
            Ok(()) => XmlNode::new("root").attr("success", "true"),
            Err(e) => XmlNode::new("root")
                .attr("success", "false")
                .attr("error", Wording::NONE.failure(&e).message),
        },
        Err(Unauthenticated::Missing) => XmlNode::new("root").attr("success", "false").attr("error", AUTH_FAILED),
        Err(Unauthenticated::Invalid) => XmlNode::new("root")
            .attr("success", "false")
            .attr("error", INVALID_TICKET),
    }
}
