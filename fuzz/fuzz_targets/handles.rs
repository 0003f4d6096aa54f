//! Scene7 handles (`c|1`, `a|123`, `f|Company/a/`) and infoRouter handlers and paths (`D12`,
//! `F3`, `~D12.pdf`, `/Lib/a`, `\Lib\a`).
#![no_main]

libfuzzer_sys::fuzz_target!(|text: &str| {
    salvage_server::fuzzing::handles(text);
});
