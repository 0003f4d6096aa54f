//! What every handler shares: the repository (restore jobs included), the limits, the body budget — and,
//! without naming them, the faces' own states (`FaceStates`), so this module never changes when a
//! face does.

use salvage_core::Repository;
use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct AppState {
    pub repo: Repository,
    pub limits: Arc<Limits>,
    /// The request bodies this server may hold in memory at once.
    pub budget: crate::budget::BodyBudget,
    /// What each face keeps for itself (infoRouter's chunked uploads under way, ...).
    pub faces: FaceStates,
}

impl AppState {
    /// The face state of type `T` of this application (see `FaceStates`).
    pub fn face<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        self.faces.get()
    }
}

/// The states faces keep for themselves, one value per type, each made on first use. A face
/// declares its state as a type of its own module, so `AppState` carries it without naming it:
/// the shared layer does not depend on any face, and no face reaches another's state without
/// naming the other face's type, which the architecture test forbids (`tests/api/architecture.rs`).
/// One application has one value of each type; two applications in one process share nothing.
#[derive(Clone, Default)]
pub struct FaceStates {
    by_type: Arc<Mutex<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>,
}

impl FaceStates {
    /// This application's `T`, made now if this is its first use.
    pub fn get<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let value = self
            .by_type
            .lock()
            .expect("face states lock")
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()))
            .clone();
        value.downcast().expect("each value is stored under its own type")
    }
}

/// Request limits and what the server trusts, all configurable.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest JSON or form body accepted.
    pub max_body_bytes: usize,
    /// Largest body of the legacy XML and form faces, which carry file content inline as
    /// base64 (a whole document, or one chunk of a chunked upload).
    pub max_soap_bytes: usize,
    /// Largest document upload accepted.
    pub max_upload_bytes: u64,
    /// Most bytes of request bodies held in memory at once, across all requests (see
    /// `budget`); uploads stream and do not count.
    pub max_buffered_bytes: u64,
    /// How long a request waits for room in that budget before it is refused with 503.
    pub buffer_wait: std::time::Duration,
    /// Longest a request may take (uploads and downloads excepted: they stream).
    pub request_timeout: std::time::Duration,
    /// Whose forwarding headers tell the client's address, scheme and host (see `client`).
    pub trusted_proxies: crate::client::TrustedProxies,
    /// Longest a client may take to send a request's headers; it is then disconnected.
    pub header_read_timeout: std::time::Duration,
    /// Longest a client may pause while sending a request's body; the request then fails
    /// with the face's own error. (Uploads of any length go on while data keeps coming.)
    pub body_read_timeout: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_body_bytes: 1024 * 1024,
            max_soap_bytes: 48 * 1024 * 1024,
            max_upload_bytes: 10 * 1024 * 1024 * 1024,
            // Room for one request of the largest kind (`max_soap_bytes`) and many small ones.
            max_buffered_bytes: 64 * 1024 * 1024,
            buffer_wait: std::time::Duration::from_secs(2),
            request_timeout: std::time::Duration::from_secs(60),
            trusted_proxies: Default::default(),
            header_read_timeout: std::time::Duration::from_secs(30),
            body_read_timeout: std::time::Duration::from_secs(30),
        }
    }
}
