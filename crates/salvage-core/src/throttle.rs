//! The login throttle: one rule for every way in. The faces log in only through
//! `Repository::login` and `Repository::check_login`, which apply it before and after checking
//! the password.
//!
//! What it guarantees:
//! - Failures are counted per account *and client address*. The account is the user the login
//!   resolves to, whatever was typed (username or e-mail, in any case): `bob` and bob's e-mail
//!   are one account. After `account_failures` failures in a row of one account from one
//!   address, that address is refused for that account — the password is not even checked —
//!   for `lockout`, doubled by each further failure up to `max_lockout`. The account itself is
//!   never locked: its owner logs in from any other address as usual.
//! - An account failing from many addresses (`account_total_failures` together) is slowed:
//!   every attempt for it waits `delay` before its password is checked, doubled by each further
//!   failure up to `max_delay`. The right password from a clean address still succeeds.
//! - An address failing for many names (`address_failures`, made-up names included) is slowed
//!   the same way, never refused: the real users behind it (one office, one proxy) still log in.
//! - A right password clears the count of its (account, address) pair. The account's and the
//!   address's totals stay: a guesser's own account must not reset a run against others.
//! - A failure more than `window` after the previous one (or after the end of its lockout)
//!   starts a count afresh. Counters past that are deleted by the next failure anywhere and by
//!   the sweeper, and at most `max_entries` are kept (those closest to being forgotten go
//!   first), so a flood of made-up names from many addresses cannot grow the table unbounded.
//! - The counters live in the database, so every server sharing it counts together.
//!
//! Not an oracle of which names exist: a name that matches no user is counted as an account of
//! its own (keyed by a hash of the name, never the name itself: people type their password into
//! the name field), locked, slowed and answered exactly like a real account, and checked
//! against a decoy hash so that it takes as long. The trade-off: a made-up name has no aliases,
//! while a user's username and e-mail share one count. Someone who suspects that `x@example.com`
//! is the e-mail of `x` can confirm it, and so that the account exists, by failing with both
//! and watching when the pair locks; that costs a lockout per guess and tells nothing about
//! names without a known alias. Counting made-up names per name instead of per address only
//! would have been cheaper, but then a name that locks would be a name that exists.
//!
//! IPv6 clients are counted per /64, the block one host or one customer usually holds, so that
//! walking through one's own addresses does not start fresh counts.

use crate::model::User;
use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use std::net::IpAddr;

/// Thresholds and delays of the throttle; zero turns a threshold off.
#[derive(Debug, Clone)]
pub struct ThrottlePolicy {
    /// Failures in a row of one account from one address before that address is refused for
    /// that account.
    pub account_failures: u32,
    /// Failures of one account from all addresses together before its attempts are slowed.
    pub account_total_failures: u32,
    /// Failures from one address, whatever the names, before its attempts are slowed.
    pub address_failures: u32,
    /// A failure further than this from the previous one (or the end of a lockout) starts a
    /// new count.
    pub window: Duration,
    /// The first lockout of a pair; each further failure doubles it.
    pub lockout: Duration,
    pub max_lockout: Duration,
    /// The first delay of a slowed attempt; each further failure doubles it.
    pub delay: Duration,
    pub max_delay: Duration,
    /// Most counters kept at once.
    pub max_entries: u64,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            account_failures: 5,
            account_total_failures: 10,
            address_failures: 20,
            window: Duration::minutes(15),
            lockout: Duration::minutes(1),
            max_lockout: Duration::hours(1),
            delay: Duration::milliseconds(250),
            max_delay: Duration::seconds(3),
            max_entries: 100_000,
        }
    }
}

/// Stands for "any" in a counter key: the account from every address, or the address for
/// every name.
pub const ANY: &str = "*";

/// What a counter counts: failures of `account` from `address`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CounterKey {
    /// `user:{id}`, `name:{hash}` for a name that matches no user, or `ANY`.
    pub account: String,
    /// The client's address (an IPv6 one as its /64), `unknown`, or `ANY`.
    pub address: String,
}

/// Failures of one key, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginCounter {
    pub key: CounterKey,
    /// Failures in a row.
    pub failures: i64,
    /// Until when the pair is refused (pairs only).
    pub locked_until: Option<DateTime<Utc>>,
    /// When the counter is forgotten: `window` after its last failure or the end of its lockout.
    pub expires_at: DateTime<Utc>,
}

/// The three counters an attempt is judged by and counted in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptKeys {
    /// This account from this address: locks.
    pub pair: CounterKey,
    /// This account from every address: slows.
    pub account: CounterKey,
    /// This address for every name: slows.
    pub address: CounterKey,
}

