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
/// Roles that may not delete, restore or empty (Scene7's table, enforced by the core for all).
const NO_TRASH: &str = "WebServiceUser TrialSiteAdmin TrialSiteUser ImagePortalUser";

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

async fn world() -> World {
    // Wrong passwords are part of the matrix: no throttling here (it has tests of its own).
    let s = start_configured(
        Config {
            login_throttle: ThrottlePolicy {
                account_failures: 0,
                account_total_failures: 0,
                address_failures: 0,
                ..ThrottlePolicy::default()
            },
            ..Config::default()
        },
        Limits::default(),
    )
    .await;
    let repo = &s.repo;
    let admin_user = repo.check_login("admin", ADMIN_PASSWORD, None).await.unwrap();
    let admin = repo.actor_by_name(TENANT, "admin").await.unwrap();
    let mut entries = Vec::new();
    for who in Who::all() {
        let Some(name) = who.username() else { continue };
        let (role, right) = match who {
            Who::Admin | Who::Foreign => continue,
            Who::Reader => (Role::IpsUser, Right::Read),
            Who::Role(r) => (r, Right::Change),
            _ => (Role::IpsUser, Right::Change),
        };
        let user = repo.create_user(&admin, &new_user(&name), role).await.unwrap();
        entries.push(AclEntry {
            principal: Principal::User(user.id),
            right,
        });
    }
    let lib = repo.create_library(&admin, "Lib").await.unwrap();
    repo.set_access_list(&admin, lib.id, false, &entries, false)
        .await
        .unwrap();
    let folder = repo.create_folder(&admin, lib.id, "F").await.unwrap();
    let elsewhere = repo.create_tenant(&admin, ELSEWHERE).await.unwrap();
    let their_admin = repo.actor_for(&admin_user, elsewhere.id).await.unwrap();
    repo.create_user(&their_admin, &new_user("foreign"), Role::IpsAdmin)
        .await
        .unwrap();
    let mut tickets = HashMap::new();
    for who in Who::all() {
        let Some(name) = who.username() else { continue };
        let (tenant, password) = match who {
            Who::Foreign => (ELSEWHERE, PASSWORD),
            Who::Admin => (TENANT, ADMIN_PASSWORD),
            _ => (TENANT, PASSWORD),
        };
        let (ticket, _) = repo.login(Some(tenant), &name, password, None).await.unwrap();
        tickets.insert(who.label(), ticket);
    }
    tickets.insert(Who::Bogus.label(), "00000000-0000-0000-0000-000000000000".to_owned());
    let owner = repo.actor_by_name(TENANT, "owner").await.unwrap();
    let home = format!("c|{}", admin.tenant_id);
    World {
        tickets,
        owner,
        folder: folder.id,
        home,
        elsewhere: format!("c|{}", elsewhere.id),
        made: Default::default(),
        s,
    }
}

fn new_user(name: &str) -> NewUser {
    NewUser {
        username: name.into(),
        email: format!("{name}@example.com"),
        first_name: name.into(),
        last_name: "Tester".into(),
        password: PASSWORD.into(),
        is_system_admin: false,
    }
}

impl World {
    /// The target with the company handle `who` names: its own.
    fn as_seen_by(&self, who: Who, target: &Target) -> Target {
        Target {
            company: if who == Who::Foreign {
                self.elsewhere.clone()
            } else {
                self.home.clone()
            },
            ..target.clone()
        }
    }

    /// A fresh target, made by the owner.
    async fn target(&self) -> Target {
        let n = self.made.get() + 1;
        self.made.set(n);
        let repo = &self.s.repo;
        let (doc, _) = repo
            .upload(&self.owner, self.folder, &format!("d{n}.txt"), &mut &b"live"[..])
            .await
            .unwrap();
        let (gone, _) = repo
            .upload(&self.owner, self.folder, &format!("g{n}.txt"), &mut &b"deleted"[..])
            .await
            .unwrap();
        let record = repo.delete(&self.owner, gone.id).await.unwrap();
        let sub = repo
            .create_folder(&self.owner, self.folder, &format!("s{n}"))
            .await
            .unwrap();
        Target {
            company: self.home.clone(),
            folder_name: "F".into(),
            doc: doc.id,
            doc_name: doc.name,
            record: record.id,
            gone: gone.id,
            gone_name: gone.name,
            sub: sub.id,
            sub_name: sub.name,
            folder: self.folder,
        }
    }

