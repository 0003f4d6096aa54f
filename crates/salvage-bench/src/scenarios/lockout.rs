//! lockout: what an attack on one account costs its owner. Attackers guess the administrator's
//! password from many addresses at once; meanwhile the owner signs in with the right password
//! from an address of their own. The figures are how long the owner's sign-in takes (the
//! throttle slows an account attacked from many addresses, capped at a few seconds, and never
//! refuses the right password from a clean address), how many of the attackers' guesses the
//! throttle let reach a password check, and how many counters a flood of made-up names from
//! many addresses leaves in the database (bounded, so a flood cannot grow it for ever).

use crate::installation::{Backend, Installation, ADMIN_PASSWORD};
use crate::report::{millis, Report};
use anyhow::{ensure, Result};
use salvage_core::Error;
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

const SCENARIO: &str = "lockout";

/// The `n`-th attacker's address: 10.x.y.z, each in a /64-free IPv4 space of its own.
fn attacker(n: u32) -> Option<IpAddr> {
    Some(IpAddr::V4(Ipv4Addr::from(0x0a00_0000 + n)))
}

pub async fn run(report: &mut Report, backend: &Backend, smoke: bool) -> Result<()> {
    let (addresses, guesses, names) = if smoke { (4, 3, 50) } else { (50, 10, 2_000) };
    let inst = Installation::create(backend).await?;
    let repo = &inst.repo;
    let owner = Some(IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1)));

    // Every attacker guesses at once, each from its own address.
    let started = Instant::now();
    let mut attacks = tokio::task::JoinSet::new();
    for a in 0..addresses {
        let repo = repo.clone();
        attacks.spawn(async move {
            let mut checked = 0u32;
            for _ in 0..guesses {
                match repo.login(None, "admin", "not the password", attacker(a)).await {
                    Err(Error::TooManyAttempts { .. }) => {}
                    _ => checked += 1,
                }
            }
            checked
        });
    }
    // While they go on, the owner signs in from a clean address, now and then.
    let mut owner_times = Vec::new();
    while owner_times.len() < 3 || (!attacks.is_empty() && owner_times.len() < 20) {
        let t = Instant::now();
        let signed_in = repo.login(None, "admin", ADMIN_PASSWORD, owner).await;
        ensure!(
            signed_in.is_ok(),
            "the owner was refused during the attack: {signed_in:?}"
        );
        owner_times.push(t.elapsed());
        if attacks.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let mut checked = 0;
    while let Some(done) = attacks.join_next().await {
        checked += done?;
    }
    let attack_time = started.elapsed();
    let total = f64::from(addresses * guesses);
    report.record(SCENARIO, inst.backend, "attack.guesses", total, "guesses");
    report.record(
        SCENARIO,
        inst.backend,
        "attack.password_checks",
        f64::from(checked),
        "checks",
    );
    report.time(SCENARIO, inst.backend, "attack.duration", attack_time);
    owner_times.sort();
    report.time(
        SCENARIO,
        inst.backend,
        "owner_sign_in.p50",
        owner_times[owner_times.len() / 2],
    );
    report.time(
        SCENARIO,
        inst.backend,
        "owner_sign_in.max",
        *owner_times.last().unwrap_or(&Duration::ZERO),
    );
    report.record(SCENARIO, inst.backend, "owner_sign_in.refused", 0.0, "refusals");

    // A flood of made-up names from many addresses: counters stay bounded.
    let t = Instant::now();
    for n in 0..names {
        let _ = repo
            .login(None, &format!("nobody-{n}"), "guess", attacker(1_000 + n % 1_000))
            .await;
    }
    let per_guess = t.elapsed() / names;
    report.record(SCENARIO, inst.backend, "flood.per_guess", millis(per_guess), "ms");
    let rows = repo.login_counter_count().await?;
    report.record(SCENARIO, inst.backend, "flood.counter_rows", rows as f64, "rows");
    inst.close().await;
    Ok(())
}
