//! Parameters of infoRouter's HTTP GET (query string) and HTTP POST (form body) bindings.
#![no_main]

libfuzzer_sys::fuzz_target!(|encoded: &[u8]| {
    salvage_server::fuzzing::inforouter_form(encoded);
});
