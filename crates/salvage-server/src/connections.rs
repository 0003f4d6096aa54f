//! The accept loop: HTTP/1.1 connections with a header read timeout, and a graceful shutdown
//! that stops accepting and lets the requests in flight finish.

use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tower::ServiceExt;

pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let mut builder = Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    // Dropped when shutdown begins: every connection then finishes its request and closes.
    let (stop, stopping) = watch::channel(());
    // Each connection holds a receiver; `closed` resolves when the last one is gone.
    let (open, _) = watch::channel(());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each request learns its connection's peer address (the login throttle counts by it).
        let service = TowerToHyperService::new(app.clone().map_request(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            request
        }));
        let builder = builder.clone();
        let mut stopping = stopping.clone();
        let held = open.subscribe();
        tokio::spawn(async move {
            let connection = builder.serve_connection(TokioIo::new(stream), service).with_upgrades();
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                result = connection.as_mut() => finished(result),
                _ = stopping.changed() => {
                    connection.as_mut().graceful_shutdown();
                    finished(connection.await);
                }
            }
            drop(held);
        });
    }
    drop(listener);
    drop(stop);
    open.closed().await;
    Ok(())
}

fn finished(result: Result<(), hyper::Error>) {
    if let Err(e) = result {
        // Clients that hang up or time out are routine.
        tracing::debug!(error = %e, "connection closed with an error");
    }
}