impl AttemptKeys {
    /// The keys of an attempt to log in as `login` (which resolved to `user`) from `from`.
    pub fn new(user: Option<&User>, login: &str, from: Option<IpAddr>) -> Self {
        let account = match user {
            Some(u) => format!("user:{}", u.id),
            None => {
                let digest = Sha256::digest(crate::name::key(login.trim()).as_bytes());
                format!("name:{}", hex::encode(&digest[..16]))
            }
        };
        let address = address_key(from);
        AttemptKeys {
            pair: CounterKey {
                account: account.clone(),
                address: address.clone(),
            },
            account: CounterKey {
                account,
                address: ANY.into(),
            },
            address: CounterKey {
                account: ANY.into(),
                address,
            },
        }
    }

    pub(crate) fn all(&self) -> [CounterKey; 3] {
        [self.pair.clone(), self.account.clone(), self.address.clone()]
    }
}

/// How a client address is counted: IPv4 (and IPv4-mapped IPv6) as is, other IPv6 by /64.
pub fn address_key(from: Option<IpAddr>) -> String {
    match from.map(|ip| ip.to_canonical()) {
        None => "unknown".into(),
        Some(IpAddr::V4(v4)) => v4.to_string(),
        Some(IpAddr::V6(v6)) => {
            let network = std::net::Ipv6Addr::from(u128::from(v6) & (u128::MAX << 64));
            format!("{network}/64")
        }
    }
}

/// What to do with an attempt before its password is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Refuse without checking, and say when to try again.
    Refuse { retry_after_secs: i64 },
    /// Check the password after waiting this long (often zero).
    Check { delay: Duration },
}

impl ThrottlePolicy {
    /// The verdict on an attempt, from the counters its keys have (forgotten ones included:
    /// they count for nothing).
    pub fn judge(&self, keys: &AttemptKeys, counters: &[LoginCounter], now: DateTime<Utc>) -> Verdict {
        let live = |key: &CounterKey| live(counters, key, now);
        if let Some(until) = live(&keys.pair).and_then(|c| c.locked_until).filter(|u| *u > now) {
            // Rounded up, so a client that waits as told is not refused again.
            let retry_after_secs = ((until - now).num_milliseconds() + 999).div_euclid(1000).max(1);
            return Verdict::Refuse { retry_after_secs };
        }
        let delay = self
            .slowdown(live(&keys.account), self.account_total_failures)
            .max(self.slowdown(live(&keys.address), self.address_failures));
        Verdict::Check { delay }
    }

    fn slowdown(&self, counter: Option<&LoginCounter>, limit: u32) -> Duration {
        match counter {
            Some(c) if limit > 0 && c.failures >= i64::from(limit) => {
                growing(self.delay, c.failures - i64::from(limit), self.max_delay)
            }
            _ => Duration::zero(),
        }
    }

    /// The counters after one more failure of an attempt with `keys`; a key whose threshold is
    /// zero is not counted at all.
    pub fn count_failure(
        &self,
        keys: &AttemptKeys,
        counters: &[LoginCounter],
        now: DateTime<Utc>,
    ) -> Vec<LoginCounter> {
        [
            (&keys.pair, self.account_failures, true),
            (&keys.account, self.account_total_failures, false),
            (&keys.address, self.address_failures, false),
        ]
        .into_iter()
        .filter(|(_, limit, _)| *limit > 0)
        .map(|(key, limit, locks)| {
            let failures = live(counters, key, now).map_or(0, |c| c.failures) + 1;
            let locked_until = (locks && failures >= i64::from(limit))
                .then(|| now + growing(self.lockout, failures - i64::from(limit), self.max_lockout));
            LoginCounter {
                key: key.clone(),
                failures,
                locked_until,
                expires_at: locked_until.unwrap_or(now).max(now) + self.window,
            }
        })
        .collect()
    }
}

fn live<'a>(counters: &'a [LoginCounter], key: &CounterKey, now: DateTime<Utc>) -> Option<&'a LoginCounter> {
    counters.iter().find(|c| c.key == *key && c.expires_at > now)
}

