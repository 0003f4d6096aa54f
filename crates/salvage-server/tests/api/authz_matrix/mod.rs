//! The authorization matrix: the trash and repository operations of the three APIs (REST,
//! infoRouter's `/srv.asmx` over its POST binding — the bindings share one dispatch — and
//! Scene7 IPS), each called by every kind of caller, checked against a table of what each may
//! do. Exactly the allowed calls succeed; after every refused call the whole database (but the
//! sessions table, whose expiry slides with every use) must be byte for byte what it was.
//!
//! Callers: the administrator, the owner of the items (who deleted them), another member, a
//! member with only Read on the library, one member of each Scene7 role (Change on the library),
//! a company administrator of another tenant, no credentials and wrong credentials. Each row
//! names groups of callers and the outcome they get; the first group that names a caller wins
//! and `*` is everyone left. A failing run prints the whole matrix, expected against actual.
//!
//! The table is in `rest_rows`, `inforouter_rows` and `scene7_rows`; `world` builds what the calls
//! act on, `calls` makes them and reads their outcomes, `run` runs the table. The callers, the
//! types the files share and the words of the outcomes are here.

use crate::scene7::{envelope, Auth, SOAP11, V2008};
use crate::support::*;
use reqwest::Method;
use salvage_core::acl::{AclEntry, Principal, Right};
use salvage_core::model::{Actor, NewUser, Role};
use salvage_core::throttle::ThrottlePolicy;
use salvage_core::Config;
use salvage_server::soap::{read_document, read_envelope, Element};
use salvage_server::Limits;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::fmt::Write as _;
mod calls;
mod inforouter_rows;
mod rest_rows;
mod run;
mod scene7_rows;
mod world;

use inforouter_rows::*;
use rest_rows::*;
use run::*;
use scene7_rows::*;
use world::*;

const PASSWORD: &str = "password 123";
const TENANT: &str = "default";
const ELSEWHERE: &str = "Elsewhere";

// --- callers ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Admin,
    Owner,
    Other,
    Reader,
    Role(Role),
    /// A company administrator of another tenant.
    Foreign,
    /// No credentials at all.
    Anonymous,
    /// A ticket no session has, or a wrong password.
    Bogus,
}

impl Who {
    fn all() -> Vec<Who> {
        let mut all = vec![Who::Admin, Who::Owner, Who::Other, Who::Reader];
        all.extend(Role::ALL.map(Who::Role));
        all.extend([Who::Foreign, Who::Anonymous, Who::Bogus]);
        all
    }

    fn label(self) -> &'static str {
        match self {
            Who::Admin => "admin",
            Who::Owner => "owner",
            Who::Other => "other",
            Who::Reader => "reader",
            Who::Role(r) => r.as_str(),
            Who::Foreign => "foreign",
            Who::Anonymous => "anon",
            Who::Bogus => "bogus",
        }
    }

    /// The user name of a caller that has an account.
    fn username(self) -> Option<String> {
        match self {
            Who::Admin => Some("admin".into()),
            Who::Owner | Who::Other | Who::Reader | Who::Foreign => Some(self.label().into()),
            Who::Role(r) => Some(format!("role-{}", r.as_str().to_lowercase())),
            Who::Anonymous | Who::Bogus => None,
        }
    }
}

// Groups of callers, as the rows name them.
const ADMINS: &str = "admin IpsAdmin IpsCompanyAdmin";
/// Members whose role may work the trash and who may change the library, administrators aside.
const WRITERS: &str = "owner other IpsUser ImagePortalAdmin ImagePortalContrib ImagePortalContribUser";
/// Roles that may not delete, restore or empty, nor create, rename or move items (Scene7's
/// table, enforced by the core for every face).
const NO_TRASH: &str = "WebServiceUser TrialSiteAdmin TrialSiteUser ImagePortalUser";
/// The roles the matrix refuses uploads (Scene7 §18 #19), on every face.
const NO_UPLOAD: &str = "WebServiceUser ImagePortalUser";

// --- the world every call acts on --------------------------------------------------------------

struct World {
    s: Server,
    /// By caller label.
    tickets: HashMap<&'static str, String>,
    owner: Actor,
    folder: i64,
    home: String,
    elsewhere: String,
    made: std::cell::Cell<u32>,
}

/// What one call acts on: a live document, a deletion of the owner's and a live subfolder,
/// all in `/Lib/F`, made afresh for each row and after each allowed call (or all in a folder
/// of their own that an access list hides from everyone but administrators).
#[derive(Debug, Clone)]
struct Target {
    /// The company handle the caller names: its own (another tenant's caller names theirs).
    company: String,
    /// The name of the folder in `/Lib` that holds it all.
    folder_name: String,
    doc: i64,
    doc_name: String,
    record: i64,
    gone: i64,
    gone_name: String,
    sub: i64,
    sub_name: String,
    folder: i64,
}

impl Target {
    fn doc_path(&self) -> String {
        format!("/Lib/{}/{}", self.folder_name, self.doc_name)
    }

    fn sub_path(&self) -> String {
        format!("/Lib/{}/{}", self.folder_name, self.sub_name)
    }

    fn sub_handle(&self) -> String {
        format!("f|{TENANT}/Lib/{}/{}/", self.folder_name, self.sub_name)
    }

