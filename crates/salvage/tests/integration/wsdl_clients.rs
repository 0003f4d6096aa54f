//! WSDL-driven clients against a real `salvage serve --demo`: each builds its calls from the
//! server's WSDL alone, so a WSDL that does not match what the server reads and writes fails here.
//! Two stacks: Python's zeep and PHP's SoapClient (the most common Scene7 client).

use crate::support::server::demo;
use salvage_testkit::{php_soap, run_client, script, zeep_python};

#[test]
fn zeep_restores_recycle_bin_items_through_the_inforouter_wsdl() {
    let Some(python) = zeep_python() else {
        return;
    };
    let server = demo();
    let script = script("inforouter_zeep.py");
    let run = run_client(&python, &script, &[&server.base]);
    run.assert_finished(&script, &[], "zeep: all calls succeeded");
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
        run.assert_finished(&script, args, "all Scene7 zeep checks passed");
    }
}

/// Runs a PHP client script with `args` after the base URL of a fresh demo server (the scripts
/// delete and restore the same demo items, and try a wrong password), and checks it got to its
/// last line.
fn run_php(php: &std::path::Path, name: &str, args: &[&str], done: &str) {
    let server = demo();
    let script = script(name);
    let mut all = vec![server.base.as_str()];
    all.extend_from_slice(args);
    let run = run_client(php, &script, &all);
    run.assert_finished(&script, args, done);
}

#[test]
fn php_soapclient_restores_recycle_bin_items_through_the_inforouter_wsdl() {
    let Some(php) = php_soap() else {
        return;
    };
    for soap in ["1.1", "1.2"] {
        run_php(
            &php,
            "inforouter_php.php",
            &[soap],
            "php: all infoRouter calls succeeded",
        );
    }
}

#[test]
fn php_soapclient_restores_assets_through_the_scene7_wsdl() {
    let Some(php) = php_soap() else {
        return;
    };
    // The unversioned WSDL and a versioned one, each in both SOAP versions.
    for api in ["", "2014-04-03"] {
        for soap in ["1.1", "1.2"] {
            run_php(&php, "scene7_php.php", &[soap, api], "php: all Scene7 checks passed");
        }
    }
}
