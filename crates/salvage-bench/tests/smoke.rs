//! The suite at its smallest, so it cannot rot: every scenario runs on SQLite (and on
//! PostgreSQL when a server answers, which `SALVAGE_REQUIRE_POSTGRES=1` demands), prints its
//! figures in the documented form, counts no errors, and ends with the summary. Figures are
//! not judged here: a debug build on a busy machine says nothing about speed.

use std::collections::BTreeSet;
use std::process::Command;

#[test]
fn every_scenario_runs_and_reports_its_figures() {
    let out = Command::new(env!("CARGO_BIN_EXE_salvage-bench"))
        .arg("--smoke")
        .env_remove("SALVAGE_BENCH_DATABASE_URL")
        .output()
        .expect("run salvage-bench");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "salvage-bench --smoke failed:\n{stdout}\n{stderr}"
    );

    let mut scenarios = BTreeSet::new();
    for line in stdout
        .lines()
        .filter(|l| l.starts_with("bench ") && !l.starts_with("bench: "))
    {
        let fields: Vec<&str> = line.split_whitespace().collect();
        assert_eq!(fields.len(), 4, "`bench <scenario>.<figure> <value> <unit>`: {line}");
        let value: f64 = fields[2].parse().unwrap_or_else(|_| panic!("a number in {line}"));
        assert!(value.is_finite() && value >= 0.0, "{line}");
        let (scenario, figure) = fields[1].split_once('.').expect("scenario.figure");
        if figure.ends_with(".errors") {
            assert_eq!(value, 0.0, "no request may fail: {line}");
        }
        scenarios.insert(scenario.to_owned());
    }
    let postgres = !stdout.contains("PostgreSQL skipped");
    if std::env::var("SALVAGE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        assert!(
            postgres,
            "PostgreSQL is required (SALVAGE_REQUIRE_POSTGRES=1):\n{stdout}"
        );
    }
    let suffixes: &[&str] = if postgres { &["", "_postgres"] } else { &[""] };
    for base in [
        "subtree_1k",
        "subtree_3k",
        "batch_100",
        "bin_1k",
        "bin_3k",
        "throughput_inforouter",
        "throughput_rest",
        "growth_subtree_1k_3k",
        "growth_bin_1k_3k",
    ] {
        for suffix in suffixes {
            let name = format!("{base}{suffix}");
            assert!(scenarios.contains(&name), "no figures of {name}:\n{stdout}");
        }
    }
    // The server's memory is measured once, on SQLite: the database plays no part in it.
    assert!(scenarios.contains("memory"), "no figures of memory:\n{stdout}");
    for figure in [
        "memory.scene7_upload_auth_part.peak_over_idle ",
        "subtree_1k.delete ",
        "bin_3k.deep_page_p99 ",
        "throughput_rest.clients_8.ops_per_s ",
    ] {
        assert!(stdout.contains(&format!("bench {figure}")), "no {figure}:\n{stdout}");
    }
    assert!(stdout.contains("| figure"), "the summary table:\n{stdout}");
}
