//! The security operations (spec §9): reading and writing access lists and asking whether an
//! action is allowed on a folder. Rights and their inheritance are the core's; this module maps
//! infoRouter's XML and action ids onto them.

use super::binding::Call;
use super::errors::{self, system_error, FOLDER_NOT_FOUND, PATH_NOT_FOUND};
use super::shared::*;
use super::xml::XmlNode;
use super::Operation;
use crate::soap::{read_document, Element};
use crate::state::AppState;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::Actor;
use salvage_core::name;
use salvage_core::Error;

pub const OPERATIONS: &[Operation] = &[
    Operation {
        name: "GetAccessList",
        params: &["AuthenticationTicket", "Path"],
    },
    Operation {
        name: "SetAccessList",
        params: &["AuthenticationTicket", "Path", "AccessListXML", "ApplyToTree"],
    },
    Operation {
        name: "FolderAccessAllowed",
        params: &["AuthenticationTicket", "Path", "ActionId"],
    },
];

/// Runs the call if it is one of this module's operations.
pub async fn run(state: &AppState, call: &Call) -> Option<XmlNode> {
    Some(match call.operation.as_str() {
        "GetAccessList" => get_access_list(state, call).await,
        "SetAccessList" => set_access_list(state, call).await,
        "FolderAccessAllowed" => folder_access_allowed(state, call).await,
        _ => return None,
    })
}

/// The documented description of each right (spec §5.1).
fn description(right: Right) -> &'static str {
    match right {
        Right::NoAccess => "No Access",
        Right::List => "List",
        Right::Read => "Read",
        Right::Add => "Add",
        Right::AddAndRead => "Add & Read",
        Right::Change => "Change",
        Right::FullControl => "Full Control",
    }
}

fn failure(error: &str, code: u16) -> XmlNode {
    XmlNode::failure("response", error, code)
}

/// GetAccessList(AuthenticationTicket, Path): the list that applies to a folder or document.
/// Where no folder up the tree sets one, members have the default right.
async fn get_access_list(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Ok(item) = state.repo.resolve(&actor, call.param("Path")).await else {
        return failure(PATH_NOT_FOUND, 4041);
    };
    let (inherited, entries) = match state.repo.access_list(&actor, item.id).await {
        Ok(list) => list,
        Err(e) => return errors::GET_ACCESS_LIST.failure(&e).node("response"),
    };
    let names = match Names::load(state, &actor).await {
        Ok(n) => n,
        Err(e) => return system_error("response", &e),
    };
    let (anonymous, members) = if entries.is_empty() {
        (Right::NoAccess, salvage_core::acl::DEFAULT_MEMBER_RIGHT)
    } else {
        let right_of = |p: Principal| {
            entries
                .iter()
                .find(|e| e.principal == p)
                .map_or(Right::NoAccess, |e| e.right)
        };
        (right_of(Principal::Anonymous), right_of(Principal::Members))
    };
    // A document, or a folder without its own list, inherits.
    let inherited = inherited || !item.kind.is_container();
    let mut list = XmlNode::new("AccessList")
        .attr("DateApplied", "")
        .attr("AppliedBy", "")
        .attr("InheritedSecurity", inherited.to_string());
    list.push(right_node(XmlNode::new("Anonymous"), anonymous));
    list.push(right_node(XmlNode::new("DomainMembers"), members));
    for e in &entries {
        match e.principal {
            Principal::Group(id) => list.push(right_node(
                XmlNode::new("UserGroup")
                    .attr("DomainName", "")
                    .attr("GroupName", names.group(id)),
                e.right,
            )),
            Principal::User(id) => list.push(right_node(
                XmlNode::new("User")
                    .attr("DomainName", "")
                    .attr("UserName", names.user(id)),
                e.right,
            )),
            Principal::Anonymous | Principal::Members => {}
        }
    }
    let mut node = XmlNode::new("response").attr("success", "true");
    node.push(list);
    node
}

fn right_node(node: XmlNode, right: Right) -> XmlNode {
    node.attr("Right", (right as u8).to_string())
        .attr("Description", description(right))
}

/// The tenant's group and user names, to write and read access lists by name.
#[derive(Default)]
pub(super) struct Names {
    groups: Vec<(i64, String)>,
    users: Vec<(i64, String)>,
}

impl Names {
    async fn load(state: &AppState, actor: &Actor) -> Result<Names, Error> {
        let groups = state
            .repo
            .groups(actor)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect();
        let users = state.repo.member_names(actor).await?;
        Ok(Names { groups, users })
    }

    fn group(&self, id: i64) -> String {
        self.groups
            .iter()
            .find(|g| g.0 == id)
            .map(|g| g.1.clone())
            .unwrap_or_default()
    }

    fn user(&self, id: i64) -> String {
        self.users
            .iter()
            .find(|u| u.0 == id)
            .map(|u| u.1.clone())
            .unwrap_or_default()
    }

    fn group_id(&self, name: &str) -> Option<i64> {
        self.groups.iter().find(|g| name::same(&g.1, name)).map(|g| g.0)
    }

    fn user_id(&self, name: &str) -> Option<i64> {
        self.users.iter().find(|u| name::same(&u.1, name)).map(|u| u.0)
    }
}

