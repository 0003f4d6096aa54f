//! Access lists: infoRouter rights 0–6 on libraries and folders, inherited down the tree unless a
//! folder sets its own.

use crate::model::{Actor, GroupId, UserId};
use serde::{Deserialize, Serialize};

/// infoRouter access rights, in increasing order of power.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub enum Right {
    NoAccess = 0,
    List = 1,
    Read = 2,
    /// May add items but not read them (a drop box).
    Add = 3,
    AddAndRead = 4,
    Change = 5,
    FullControl = 6,
}

impl Right {
    pub fn from_u8(v: u8) -> Option<Right> {
        Some(match v {
            0 => Right::NoAccess,
            1 => Right::List,
            2 => Right::Read,
            3 => Right::Add,
            4 => Right::AddAndRead,
            5 => Right::Change,
            6 => Right::FullControl,
            _ => return None,
        })
    }

    pub fn can_list(self) -> bool {
        self >= Right::List
    }

    pub fn can_read(self) -> bool {
        self == Right::Read || self >= Right::AddAndRead
    }

    /// Create documents and folders inside (what a restore needs at its target).
    pub fn can_add(self) -> bool {
        self >= Right::Add
    }

    /// Modify, move, rename and delete.
    pub fn can_change(self) -> bool {
        self >= Right::Change
    }

    pub fn can_manage_access(self) -> bool {
        self == Right::FullControl
    }
}

impl From<Right> for u8 {
    fn from(r: Right) -> u8 {
        r as u8
    }
}

impl TryFrom<u8> for Right {
    type Error = String;
    fn try_from(v: u8) -> Result<Self, String> {
        Right::from_u8(v).ok_or_else(|| format!("access right must be 0 to 6, not {v}"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "lowercase")]
pub enum Principal {
    Anonymous,
    /// Every member of the tenant.
    Members,
    Group(GroupId),
    User(UserId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AclEntry {
    pub principal: Principal,
    pub right: Right,
}

/// The right members have where no folder up the tree sets an access list.
pub const DEFAULT_MEMBER_RIGHT: Right = Right::Change;

/// The effective right of `actor` under `entries` (the nearest access list up the tree, or `None`
/// when no folder sets one). Administrators always have full control; otherwise the strongest
/// matching entry wins.
pub fn effective_right(actor: &Actor, entries: Option<&[AclEntry]>) -> Right {
    if actor.is_admin {
        return Right::FullControl;
    }
    let Some(entries) = entries else {
        return DEFAULT_MEMBER_RIGHT;
    };
    entries
        .iter()
        .filter(|e| applies_to(e.principal, actor))
        .map(|e| e.right)
        .max()
        .unwrap_or(Right::NoAccess)
}

fn applies_to(principal: Principal, actor: &Actor) -> bool {
    match principal {
        Principal::Anonymous | Principal::Members => true,
        Principal::Group(g) => actor.groups.contains(&g),
        Principal::User(u) => actor.user_id == u,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn actor(admin: bool, groups: Vec<GroupId>) -> Actor {
        Actor {
            user_id: 7,
            username: "u".into(),
            tenant_id: 1,
            role: Role::IpsUser,
            groups,
            is_admin: admin,
        }
    }

    #[test]
    fn strongest_matching_entry_wins() {
        let entries = [
            AclEntry {
                principal: Principal::Members,
                right: Right::List,
            },
            AclEntry {
                principal: Principal::Group(3),
                right: Right::AddAndRead,
            },
            AclEntry {
                principal: Principal::User(8),
                right: Right::FullControl,
            },
        ];
        assert_eq!(effective_right(&actor(false, vec![]), Some(&entries)), Right::List);
        assert_eq!(
            effective_right(&actor(false, vec![3]), Some(&entries)),
            Right::AddAndRead
        );
        assert_eq!(
            effective_right(&actor(true, vec![]), Some(&entries)),
            Right::FullControl
        );
        assert_eq!(effective_right(&actor(false, vec![]), Some(&[])), Right::NoAccess);
        assert_eq!(effective_right(&actor(false, vec![]), None), DEFAULT_MEMBER_RIGHT);
    }

    #[test]
    fn add_only_cannot_read() {
        assert!(Right::Add.can_add() && !Right::Add.can_read());
        assert!(Right::Read.can_read() && !Right::Read.can_add());
        assert!(Right::AddAndRead.can_read() && Right::AddAndRead.can_add());
        assert!(!Right::AddAndRead.can_change() && Right::Change.can_change());
    }
}
