//! The web pages at `/`: rendered on the server from askama templates (`templates/`), with one
//! stylesheet served by salvage itself (no CDN, no external fonts). Every page is built on the
//! same core calls as the REST API.

mod actions;
mod admin;
mod body;
mod notice;
mod pages;
mod purge;
mod session;
mod sorting;
mod trash;

use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use tower_http::set_header::SetResponseHeaderLayer;

const STYLESHEET: &str = include_str!("../../static/salvage.css");

/// The pages; form bodies are bounded by `max_body_bytes` and the body budget (see `body`),
/// uploads by `max_upload_bytes`.
pub fn router(max_body_bytes: usize, max_upload_bytes: u64) -> Router<AppState> {
    let upload_limit = usize::try_from(max_upload_bytes).unwrap_or(usize::MAX);
    Router::new()
        .route("/", get(pages::libraries))
        .route("/browse/{id}", get(pages::folder))
        .route("/browse/{id}/folders", post(actions::create_folder))
        // Uploads stream to the blob store; only their own limit bounds them.
        .route(
            "/browse/{id}/upload",
            post(actions::upload).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/nodes/{id}/rename", post(actions::rename))
        .route("/nodes/{id}/move", post(actions::move_item))
        .route("/nodes/{id}/delete", post(actions::delete))
        .route("/trash/undo", post(actions::undo))
        .route("/trash", get(trash::list))
        .route("/trash/preflight", post(trash::preflight))
        .route("/trash/restore", post(trash::restore))
        .route("/trash/by-filter/preflight", post(trash::by_filter_preflight))
        .route("/trash/by-filter/restore", post(trash::by_filter_restore))
        .route("/trash/jobs/{id}", get(trash::job))
        .route("/trash/purge/confirm", post(purge::purge_confirm))
        .route("/trash/purge", post(purge::purge))
        .route("/trash/empty", get(purge::empty_confirm).post(purge::empty))
        .route("/audit", get(admin::audit))
        .route("/settings", get(admin::settings).post(admin::save_settings))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/static/salvage.css", get(stylesheet))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        // Pages load nothing from elsewhere and may not be framed by other sites.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'; form-action 'self'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
}
