//! The notice at the top of a folder page after an action ("Folder “Reports” created.", "“q1.pdf”
//! was moved to the recycle bin." with its undo button).
//!
//! The page's address says only *which* notice to show — a code from a fixed set — and the ids
//! and numbers it is about; the words are the server's. Every name in a notice is looked up by
//! id among the items the viewer may see, and must belong where the notice says (a created
//! folder in the folder shown, a moved item in its new folder). So a link made elsewhere can at
//! most repeat one of these notices about the viewer's own items, never text its author chose:
//! an unknown code, a damaged id or an item the viewer cannot see shows no notice at all.

use super::session::Viewer;
use crate::state::AppState;
use salvage_core::model::NodeKind;
use serde::Deserialize;

/// Most documents an upload notice names; the rest are counted.
const MOST_NAMED: usize = 50;

/// What an action did: the notices there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Done {
    /// `items`: the new folder.
    FolderCreated,
    /// `items`: the documents stored (at most `MOST_NAMED`); `count`: how many there were.
    Uploaded,
    /// `items`: the renamed item.
    Renamed,
    /// `items`: the moved item; `to`: the folder it went to.
    Moved,
    /// `items`: the trash record of the deletion, which the notice offers to undo.
    Deleted,
    /// `items`: the item an undo put back.
    Back,
}

impl Done {
    const ALL: [Done; 6] = [
        Done::FolderCreated,
        Done::Uploaded,
        Done::Renamed,
        Done::Moved,
        Done::Deleted,
        Done::Back,
    ];

    fn code(self) -> &'static str {
        match self {
            Done::FolderCreated => "folder-created",
            Done::Uploaded => "uploaded",
            Done::Renamed => "renamed",
            Done::Moved => "moved",
            Done::Deleted => "deleted",
            Done::Back => "back",
        }
    }

    fn parse(code: &str) -> Option<Done> {
        Done::ALL.into_iter().find(|d| d.code() == code)
    }
}

/// What an action reports to the page it leads back to.
pub(super) struct Report {
    pub(super) done: Done,
    pub(super) items: Vec<i64>,
    pub(super) count: Option<usize>,
    pub(super) to: Option<i64>,
}

impl Report {
    pub(super) fn of(done: Done, item: i64) -> Report {
        Report {
            done,
            items: vec![item],
            count: None,
            to: None,
        }
    }

    /// An upload of these documents: the first `MOST_NAMED` travel by id, the rest as a count.
    pub(super) fn uploaded(documents: &[i64]) -> Report {
        Report {
            done: Done::Uploaded,
            items: documents.iter().copied().take(MOST_NAMED).collect(),
            count: (documents.len() > MOST_NAMED).then_some(documents.len()),
            to: None,
        }
    }

