//! Scene7 IPS SOAP requests, sent as SOAP 1.1 and as SOAP 1.2.
#![no_main]

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    salvage_server::fuzzing::scene7_soap("text/xml; charset=utf-8", body);
    salvage_server::fuzzing::scene7_soap("application/soap+xml; charset=utf-8", body);
});
