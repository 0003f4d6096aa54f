//! Login throttling, one policy for every way in (REST sessions, infoRouter's AuthenticateUser,
//! Scene7's credentials on every call and its checkLogin, the web sign-in).
//!
//! Failures are counted per account (the login as typed, matched like logins are: in any case)
//! and per client address. Once an account has `account_failures` failures in a row, or an
//! address `address_failures`, further attempts are refused without checking the password
//! until a lockout ends; each failure after that doubles the lockout, up to `max_lockout`. A
//! failure more than `window` after the previous one starts the count afresh, and a success
//! clears the account's count (not the address's: one's own account must not reset a guessing
//! run against others).
//!
//! The counters live in this server's memory: several servers behind one balancer each count
//! on their own, and a restart forgets. Each map holds at most `max_entries` keys; when full,
//! forgotten entries (idle longer than the window and not locked) go first, then the longest
//! idle one, so a flood of made-up names cannot grow memory without bound.

use chrono::{DateTime, Duration, Utc};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;

/// How many failures are tolerated and for how long attempts are then refused.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures in a row of one account before it is locked (0: never).
    pub account_failures: u32,
    /// Failures in a row from one address before it is locked (0: never).
    pub address_failures: u32,
    /// A failure further than this from the previous one starts a new count.
    pub window: Duration,
    /// The first lockout; each further failure doubles it.
    pub lockout: Duration,
    pub max_lockout: Duration,
    /// Most accounts (and, separately, addresses) remembered at once.
    pub max_entries: usize,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_failures: 5,
            address_failures: 20,
            window: Duration::minutes(15),
            lockout: Duration::minutes(1),
            max_lockout: Duration::hours(1),
            max_entries: 10_000,
        }
    }
}

/// An attempt refused by the throttle, and when to try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooManyAttempts {
    /// Whole seconds, at least 1.
    pub retry_after_secs: i64,
}

impl TooManyAttempts {
    pub fn message(&self) -> String {
        format!(
            "too many failed sign-in attempts; try again in {} seconds",
            self.retry_after_secs
        )
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    failures: u32,
    last_failure: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
}

impl Entry {
    fn locked_at(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.locked_until.filter(|until| *until > now)
    }

    /// Idle past the window and not locked: it counts for nothing any more.
    fn forgotten(&self, now: DateTime<Utc>, window: Duration) -> bool {
        self.locked_at(now).is_none() && now - self.last_failure > window
    }
}

/// Failure counts by key, bounded in size.
struct Counters<K> {
    entries: HashMap<K, Entry>,
}

impl<K: Hash + Eq + Clone> Counters<K> {
    fn new() -> Self {
        Counters {
            entries: HashMap::new(),
        }
    }

    fn locked_until(&self, key: &K, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.entries.get(key).and_then(|e| e.locked_at(now))
    }

    fn fail(&mut self, key: &K, limit: u32, policy: &ThrottlePolicy, now: DateTime<Utc>) {
        if limit == 0 {
            return;
        }
        if !self.entries.contains_key(key) {
            self.make_room(policy, now);
        }
        let entry = self.entries.entry(key.clone()).or_insert(Entry {
            failures: 0,
            last_failure: now,
            locked_until: None,
        });
        if now - entry.last_failure > policy.window {
            entry.failures = 0;
        }
        entry.failures += 1;
        entry.last_failure = now;
        if entry.failures >= limit {
            let doublings = (entry.failures - limit).min(20);
            let lockout = (policy.lockout * 2i32.pow(doublings)).min(policy.max_lockout);
            entry.locked_until = Some(now + lockout);
        }
    }

    fn clear(&mut self, key: &K) {
        self.entries.remove(key);
    }

    /// Keeps the map below `max_entries`: forgotten entries go first, then the longest idle.
    fn make_room(&mut self, policy: &ThrottlePolicy, now: DateTime<Utc>) {
        if self.entries.len() < policy.max_entries.max(1) {
            return;
        }
        self.entries.retain(|_, e| !e.forgotten(now, policy.window));
        while self.entries.len() >= policy.max_entries.max(1) {
            let oldest = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_failure)
                .map(|(k, _)| k.clone());
            match oldest {
                Some(k) => self.entries.remove(&k),
                None => break,
            };
        }
    }
}

/// The login throttle of one server.
pub struct LoginThrottle {
    policy: ThrottlePolicy,
    accounts: Mutex<Counters<String>>,
    addresses: Mutex<Counters<IpAddr>>,
}

impl LoginThrottle {
    pub fn new(policy: ThrottlePolicy) -> Self {
        LoginThrottle {
            policy,
            accounts: Mutex::new(Counters::new()),
            addresses: Mutex::new(Counters::new()),
        }
    }

