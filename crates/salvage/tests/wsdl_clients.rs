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
