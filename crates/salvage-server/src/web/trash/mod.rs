//! The recycle bin pages: `listing` (the bin with its filters), `restore` (preflight, restore,
//! restore by filter and its job page). What the purge pages share with them (the restore
//! form, the outcome table, advice on refusals, record names) is here.

mod listing;
mod restore;

pub use listing::list;
pub use restore::{by_filter_preflight, by_filter_restore, job, preflight, restore};

use super::session::Viewer;
use crate::state::AppState;
use askama::Template;
use salvage_core::store::{TrashFilter, TrashSort};
use salvage_core::trash::{MissingParent, OnConflict, RestoreOptions, Target, TrashItem};
use salvage_core::Error;

/// The restore choices, as the forms carry them.
#[derive(Default)]
pub(super) struct Options {
    target: String,
    conflict: String,
    recreate: bool,
}

pub(super) struct OutcomeRow {
    pub(super) name: String,
    pub(super) result: &'static str,
    pub(super) details: String,
    pub(super) class: &'static str,
}

#[derive(Template)]
#[template(path = "outcome.html")]
pub(super) struct OutcomePage {
    pub(super) viewer: Viewer,
    pub(super) heading: &'static str,
    pub(super) summary: String,
    pub(super) rows: Vec<OutcomeRow>,
    pub(super) dry_run: bool,
    /// Where the confirmation of a dry run posts, with `ids` or `filter_fields`.
    pub(super) confirm_action: &'static str,
    pub(super) ids: Vec<i64>,
    pub(super) filter_fields: Vec<(&'static str, String)>,
    pub(super) options: Options,
}

/// A submitted restore form: the selected records and the choices.
pub(super) struct RestoreForm {
    pub(super) csrf: String,
    pub(super) ids: Vec<i64>,
    options: Options,
}

impl RestoreForm {
    pub(super) fn parse(body: &[u8]) -> Result<RestoreForm, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_bytes(body).map_err(|_| "The form could not be read.".to_owned())?;
        let mut form = RestoreForm {
            csrf: String::new(),
            ids: Vec::new(),
            options: Options {
                conflict: OnConflict::default().as_str().into(),
                ..Default::default()
            },
        };
        for (k, v) in pairs {
            match k.as_str() {
                "csrf" => form.csrf = v,
                "item" => form
                    .ids
                    .push(v.parse().map_err(|_| format!("\"{v}\" is not an item of the bin."))?),
                "target" => form.options.target = v.trim().to_owned(),
                "conflict" => form.options.conflict = v,
                "recreate" => form.options.recreate = true,
                _ => {}
            }
        }
        Ok(form)
    }

    fn restore_options(&self) -> RestoreOptions {
        // The folder is found inside the restore's own transaction; a path that names none is
        // each item's "target not found", worded below.
        let target = match self.options.target.as_str() {
            "" => Target::Original,
            path => Target::Path(path.to_owned()),
        };
        RestoreOptions {
            target,
            missing_parent: if self.options.recreate {
                MissingParent::Recreate
            } else {
                MissingParent::Error
            },
            on_conflict: OnConflict::parse(&self.options.conflict).unwrap_or_default(),
            all_or_nothing: false,
            only: None,
        }
    }
}

/// What the user can do about a refusal.
pub(super) fn advice(e: &Error) -> String {
    let what_to_do = match e {
        Error::NameConflict(_) => "Choose \"restore it under a new name\", or restore it to another folder.",
        Error::OriginalLocationMissing => "Tick \"re-create the original folder\", or restore it to another folder.",
        Error::InsufficientRights => "Restore it to a folder where you may add items, or ask an administrator.",
        Error::AccessDenied => "Ask the person who deleted it, or an administrator, to restore it.",
        Error::NotInTrash(_) => "It was restored or purged meanwhile; reload the recycle bin.",
        Error::TargetNotFound => "Check the folder path.",
        _ => "Try again; if it keeps failing, tell your administrator.",
    };
    format!("{e}. {what_to_do}")
}

/// A trash item's name among `names`, or its number for one the viewer cannot see.
pub(super) fn item_name(item: TrashItem, names: &[(i64, String)]) -> String {
    match item {
        TrashItem::Record(id) => names
            .iter()
            .find(|(i, _)| *i == id)
            .map_or_else(|| format!("item {id}"), |(_, n)| n.clone()),
        TrashItem::Node(id) => format!("item {id}"),
    }
}

/// The names of trash records, for the outcome table (one listing page per 1,000 items, never
/// a lookup per item).
pub(super) async fn record_names(state: &AppState, viewer: &Viewer, items: &[TrashItem]) -> Vec<(i64, String)> {
    let wanted: std::collections::HashSet<i64> = items
        .iter()
        .filter_map(|i| match i {
            TrashItem::Record(id) => Some(*id),
            TrashItem::Node(_) => None,
        })
        .collect();
    let mut names = Vec::new();
    let mut after = None;
    loop {
        let Ok(p) = state
            .repo
            .trash(
                &viewer.actor,
                &TrashFilter::default(),
                TrashSort::default(),
                after.as_ref(),
                1000,
            )
            .await
        else {
            return names;
        };
        names.extend(
            p.items
                .iter()
                .filter(|r| wanted.contains(&r.id))
                .map(|r| (r.id, r.name.clone())),
        );
        match p.next {
            Some(next) if names.len() < wanted.len() => after = Some(next),
            _ => return names,
        }
    }
}