    /// The same shape of target, names and all, but nothing of it exists (another tenant's ids
    /// must answer exactly like these).
    fn unknown(&self) -> Target {
        let far = |id: i64| id + 900_000;
        let renumber = |name: &str| {
            let digits: String = name.chars().filter(char::is_ascii_digit).collect();
            match digits.parse() {
                Ok(n) => name.replace(&digits, &far(n).to_string()),
                Err(_) => name.to_owned(),
            }
        };
        Target {
            company: self.company.clone(),
            folder_name: renumber(&self.folder_name),
            doc: far(self.doc),
            doc_name: renumber(&self.doc_name),
            record: far(self.record),
            gone: far(self.gone),
            gone_name: renumber(&self.gone_name),
            sub: far(self.sub),
            sub_name: renumber(&self.sub_name),
            folder: far(self.folder),
        }
    }
}

// --- calls --------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Rest,
    InfoRouter,
    Scene7,
}

/// One request, before it is given the caller's credentials.
enum Call {
    Rest(Method, String, Option<Value>),
    /// An operation and its parameters but the ticket.
    Ir(&'static str, Vec<(&'static str, String)>),
    /// An operation and the fields of its `{op}Param`.
    S7(&'static str, String),
}

fn rest(method: Method, path: impl Into<String>, body: Option<Value>) -> Call {
    Call::Rest(method, path.into(), body)
}

/// What a call answered, stripped of what differs between two equal answers (request ids,
/// dates, content lengths, and — for comparing two targets — digits).
struct Answer {
    outcome: String,
    raw: String,
}

// --- the table ----------------------------------------------------------------------------------

struct Row {
    api: Api,
    name: &'static str,
    call: fn(&Target) -> Call,
    /// (callers, outcome); the first group naming a caller wins; `*` is everyone else.
    expect: &'static [(&'static str, &'static str)],
    /// Whether the call names things by id or path (so another tenant's caller must get the
    /// answer an unknown id gets).
    names_ids: bool,
}

impl Row {
    fn expected(&self, who: Who) -> &'static str {
        self.expect
            .iter()
            .find(|(group, _)| *group == "*" || group.split_whitespace().any(|w| w == who.label()))
            .map_or("(no expectation)", |(_, outcome)| outcome)
    }
}

const fn row(
    api: Api,
    name: &'static str,
    call: fn(&Target) -> Call,
    expect: &'static [(&'static str, &'static str)],
) -> Row {
    Row {
        api,
        name,
        call,
        expect,
        names_ids: true,
    }
}

const fn listing(
    api: Api,
    name: &'static str,
    call: fn(&Target) -> Call,
    expect: &'static [(&'static str, &'static str)],
) -> Row {
    Row {
        api,
        name,
        call,
        expect,
        names_ids: false,
    }
}

// REST outcomes.
const R_ANON: (&str, &str) = ("anon", "401 unauthenticated");
const R_BOGUS: (&str, &str) = ("bogus", "401 invalid-ticket");
const R_DENIED: &str = "403 permission-denied";
const R_NOT_FOUND: &str = "404 not-found";

// Scene7 outcomes: no credentials, wrong ones, a role the operation's table refuses, and an
// unknown (or another company's) handle.
const S_ANON: (&str, &str) = ("anon", "authenticationFault 10000");
const S_BOGUS: (&str, &str) = ("bogus", "authenticationFault 10001");
const S_ANYONE: &[(&str, &str)] = &[S_ANON, S_BOGUS, ("*", "ok")];
const S_ROLE: &str = "authorizationFault 20003";
const S_UNKNOWN: &str = "ipsApiFault 30001";

// infoRouter outcomes (each operation words its errors as infoRouter does).
const I_ANON: (&str, &str) = ("anon", "[900] Authentication failed #4010");
const I_BOGUS: (&str, &str) = ("bogus", "[901] Session expired or Invalid ticket #4010");
const I_ANYONE: &[(&str, &str)] = &[I_ANON, I_BOGUS, ("*", "ok")];
const I_ONLY_ADMIN: &str = "Only the system administrator can perform this operation. #4030";
/// The deleter or an administrator; everyone else does not even see the deletion, so it answers
/// as an unknown item. No ticket at all is a 4000 here (a documented quirk).
const I_RESTORE: &[(&str, &str)] = &[
    (ADMINS, "ok"),
    ("owner", "ok"),
    ("anon", "[900] Authentication failed #4000"),
    I_BOGUS,
    ("*", "Document is no longer in the recycle bin. #4000"),
];

#[tokio::test]
async fn rest_matrix() {
    run_matrix(rest_rows()).await;
}

#[tokio::test]
async fn inforouter_matrix() {
    run_matrix(ir_rows()).await;
}

#[tokio::test]
async fn scene7_matrix() {
    run_matrix(s7_rows()).await;
}

#[tokio::test]
async fn another_tenants_ids_answer_like_unknown_ones() {
    let mut rows = rest_rows();
    rows.extend(ir_rows());
    rows.extend(s7_rows());
    foreign_ids_look_unknown(rows).await;
}

#[tokio::test]
async fn items_hidden_by_an_access_list_answer_like_unknown_ones_on_rest() {
    hidden_ids_look_unknown(rest_rows()).await;
}

#[tokio::test]
async fn items_hidden_by_an_access_list_answer_like_unknown_ones_on_inforouter() {
    hidden_ids_look_unknown(ir_rows()).await;
}

#[tokio::test]
async fn items_hidden_by_an_access_list_answer_like_unknown_ones_on_scene7() {
    hidden_ids_look_unknown(s7_rows()).await;
}