/// `base` doubled `doublings` times, at most `cap`.
fn growing(base: Duration, doublings: i64, cap: Duration) -> Duration {
    (base * 2i32.pow(doublings.clamp(0, 20) as u32)).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn start() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).unwrap()
    }

    fn keys(account: &str, address: &str) -> AttemptKeys {
        let ip: IpAddr = address.parse().unwrap();
        AttemptKeys::new(None, account, Some(ip))
    }

    /// Applies a failure to `counters` the way the store would keep them.
    fn fail(p: &ThrottlePolicy, counters: &mut Vec<LoginCounter>, k: &AttemptKeys, now: DateTime<Utc>) {
        for c in p.count_failure(k, counters, now) {
            counters.retain(|o| o.key != c.key);
            counters.push(c);
        }
    }

    #[test]
    fn a_pair_is_locked_with_a_growing_lockout_and_other_addresses_are_not() {
        let p = ThrottlePolicy::default();
        let mut c = Vec::new();
        let now = start();
        let a = keys("bob", "10.0.0.1");
        for _ in 0..4 {
            fail(&p, &mut c, &a, now);
            assert_eq!(
                p.judge(&a, &c, now),
                Verdict::Check {
                    delay: Duration::zero()
                }
            );
        }
        fail(&p, &mut c, &a, now);
        assert_eq!(p.judge(&a, &c, now), Verdict::Refuse { retry_after_secs: 60 });
        assert_eq!(
            p.judge(&keys("BOB ", "10.0.0.1"), &c, now),
            Verdict::Refuse { retry_after_secs: 60 },
            "a name is matched in any case"
        );
        assert_eq!(
            p.judge(&keys("bob", "10.0.0.2"), &c, now),
            Verdict::Check {
                delay: Duration::zero()
            }
        );
        // After the lockout, the next failure within the window doubles it, up to the cap.
        let mut when = now + Duration::seconds(61);
        assert!(matches!(p.judge(&a, &c, when), Verdict::Check { .. }));
        fail(&p, &mut c, &a, when);
        assert_eq!(p.judge(&a, &c, when), Verdict::Refuse { retry_after_secs: 120 });
        for _ in 0..10 {
            let Verdict::Refuse { retry_after_secs } = p.judge(&a, &c, when) else {
                panic!("locked")
            };
            when += Duration::seconds(retry_after_secs);
            fail(&p, &mut c, &a, when);
        }
        assert_eq!(p.judge(&a, &c, when), Verdict::Refuse { retry_after_secs: 3600 });
    }

    #[test]
    fn many_addresses_slow_an_account_and_many_names_slow_an_address() {
        let p = ThrottlePolicy::default();
        let mut c = Vec::new();
        let now = start();
        for i in 0..10 {
            fail(&p, &mut c, &keys("carol", &format!("10.0.1.{i}")), now);
        }
        let clean = keys("carol", "10.0.9.9");
        assert_eq!(p.judge(&clean, &c, now), Verdict::Check { delay: p.delay });
        for i in 10..20 {
            fail(&p, &mut c, &keys("carol", &format!("10.0.1.{i}")), now);
        }
        assert_eq!(p.judge(&clean, &c, now), Verdict::Check { delay: p.max_delay });

        for i in 0..21 {
            fail(&p, &mut c, &keys(&format!("made-up {i}"), "10.0.2.1"), now);
        }
        assert_eq!(
            p.judge(&keys("dave", "10.0.2.1"), &c, now),
            Verdict::Check { delay: p.delay * 2 }
        );
        assert_eq!(
            p.judge(&keys("dave", "10.0.2.2"), &c, now),
            Verdict::Check {
                delay: Duration::zero()
            }
        );
    }

    #[test]
    fn failures_further_apart_than_the_window_do_not_add_up() {
        let p = ThrottlePolicy::default();
        let mut c = Vec::new();
        let mut now = start();
        let a = keys("bob", "10.0.0.1");
        for _ in 0..10 {
            fail(&p, &mut c, &a, now);
            now += Duration::minutes(16);
        }
        assert_eq!(
            p.judge(&a, &c, now),
            Verdict::Check {
                delay: Duration::zero()
            }
        );
        assert!(c.iter().all(|c| c.failures == 1), "{c:?}");
    }

    #[test]
    fn zero_turns_a_threshold_off_and_keeps_no_counter() {
        let p = ThrottlePolicy {
            account_failures: 0,
            account_total_failures: 0,
            address_failures: 0,
            ..ThrottlePolicy::default()
        };
        assert!(p.count_failure(&keys("bob", "10.0.0.1"), &[], start()).is_empty());
    }

    #[test]
    fn made_up_names_are_hashed_and_ipv6_is_counted_by_its_64() {
        let k = keys("my secret password", "2001:db8:1:2:aaaa::1");
        assert!(k.pair.account.starts_with("name:"));
        assert!(!k.pair.account.contains("secret"));
        assert_eq!(k.pair.address, "2001:db8:1:2::/64");
        assert_eq!(keys("x", "2001:db8:1:2:bbbb::9").address, k.address);
        assert_eq!(address_key(Some("::ffff:10.1.2.3".parse().unwrap())), "10.1.2.3");
        assert_eq!(address_key(None), "unknown");
    }
}
