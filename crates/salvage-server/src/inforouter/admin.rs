//! Libraries (infoRouter "domains"), users and the delete log.

use super::auth::require;
use super::binding::Call;
use super::errors::{self, system_error, AUTH_FAILED, INVALID_TICKET};
use super::recycle::{date_param, ONLY_ADMIN};
use super::xml::XmlNode;
use super::Operation;
use crate::state::AppState;
use salvage_core::model::{Actor, AuditAction, NewUser, NodeKind, Role, User};
use salvage_core::params;
use salvage_core::store::AuditFilter;
use salvage_core::Error;
use std::collections::HashMap;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "GetCurrentUser",
        params: &["authenticationTicket"],
    },
    Operation {
        name: "GetUser",
        params: &["AuthenticationTicket", "UserName"],
    },
    Operation {
        name: "GetAllUsers",
        params: &["AuthenticationTicket"],
    },
    Operation {
        name: "CreateUser",
        params: &[
            "AuthenticationTicket",
            "DomainName",
            "UserName",
            "FirstName",
            "LastName",
            "EmailAddress",
            "Password",
            "ReadOnlyUser",
            "AuthenticationSource",
        ],
    },
    Operation {
        name: "GetDomains",
        params: &["AuthenticationTicket"],
    },
    Operation {
        name: "DomainExists",
        params: &["AuthenticationTicket", "DomainName"],
    },
    Operation {
        name: "CreateDomain",
        params: &[
            "AuthenticationTicket",
            "DomainName",
            "Anonymous",
            "Hidden",
            "WelcomeMessage",
        ],
    },
    Operation {
        name: "GetDeleteLog",
        params: &["AuthenticationTicket", "StartDate", "EndDate", "PathFilter"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    if !OPERATIONS.iter().any(|o| o.name == call.operation) {
        return None;
    }
    let root = if call.operation == "GetCurrentUser" {
        "root"
    } else {
        "response"
    };
    let actor = match require(state, call, root, (AUTH_FAILED, 4010), (INVALID_TICKET, 4010)).await {
        Ok(a) => a,
        Err(refusal) => return Some(refusal),
    };
    Some(match call.operation.as_str() {
        "GetCurrentUser" => get_current_user(state, &actor).await,
        "GetUser" => get_user(state, &actor, call.param("UserName")).await,
        "GetAllUsers" => get_all_users(state, &actor).await,
        "CreateUser" => create_user(state, &actor, call).await,
        "GetDomains" => get_domains(state, &actor).await,
        "DomainExists" => domain_exists(state, &actor, call.param("DomainName")).await,
        "CreateDomain" => create_domain(state, &actor, call).await,
        _ => get_delete_log(state, &actor, call).await,
    })
}

/// "First Last", or the username when the user has no names.
fn full_name(u: &User) -> String {
    let name = format!("{} {}", u.first_name, u.last_name).trim().to_owned();
    if name.is_empty() {
        u.username.clone()
    } else {
        name
    }
}

/// `parent` with `child` appended.
fn with(mut parent: XmlNode, child: XmlNode) -> XmlNode {
    parent.push(child);
    parent
}

fn flag(b: bool) -> &'static str {
    if b {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// infoRouter booleans: `true`/`false` in any case, and (leniently) `1`/`0`; empty is false.
fn boolean(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "1" => Ok(true),
        "false" | "0" | "" => Ok(false),
        other => Err(format!("Cannot convert {other} to System.Boolean.")),
    }
}

/// The `<User>` element of GetCurrentUser and GetUser.
fn user_node(user: &User, tenant: &str, role: Option<Role>) -> XmlNode {
    let read_only = role.is_some_and(|r| !r.may_work_trash());
    let mut node = XmlNode::new("User")
        .attr("exists", "true")
        .attr("UserID", user.id.to_string())
        .attr("FirstName", user.first_name.clone())
        .attr("LastName", user.last_name.clone())
        .attr("Email", user.email.clone())
        .attr("Enabled", flag(user.enabled))
        .attr("UserName", user.username.clone())
        .attr("Domain", tenant.to_owned())
        .attr("LastLogonDate", "")
        .attr("LastPasswordChangeDate", "")
        .attr("AuthenticationAuthority", "native")
        .attr("ReadOnlyUser", flag(read_only));
    node.push(XmlNode::new("Preferences"));
    node
}

async fn tenant_name(state: &AppState, actor: &Actor) -> String {
    state.repo.tenant(actor).await.map(|t| t.name).unwrap_or_default()
}

async fn get_current_user(state: &AppState, actor: &Actor) -> XmlNode {
    match state.repo.user_of(actor).await {
        Ok(user) => {
            let mut root = XmlNode::new("root").attr("success", "true");
            root.push(user_node(&user, &tenant_name(state, actor).await, Some(actor.role)));
            root
        }
        Err(e) => system_error("root", &e),
    }
}

/// GetUser: an empty name is the caller. Anyone may read their own record; administrators any
/// member's.
async fn get_user(state: &AppState, actor: &Actor, name: &str) -> XmlNode {
    let name = name.trim();
    let user = if name.is_empty() || salvage_core::name::same(name, &actor.username) {
        state.repo.user_of(actor).await
    } else if actor.is_admin {
        state.repo.find_user(actor, name).await
    } else {
        Err(Error::not_found("user"))
    };
    match user {
        Ok(user) => with(
            XmlNode::ok("response"),
            user_node(&user, &tenant_name(state, actor).await, None),
        ),
        Err(e) => errors::GET_USER.failure(&e).node("response"),
    }
}

async fn get_all_users(state: &AppState, actor: &Actor) -> XmlNode {
    let tenant = tenant_name(state, actor).await;
    match state.repo.users(actor).await {
        Ok(users) => {
            let mut list = XmlNode::new("users");
            for u in &users {
                list.push(
                    XmlNode::new("user")
                        .attr("UserID", u.id.to_string())
                        .attr("Domain", tenant.clone())
                        .attr("UserName", u.username.clone())
                        .attr("FirstName", u.first_name.clone())
                        .attr("LastName", u.last_name.clone())
                        .attr("LastLogonDate", "")
                        .attr("LastPasswordChangeDate", "")
                        .attr("AuthenticationAuthority", "native")
                        .attr("ReadOnlyUser", "FALSE")
                        .attr("Email", u.email.clone())
                        .attr("Enabled", flag(u.enabled)),
                );
            }
            with(XmlNode::ok("response"), list)
        }
        Err(e) => errors::GET_ALL_USERS.failure(&e).node("response"),
    }
}

/// CreateUser: a member of the caller's tenant; a read-only user gets a role that may not
/// change the repository or work the trash.
async fn create_user(state: &AppState, actor: &Actor, call: &Call) -> XmlNode {
    let read_only = match boolean(call.param("ReadOnlyUser")) {
        Ok(b) => b,
        Err(message) => return XmlNode::failure("response", &message, 4000),
    };
    let new = NewUser {
        username: call.param("UserName").trim().to_owned(),
        email: call.param("EmailAddress").trim().to_owned(),
        first_name: call.param("FirstName").trim().to_owned(),
        last_name: call.param("LastName").trim().to_owned(),
        password: call.param("Password").to_owned(),
        is_system_admin: false,
    };
    let role = if read_only {
        Role::ImagePortalUser
    } else {
        Role::IpsUser
    };
    match state.repo.create_user(actor, &new, role).await {
        Ok(user) => XmlNode::new("response")
            .attr("success", "true")
            .attr("id", user.id.to_string())
            .attr("error", ""),
        Err(e) => errors::CREATE_USER.failure(&e).node("response"),
    }
}

async fn libraries(state: &AppState, actor: &Actor) -> Result<Vec<salvage_core::model::Node>, Error> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = state.repo.children(actor, None, after.as_deref(), 1000).await?;
        all.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(all),
        }
    }
}

