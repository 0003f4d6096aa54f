//! Restoring from the bin's pages: the selected items or everything that matches the filters,
//! each first as a preflight (the same run, rolled back) and then for real; a long restore by
//! filter becomes a job whose page follows it.

use super::super::body::FormBody;
use super::super::pages::{forbidden, message_page, page};
use super::super::session::Viewer;
use super::listing::TrashQuery;
use super::{advice, item_name, OutcomePage, OutcomeRow, RestoreForm};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use salvage_core::trash::{BatchReport, FilterRestore, JobState, Outcome, RunAs, TrashItem};

fn rows(report: &BatchReport) -> Vec<OutcomeRow> {
    report
        .results
        .iter()
        .map(|r| {
            let name = r.name.clone().unwrap_or_else(|| item_name(r.item, &[]));
            match &r.outcome {
                Outcome::Restored(done) => OutcomeRow {
                    name,
                    result: if report.dry_run { "Can be restored" } else { "Restored" },
                    details: match &done.renamed_from {
                        Some(_) => format!("to {} (renamed: the name was taken)", done.path),
                        None => format!("to {}", done.path),
                    },
                    class: "",
                },
                Outcome::Skipped(e) => OutcomeRow {
                    name,
                    result: "Skipped",
                    details: e.to_string(),
                    class: "",
                },
                Outcome::Failed(e) => OutcomeRow {
                    name,
                    result: if report.dry_run {
                        "Cannot be restored"
                    } else {
                        "Not restored"
                    },
                    details: advice(e),
                    class: "refused",
                },
            }
        })
        .collect()
}

fn summary(report: &BatchReport) -> String {
    let (restored, skipped, failed) = report.counts();
    if report.dry_run {
        format!("{restored} can be restored, {skipped} would be skipped, {failed} cannot be restored. Nothing has changed yet.")
    } else {
        format!("{restored} restored, {skipped} skipped, {failed} not restored.")
    }
}

/// `POST /trash/preflight` and `POST /trash/restore`: the same run, rolled back or kept.
pub async fn preflight(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    run(state, viewer, body, true).await
}

pub async fn restore(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    run(state, viewer, body, false).await
}

async fn run(State(state): State<AppState>, viewer: Viewer, body: FormBody, dry_run: bool) -> Response {
    let form = match RestoreForm::parse(&body) {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    if form.ids.is_empty() {
        return message_page(
            StatusCode::BAD_REQUEST,
            "No item was selected. Go back, tick the items to restore, and try again.",
        );
    }
    let options = form.restore_options();
    let items: Vec<TrashItem> = form.ids.iter().map(|id| TrashItem::Record(*id)).collect();
    let report = if dry_run {
        state.repo.preflight(&viewer.actor, &items, options).await
    } else {
        state.repo.restore(&viewer.actor, &items, options).await
    };
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            return message_page(
                StatusCode::BAD_REQUEST,
                &format!("The restore could not run: {}", advice(&e)),
            )
        }
    };
    let summary = summary(&report);
    page(
        OutcomePage {
            viewer,
            heading: if dry_run {
                "Check before restoring"
            } else {
                "Restore finished"
            },
            summary,
            rows: rows(&report),
            dry_run,
            confirm_action: "/trash/restore",
            ids: form.ids,
            filter_fields: Vec::new(),
            options: form.options,
        },
        StatusCode::OK,
    )
}

// --- everything that matches a filter -----------------------------------------------------------

/// `POST /trash/by-filter/preflight` and `…/restore`: the filters travel as form fields.
pub async fn by_filter_preflight(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    by_filter(state, viewer, body, true).await
}

pub async fn by_filter_restore(state: State<AppState>, viewer: Viewer, body: FormBody) -> Response {
    by_filter(state, viewer, body, false).await
}

async fn by_filter(State(state): State<AppState>, viewer: Viewer, body: FormBody, dry_run: bool) -> Response {
    let (form, q) = match (
        RestoreForm::parse(&body),
        serde_urlencoded::from_bytes::<TrashQuery>(&body),
    ) {
        (Ok(f), Ok(q)) => (f, q),
        _ => {
            return message_page(
                StatusCode::BAD_REQUEST,
                "The form could not be read. Go back and try again.",
            )
        }
    };
    if !viewer.check(&form.csrf) {
        return forbidden();
    }
    let filter = match q.filter(&state, &viewer).await {
        Ok(f) => f,
        Err(message) => return message_page(StatusCode::BAD_REQUEST, &message),
    };
    let options = form.restore_options();
    // A long restore runs in the background; its page shows the progress.
    let run = if dry_run { RunAs::Preflight } else { RunAs::Auto };
    let report = match state.repo.restore_by_filter(&viewer.actor, &filter, options, run).await {
        Ok(FilterRestore::Done(report)) => report,
        Ok(FilterRestore::Started(job)) => {
            return axum::response::Redirect::to(&format!("/trash/jobs/{}", job.id)).into_response()
        }
        Err(e) => return message_page(StatusCode::BAD_REQUEST, &advice(&e)),
    };
    if report.results.is_empty() {
        return message_page(StatusCode::OK, "Nothing in the recycle bin matches these filters.");
    }
    page(
        OutcomePage {
            summary: summary(&report),
            rows: rows(&report),
            heading: if dry_run {
                "Check before restoring"
            } else {
                "Restore finished"
            },
            dry_run,
            confirm_action: "/trash/by-filter/restore",
            ids: Vec::new(),
            filter_fields: q.fields(),
            options: form.options,
            viewer,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "job.html")]
struct JobPage {
    running: bool,
    total: usize,
    done: usize,
    restored: usize,
    skipped: usize,
    failed: usize,
    error: Option<String>,
}

/// `GET /trash/jobs/{id}`: a background restore's progress; the page refreshes itself.
pub async fn job(State(state): State<AppState>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let Ok(job) = state.repo.restore_job(&viewer.actor, &id) else {
        return message_page(StatusCode::NOT_FOUND, "There is no such restore. It may have been started on another server, or the server restarted since; check the recycle bin.");
    };
    page(
        JobPage {
            running: job.state == JobState::Running,
            total: job.total,
            done: job.done,
            restored: job.restored,
            skipped: job.skipped,
            failed: job.failed,
            error: job.error,
        },
        StatusCode::OK,
    )
}
