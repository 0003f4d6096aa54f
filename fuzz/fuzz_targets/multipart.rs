//! Multipart uploads: Scene7's UploadFile servlet and infoRouter's multipart UploadDocument.
//! The input's first line is the content type (with its boundary), the rest is the body.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let (content_type, body) = match data.iter().position(|&b| b == b'\n') {
        Some(i) => (String::from_utf8_lossy(&data[..i]).into_owned(), &data[i + 1..]),
        None => ("multipart/form-data; boundary=X".to_owned(), data),
    };
    salvage_server::fuzzing::scene7_upload(&content_type, body);
    salvage_server::fuzzing::inforouter_multipart(&content_type, body);
});
