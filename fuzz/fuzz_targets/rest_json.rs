//! The REST API's JSON request bodies, each read as every request type.
#![no_main]

libfuzzer_sys::fuzz_target!(|body: &[u8]| {
    salvage_server::fuzzing::rest_json(body);
});
