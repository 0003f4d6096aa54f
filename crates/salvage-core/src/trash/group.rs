//! Group commit. When many callers each want a small write at the same moment, the requests
//! that arrive while a transaction is being written wait for it, then go together in the next
//! one: one transaction (one fsync) for all of them. A request that arrives alone goes at
//! once, so nobody waits for company.
//!
//! The queue knows nothing of what it queues: whoever writes a group is handed the requests
//! and returns one answer per request (or one error for the whole transaction), and each
//! caller hears back only once the transaction holding its request is over. Single-item
//! restores use it (see `grouped`), which keeps this module free of the service it serves.

use crate::error::{Error, Result};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::sync::oneshot;

/// The writing of one group: one answer per request, in order, or `Err` when the transaction
/// itself failed.
pub(crate) type GroupWrite<A> = Pin<Box<dyn Future<Output = Result<Vec<Result<A>>>> + Send>>;

/// Requests of type `R` waiting for the next transaction, and the right to write it.
pub(crate) struct GroupCommit<R, A> {
    waiting: Mutex<Vec<(R, oneshot::Sender<Result<A>>)>>,
    /// Held while a group is written; whoever gets it next takes every request waiting then.
    writing: tokio::sync::Mutex<()>,
}

impl<R, A> Default for GroupCommit<R, A> {
    fn default() -> Self {
        GroupCommit {
            waiting: Mutex::new(Vec::new()),
            writing: tokio::sync::Mutex::new(()),
        }
    }
}

impl<R: Send + 'static, A: Clone + Send + 'static> GroupCommit<R, A> {
    /// Queues `request` and waits for its answer; `write` writes a whole group when this
    /// caller is the one to write it (it is dropped unused when an earlier writer took the
    /// request along).
    pub(crate) async fn submit(
        self: &Arc<Self>,
        request: R,
        write: impl FnOnce(Vec<R>) -> GroupWrite<A> + Send + 'static,
    ) -> Result<A> {
        let (reply, answer) = oneshot::channel();
        self.waiting.lock().expect("group queue").push((request, reply));
        // On a task of its own, so that a caller who goes away (a closed connection drops its
        // request's future) never abandons a group it took on for others.
        let queue = Arc::clone(self);
        let queued = tokio::spawn(async move { queue.write_waiting(write).await });
        queued
            .await
            .map_err(|e| Error::Storage(format!("the restore was interrupted: {e}")))?;
        answer
            .await
            .map_err(|_| Error::Storage("the restore was interrupted".into()))?
    }

    async fn write_waiting(&self, write: impl FnOnce(Vec<R>) -> GroupWrite<A>) {
        let _writing = self.writing.lock().await;
        let group = std::mem::take(&mut *self.waiting.lock().expect("group queue"));
        if group.is_empty() {
            // An earlier writer took this request with its group, and has answered it.
            return;
        }
        tracing::debug!(requests = group.len(), "writing a group in one transaction");
        let (requests, replies): (Vec<R>, Vec<_>) = group.into_iter().unzip();
        match write(requests).await {
            Ok(answers) => {
                for (reply, answer) in replies.into_iter().zip(answers) {
                    let _ = reply.send(answer);
                }
            }
            Err(e) => {
                for reply in replies {
                    let _ = reply.send(Err(e.clone()));
                }
            }
        }
    }
}