async fn get_domains(state: &AppState, actor: &Actor) -> XmlNode {
    match libraries(state, actor).await {
        Ok(libs) => {
            let mut list = XmlNode::new("domains");
            for lib in &libs {
                list.push(
                    XmlNode::new("domain")
                        .attr("DomainID", lib.id.to_string())
                        .attr("DomainName", lib.name.clone())
                        .attr("AnonymousDomain", "FALSE")
                        .attr("IsArchive", "FALSE")
                        .attr("IsHidden", "FALSE")
                        .attr("WelcomeMessage", ""),
                );
            }
            with(XmlNode::ok("response"), list)
        }
        Err(e) => system_error("response", &e),
    }
}

/// DomainExists: `exists="true"` or `"false"` on a successful response (the shape is not
/// documented; this is the one clients can read without guessing).
async fn domain_exists(state: &AppState, actor: &Actor, name: &str) -> XmlNode {
    match state.repo.resolve(actor, &format!("/{}", name.trim())).await {
        Ok(n) if n.kind == NodeKind::Library => XmlNode::ok("response").attr("exists", "true"),
        Ok(_) | Err(Error::NotFound(_)) | Err(Error::InvalidName { .. }) => {
            XmlNode::ok("response").attr("exists", "false")
        }
        Err(e) => system_error("response", &e),
    }
}

