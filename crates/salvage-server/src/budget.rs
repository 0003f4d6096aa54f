//! The server-wide budget of buffered body bytes: how much of the request bodies the server
//! holds in memory at once, across all requests, before it has served them.
//!
//! Every face that reads a body (or a part of one) into memory reads it through here; bodies
//! that stream to the blob store (document uploads) never touch the budget. What it guarantees:
//!
//! - The bytes reserved by all requests together never exceed `max_buffered_bytes`, and a request
//!   reserves its bytes before it reads them: its whole `Content-Length` at once when it declares
//!   one (refused at once when that is over the face's limit), otherwise a first slice that grows
//!   as its bytes arrive. Readers that build something larger than the bytes they read (an XML
//!   tree) charge the difference too (`Reservation::try_grow`).
//! - Only a request that holds nothing waits for room, and only for a short while; a request that
//!   already holds part of the budget may grow only into room that is free at once, and fails
//!   otherwise. So no request ever waits while holding budget that another waits for: two
//!   requests each holding half of it and waiting for more cannot happen (no deadlock). Waiters
//!   are served in the order they came.
//! - A request refused for want of room is told how long to wait (`BodyError::Busy`); each face
//!   answers it with 503 and `Retry-After` in its own convention.
//! - The budget is given back when the last handle of a reservation is dropped, which is when
//!   the buffered bytes (or what was parsed from them) are.

use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::{header, HeaderMap};
use bytes::BytesMut;
use futures_util::{Stream, StreamExt, TryStreamExt};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget is kept in units of this many bytes (the semaphore counts units in a `u32`).
const UNIT: u64 = 1024;
/// What a body without a `Content-Length` reserves before its first byte is read.
const FIRST_SLICE: u64 = 64 * 1024;

/// Why a body could not be read into memory.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BodyError {
    /// Larger than the face accepts (or than the whole budget, which it could never fit).
    #[error("the request body is larger than the {limit} bytes this server accepts here")]
    TooLarge { limit: u64 },
    /// The client paused longer than the body read timeout allows.
    #[error("the request body stopped arriving")]
    TimedOut,
    /// The server holds as many buffered bodies as it may; try again after `retry_after` seconds.
    #[error("the server is busy reading other requests; try again in {retry_after} seconds")]
    Busy { retry_after: u64 },
    /// The body was cut off or otherwise unreadable.
    #[error("the request body could not be read: {0}")]
    Broken(String),
}

/// The budget shared by every request of a server.
#[derive(Clone)]
pub struct BodyBudget {
    semaphore: Arc<Semaphore>,
    units: u64,
    /// How long a request that holds nothing waits for room before it is refused.
    wait: Duration,
}

impl BodyBudget {
    pub fn new(max_buffered_bytes: u64, wait: Duration) -> Self {
        let units = units(max_buffered_bytes).min(u64::from(u32::MAX));
        BodyBudget {
            semaphore: Arc::new(Semaphore::new(units as usize)),
            units,
            wait,
        }
    }

    /// The budget in bytes.
    pub fn capacity(&self) -> u64 {
        self.units * UNIT
    }

    /// Seconds a refused request is told to wait.
    fn retry_after(&self) -> u64 {
        self.wait.as_secs().max(1)
    }

    /// Reserves `bytes` for a request that holds nothing yet, waiting briefly for room.
    pub async fn reserve(&self, bytes: u64) -> Result<Reservation, BodyError> {
        let wanted = units(bytes);
        if wanted > self.units {
            return Err(BodyError::TooLarge { limit: self.capacity() });
        }
        let acquire = self.semaphore.clone().acquire_many_owned(wanted as u32);
        let permit = match tokio::time::timeout(self.wait, acquire).await {
            Ok(Ok(permit)) => permit,
            // The semaphore is never closed; a timeout means no room came free in time.
            Ok(Err(_)) | Err(_) => {
                tracing::info!(
                    bytes,
                    budget = self.capacity(),
                    "a request body was refused: the buffer budget is full"
                );
                return Err(BodyError::Busy {
                    retry_after: self.retry_after(),
                });
            }
        };
        Ok(Reservation {
            held: Arc::new(Mutex::new(Held {
                permit: Some(permit),
                bytes,
            })),
            budget: self.clone(),
        })
    }

