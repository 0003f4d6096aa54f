//! IPS handles (spec §7 and §18 #1). Clients treat them as opaque; salvage emits the 4.0+
//! prefixed forms and also accepts the older plain ones:
//!
//! | object  | emitted                | also accepted            |
//! |---------|------------------------|--------------------------|
//! | company | `c|{tenant id}`        | `{id}`                   |
//! | asset   | `a|{node id}`          | `a|{id}|…`, `{id}|…`     |
//! | folder  | `f|{Company}/{path}/`  | `{Company}/{path}/`      |
//! | user    | `u|{user id}|{email}`  | `{id}|{email}`           |
//!
//! Ids never change in salvage, so a handle stays valid across sessions, except a folder's,
//! which is its path (as in IPS, a move or rename changes it).

use salvage_core::model::{NodeId, TenantId, UserId};
use salvage_core::{name, split_path};

pub fn company(id: TenantId) -> String {
    format!("c|{id}")
}

pub fn asset(id: NodeId) -> String {
    format!("a|{id}")
}

pub fn user(id: UserId, email: &str) -> String {
    format!("u|{id}|{email}")
}

/// The folder handle of a path below a company's root: `names` empty is the root itself.
pub fn folder(company: &str, names: &[String]) -> String {
    format!("f|{}", folder_path(company, names))
}

/// The plain path IPS shows beside a folder handle: `Company/a/b/`.
pub fn folder_path(company: &str, names: &[String]) -> String {
    let mut path = format!("{company}/");
    for n in names {
        path.push_str(n);
        path.push('/');
    }
    path
}

fn number(s: &str) -> Option<i64> {
    s.trim().parse().ok().filter(|n| *n > 0)
}

pub fn parse_company(handle: &str) -> Option<TenantId> {
    let h = handle.trim();
    number(h.strip_prefix("c|").unwrap_or(h))
}

pub fn parse_asset(handle: &str) -> Option<NodeId> {
    let h = handle.trim();
    let h = h.strip_prefix("a|").unwrap_or(h);
    number(h.split('|').next()?)
}

pub fn parse_user(handle: &str) -> Option<UserId> {
    let h = handle.trim();
    let h = h.strip_prefix("u|").unwrap_or(h);
    number(h.split('|').next()?)
}

/// The folder names below the company root that a folder handle (or plain path) names, or
/// `None` when it is not below this company's root (another company's folders are unknown) or
/// names no folder a name could have. The company is matched in NFC, the form names are stored
/// in, and the names come from the core's `split_path`, checked and in NFC.
pub fn parse_folder(handle: &str, company: &str) -> Option<Vec<String>> {
    let h = handle.trim();
    let path = name::nfc(h.strip_prefix("f|").unwrap_or(h));
    let rest = path.strip_prefix(company)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    split_path(rest).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_round_trip_and_old_forms_are_read() {
        assert_eq!(parse_company(&company(6)), Some(6));
        assert_eq!(parse_company("47"), Some(47));
        assert_eq!(parse_company("c|x"), None);
        assert_eq!(parse_asset(&asset(942)), Some(942));
        assert_eq!(parse_asset("a|942|1|579"), Some(942));
        assert_eq!(parse_asset("24265|1|17061"), Some(24265));
        assert_eq!(parse_asset("a|"), None);
        assert_eq!(parse_user(&user(41, "s@adobe.com")), Some(41));
        assert_eq!(parse_user("3261|user@scene7.com"), Some(3261));
        let names = vec!["uploads".to_owned(), "2026".to_owned()];
        assert_eq!(folder("Acme", &names), "f|Acme/uploads/2026/");
        assert_eq!(parse_folder("f|Acme/uploads/2026/", "Acme"), Some(names.clone()));
        assert_eq!(parse_folder("Acme/uploads/2026", "Acme"), Some(names));
        assert_eq!(parse_folder("f|Acme/", "Acme"), Some(vec![]));
        assert_eq!(parse_folder("f|AcmeOther/x/", "Acme"), None);
        assert_eq!(parse_folder("f|Other/x/", "Acme"), None);
        // Decomposed (NFD) company and folder names name the stored NFC ones.
        assert_eq!(
            parse_folder("f|Cafe\u{301}/Me\u{301}nu/", "Caf\u{e9}"),
            Some(vec!["M\u{e9}nu".to_owned()])
        );
        assert_eq!(parse_folder("f|Acme/a\u{202e}b/", "Acme"), None);
    }
}