async fn create_domain(state: &AppState, actor: &Actor, call: &Call) -> XmlNode {
    for flag in ["Anonymous", "Hidden"] {
        if let Err(message) = boolean(call.param(flag)) {
            return XmlNode::failure("response", &message, 4000);
        }
    }
    if !actor.is_admin {
        return XmlNode::failure(
            "response",
            &format!("[1573] {}", ONLY_ADMIN.trim_end_matches('.')),
            4030,
        );
    }
    match state.repo.create_library(actor, call.param("DomainName").trim()).await {
        Ok(_) => XmlNode::ok("response"),
        Err(e) => errors::CREATE_DOMAIN.failure(&e).node("response"),
    }
}

/// GetDeleteLog: RECYCLE, RESTORE, PURGE and RECYCLE EMPTIED entries (administrators).
async fn get_delete_log(state: &AppState, actor: &Actor, call: &Call) -> XmlNode {
    if !actor.is_admin {
        return XmlNode::failure("response", "Insufficient rights.", 4030);
    }
    let (since, until) = match (
        date_param(call.param("StartDate"), false, state.repo.clock().now()),
        date_param(call.param("EndDate"), true, state.repo.clock().now()),
    ) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(m), _) | (_, Err(m)) => return XmlNode::failure("response", &m, 4000),
    };
    let path_prefix = params::path_prefix(call.param("PathFilter").trim().trim_end_matches('*'));
    let filter = AuditFilter {
        since,
        until,
        path_prefix,
        ..AuditFilter::default()
    };
    let names: HashMap<i64, String> = match state.repo.users(actor).await {
        Ok(users) => users.iter().map(|u| (u.id, full_name(u))).collect(),
        Err(e) => return system_error("response", &e),
    };
    let library_ids: HashMap<String, i64> = match libraries(state, actor).await {
        Ok(libs) => libs.into_iter().map(|l| (l.name, l.id)).collect(),
        Err(e) => return system_error("response", &e),
    };
    let mut logs = XmlNode::new("logs");
    let mut before = None;
    loop {
        let page = match state.repo.audit(actor, &filter, before, 1000).await {
            Ok(p) => p,
            Err(e) => return system_error("response", &e),
        };
        for e in &page.items {
            let action = match e.action {
                AuditAction::Recycle => "RECYCLE",
                AuditAction::Restore => "RESTORE",
                AuditAction::Purge | AuditAction::AutoPurge => "PURGE",
                AuditAction::Empty | AuditAction::MoveToSystemBin => "RECYCLE EMPTIED",
                // Not a recycle-bin transition: the delete log leaves it out.
                AuditAction::Rename => continue,
            };
            let path = if e.action == AuditAction::Restore {
                &e.to_path
            } else {
                &e.from_path
            };
            let folder = path.rsplit_once('/').map_or("", |(f, _)| f).replace('/', "\\");
            let library = path.split('/').nth(1).unwrap_or_default().to_owned();
            let kind = match e.kind {
                NodeKind::Document => "DOCUMENT",
                NodeKind::Folder => "FOLDER",
                NodeKind::Library => "DOMAIN",
            };
            logs.push(
                XmlNode::new("LOGITEM")
                    .attr("TYPE", kind)
                    .attr("NAME", e.name.clone())
                    .attr("PATH", folder)
                    .attr("DATE", e.at.format("%Y-%m-%d %H:%M:%S").to_string())
                    .attr("ID", e.node_id.unwrap_or(0).to_string())
                    .attr("DOMAINID", library_ids.get(&library).copied().unwrap_or(0).to_string())
                    .attr("DOMAINNAME", library)
                    .attr("ACTION", action)
                    .attr("USERID", e.actor_id.unwrap_or(0).to_string())
                    .attr(
                        "FULLNAME",
                        e.actor_id.and_then(|id| names.get(&id).cloned()).unwrap_or_default(),
                    ),
            );
        }
        match page.next {
            Some(next) => before = Some(next),
            None => break,
        }
    }
    with(XmlNode::ok("response"), logs)
}
