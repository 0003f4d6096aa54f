//! The REST API's OpenAPI document, as integrators meet it, against a real `salvage serve --demo`:
//! a reference validator accepts it, and a client generated from it alone runs a short story.

use crate::support::server::demo;
use salvage_testkit::{openapi_tools, run_client, script, workspace};
use std::process::Command;

#[test]
fn the_served_openapi_document_passes_openapi_spec_validator() {
    let Some(bin) = openapi_tools() else {
        return;
    };
    let server = demo();
    let script = script("openapi_check.py");
    let run = run_client(&bin.join("python"), &script, &[&server.base]);
    run.assert_finished(&script, &[], "the document is valid");
}

#[test]
fn a_client_generated_by_openapi_python_client_runs_the_story() {
    let Some(bin) = openapi_tools() else {
        return;
    };
    let server = demo();
    // Generated afresh each run, from the served document alone, into target/.
    let out = workspace().join("target/openapi-client");
    let package = out.join("salvage_client");
    let _ = std::fs::remove_dir_all(&package);
    std::fs::create_dir_all(&out).unwrap();
    // Started as a module: the environment's scripts name the interpreter of the directory it
    // was built in. Its formatting step runs `ruff`, which the environment's `bin/` holds.
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let generated = Command::new(bin.join("python"))
        .env("PATH", path)
        .args([
            "-m",
            "openapi_python_client",
            "generate",
            "--meta",
            "none",
            "--overwrite",
            "--fail-on-warning",
            "--url",
        ])
        .arg(format!("{}/api/v1/openapi.json", server.base))
        .arg("--output-path")
        .arg(&package)
        .output()
        .expect("run openapi-python-client");
    assert!(
        generated.status.success(),
        "openapi-python-client could not generate a client ({}):\n{}{}",
        generated.status,
        String::from_utf8_lossy(&generated.stdout),
        String::from_utf8_lossy(&generated.stderr)
    );
    let script = script("openapi_story.py");
    let run = run_client(&bin.join("python"), &script, &[&server.base, out.to_str().unwrap()]);
    run.assert_finished(&script, &[], "all steps passed");
}