    /// Admits a request body of at most `limit` bytes: reserves its `Content-Length` (or a first
    /// slice) and returns it as a stream that reserves more as it goes, for a reader that holds
    /// what it reads.
    pub async fn admit(&self, headers: &HeaderMap, body: Body, limit: u64) -> Result<Metered, BodyError> {
        let declared = headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let first = match declared {
            Some(length) if length > limit => return Err(BodyError::TooLarge { limit }),
            Some(length) => length,
            None => FIRST_SLICE.min(limit).min(self.capacity()),
        };
        let reservation = self.reserve(first).await?;
        Ok(Metered {
            body: body.into_data_stream(),
            reservation,
            limit,
            received: 0,
            covered: first,
        })
    }

    /// Reads a whole body of at most `limit` bytes into memory, reserved as `admit` says.
    pub async fn read(&self, headers: &HeaderMap, body: Body, limit: u64) -> Result<Buffered, BodyError> {
        self.admit(headers, body, limit).await?.collect().await
    }
}

fn units(bytes: u64) -> u64 {
    bytes.div_ceil(UNIT)
}

/// A share of the budget. Clones are handles on the same share, which goes back to the budget
/// when the last of them is dropped.
#[derive(Clone)]
pub struct Reservation {
    held: Arc<Mutex<Held>>,
    budget: BodyBudget,
}

impl std::fmt::Debug for Reservation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Reservation({} bytes)", self.bytes())
    }
}

struct Held {
    permit: Option<OwnedSemaphorePermit>,
    /// The bytes charged, of which the permit covers the units.
    bytes: u64,
}

impl Reservation {
    /// The bytes this share covers.
    pub fn bytes(&self) -> u64 {
        self.held.lock().expect("reservation lock").bytes
    }

    /// Charges `bytes` more to this share, from room that is free now; never waits (a request
    /// that holds budget must not wait for more: see the module's documentation).
    pub fn try_grow(&self, bytes: u64) -> Result<(), BodyError> {
        let mut held = self.held.lock().expect("reservation lock");
        let total = held.bytes.saturating_add(bytes);
        let have = held.permit.as_ref().map_or(0, |p| p.num_permits() as u64);
        let need = units(total).saturating_sub(have);
        if need > 0 {
            if units(total) > self.budget.units {
                return Err(BodyError::TooLarge {
                    limit: self.budget.capacity(),
                });
            }
            let more = self
                .budget
                .semaphore
                .clone()
                .try_acquire_many_owned(need as u32)
                .map_err(|_| BodyError::Busy {
                    retry_after: self.budget.retry_after(),
                })?;
            match &mut held.permit {
                Some(permit) => permit.merge(more),
                None => held.permit = Some(more),
            }
        }
        held.bytes = total;
        Ok(())
    }
}

/// A request body on its way in, charged to its reservation as it arrives, and refused once it
/// is larger than its limit.
pub struct Metered {
    body: BodyDataStream,
    reservation: Reservation,
    limit: u64,
    received: u64,
    /// The body's bytes the reservation covers (a reader may charge more to it for itself).
    covered: u64,
}

impl Metered {
    /// The share this body is charged to (the reader keeps it as long as what it read).
    pub fn reservation(&self) -> &Reservation {
        &self.reservation
    }

    /// The whole body in one buffer, allocated once when its length was declared.
    pub async fn collect(mut self) -> Result<Buffered, BodyError> {
        let mut bytes = BytesMut::with_capacity(self.reservation.bytes().min(self.limit) as usize);
        while let Some(chunk) = self.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        Ok(Buffered {
            bytes: bytes.freeze(),
            reservation: self.reservation,
        })
    }

    /// The body as an `AsyncBufRead`; a `BodyError` comes out as the `io::Error` it wraps (see
    /// `body_error`).
    pub fn into_reader(self) -> impl tokio::io::AsyncBufRead + Unpin + Send {
        tokio_util::io::StreamReader::new(self.map_err(std::io::Error::other))
    }
}

impl Stream for Metered {
    type Item = Result<Bytes, BodyError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let chunk = match self.body.poll_next_unpin(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => return Poll::Ready(None),
            Poll::Ready(Some(Err(e))) if crate::ops::body_timed_out(&e) => {
                return Poll::Ready(Some(Err(BodyError::TimedOut)))
            }
            Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(BodyError::Broken(e.to_string())))),
            Poll::Ready(Some(Ok(chunk))) => chunk,
        };
        self.received += chunk.len() as u64;
        if self.received > self.limit {
            return Poll::Ready(Some(Err(BodyError::TooLarge { limit: self.limit })));
        }
        // Only a body without a declared length gets here past its first slice.
        if self.received > self.covered {
            if let Err(e) = self.reservation.try_grow(self.received - self.covered) {
                return Poll::Ready(Some(Err(e)));
            }
            self.covered = self.received;
        }
        Poll::Ready(Some(Ok(chunk)))
    }
}

