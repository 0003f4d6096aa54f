//! The audit log with its filters, and the recycle-bin settings of the tenant (retention, name
//! reservation, who may restore): readable by every member, changed by administrators.

use super::body::Form;
use super::pages::{forbidden, form_time, page};
use super::session::Viewer;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use salvage_core::model::{AuditAction, AuditEvent, RestorePolicy, TrashSettings};
use salvage_core::params::{path_prefix, Bound};
use salvage_core::store::AuditFilter;
use serde::Deserialize;

const PAGE_SIZE: u32 = 100;

/// Every audit action with the words the page uses for it.
const ACTIONS: [(&str, &str); 7] = [
    ("recycle", "Deleted"),
    ("restore", "Restored"),
    ("purge", "Purged"),
    ("auto-purge", "Purged by retention"),
    ("empty", "Bin emptied"),
    ("move-to-system-bin", "Moved to the system bin"),
    ("rename", "Renamed"),
];

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    user: String,
    action: String,
    since: String,
    until: String,
    path: String,
    before: String,
}

impl AuditQuery {
    fn fields(&self) -> Vec<(&'static str, String)> {
        [
            ("user", &self.user),
            ("action", &self.action),
            ("since", &self.since),
            ("until", &self.until),
            ("path", &self.path),
        ]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.to_string()))
        .collect()
    }

    fn filter(&self, members: &[(i64, String)], now: chrono::DateTime<chrono::Utc>) -> Result<AuditFilter, String> {
        let actor_id = match self.user.trim() {
            "" => None,
            name => Some(
                members
                    .iter()
                    .find(|(_, n)| salvage_core::name::same(n, name))
                    .map(|(id, _)| *id)
                    .ok_or_else(|| format!("There is no user named \"{name}\"."))?,
            ),
        };
        Ok(AuditFilter {
            actor_id,
            action: match self.action.as_str() {
                "" => None,
                a => Some(AuditAction::parse(a).ok_or_else(|| format!("\"{a}\" is not an event of the log."))?),
            },
            since: form_time("since", &self.since, Bound::From, now)?,
            until: form_time("until", &self.until, Bound::Until, now)?,
            path_prefix: path_prefix(&self.path),
        })
    }
}

struct EventRow {
    at: String,
    at_iso: String,
    who: String,
    action: &'static str,
    name: String,
    kind: &'static str,
    from: String,
    to: String,
}

