//! Time source. Retention, session expiry and the login throttle read the clock through this
//! trait, and the throttle's delays wait on it, so that tests can move time forward instead of
//! sleeping.

use chrono::{DateTime, Duration, Utc};
use std::sync::Mutex;

#[async_trait::async_trait]
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Waits until `by` has passed on this clock.
    async fn sleep(&self, by: Duration);
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

#[async_trait::async_trait]
impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    async fn sleep(&self, by: Duration) {
        tokio::time::sleep(by.to_std().unwrap_or_default()).await;
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    pub fn new(start: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.0.lock().expect("clock lock");
        *now += by;
    }
}

#[async_trait::async_trait]
impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().expect("clock lock")
    }

    /// Moves the clock forward at once: whoever waits sees the time pass without taking it,
    /// and a test can tell how long it was made to wait.
    async fn sleep(&self, by: Duration) {
        self.advance(by.max(Duration::zero()));
    }
}
