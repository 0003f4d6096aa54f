//! The JSON REST API under `/api/v1`, documented by an OpenAPI 3.1 description generated from
//! the handlers themselves (so a route cannot exist without appearing in it).

mod admin;
mod audit;
mod auth;
mod content;
mod document;
mod extract;
#[doc(hidden)]
pub(crate) mod fuzzing;
mod names;
mod nodes;
mod params;
mod problem;
mod sessions;
pub(crate) mod trash;
pub mod views;

use crate::state::AppState;
use axum::routing::get;
use axum::Router;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(title = "salvage REST API", description = "A document repository whose recycle bin you can trust."),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    // The enums that only query parameters use are listed here: parameters do not collect the
    // schemas they refer to.
    components(
        schemas(problem::Problem, names::StageName, names::TrashSortName, names::AuditActionName),
        responses(problem::Problem)
    ),
    tags(
        (name = "sessions", description = "Log in and out"),
        (name = "repository", description = "Libraries, folders and documents"),
        (name = "trash", description = "The recycle bin"),
        (name = "audit", description = "What happened"),
        (name = "administration", description = "Tenants, users and groups"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The routes of `/api/v1` (uploads excepted) and their OpenAPI description.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(sessions::login))
        .routes(routes!(sessions::logout))
        .routes(routes!(sessions::me))
        .routes(routes!(admin::list_tenants, admin::create_tenant))
        .routes(routes!(admin::list_users, admin::create_user))
        .routes(routes!(admin::add_membership))
        .routes(routes!(admin::list_groups, admin::create_group))
        .routes(routes!(admin::add_group_member))
        .routes(routes!(nodes::list_libraries, nodes::create_library))
        .routes(routes!(nodes::set_publishing_rule))
        .routes(routes!(nodes::resolve))
        .routes(routes!(nodes::get_node, nodes::update_node, nodes::delete_node))
        .routes(routes!(nodes::children))
        .routes(routes!(nodes::create_folder))
        .routes(routes!(nodes::get_acl, nodes::set_acl))
        .routes(routes!(nodes::list_doc_types, nodes::create_doc_type))
        .routes(routes!(nodes::set_doc_type))
        .routes(routes!(nodes::publish))
        .routes(routes!(content::download))
        .routes(routes!(content::versions))
        .routes(routes!(trash::list))
        .routes(routes!(trash::deleted_in_folder))
        .routes(routes!(trash::get))
        .routes(routes!(trash::contents))
        .routes(routes!(trash::preflight))
        .routes(routes!(trash::restore))
        .routes(routes!(trash::restore_by_filter))
        .routes(routes!(trash::job))
        .routes(routes!(trash::purge))
        .routes(routes!(trash::empty))
        .routes(routes!(trash::get_settings, trash::set_settings))
        .routes(routes!(audit::list))
}

/// Uploads stream past the JSON body limit; they are capped by their own limit instead.
fn uploads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(content::upload))
}

/// The `/api/v1` router, with the JSON body limit and the request timeout on everything but
/// uploads, which stream for as long as they need (and have their own size limit).
pub fn router(max_body_bytes: usize, timeout: std::time::Duration) -> Router<AppState> {
    let (api, mut doc) = api()
        .layer(axum::extract::DefaultBodyLimit::max(max_body_bytes))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .split_for_parts();
    let (uploads, upload_doc) = uploads()
        .layer(axum::extract::DefaultBodyLimit::disable())
        .split_for_parts();
    doc.merge(upload_doc);
    let doc = std::sync::Arc::new(finish(doc));
    api.merge(uploads).route(
        "/openapi.json",
        get(move || {
            let doc = doc.clone();
            async move { axum::Json(doc.as_ref().clone()) }
        }),
    )
}

/// The OpenAPI description (for tests and tooling).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api().split_for_parts();
    doc.merge(uploads().split_for_parts().1);
    finish(doc)
}

/// The document once every route is in: the shared error responses added to each operation.
fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    document::ErrorResponses.modify(&mut doc);
    doc
}