impl EventRow {
    fn of(e: &AuditEvent, members: &[(i64, String)]) -> EventRow {
        EventRow {
            at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            at_iso: e.at.to_rfc3339(),
            who: match e.actor_id {
                None => "retention".to_owned(),
                Some(id) => members
                    .iter()
                    .find(|(m, _)| *m == id)
                    .map_or_else(|| format!("user {id}"), |(_, n)| n.clone()),
            },
            action: ACTIONS
                .iter()
                .find(|(v, _)| *v == e.action.as_str())
                .map_or("", |(_, label)| label),
            name: e.name.clone(),
            kind: if e.kind.is_container() { "folder" } else { "document" },
            from: e.from_path.clone(),
            to: e.to_path.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    viewer: Viewer,
    q: AuditQuery,
    actions: &'static [(&'static str, &'static str)],
    filtered: bool,
    error: Option<String>,
    events: Vec<EventRow>,
    next: Option<String>,
}

/// `GET /audit`
pub async fn audit(State(state): State<AppState>, viewer: Viewer, Query(q): Query<AuditQuery>) -> Response {
    let members = state.repo.member_names(&viewer.actor).await.unwrap_or_default();
    let before = q.before.trim().parse::<i64>().ok();
    let (events, next, error) = match q.filter(&members, state.repo.clock().now()) {
        Err(message) => (Vec::new(), None, Some(message)),
        Ok(filter) => match state.repo.audit(&viewer.actor, &filter, before, PAGE_SIZE).await {
            Ok(p) => {
                let next = p.next.map(|id| {
                    let mut fields = q.fields();
                    fields.push(("before", id.to_string()));
                    format!("/audit?{}", serde_urlencoded::to_string(fields).unwrap_or_default())
                });
                (p.items.iter().map(|e| EventRow::of(e, &members)).collect(), next, None)
            }
            Err(e) => (Vec::new(), None, Some(format!("The log could not be read: {e}."))),
        },
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    page(
        AuditPage {
            filtered: !q.fields().is_empty(),
            viewer,
            q,
            actions: &ACTIONS,
            error,
            events,
            next,
        },
        status,
    )
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    viewer: Viewer,
    user_bin_days: String,
    system_bin_days: String,
    names_reserved: bool,
    restore_policy: &'static str,
    notice: Option<String>,
    error: Option<String>,
}

impl SettingsPage {
    fn of(viewer: Viewer, s: &TrashSettings) -> SettingsPage {
        SettingsPage {
            viewer,
            user_bin_days: s.user_bin_days.to_string(),
            system_bin_days: s.system_bin_days.to_string(),
            names_reserved: s.names_reserved,
            restore_policy: s.restore_policy.as_str(),
            notice: None,
            error: None,
        }
    }
}

/// `GET /settings`
pub async fn settings(State(state): State<AppState>, viewer: Viewer) -> Response {
    match state.repo.tenant(&viewer.actor).await {
        Ok(tenant) => page(SettingsPage::of(viewer, &tenant.settings), StatusCode::OK),
        Err(e) => super::pages::message_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            &format!("The settings could not be read: {e}."),
        ),
    }
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_bin_days: String,
    #[serde(default)]
    system_bin_days: String,
    #[serde(default)]
    names_reserved: Option<String>,
    #[serde(default)]
    restore_policy: String,
}

/// Reads the form into settings, or says which field is wrong and how.
fn parse_settings(form: &SettingsForm) -> Result<TrashSettings, String> {
    let days = |label: &str, v: &str| -> Result<u32, String> {
        v.trim().parse::<u32>().ok().filter(|d| *d <= 36_500).ok_or_else(|| {
            format!(
                "{label} must be a whole number of days from 0 to 36500, not \"{}\".",
                v.trim()
            )
        })
    };
    Ok(TrashSettings {
        user_bin_days: days("Days in the deleter's bin", &form.user_bin_days)?,
        system_bin_days: days("Days in the system bin", &form.system_bin_days)?,
        names_reserved: form.names_reserved.is_some(),
        restore_policy: match form.restore_policy.as_str() {
            "any-trash-role" => RestorePolicy::AnyTrashRole,
            _ => RestorePolicy::DeleterOrAdministrator,
        },
    })
}

/// `POST /settings`: administrators only (the core refuses anyone else).
pub async fn save_settings(State(state): State<AppState>, viewer: Viewer, Form(form): Form<SettingsForm>) -> Response {
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let current = match state.repo.tenant(&viewer.actor).await {
        Ok(t) => t.settings,
        Err(e) => {
            return super::pages::message_page(
                StatusCode::INTERNAL_SERVER_ERROR,
                &format!("The settings could not be read: {e}."),
            )
        }
    };
    let settings = match parse_settings(&form) {
        Ok(s) => s,
        Err(message) => {
            let mut page_of = SettingsPage::of(viewer, &current);
            page_of.error = Some(message);
            return page(page_of, StatusCode::BAD_REQUEST);
        }
    };
    match state.repo.set_trash_settings(&viewer.actor, settings).await {
        Ok(()) => {
            let mut page_of = SettingsPage::of(viewer, &settings);
            page_of.notice = Some("Saved. Retention applies from the next sweep.".into());
            page(page_of, StatusCode::OK)
        }
        Err(e) => {
            let mut page_of = SettingsPage::of(viewer, &current);
            page_of.error = Some(format!("Not saved: {e}. Only administrators change these settings."));
            page(page_of, StatusCode::FORBIDDEN)
        }
    }
}
