//! Helpers for the tests that drive a real `salvage serve`.

pub mod clients;
pub mod server;

use tokio::sync::{Mutex, MutexGuard};

/// Waits until no other test that holds it is running, and keeps them out until the guard is
/// dropped.
///
/// For the tests that assumed, when each was a test binary of its own, that nothing else ran
/// beside them: the stress and crash tests keep both cores busy with a server and dozens of
/// clients, and bound every request and the whole run by timeouts that detect a deadlock; the
/// browser test waits a bounded time for each page. Two of them at once on a small machine could
/// exceed those bounds without anything being wrong. The light tests still run beside them.
pub async fn alone() -> MutexGuard<'static, ()> {
    static ALONE: Mutex<()> = Mutex::const_new(());
    ALONE.lock().await
}
