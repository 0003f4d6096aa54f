//! The HTTP faces of salvage. Each face maps its wire format to calls on
//! `salvage_core::Repository` and the core's errors back to its own conventions; business rules
//! stay in the core: the JSON REST API (`/api/v1`), the infoRouter and Scene7 SOAP services, and
//! the operational endpoints.
//!
//! The faces (`rest`, `web`, `inforouter`, `scene7`) are siblings: none imports another. What
//! more than one of them needs sits at the top beside this file: the application state
//! (`state`, where each face also keeps its own state without the shared layer naming it), the
//! body budget, the client's address, the session cookie, the problem document, the
//! operational endpoints, and `soap`, the SOAP toolkit of both legacy faces. The shared modules
//! import no face; only this file (the wiring) and `fuzzing` name them all.
//! `tests/api/architecture.rs` holds the tree to that.

pub mod allocator;
pub mod budget;
pub mod client;
mod connections;
pub mod cookie;
#[doc(hidden)]
pub mod fuzzing;
pub mod inforouter;
pub mod ops;
pub mod problem_details;
pub mod rest;
pub mod scene7;
pub mod soap;
mod state;
pub mod web;

pub use client::{ClientInfo, TrustedProxies};
pub use ops::{metrics_app, MetricsSettings};
pub use state::{AppState, FaceStates, Limits};

use axum::http::HeaderName;
use axum::routing::get;
use axum::Router;
use salvage_core::Repository;
use std::future::Future;
use std::sync::Arc;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: &str = "x-request-id";

/// The whole application: every face, with request ids, tracing, metrics and timeouts.
pub fn app(repo: Repository, limits: Limits) -> Router {
    app_with(repo, limits, &MetricsSettings::default())
}

/// `app`, with `/metrics` served as `metrics` says: here, or (`own_listener`) only by
/// `metrics_app` on another address.
pub fn app_with(repo: Repository, limits: Limits, metrics: &MetricsSettings) -> Router {
    let metrics_route =
        (!metrics.own_listener).then(|| get(ops::metrics).with_state(ops::MetricsState::new(repo.clone(), metrics)));
    let state = AppState {
        repo,
        budget: budget::BodyBudget::new(limits.max_buffered_bytes, limits.buffer_wait),
        limits: Arc::new(limits),
        faces: Default::default(),
    };
    let request_id = HeaderName::from_static(REQUEST_ID);
    let api = rest::router(state.limits.max_body_bytes, state.limits.request_timeout);
    let mut router = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz));
    if let Some(route) = metrics_route {
        router = router.route("/metrics", route);
    }
    router
        .nest("/api/v1", api)
        .merge(inforouter::router())
        .merge(scene7::router(state.limits.max_upload_bytes))
        .merge(web::router(state.limits.max_body_bytes, state.limits.max_upload_bytes))
        .fallback(ops::not_found)
        // A client that stops sending its body fails its request (each face says so its own way)
        // instead of holding the connection.
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(state.limits.body_read_timeout))
        // Layers wrap what was added before them: the 408 of the API's timeout (see
        // `rest::router`) is turned into a problem and counted like any other response.
        .layer(axum::middleware::from_fn(ops::explain_timeout))
        .layer(axum::middleware::from_fn(ops::record))
        // One access line per request at INFO, in a span that names the request id, so every
        // line logged while serving it can be found by that id. Only the path is logged: query
        // strings carry tickets and passwords (infoRouter GET), which must never reach a log.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &axum::http::Request<_>| {
                    let id = request.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %request.method(), uri = %request.uri().path(), request_id = %id)
                })
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` completes; requests in flight then finish. The
/// default timeouts of `Limits` apply to slow clients; see `serve_with`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, &Limits::default(), shutdown).await
}

/// `serve` with the connection timeouts of `limits`: a client that takes longer than
/// `header_read_timeout` to send a request's headers is disconnected, so slow clients cannot
/// hold connections open for free (the body's own timeout is a layer of `app`).
pub fn serve_with(
    listener: tokio::net::TcpListener,
    app: Router,
    limits: &Limits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> impl Future<Output = std::io::Result<()>> + Send + 'static {
    ops::recorder();
    connections::serve(listener, app, limits.header_read_timeout, shutdown)
}