    /// A fresh target in a folder of its own, made by the owner like any other and then hidden
    /// by an access list from everyone but administrators.
    async fn hidden_target(&self) -> Target {
        let n = self.made.get() + 1;
        self.made.set(n);
        let repo = &self.s.repo;
        let admin = repo.actor_by_name(TENANT, "admin").await.unwrap();
        let lib = repo.resolve(&admin, "/Lib").await.unwrap();
        let folder = repo.create_folder(&admin, lib.id, &format!("H{n}")).await.unwrap();
        let (doc, _) = repo
            .upload(&self.owner, folder.id, &format!("d{n}.txt"), &mut &b"live"[..])
            .await
            .unwrap();
        let (gone, _) = repo
            .upload(&self.owner, folder.id, &format!("g{n}.txt"), &mut &b"deleted"[..])
            .await
            .unwrap();
        let record = repo.delete(&self.owner, gone.id).await.unwrap();
        let sub = repo
            .create_folder(&self.owner, folder.id, &format!("s{n}"))
            .await
            .unwrap();
        repo.set_access_list(&admin, folder.id, false, &[], false)
            .await
            .unwrap();
        Target {
            company: self.home.clone(),
            folder_name: folder.name,
            doc: doc.id,
            doc_name: doc.name,
            record: record.id,
            gone: gone.id,
            gone_name: gone.name,
            sub: sub.id,
            sub_name: sub.name,
            folder: folder.id,
        }
    }