    /// The query string that carries the report (without the `?`).
    pub(super) fn query(&self) -> String {
        let items = self.items.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        let mut pairs = vec![("done", self.done.code().to_owned()), ("items", items)];
        if let Some(count) = self.count {
            pairs.push(("count", count.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// A report as a page's address carries it. Every field is text, so a damaged value is read as
/// no notice rather than refused with an error page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct NoticeQuery {
    done: Option<String>,
    items: Option<String>,
    count: Option<String>,
    to: Option<String>,
}

impl NoticeQuery {
    fn report(&self) -> Option<Report> {
        let done = Done::parse(self.done.as_deref()?)?;
        let items = self
            .items
            .as_deref()?
            .split(',')
            .map(|id| id.trim().parse::<i64>().ok())
            .collect::<Option<Vec<_>>>()?;
        if items.is_empty() || items.len() > MOST_NAMED {
            return None;
        }
        // Absent is `Some(None)`; damaged is `None`, no report.
        fn number<T: std::str::FromStr>(v: &Option<String>) -> Option<Option<T>> {
            v.as_deref().map(|n| n.trim().parse()).transpose().ok()
        }
        Some(Report {
            done,
            items,
            count: number(&self.count)?,
            to: number(&self.to)?,
        })
    }
}

/// A message at the top of a page after an action, with an undo button after a delete.
pub(super) struct Notice {
    pub(super) text: String,
    pub(super) undo: Option<i64>,
}

impl Notice {
    pub(super) fn plain(text: impl Into<String>) -> Notice {
        Notice {
            text: text.into(),
            undo: None,
        }
    }
}

/// The notice the address asks for on the page of `folder` (`None`: the libraries), if every
/// item it names is one the viewer may see, in the place the notice puts it.
pub(super) async fn notice(state: &AppState, viewer: &Viewer, folder: Option<i64>, q: &NoticeQuery) -> Option<Notice> {
    let report = q.report()?;
    let first = report.items[0];
    // A live item the viewer may see, in the folder shown.
    let here = |id: i64| async move {
        state
            .repo
            .node(&viewer.actor, id)
            .await
            .ok()
            .filter(|node| node.parent_id == folder)
    };
    let single = report.items.len() == 1;
    let text = match report.done {
        Done::FolderCreated if single => {
            let node = here(first).await.filter(|n| n.kind.is_container())?;
            format!("Folder \u{201c}{}\u{201d} created.", node.name)
        }
        Done::Uploaded => {
            let mut names = Vec::new();
            for &id in &report.items {
                let node = here(id).await.filter(|n| n.kind == NodeKind::Document)?;
                names.push(node.name);
            }
            match report.count.map(|n| n.saturating_sub(names.len())) {
                Some(more) if more > 0 => format!("Uploaded {} and {more} more.", names.join(", ")),
                _ => format!("Uploaded {}.", names.join(", ")),
            }
        }
        Done::Renamed if single => format!("Renamed to \u{201c}{}\u{201d}.", here(first).await?.name),
        Done::Moved if single => {
            let to = report.to?;
            let node = state.repo.node(&viewer.actor, first).await.ok()?;
            let target = state.repo.node(&viewer.actor, to).await.ok()?;
            if node.parent_id != Some(target.id) {
                return None;
            }
            let path = state.repo.path_of(&viewer.actor, &target).await.ok()?;
            format!("Moved \u{201c}{}\u{201d} to {path}.", node.name)
        }
        Done::Deleted if single => {
            let record = state.repo.trash_record(&viewer.actor, first).await.ok()?;
            if record.original_parent_id != folder {
                return None;
            }
            return Some(Notice {
                text: format!("\u{201c}{}\u{201d} was moved to the recycle bin.", record.name),
                undo: Some(record.id),
            });
        }
        Done::Back if single => format!("\u{201c}{}\u{201d} is back.", here(first).await?.name),
        _ => return None,
    };
    Some(Notice::plain(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(text: &str) -> NoticeQuery {
        serde_urlencoded::from_str(text).unwrap()
    }

    #[test]
    fn a_report_travels_as_a_code_and_numbers() {
        let mut report = Report::of(Done::Moved, 7);
        report.to = Some(3);
        assert_eq!(report.query(), "done=moved&items=7&to=3");
        let back = query(&report.query()).report().unwrap();
        assert_eq!((back.done, back.items, back.to), (Done::Moved, vec![7], Some(3)));
    }

    #[test]
    fn a_large_upload_names_the_first_documents_and_counts_the_rest() {
        let ids: Vec<i64> = (1..=60).collect();
        let report = Report::uploaded(&ids);
        assert_eq!((report.items.len(), report.count), (MOST_NAMED, Some(60)));
        let back = query(&report.query()).report().unwrap();
        assert_eq!((back.items.len(), back.count), (MOST_NAMED, Some(60)));
    }

    #[test]
    fn free_text_unknown_codes_and_damaged_ids_are_no_report() {
        assert!(query("done=Your+account+is+locked").report().is_none());
        assert!(query("done=renamed").report().is_none());
        assert!(query("done=renamed&items=x").report().is_none());
        assert!(query("done=renamed&items=1,").report().is_none());
        assert!(query("done=moved&items=1&to=elsewhere").report().is_none());
        assert!(query("done=uploaded&items=1&count=many").report().is_none());
        assert!(query("done=renamed&items=1").report().is_some());
    }
}
