//! What operators need: liveness, readiness, Prometheus metrics, a request id on every response
//! and log line, and timeouts answered with a problem document.
//!
//! The metrics say how much each part of the installation is used, so they can be kept private:
//! `/metrics` may be served on a listener of its own (`metrics_app`), off the address users
//! reach, and the trash gauges name tenants only when the operator asks for it
//! (`MetricsSettings`).

use crate::problem_details;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use salvage_core::Repository;
use std::sync::OnceLock;
use std::time::Instant;

/// Process is up.
pub async fn healthz() -> &'static str {
    "ok\n"
}

/// Database reachable.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.repo.ready().await {
        Ok(()) => "ready\n".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            problem_details::response(
                StatusCode::SERVICE_UNAVAILABLE,
                "not-ready",
                format!("the database does not answer: {e}"),
                None,
            )
        }
    }
}

/// The process-wide metrics recorder (installed once, however many servers a process runs).
pub fn recorder() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let buckets = [
            0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ];
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full("http_request_duration_seconds".into()), &buckets)
            .expect("buckets are not empty");
        match builder.install_recorder() {
            Ok(handle) => handle,
            // Another recorder is installed (an embedding program's): keep ours for rendering.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// How `/metrics` is served.
#[derive(Debug, Clone, Default)]
pub struct MetricsSettings {
    /// `/metrics` is served only by `metrics_app`, on a listener of its own; the main
    /// application answers it like any unknown path.
    pub own_listener: bool,
    /// The trash gauges carry a `tenant` label, one series per tenant. Off, they are summed over
    /// the tenants, so whoever reads the metrics learns nothing about any one tenant.
    pub tenant_labels: bool,
}

/// What the metrics handler needs.
#[derive(Clone)]
pub struct MetricsState {
    repo: Repository,
    tenant_labels: bool,
}

impl MetricsState {
    pub fn new(repo: Repository, settings: &MetricsSettings) -> MetricsState {
        MetricsState {
            repo,
            tenant_labels: settings.tenant_labels,
        }
    }
}

/// `/metrics` alone, for a listener of its own; every other path is a 404.
pub fn metrics_app(repo: Repository, settings: &MetricsSettings) -> Router {
    Router::new()
        .route("/metrics", get(metrics))
        .fallback(not_found)
        .with_state(MetricsState::new(repo, settings))
}

/// Prometheus text: requests by route and status, latency histograms, trash gauges.
pub async fn metrics(State(state): State<MetricsState>) -> Response {
    match state.repo.trash_totals().await {
        Ok(totals) if state.tenant_labels => {
            for t in totals {
                metrics::gauge!("salvage_trash_items", "stage" => "user-bin", "tenant" => t.tenant.clone())
                    .set(t.user_bin as f64);
                metrics::gauge!("salvage_trash_items", "stage" => "system-bin", "tenant" => t.tenant)
                    .set(t.system_bin as f64);
            }
        }
        Ok(totals) => {
            let user_bin: i64 = totals.iter().map(|t| t.user_bin).sum();
            let system_bin: i64 = totals.iter().map(|t| t.system_bin).sum();
            metrics::gauge!("salvage_trash_items", "stage" => "user-bin").set(user_bin as f64);
            metrics::gauge!("salvage_trash_items", "stage" => "system-bin").set(system_bin as f64);
        }
        Err(e) => tracing::warn!(error = %e, "the trash totals could not be counted for the metrics"),
    }
    let mut response = recorder().render().into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4"),
    );
    response
}

/// Counts every request by method, route template and status, and times it.
pub async fn record(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Turns the bare 408 of the timeout layer into a problem document.
pub async fn explain_timeout(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::REQUEST_TIMEOUT && response.headers().get(header::CONTENT_TYPE).is_none() {
        return problem_details::response(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request took longer than the server allows; try again, or split the work into smaller requests",
            None,
        );
    }
    response
}

/// Whether a body could not be read because the client paused longer than the body read
/// timeout allows (the error comes wrapped in the extractor's rejection).
pub(crate) fn body_timed_out(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// A plain-text 404 for paths that match no route, in the API's problem format.
pub async fn not_found(request: Request<Body>) -> Response {
    problem_details::response(
        StatusCode::NOT_FOUND,
        "no-such-route",
        format!("no route for {} {}", request.method(), request.uri().path()),
        None,
    )
}
