//! Purging (administrators, after a confirmation that names what will be destroyed) and emptying
//! the bin. A purge answers item by item: what was destroyed, and what was not and why (an
//! unknown id, an item restored or purged meanwhile), counting only what really went.

use super::body::FormBody;
use super::pages::{forbidden, message_page, page};
use super::session::Viewer;
use super::trash::{advice, item_name, record_names, Options, OutcomePage, OutcomeRow, RestoreForm};
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use salvage_core::trash::{PurgeResult, TrashItem};

#[derive(Template)]
#[template(path = "confirm.html")]
struct ConfirmPage {
    viewer: Viewer,
    heading: &'static str,
    warning: String,
    names: Vec<String>,
    ids: Vec<i64>,
    action: &'static str,
    button: &'static str,
}

/// `POST /trash/purge/confirm`: what a purge would destroy, before it does.
pub async fn purge_confirm(State(state): State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    let form = match RestoreForm::parse(&body) {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    if !viewer.is_admin {
        return message_page(
            StatusCode::FORBIDDEN,
            "Only administrators purge. Ask one if something must be destroyed for good.",
        );
    }
    if form.ids.is_empty() {
        return message_page(
            StatusCode::BAD_REQUEST,
            "No item was selected. Go back, tick the items to purge, and try again.",
        );
    }
    let items: Vec<TrashItem> = form.ids.iter().map(|id| TrashItem::Record(*id)).collect();
    let names = record_names(&state, &viewer, &items)
        .await
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    page(
        ConfirmPage {
            viewer,
            heading: "Purge permanently",
            warning: "These items and everything inside them will be destroyed. This cannot be undone.".into(),
            names,
            ids: form.ids,
            action: "/trash/purge",
            button: "Purge permanently",
        },
        StatusCode::OK,
    )
}

/// `POST /trash/purge`
pub async fn purge(State(state): State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    let form = match RestoreForm::parse(&body) {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let items: Vec<TrashItem> = form.ids.iter().map(|id| TrashItem::Record(*id)).collect();
    // Names first: a failed item has no record in the results to name it.
    let names = record_names(&state, &viewer, &items).await;
    let results = match state.repo.purge(&viewer.actor, &items).await {
        Ok(results) => results,
        Err(e) => return message_page(StatusCode::FORBIDDEN, &advice(&e)),
    };
    let purged = results.iter().filter(|r| r.outcome.is_ok()).count();
    page(
        OutcomePage {
            viewer,
            heading: "Purge finished",
            summary: purge_summary(purged, results.len() - purged),
            rows: purge_rows(&results, &names),
            dry_run: false,
            confirm_action: "/trash/purge",
            ids: Vec::new(),
            filter_fields: Vec::new(),
            options: Options::default(),
        },
        StatusCode::OK,
    )
}

/// What a purge did, counting only what it really destroyed.
fn purge_summary(purged: usize, failed: usize) -> String {
    let items = |n: usize| {
        if n == 1 {
            "1 item".to_owned()
        } else {
            format!("{n} items")
        }
    };
    let mut summary = format!("Purged {}", items(purged));
    if failed > 0 {
        summary.push_str(&format!("; {} could not be purged", items(failed)));
    }
    summary.push('.');
    if purged > 0 {
        summary.push_str(" Their content is removed from storage after the grace period.");
    }
    summary
}

fn purge_rows(results: &[PurgeResult], names: &[(i64, String)]) -> Vec<OutcomeRow> {
    results
        .iter()
        .map(|r| match &r.outcome {
            Ok(record) => OutcomeRow {
                name: record.name.clone(),
                result: "Purged",
                details: format!("deleted from {}", record.original_path),
                class: "",
            },
            Err(e) => OutcomeRow {
                name: item_name(r.item, names),
                result: "Not purged",
                details: advice(e),
                class: "refused",
            },
        })
        .collect()
}

/// `GET /trash/empty`: what emptying does, before it does it.
pub async fn empty_confirm(viewer: Viewer) -> Response {
    let warning = if viewer.is_admin {
        "Every user's bin moves to the system bin. Administrators can still restore from there until retention purges it."
    } else {
        "Everything you deleted moves to the system bin. Only an administrator can restore it from there."
    };
    page(
        ConfirmPage {
            viewer,
            heading: "Empty the recycle bin",
            warning: warning.into(),
            names: Vec::new(),
            ids: Vec::new(),
            action: "/trash/empty",
            button: "Empty",
        },
        StatusCode::OK,
    )
}

/// `POST /trash/empty`
pub async fn empty(State(state): State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    let form = match RestoreForm::parse(&body) {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    match state.repo.empty(&viewer.actor, viewer.is_admin).await {
        Ok(moved) => message_page(StatusCode::OK, &format!("Moved {moved} item(s) to the system bin.")),
        Err(e) => message_page(StatusCode::FORBIDDEN, &advice(&e)),
    }
}