/// Bytes read into memory piece by piece (the text parts of a form), charged to the budget as
/// they come: the first piece may wait for room, later ones only take room that is free (a
/// request that holds budget never waits for more).
pub struct Tally<'a> {
    budget: &'a BodyBudget,
    held: Option<Reservation>,
}

impl<'a> Tally<'a> {
    pub fn new(budget: &'a BodyBudget) -> Self {
        Tally { budget, held: None }
    }

    pub async fn charge(&mut self, bytes: u64) -> Result<(), BodyError> {
        match &self.held {
            None => self.held = Some(self.budget.reserve(bytes).await?),
            Some(held) => held.try_grow(bytes)?,
        }
        Ok(())
    }

    /// The share taken so far, if any.
    pub fn reservation(&self) -> Option<&Reservation> {
        self.held.as_ref()
    }

    /// The share taken so far, to keep as long as what was read.
    pub fn into_reservation(self) -> Option<Reservation> {
        self.held
    }
}

/// A body read whole, with the share of the budget it holds: drop both to give it back.
pub struct Buffered {
    pub bytes: Bytes,
    pub reservation: Reservation,
}

/// The `BodyError` an I/O error from `Metered::into_reader` carries, if any.
pub fn body_error(e: &std::io::Error) -> Option<BodyError> {
    e.get_ref()?.downcast_ref::<BodyError>().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn shares_are_given_back_when_their_last_handle_goes() {
        let budget = BodyBudget::new(4 * UNIT, Duration::from_millis(10));
        let first = budget.reserve(3 * UNIT).await.unwrap();
        let handle = first.clone();
        assert_eq!(
            budget.reserve(2 * UNIT).await.err(),
            Some(BodyError::Busy { retry_after: 1 })
        );
        drop(first);
        assert!(
            budget.reserve(2 * UNIT).await.is_err(),
            "a handle still holds the share"
        );
        drop(handle);
        assert!(budget.reserve(4 * UNIT).await.is_ok());
    }

    #[tokio::test]
    async fn a_holder_grows_only_into_free_room_and_never_waits() {
        let budget = BodyBudget::new(4 * UNIT, Duration::from_secs(3600));
        let a = budget.reserve(2 * UNIT).await.unwrap();
        let b = budget.reserve(2 * UNIT).await.unwrap();
        // Each holds half and wants more: both are refused at once instead of waiting forever.
        assert!(matches!(a.try_grow(UNIT), Err(BodyError::Busy { .. })));
        assert!(matches!(b.try_grow(UNIT), Err(BodyError::Busy { .. })));
        drop(b);
        a.try_grow(2 * UNIT).unwrap();
        assert_eq!(a.bytes(), 4 * UNIT);
        assert!(matches!(a.try_grow(1), Err(BodyError::TooLarge { .. })));
    }

    #[tokio::test]
    async fn more_than_the_whole_budget_is_too_large_not_busy() {
        let budget = BodyBudget::new(4 * UNIT, Duration::from_millis(10));
        assert_eq!(
            budget.reserve(4 * UNIT + 1).await.err(),
            Some(BodyError::TooLarge { limit: 4 * UNIT })
        );
    }

    #[tokio::test]
    async fn declared_lengths_are_reserved_whole_and_checked_against_the_limit() {
        let budget = BodyBudget::new(256 * UNIT, Duration::from_millis(10));
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_LENGTH, "5000".parse().unwrap());
        let body = budget
            .admit(&headers, Body::from(vec![b'x'; 5000]), 10_000)
            .await
            .unwrap();
        assert_eq!(body.reservation().bytes(), 5000);
        let read = body.collect().await.unwrap();
        assert_eq!(read.bytes.len(), 5000);
        drop(read);
        assert_eq!(
            budget.admit(&headers, Body::empty(), 4999).await.err(),
            Some(BodyError::TooLarge { limit: 4999 })
        );
        // Without a length, the reservation follows the bytes.
        let chunks = futures_util::stream::iter((0..3).map(|_| Ok::<_, std::io::Error>(vec![b'y'; 40 * 1024])));
        let body = budget
            .admit(&HeaderMap::new(), Body::from_stream(chunks), 1 << 20)
            .await
            .unwrap();
        let read = body.collect().await.unwrap();
        assert_eq!(read.bytes.len(), 120 * 1024);
        assert_eq!(read.reservation.bytes(), 120 * 1024);
    }
}
