//! infoRouter's SOAP 1.1 and 1.2 requests to `/srv.asmx`, and the envelope reader beneath them.
#![no_main]

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    salvage_server::fuzzing::soap_envelope(body);
    salvage_server::fuzzing::inforouter_soap(body);
});