    /// Whether an attempt for `login` from `client` may be checked at all.
    pub fn check(&self, login: &str, client: Option<IpAddr>, now: DateTime<Utc>) -> Result<(), TooManyAttempts> {
        let account = self
            .accounts
            .lock()
            .expect("throttle lock")
            .locked_until(&key(login), now);
        let address = client.and_then(|ip| self.addresses.lock().expect("throttle lock").locked_until(&ip, now));
        match account.max(address) {
            None => Ok(()),
            Some(until) => Err(TooManyAttempts {
                // Rounded up, so a client that waits as told is not refused again.
                retry_after_secs: ((until - now).num_milliseconds() + 999).div_euclid(1000).max(1),
            }),
        }
    }

    pub fn failed(&self, login: &str, client: Option<IpAddr>, now: DateTime<Utc>) {
        let p = &self.policy;
        self.accounts
            .lock()
            .expect("throttle lock")
            .fail(&key(login), p.account_failures, p, now);
        if let Some(ip) = client {
            self.addresses
                .lock()
                .expect("throttle lock")
                .fail(&ip, p.address_failures, p, now);
        }
    }

    pub fn succeeded(&self, login: &str) {
        self.accounts.lock().expect("throttle lock").clear(&key(login));
    }

    #[cfg(test)]
    fn remembered(&self) -> (usize, usize) {
        (
            self.accounts.lock().unwrap().entries.len(),
            self.addresses.lock().unwrap().entries.len(),
        )
    }
}

/// Logins are matched in any case and without surrounding blanks; so are their counters.
fn key(login: &str) -> String {
    salvage_core::name::key(login.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn ip(last: u8) -> Option<IpAddr> {
        Some(IpAddr::from([10, 0, 0, last]))
    }

    #[test]
    fn an_account_is_locked_after_its_failures_with_a_growing_lockout() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let now = start();
        for _ in 0..4 {
            t.failed("Bob", ip(1), now);
            assert_eq!(t.check("bob", ip(2), now), Ok(()));
        }
        t.failed("bob ", ip(1), now);
        // Locked for any address and any spelling of the login.
        assert_eq!(
            t.check("BOB", ip(3), now),
            Err(TooManyAttempts { retry_after_secs: 60 })
        );
        assert_eq!(t.check("alice", ip(3), now), Ok(()));
        let later = now + Duration::seconds(61);
        assert_eq!(t.check("bob", ip(3), later), Ok(()));
        t.failed("bob", ip(1), later);
        assert_eq!(
            t.check("bob", ip(3), later),
            Err(TooManyAttempts { retry_after_secs: 120 })
        );
        // Failures within the window keep doubling it, up to the cap.
        let mut when = later;
        for _ in 0..10 {
            when += Duration::minutes(14);
            t.failed("bob", ip(1), when);
        }
        assert_eq!(
            t.check("bob", None, when),
            Err(TooManyAttempts { retry_after_secs: 3600 })
        );
    }

    #[test]
    fn a_success_clears_the_account_but_not_the_address() {
        let policy = ThrottlePolicy {
            address_failures: 6,
            ..ThrottlePolicy::default()
        };
        let t = LoginThrottle::new(policy);
        let now = start();
        for _ in 0..4 {
            t.failed("bob", ip(1), now);
        }
        t.succeeded("bob");
        t.failed("bob", ip(1), now);
        assert_eq!(t.check("bob", None, now), Ok(()), "the count started again");
        t.failed("carol", ip(1), now);
        // Six failures from 10.0.0.1: the address is locked, for every account.
        assert!(t.check("dave", ip(1), now).is_err());
        assert_eq!(t.check("dave", ip(2), now), Ok(()));
    }

    #[test]
    fn failures_further_apart_than_the_window_do_not_add_up() {
        let t = LoginThrottle::new(ThrottlePolicy::default());
        let mut now = start();
        for _ in 0..10 {
            t.failed("bob", None, now);
            now += Duration::minutes(16);
        }
        assert_eq!(t.check("bob", None, now), Ok(()));
    }

    #[test]
    fn memory_stays_bounded_and_the_newest_lock_is_kept() {
        let policy = ThrottlePolicy {
            account_failures: 1,
            max_entries: 100,
            ..ThrottlePolicy::default()
        };
        let t = LoginThrottle::new(policy);
        let now = start();
        t.failed("victim", None, now);
        for i in 0..1000 {
            t.failed(&format!("made-up {i}"), ip((i % 250) as u8), now - Duration::hours(1));
        }
        let (accounts, addresses) = t.remembered();
        assert!(accounts <= 100 && addresses <= 100, "{accounts} {addresses}");
        assert!(t.check("victim", None, now).is_err(), "the newest lock was kept");
    }

    #[test]
    fn zero_turns_a_limit_off() {
        let t = LoginThrottle::new(ThrottlePolicy {
            account_failures: 0,
            address_failures: 0,
            ..ThrottlePolicy::default()
        });
        for _ in 0..50 {
            t.failed("bob", ip(1), start());
        }
        assert_eq!(t.check("bob", ip(1), start()), Ok(()));
        assert_eq!(t.remembered(), (0, 0));
    }
}
