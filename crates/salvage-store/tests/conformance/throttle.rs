//! The login throttle's counters on every backend: a pair locks and other addresses do not,
//! a success clears its pair, the table stays within its bound under a flood of made-up names
//! (keeping the locks), and the sweeper forgets what is past its window.

use crate::support::*;
use chrono::Duration;
use salvage_core::model::Role;
use salvage_core::throttle::ThrottlePolicy;
use salvage_core::{Config, Error};
use std::net::IpAddr;

const PASSWORD: &str = "long enough password";

fn ip(s: &str) -> Option<IpAddr> {
    Some(s.parse().unwrap())
}

fn throttled(e: &Error) -> bool {
    matches!(e, Error::TooManyAttempts { .. })
}

#[tokio::test]
async fn a_pair_locks_other_addresses_do_not_and_a_success_clears_it() {
    let w = world().await;
    w.user("bob", Role::IpsUser).await;
    let a = ip("192.0.2.1");
    for _ in 0..4 {
        let e = w.repo.login(None, "bob", "wrong", a).await.unwrap_err();
        assert_eq!(e, Error::AuthenticationFailed);
    }
    // bob's e-mail is the same account: the success clears the pair's four failures.
    w.repo.check_login("BOB@example.com", PASSWORD, a).await.unwrap();
    for _ in 0..5 {
        let e = w.repo.check_login("bob", "wrong", a).await.unwrap_err();
        assert_eq!(e, Error::AuthenticationFailed);
    }
    let e = w.repo.login(None, "bob@example.com", PASSWORD, a).await.unwrap_err();
    assert_eq!(e, Error::TooManyAttempts { retry_after_secs: 60 });
    w.repo.login(None, "bob", PASSWORD, ip("192.0.2.2")).await.unwrap();
    w.clock.advance(Duration::seconds(60));
    w.repo.login(None, "bob", PASSWORD, a).await.unwrap();
}

#[tokio::test]
async fn a_flood_of_made_up_names_stays_within_the_bound_and_keeps_the_locks() {
    let w = world_with(Config {
        login_throttle: ThrottlePolicy {
            max_entries: 30,
            ..ThrottlePolicy::default()
        },
        ..Config::default()
    })
    .await;
    let victim = ip("192.0.2.1");
    for _ in 0..5 {
        w.repo.login(None, "admin", "wrong", victim).await.unwrap_err();
    }
    for i in 0..60 {
        let from = ip(&format!("198.51.100.{i}"));
        let e = w
            .repo
            .login(None, &format!("made-up-{i}"), "x", from)
            .await
            .unwrap_err();
        assert_eq!(e, Error::AuthenticationFailed);
    }
    assert_eq!(w.repo.login_counter_count().await.unwrap(), 30);
    let e = w.repo.login(None, "admin", "admin-password", victim).await.unwrap_err();
    assert!(throttled(&e), "the lock outlived the flood: {e:?}");
}

#[tokio::test]
async fn forgotten_counters_are_swept_and_count_for_nothing() {
    let w = world().await;
    let a = ip("2001:db8:1:2::1");
    for _ in 0..5 {
        w.repo.check_login("admin", "wrong", a).await.unwrap_err();
    }
    // Another address of the same /64 is the same client.
    let e = w
        .repo
        .check_login("admin", "admin-password", ip("2001:db8:1:2::99"))
        .await
        .unwrap_err();
    assert!(throttled(&e), "{e:?}");
    assert_eq!(w.repo.login_counter_count().await.unwrap(), 3);
    // The lockout's minute and the window's quarter of an hour after it.
    w.clock.advance(Duration::minutes(16) + Duration::seconds(1));
    let report = w.repo.sweep().await.unwrap();
    assert_eq!(report.login_counters_expired, 3);
    assert_eq!(w.repo.login_counter_count().await.unwrap(), 0);
    for _ in 0..4 {
        w.repo.check_login("admin", "wrong", a).await.unwrap_err();
    }
    w.repo.check_login("admin", "admin-password", a).await.unwrap();
}
