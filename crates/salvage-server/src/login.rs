//! Every way of checking a password goes through here, so that the login throttle sees all of
//! them (and no more of them run at once than the machine has cores), and where the caller's
//! address comes from.
//!
//! The address is the peer of the TCP connection. Headers such as `X-Forwarded-For` are never
//! trusted: any client can send them, and an attacker would pick a fresh address per attempt.
//! Behind a reverse proxy every client therefore shares the proxy's address; raise or turn off
//! `address_failures` there and rely on the per-account limit.

use crate::state::AppState;
use crate::throttle::TooManyAttempts;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use salvage_core::model::{Actor, User};
use salvage_core::Error;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The address of the client at the other end of the connection, when the server knows it.
#[derive(Debug, Clone, Copy, Default)]
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|ConnectInfo(addr)| addr.ip()),
        ))
    }
}

/// Why a login did not succeed.
#[derive(Debug)]
pub enum Refused {
    /// Too many failures: the password was not even checked.
    Throttled(TooManyAttempts),
    /// The core's answer (wrong password, disabled account, ...).
    Core(Error),
}

impl From<Error> for Refused {
    fn from(e: Error) -> Self {
        Refused::Core(e)
    }
}

/// Checks a login and opens a session (`Repository::login`), throttled.
pub async fn open_session(
    state: &AppState,
    client: ClientAddr,
    tenant: Option<&str>,
    login: &str,
    password: &str,
) -> Result<(String, Actor), Refused> {
    throttled(state, client, login, state.repo.login(tenant, login, password)).await
}

/// Checks a login without a session (`Repository::check_login`), throttled.
pub async fn check_credentials(
    state: &AppState,
    client: ClientAddr,
    login: &str,
    password: &str,
) -> Result<User, Refused> {
    throttled(state, client, login, state.repo.check_login(login, password)).await
}

async fn throttled<T>(
    state: &AppState,
    ClientAddr(client): ClientAddr,
    login: &str,
    attempt: impl std::future::Future<Output = salvage_core::Result<T>>,
) -> Result<T, Refused> {
    let throttle = &state.logins;
    throttle
        .check(login, client, state.repo.clock().now())
        .map_err(Refused::Throttled)?;
    // A password check (argon2id) takes about 19 MiB while it runs, so checks wait their turn
    // instead of running all at once: a crowd of wrong logins cannot take the server's memory.
    let turn = state.password_checks.acquire().await;
    let outcome = attempt.await;
    drop(turn);
    match outcome {
        Ok(v) => {
            throttle.succeeded(login);
            Ok(v)
        }
        Err(e) => {
            // Only a wrong login counts: a disabled account or a failing database is not a guess.
            if e == Error::AuthenticationFailed {
                tracing::info!(client = ?client, "failed login");
                throttle.failed(login, client, state.repo.clock().now());
            }
            Err(Refused::Core(e))
        }
    }
}