    /// Every table but the sessions, row by row.
    async fn snapshot(&self) -> String {
        let url = format!("sqlite://{}?mode=ro", self.s.data_dir().join("salvage.db").display());
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let tables: Vec<(String,)> = sqlx::query_as(
            // Ordinary tables only: the name index (an FTS5 table and its shadow tables) is
            // derived from `trash_records`, which is compared itself.
            "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT IN ('sessions', '_sqlx_migrations', 'sqlite_schema') ORDER BY name",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        let mut out = String::new();
        for (table,) in tables {
            let columns: Vec<(String,)> = sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(&pool)
                .await
                .unwrap();
            let row = columns
                .iter()
                .map(|(c,)| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            let rows: Vec<(String,)> = sqlx::query_as(&format!("SELECT {row} FROM \"{table}\" ORDER BY rowid"))
                .fetch_all(&pool)
                .await
                .unwrap();
            writeln!(out, "[{table}]").unwrap();
            for (r,) in rows {
                writeln!(out, "{r}").unwrap();
            }
        }
        pool.close().await;
        out
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

impl World {
    async fn perform(&self, who: Who, call: &Call) -> Answer {
        let ticket = self.tickets.get(who.label()).filter(|_| who != Who::Anonymous);
        match call {
            Call::Rest(method, path, body) => {
                let r = self
                    .s
                    .send(method.clone(), path, ticket.map(String::as_str), body.clone())
                    .await;
                Answer {
                    outcome: rest_outcome(&r),
                    raw: raw_reply(r.status.as_u16(), &r.headers, &r.bytes),
                }
            }
            Call::Ir(op, params) => {
                let mut form: Vec<(&str, &str)> = Vec::new();
                if let Some(t) = ticket {
                    form.push(("AuthenticationTicket", t));
                }
                form.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
                let res = self
                    .s
                    .http
                    .post(format!("{}/srv.asmx/{op}", self.s.base))
                    .form(&form)
                    .send()
                    .await
                    .unwrap();
                let (status, headers) = (res.status().as_u16(), res.headers().clone());
                let bytes = res.bytes().await.unwrap();
                Answer {
                    outcome: ir_outcome(status, &bytes),
                    raw: raw_reply(status, &headers, &bytes),
                }
            }
            Call::S7(op, fields) => {
                let auth = match who {
                    Who::Anonymous => Auth::None,
                    Who::Bogus => Auth::Header("owner".into(), "wrong password".into()),
                    Who::Admin => Auth::admin(),
                    _ => Auth::Header(who.username().unwrap(), PASSWORD.into()),
                };
                let body = envelope(
                    SOAP11,
                    &auth,
                    &format!("<{op}Param xmlns=\"{V2008}\">{fields}</{op}Param>"),
                );
                let res = self
                    .s
                    .http
                    .post(format!("{}/scene7/services/IpsApiService", self.s.base))
                    .header("content-type", "text/xml; charset=UTF-8")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let (status, headers) = (res.status().as_u16(), res.headers().clone());
                let bytes = res.bytes().await.unwrap();
                Answer {
                    outcome: s7_outcome(status, &bytes),
                    raw: raw_reply(status, &headers, &bytes),
                }
            }
        }
    }
}

fn raw_reply(status: u16, headers: &reqwest::header::HeaderMap, body: &[u8]) -> String {
    let mut out = format!("{status}\n");
    for (k, v) in headers {
        if !matches!(k.as_str(), "x-request-id" | "date" | "content-length") {
            writeln!(out, "{k}: {}", v.to_str().unwrap_or("?")).unwrap();
        }
    }
    out.push_str(&String::from_utf8_lossy(body));
    out
}

/// `ok`, `ok (none)` for a batch that found nothing, `item <status> <code>` for a batch whose
/// first item did not succeed, or `<status> <code>` for a problem.
fn rest_outcome(r: &Reply) -> String {
    let v: Value = serde_json::from_slice(&r.bytes).unwrap_or(Value::Null);
    if !r.status.is_success() {
        return format!("{} {}", r.status.as_u16(), v["code"].as_str().unwrap_or("?"));
    }
    // Restore reports hold `results`; a purge answers an array of the same.
    match v["results"].as_array().or(v.as_array()) {
        Some(results) if results.is_empty() => "ok (none)".into(),
        Some(results) => match results
            .iter()
            .find(|i| i.get("status").is_some_and(|s| s != "restored" && s != "purged"))
        {
            None => "ok".into(),
            Some(i) => format!(
                "item {} {}",
                i["status"].as_str().unwrap_or("?"),
                i["problem"]["code"].as_str().unwrap_or("?")
            ),
        },
        None => "ok".into(),
    }
}

/// `ok`, or the error string and code of `success="false"`.
fn ir_outcome(status: u16, bytes: &[u8]) -> String {
    let Ok(node) = read_document(bytes) else {
        return format!("{status} {}", String::from_utf8_lossy(bytes));
    };
    if node.attribute("success") == Some("true") {
        return "ok".into();
    }
    // DownloadDocument answers the content alone, empty when it cannot be had.
    if node.name == "base64Binary" {
        return if node.text.is_empty() { "empty content" } else { "ok" }.into();
    }
    format!(
        "{} #{}",
        node.attribute("error").unwrap_or("?"),
        node.attribute("errorCode").unwrap_or("-")
    )
}

/// `ok`, `items <code>` for a batch with a failed item, or `<fault kind> <code>`.
fn s7_outcome(status: u16, bytes: &[u8]) -> String {
    let Ok(env) = read_envelope(bytes) else {
        return format!("{status} not SOAP");
    };
    if env.body.name == "Fault" {
        let detail = env.body.child("detail").or_else(|| env.body.child("Detail"));
        return match detail.and_then(|d| d.children.first()) {
            Some(d) => format!("{} {}", d.name, d.child("code").map_or("?", |c| c.text.as_str())),
            None => "fault without detail".into(),
        };
    }
    let count = |name: &str| env.body.child(name).map(|c| c.text.clone());
    match count("errorCount").as_deref() {
        Some("0") | None => match count("successCount").as_deref() {
            Some("0") => "ok (none)".into(),
            _ => "ok".into(),
        },
        Some(_) => {
            let first = env
                .body
                .child("errorDetailArray")
                .and_then(|a| a.children.first())
                .and_then(|i: &Element| i.child("code"))
                .map_or("?".to_owned(), |c| c.text.clone());
            format!("items {first}")
        }
    }
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

fn rest_rows() -> Vec<Row> {
    use Api::Rest;
    vec![
        listing(
            Rest,
            "GET /trash",
            |_| rest(Method::GET, "/api/v1/trash", None),
            &[R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /trash/{id}",
            |t| rest(Method::GET, format!("/api/v1/trash/{}", t.record), None),
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /trash/{id}/contents",
            |t| rest(Method::GET, format!("/api/v1/trash/{}/contents", t.record), None),
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /nodes/{folder}/trash",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}/trash", t.folder), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "POST /trash/preflight",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/preflight",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore (a node inside)",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore",
                    Some(json!({ "nodes": [t.gone] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                R_ANON,
                R_BOGUS,
                // Someone else's deletion is not theirs to see: as an unknown item.
                ("*", "item failed not-in-trash"),
            ],
        ),
        row(
            Rest,
            "POST /trash/restore-by-filter",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/restore-by-filter",
                    Some(json!({ "filter": { "name": t.gone_name } })),
                )
            },
            &[(ADMINS, "ok"), ("owner", "ok"), R_ANON, R_BOGUS, ("*", "ok (none)")],
        ),
        row(
            Rest,
            "POST /trash/purge",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/trash/purge",
                    Some(json!({ "items": [t.record] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("foreign", "item failed not-in-trash"),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        listing(
            Rest,
            "POST /trash/empty",
            |_| rest(Method::POST, "/api/v1/trash/empty", Some(json!({}))),
            &[(NO_TRASH, R_DENIED), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        listing(
            Rest,
            "POST /trash/empty (everyone's)",
            |_| rest(Method::POST, "/api/v1/trash/empty", Some(json!({ "everyone": true }))),
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
        listing(
            Rest,
            "GET /settings/trash",
            |_| rest(Method::GET, "/api/v1/settings/trash", None),
            &[R_ANON, R_BOGUS, ("*", "ok")],
        ),
        listing(
            Rest,
            "PUT /settings/trash",
            |_| {
                rest(
                    Method::PUT,
                    "/api/v1/settings/trash",
                    Some(
                        json!({ "user_bin_days": 3, "system_bin_days": 4, "names_reserved": true, "restore_policy": "any-trash-role" }),
                    ),
                )
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
        row(
            Rest,
            "DELETE /nodes/{doc}",
            |t| rest(Method::DELETE, format!("/api/v1/nodes/{}", t.doc), None),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "DELETE /nodes/{folder}",
            |t| rest(Method::DELETE, format!("/api/v1/nodes/{}", t.sub), None),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "PATCH /nodes/{doc} (rename)",
            |t| {
                rest(
                    Method::PATCH,
                    format!("/api/v1/nodes/{}", t.doc),
                    Some(json!({ "name": format!("r-{}", t.doc_name) })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "PATCH /nodes/{doc} (move)",
            |t| {
                rest(
                    Method::PATCH,
                    format!("/api/v1/nodes/{}", t.doc),
                    Some(json!({ "parent_id": t.sub })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "POST /nodes/{folder}/folders",
            |t| {
                rest(
                    Method::POST,
                    format!("/api/v1/nodes/{}/folders", t.sub),
                    Some(json!({ "name": "new" })),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                (NO_TRASH, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        row(
            Rest,
            "GET /nodes/{doc}",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}", t.doc), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /nodes/{deleted doc}",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}", t.gone), None),
            &[R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /documents/{doc}/content",
            |t| rest(Method::GET, format!("/api/v1/documents/{}/content", t.doc), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "GET /documents/{deleted doc}/content",
            |t| rest(Method::GET, format!("/api/v1/documents/{}/content", t.gone), None),
            &[R_ANON, R_BOGUS, ("*", R_NOT_FOUND)],
        ),
        row(
            Rest,
            "GET /nodes/{folder}/acl",
            |t| rest(Method::GET, format!("/api/v1/nodes/{}/acl", t.sub), None),
            &[("foreign", R_NOT_FOUND), R_ANON, R_BOGUS, ("*", "ok")],
        ),
        row(
            Rest,
            "PUT /nodes/{folder}/acl",
            |t| {
                rest(
                    Method::PUT,
                    format!("/api/v1/nodes/{}/acl", t.sub),
                    Some(json!({ "inherited": false, "entries": [] })),
                )
            },
            &[
                (ADMINS, "ok"),
                ("foreign", R_NOT_FOUND),
                R_ANON,
                R_BOGUS,
                ("*", R_DENIED),
            ],
        ),
        listing(
            Rest,
            "POST /libraries",
            |t| {
                rest(
                    Method::POST,
                    "/api/v1/libraries",
                    Some(json!({ "name": format!("L{}", t.doc) })),
                )
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), R_ANON, R_BOGUS, ("*", R_DENIED)],
        ),
    ]
}

fn ir(op: &'static str, params: &[(&'static str, String)]) -> Call {
    Call::Ir(op, params.to_vec())
}

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

fn ir_rows() -> Vec<Row> {
    use Api::InfoRouter as I;
    vec![
        listing(
            I,
            "GetRecycleBinContent",
            |_| ir("GetRecycleBinContent", &[]),
            &[
                I_ANON,
                ("bogus", "[901] Session expired or Invalid ticket. #4010"),
                ("*", "ok"),
            ],
        ),
        listing(
            I,
            "SearchRecycledItems",
            |t| ir("SearchRecycledItems", &[("objectName", t.gone_name.clone())]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", I_ONLY_ADMIN)],
        ),
        row(
            I,
            "RestoreRecycleBinItem",
            |t| {
                ir(
                    "RestoreRecycleBinItem",
                    &[
                        ("ItemHandler", format!("D{}", t.record)),
                        ("RestorePath", String::new()),
                    ],
                )
            },
            I_RESTORE,
        ),
        row(
            I,
            "RestoreRecycleBinItem (to a path)",
            |t| {
                ir(
                    "RestoreRecycleBinItem",
                    &[("ItemHandler", format!("D{}", t.record)), ("RestorePath", t.sub_path())],
                )
            },
            I_RESTORE,
        ),
        row(
            I,
            "PurgeRecycleBinItem",
            |t| ir("PurgeRecycleBinItem", &[("ItemHandler", format!("D{}", t.record))]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", I_ONLY_ADMIN)],
        ),
        listing(
            I,
            "EmptyRecycleBin",
            |_| ir("EmptyRecycleBin", &[]),
            &[(NO_TRASH, "Access denied. #4030"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(
            I,
            "GetDeleteLog",
            |_| ir("GetDeleteLog", &[]),
            &[
                (ADMINS, "ok"),
                ("foreign", "ok"),
                I_ANON,
                I_BOGUS,
                ("*", "Insufficient rights. #4030"),
            ],
        ),
        listing(
            I,
            "GetGeneralAppSettings",
            |_| ir("GetGeneralAppSettings", &[]),
            I_ANYONE,
        ),
        listing(
            I,
            "SetGeneralAppSettings",
            |_| {
                ir("SetGeneralAppSettings", &[("settingsXml", "<GeneralSettings><SystemRecycleBinAutoPurgeOption>3</SystemRecycleBinAutoPurgeOption></GeneralSettings>".into())])
            },
            &[(ADMINS, "ok"), ("foreign", "ok"), ("anon", "[2730]Insufficient rights. Anonymous users cannot perform this action #4010"), I_BOGUS, ("*", "Insufficient rights. Only an administrator can change the application settings. #4030")],
        ),
        row(
            I,
            "DeleteDocument",
            |t| ir("DeleteDocument", &[("Path", t.doc_path())]),
            &[(ADMINS, "ok"), (WRITERS, "ok"), ("foreign", "Document not found #4041"), ("anon", "User not found #4041"), I_BOGUS, ("*", "Access denied. #4030")],
        ),
        row(
            I,
            "DeleteFolder",
            |t| ir("DeleteFolder", &[("Path", t.sub_path())]),
            &[(ADMINS, "ok"), (WRITERS, "ok"), ("foreign", "Folder not found. #4041"), ("anon", "User not found #4041"), I_BOGUS, ("*", "Access denied. #4030")],
        ),
        row(
            I,
            "CreateFolder",
            |t| ir("CreateFolder", &[("Path", format!("{}/new", t.sub_path()))]),
            &[("reader", "Access denied #4030"), ("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "CreateFolder1",
            |t| ir("CreateFolder1", &[("ParentFolderPath", t.sub_path()), ("NewFolderName", "new".into())]),
            &[("reader", "Access denied #4030"), ("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "FolderExists",
            |t| ir("FolderExists", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolder",
            |t| ir("GetFolder", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolders",
            |t| ir("GetFolders", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFolders1",
            |t| ir("GetFolders1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetDocuments1",
            |t| ir("GetDocuments1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetFoldersAndDocuments1",
            |t| ir("GetFoldersAndDocuments1", &[("Path", t.sub_path())]),
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "Move",
            |t| {
                ir(
                    "Move",
                    &[("SourcePath", t.doc_path()), ("DestinationPath", t.sub_path())],
                )
            },
            &[("reader", "Access denied. #4030"), ("foreign", "Source not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetDocument",
            |t| ir("GetDocument", &[("Path", t.doc_path())]),
            &[("foreign", "Document not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "DocumentExists",
            |t| ir("DocumentExists", &[("Path", t.doc_path())]),
            &[("foreign", "Document not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UploadDocument",
            |t| {
                ir(
                    "UploadDocument",
                    &[
                        ("Path", format!("{}/up.txt", t.sub_path())),
                        ("FileContent", "aGVsbG8=".into()),
                    ],
                )
            },
            &[("reader", "Access denied #4030"), ("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UploadDocument1",
            |t| {
                ir(
                    "UploadDocument1",
                    &[
                        ("Path", format!("{}/up.txt", t.sub_path())),
                        ("FileContent", "aGVsbG8=".into()),
                        ("VersionComment", "c".into()),
                    ],
                )
            },
            &[("reader", "Access denied #4030"), ("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "DownloadDocument",
            |t| ir("DownloadDocument", &[("Path", t.doc_path())]),
            &[("foreign anon bogus", "empty content"), ("*", "ok")],
        ),
        row(
            I,
            "PublishDocument",
            |t| {
                ir(
                    "PublishDocument",
                    &[("DocumentPath", t.doc_path()), ("VersionNumber", "1".into())],
                )
            },
            &[("reader", "Access denied. To publish a document you must be the owner, a domain manager, or the author of at least one version. #4030"), ("foreign", "Document not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "UpdateDocumentType",
            |t| {
                ir(
                    "UpdateDocumentType",
                    &[("Path", t.doc_path()), ("DocumentTypeID", "0".into())],
                )
            },
            &[("reader", "Access denied #4030"), ("foreign", "Document not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(I, "GetDocumentTypes", |_| ir("GetDocumentTypes", &[]), I_ANYONE),
        listing(
            I,
            "GetPublishingRequirements",
            |_| ir("GetPublishingRequirements", &[("domainname", "Lib".into())]),
            &[("foreign", "Domain not found. #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "GetAccessList",
            |t| ir("GetAccessList", &[("Path", t.sub_path())]),
            &[("foreign", "Path not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        row(
            I,
            "SetAccessList",
            |t| {
                ir(
                    "SetAccessList",
                    &[
                        ("Path", t.sub_path()),
                        (
                            "AccessListXML",
                            "<AccessList><DomainMembers Right=\"2\"/></AccessList>".into(),
                        ),
                        ("ApplyToTree", "false".into()),
                    ],
                )
            },
            &[(ADMINS, "ok"), ("foreign", "Path not found #4041"), I_ANON, I_BOGUS, ("*", "Access denied #4030")],
        ),
        row(
            I,
            "FolderAccessAllowed (list)",
            |t| {
                ir(
                    "FolderAccessAllowed",
                    &[("Path", t.sub_path()), ("ActionId", "41".into())],
                )
            },
            &[("foreign", "Folder not found #4041"), I_ANON, I_BOGUS, ("*", "ok")],
        ),
        listing(I, "GetDomains", |_| ir("GetDomains", &[]), I_ANYONE),
        listing(
            I,
            "DomainExists",
            |_| ir("DomainExists", &[("DomainName", "Lib".into())]),
            I_ANYONE,
        ),
        listing(
            I,
            "CreateDomain",
            |t| ir("CreateDomain", &[("DomainName", format!("D{}", t.doc))]),
            &[(ADMINS, "ok"), ("foreign", "ok"), I_ANON, I_BOGUS, ("*", "[1573] Only the system administrator can perform this operation #4030")],
        ),
    ]
}

fn s7(op: &'static str, t: &Target, fields: &str) -> Call {
    Call::S7(op, format!("<companyHandle>{}</companyHandle>{fields}", t.company))
}

fn assets(handles: &[String]) -> String {
    let items: String = handles.iter().map(|h| format!("<items>{h}</items>")).collect();
    format!("<assetHandleArray>{items}</assetHandleArray>")
}

fn s7_rows() -> Vec<Row> {
    use Api::Scene7 as S;
    vec![
        listing(S, "getCompanyInfo", |t| s7("getCompanyInfo", t, ""), S_ANYONE),
        listing(S, "getFolders", |t| s7("getFolders", t, ""), S_ANYONE),
        listing(
            S,
            "getFolderTree",
            |t| s7("getFolderTree", t, "<depth>2</depth>"),
            S_ANYONE,
        ),
        row(
            S,
            "createFolder",
            |t| {
                s7(
                    "createFolder",
                    t,
                    &format!("<folderPath>Lib/{}/{}/new</folderPath>", t.folder_name, t.sub_name),
                )
            },
            &[
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "ok"),
            ],
        ),
        row(
            S,
            "deleteFolder",
            |t| {
                s7(
                    "deleteFolder",
                    t,
                    &format!("<folderHandle>{}</folderHandle>", t.sub_handle()),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "moveFolder",
            |t| {
                s7(
                    "moveFolder",
                    t,
                    &format!(
                        "<folderHandle>{}</folderHandle><destFolderHandle>f|{TENANT}/Lib/</destFolderHandle>",
                        t.sub_handle()
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "renameFolder",
            |t| {
                s7(
                    "renameFolder",
                    t,
                    &format!(
                        "<folderHandle>{}</folderHandle><folderName>r{}</folderName>",
                        t.sub_handle(),
                        t.sub_name
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        listing(
            S,
            "searchAssets (in the trash)",
            |t| {
                s7(
                    "searchAssets",
                    t,
                    "<includeSubfolders>true</includeSubfolders><trashState>InTrash</trashState>",
                )
            },
            S_ANYONE,
        ),
        row(
            S,
            "getAssets",
            |t| s7("getAssets", t, &assets(&[format!("a|{}", t.doc)])),
            S_ANYONE,
        ),
        row(
            S,
            "getAssets (deleted)",
            |t| s7("getAssets", t, &assets(&[format!("a|{}", t.gone)])),
            S_ANYONE,
        ),
        row(
            S,
            "getAssetsByName",
            |t| {
                s7(
                    "getAssetsByName",
                    t,
                    &format!(
                        "<nameArray><items>{}</items></nameArray>",
                        t.doc_name.trim_end_matches(".txt")
                    ),
                )
            },
            S_ANYONE,
        ),
        listing(S, "getAssetCounts", |t| s7("getAssetCounts", t, ""), S_ANYONE),
        row(
            S,
            "moveAsset",
            |t| {
                s7(
                    "moveAsset",
                    t,
                    &format!(
                        "<assetHandle>a|{}</assetHandle><folderHandle>{}</folderHandle>",
                        t.doc,
                        t.sub_handle()
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "moveAssets",
            |t| {
                s7("moveAssets", t, &format!("<assetMoveArray><items><assetHandle>a|{}</assetHandle><folderHandle>{}</folderHandle></items></assetMoveArray>", t.doc, t.sub_handle()))
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "items 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", "items 30001"),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "renameAsset",
            |t| {
                s7(
                    "renameAsset",
                    t,
                    &format!(
                        "<assetHandle>a|{}</assetHandle><newName>r{}</newName><validateName>true</validateName>",
                        t.doc, t.doc
                    ),
                )
            },
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "deleteAsset",
            |t| s7("deleteAsset", t, &format!("<assetHandle>a|{}</assetHandle>", t.doc)),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "authorizationFault 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", S_UNKNOWN),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "deleteAssets",
            |t| s7("deleteAssets", t, &assets(&[format!("a|{}", t.doc)])),
            &[
                (ADMINS, "ok"),
                (WRITERS, "ok"),
                ("reader", "items 20009"),
                (NO_TRASH, S_ROLE),
                ("foreign", "items 30001"),
                S_ANON,
                S_BOGUS,
            ],
        ),
        row(
            S,
            "restoreAssetsFromTrash",
            |t| s7("restoreAssetsFromTrash", t, &assets(&[format!("a|{}", t.gone)])),
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "items 30001"),
            ],
        ),
        row(
            S,
            "emptyAssetsFromTrash",
            |t| s7("emptyAssetsFromTrash", t, &assets(&[format!("a|{}", t.gone)])),
            &[
                (ADMINS, "ok"),
                ("owner", "ok"),
                (NO_TRASH, S_ROLE),
                S_ANON,
                S_BOGUS,
                ("*", "items 30001"),
            ],
        ),
        listing(
            S,
            "getCompanyMembership",
            |t| s7("getCompanyMembership", t, ""),
            S_ANYONE,
        ),
        listing(S, "getUserInfo", |_| Call::S7("getUserInfo", String::new()), S_ANYONE),
        listing(
            S,
            "checkLogin",
            |_| {
                Call::S7(
                    "checkLogin",
                    format!("<email>owner</email><password>{PASSWORD}</password>"),
                )
            },
            S_ANYONE,
        ),
        listing(
            S,
            "addCompany",
            |t| Call::S7("addCompany", format!("<companyName>C{}</companyName>", t.doc)),
            &[("admin", "ok"), S_ANON, S_BOGUS, ("*", S_ROLE)],
        ),
    ]
}

// --- running it ---------------------------------------------------------------------------------

/// Runs every row for every caller and fails, printing the matrix, where an outcome differs
/// from the table or a refused call changed anything.
async fn run_matrix(rows: Vec<Row>) {
    let w = world().await;
    let callers = Who::all();
    let mut report = String::new();
    let mut wrong = Vec::new();
    for row in &rows {
        writeln!(report, "{:?} {}", row.api, row.name).unwrap();
        let mut target = w.target().await;
        let mut before = w.snapshot().await;
        for &who in &callers {
            let expected = row.expected(who);
            let answer = w.perform(who, &(row.call)(&w.as_seen_by(who, &target))).await;
            let allowed = answer.outcome.starts_with("ok");
            let mut mark = if answer.outcome == expected { " " } else { "!" };
            let after = w.snapshot().await;
            if !allowed && after != before {
                mark = "~";
            }
            if mark != " " {
                wrong.push(format!(
                    "{:?} {} as {}: {}",
                    row.api,
                    row.name,
                    who.label(),
                    answer.outcome
                ));
            }
            writeln!(
                report,
                "  {mark} {:<24} {:<45} expected {expected}",
                who.label(),
                answer.outcome
            )
            .unwrap();
            if allowed {
                // The call may have used the target up: the next caller gets a new one.
                target = w.target().await;
                before = w.snapshot().await;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the authorization matrix (! unexpected outcome, ~ a refused call changed something):\n{report}\n{} wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every digit run as `#`: ids and the numbered names of two targets differ only there.
fn without_digits(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !out.ends_with('#') {
            out.push('#');
        }
    }
    out
}

/// A caller of another tenant naming this tenant's items gets, byte for byte (ids aside), the
/// answer an unknown id gets: status, headers and body, so nothing tells that they exist.
async fn foreign_ids_look_unknown(rows: Vec<Row>) {
    let w = world().await;
    let mut differ = Vec::new();
    for row in rows.iter().filter(|r| r.names_ids) {
        let real = w.as_seen_by(Who::Foreign, &w.target().await);
        let unknown = real.unknown();
        let a = w.perform(Who::Foreign, &(row.call)(&real)).await;
        let b = w.perform(Who::Foreign, &(row.call)(&unknown)).await;
        if without_digits(&a.raw) != without_digits(&b.raw) {
            differ.push(format!(
                "{:?} {}:\n--- another tenant's item\n{}\n--- an unknown one\n{}",
                row.api, row.name, a.raw, b.raw
            ));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

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

/// Every caller of the tenant who is not an administrator, naming items an access list hides
/// from them, gets the answer an unknown id gets (ids and numbered names aside), and the
/// database does not change. Calls that would create a folder under a hidden one by its path
/// may instead say that the name is taken, but never give that item's id.
async fn hidden_ids_look_unknown(rows: Vec<Row>) {
    let w = world().await;
    let callers: Vec<Who> = Who::all()
        .into_iter()
        .filter(|who| who.username().is_some())
        .filter(|who| {
            !matches!(
                who,
                Who::Admin | Who::Foreign | Who::Role(Role::IpsAdmin | Role::IpsCompanyAdmin)
            )
        })
        .collect();
    let mut differ = Vec::new();
    for row in rows.iter().filter(|r| r.names_ids) {
        let hidden = w.hidden_target().await;
        let unknown = hidden.unknown();
        for &who in &callers {
            let before = w.snapshot().await;
            let a = w.perform(who, &(row.call)(&w.as_seen_by(who, &hidden))).await;
            let changed = w.snapshot().await != before;
            let b = w.perform(who, &(row.call)(&w.as_seen_by(who, &unknown))).await;
            let same = without_digits(&a.raw) == without_digits(&b.raw);
            // A clash may name what the caller typed, never an id of the hidden items.
            let clash = ["already", "name-conflict"].iter().any(|w| a.raw.contains(w))
                && ![hidden.doc, hidden.sub, hidden.folder, hidden.gone].iter().any(|id| {
                    // An id as each API writes one: JSON, XML text, a Scene7 handle.
                    [format!("\"id\":{id}"), format!(">{id}<"), format!("|{id}<")]
                        .iter()
                        .any(|written| a.raw.contains(written))
                });
            if changed || !(same || clash) {
                differ.push(format!(
                    "{:?} {} as {}{}:\n--- a hidden item\n{}\n--- an unknown one\n{}",
                    row.api,
                    row.name,
                    who.label(),
                    if changed { " (the database changed)" } else { "" },
                    a.raw,
                    b.raw
                ));
            }
            if changed {
                return assert!(differ.is_empty(), "{}", differ.join("\n\n"));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "{} answers differ:\n{}",
        differ.len(),
        differ.join("\n\n")
    );
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