/// Reads `<AccessList>`: `Right` clamped to 0–6 as documented, groups and users by name (the
/// `DomainName` or `Domain` attribute is accepted and not needed: names are unique per tenant).
pub(super) fn parse_access_list(xml: &str, names: &Names) -> Result<Vec<AclEntry>, String> {
    let root = read_document(xml.as_bytes()).map_err(|_| "Invalid XML".to_owned())?;
    if !root.name.eq_ignore_ascii_case("AccessList") {
        return Err("Invalid XML".to_owned());
    }
    let right = |e: &Element| -> Result<Right, String> {
        let raw = e.attribute("Right").unwrap_or("0").trim();
        let n: i64 = raw.parse().map_err(|_| format!("Invalid right: \"{raw}\""))?;
        Ok(Right::from_u8(n.clamp(0, 6) as u8).expect("clamped to a known right"))
    };
    let mut entries = Vec::new();
    for e in &root.children {
        let principal = match e.name.to_ascii_lowercase().as_str() {
            "anonymous" => Principal::Anonymous,
            "domainmembers" => Principal::Members,
            "usergroup" => {
                let name = e.attribute("GroupName").unwrap_or_default();
                Principal::Group(names.group_id(name).ok_or_else(|| format!("Group not found: {name}"))?)
            }
            "user" => {
                let name = e.attribute("UserName").unwrap_or_default();
                Principal::User(names.user_id(name).ok_or_else(|| format!("User not found: {name}"))?)
            }
            other => return Err(format!("Invalid XML: unknown element <{other}>")),
        };
        entries.push(AclEntry {
            principal,
            right: right(e)?,
        });
    }
    Ok(entries)
}

/// SetAccessList(AuthenticationTicket, Path, AccessListXML, ApplyToTree). Access lists live on
/// folders (documents inherit theirs), so a document path is refused.
async fn set_access_list(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return match state.repo.resolve(&actor, call.param("Path")).await {
            Ok(_) => failure(
                "Access lists are set on folders; a document inherits its folder's.",
                4000,
            ),
            Err(_) => failure(PATH_NOT_FOUND, 4041),
        };
    };
    let names = match Names::load(state, &actor).await {
        Ok(n) => n,
        Err(e) => return system_error("response", &e),
    };
    let entries = match parse_access_list(call.param("AccessListXML"), &names) {
        Ok(e) => e,
        Err(message) => return failure(&message, 4000),
    };
    match state
        .repo
        .set_access_list(&actor, folder.id, false, &entries, flag(call, "ApplyToTree"))
        .await
    {
        Ok(()) => XmlNode::ok("response"),
        Err(e) => errors::SET_ACCESS_LIST.failure(&e).node("response"),
    }
}

/// What each folder action id needs (spec §5.3 and the capability matrix of §5.2), or `None`
/// for an id infoRouter does not define.
fn allows(action: i64, right: Right) -> Option<bool> {
    Some(match action {
        // Delete, rules, ownership and security: Full Control only.
        2 | 7 | 10 | 11 => right.can_manage_access(),
        // Properties, metadata and moves: Change.
        5 | 6 | 17 | 33 | 34 => right.can_change(),
        // Reading the access list and listing the contents: List.
        26 | 41 => right.can_list(),
        // Creating documents and folders: Add.
        37 | 38 => right.can_add(),
        _ => return None,
    })
}

/// FolderAccessAllowed(AuthenticationTicket, Path, ActionId).
async fn folder_access_allowed(state: &AppState, call: &Call) -> XmlNode {
    let actor = match actor(state, call, failure).await {
        Ok(a) => a,
        Err(n) => return n,
    };
    let Some(folder) = folder_at(state, &actor, call.param("Path")).await else {
        return failure(FOLDER_NOT_FOUND, 4041);
    };
    let right = match state.repo.right_on(&actor, folder.id).await {
        Ok(r) => r,
        Err(e) => return errors::FOLDER_ACCESS_ALLOWED.failure(&e).node("response"),
    };
    let action = call.param("ActionId").trim();
    match action.parse().ok().and_then(|a| allows(a, right)) {
        Some(true) => XmlNode::ok("response"),
        Some(false) => failure("Access denied", 4030),
        None => failure(&format!("Invalid ActionId: \"{action}\""), 4000),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> Names {
        Names {
            groups: vec![(7, "Authors".into())],
            users: vec![(3, "JoeD".into())],
        }
    }

    #[test]
    fn access_lists_are_read_with_either_domain_attribute_and_clamped_rights() {
        let xml = r#"<AccessList><Anonymous Right="0"/><DomainMembers Right="9"/>
            <UserGroup Domain="" GroupName="authors" Right="4"/><User DomainName="X" UserName="joed" Right="-2"/></AccessList>"#;
        let entries = parse_access_list(xml, &names()).unwrap();
        assert_eq!(
            entries.iter().map(|e| (e.principal, e.right)).collect::<Vec<_>>(),
            vec![
                (Principal::Anonymous, Right::NoAccess),
                (Principal::Members, Right::FullControl),
                (Principal::Group(7), Right::AddAndRead),
                (Principal::User(3), Right::NoAccess),
            ]
        );
    }

    #[test]
    fn bad_access_lists_are_refused_with_the_reason() {
        assert_eq!(parse_access_list("<AccessList>", &names()), Err("Invalid XML".into()));
        assert_eq!(parse_access_list("<Other/>", &names()), Err("Invalid XML".into()));
        assert_eq!(
            parse_access_list(
                r#"<AccessList><User UserName="nobody" Right="2"/></AccessList>"#,
                &names()
            ),
            Err("User not found: nobody".into())
        );
        assert_eq!(
            parse_access_list(
                r#"<AccessList><User UserName="joed" Right="x"/></AccessList>"#,
                &names()
            ),
            Err("Invalid right: \"x\"".into())
        );
    }

    #[test]
    fn action_ids_follow_the_capability_matrix() {
        assert_eq!(allows(41, Right::List), Some(true));
        assert_eq!(allows(37, Right::Read), Some(false));
        assert_eq!(allows(37, Right::Add), Some(true));
        assert_eq!(allows(2, Right::Change), Some(false));
        assert_eq!(allows(11, Right::FullControl), Some(true));
        assert_eq!(allows(99, Right::FullControl), None);
    }
}
