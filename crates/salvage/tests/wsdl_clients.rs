//! WSDL-driven clients against a real `salvage serve --demo`: each builds its calls from the
//! server's WSDL alone, so a WSDL that does not match what the server reads and writes fails here.

mod support;

use salvage_testkit::{run_client, script, zeep_python};
use support::server::demo;

#[test]
fn zeep_restores_recycle_bin_items_through_the_inforouter_wsdl() {
    let Some(python) = zeep_python() else {
        return;
    };
    let server = demo();
    let script = script("inforouter_zeep.py");
    let run = run_client(&python, &script, &[&server.base]);
    assert!(
        run.status.success(),
        "{} failed ({}); its output:\n{}",
        script.display(),
        run.status,
        run.output
    );
    // The script prints one line per completed step; all of them must have run.
    assert!(run.output.contains("zeep: all calls succeeded"), "{}", run.output);
}

#[test]
fn zeep_restores_assets_through_the_scene7_wsdl() {
    let Some(python) = zeep_python() else {
        return;
    };
    let server = demo();
    let script = script("scene7_zeep.py");
    // An administrator with the authHeader and the unversioned WSDL, then a user with HTTP Basic
    // and a versioned one: both forms a real integration uses.
    let runs: [&[&str]; 2] = [
        &["--user", "admin", "--password", "demo-admin"],
        &[
            "--user",
            "alice",
            "--password",
            "demo-password",
            "--auth",
            "basic",
            "--version",
            "2014-04-03",
        ],
    ];
    for args in runs {
        let mut all = vec![server.base.as_str()];
        all.extend_from_slice(args);
        let run = run_client(&python, &script, &all);
        assert!(
            run.status.success(),
            "{} {args:?} failed ({}); its output:\n{}",
            script.display(),
            run.status,
            run.output
        );
        assert!(run.output.contains("all Scene7 zeep checks passed"), "{}", run.output);
    }
}
