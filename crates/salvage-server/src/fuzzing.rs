//! Entry points for the fuzz targets in `fuzz/` at the repository root; not an API.
//!
//! Each function feeds untrusted bytes to the real readers of one face (the same functions the
//! handlers call, without a repository behind them) and checks what is cheap to check: nothing
//! panics, and what is read and written again reads back the same. The targets only split their
//! input (a content type line, then a body) and call these.

use std::future::Future;

/// A SOAP envelope, as both legacy faces read it first.
pub fn soap_envelope(body: &[u8]) {
    if let Ok(envelope) = crate::soap::read_envelope(body) {
        let depth = depth(&envelope.body);
        assert!(
            depth <= crate::soap::MAX_DEPTH,
            "an element {depth} levels deep was read"
        );
    }
}

fn depth(element: &crate::soap::Element) -> usize {
    1 + element.children.iter().map(depth).max().unwrap_or(0)
}

/// A SOAP request to infoRouter's `/srv.asmx`, in both versions.
pub fn inforouter_soap(body: &[u8]) {
    crate::inforouter::fuzzing::soap(body);
}

/// A query string of infoRouter's HTTP GET binding, or a form body of its HTTP POST binding.
pub fn inforouter_form(encoded: &[u8]) {
    crate::inforouter::fuzzing::form(encoded);
}

/// A `multipart/form-data` POST to infoRouter (UploadDocument), given its content type.
pub fn inforouter_multipart(content_type: &str, body: &[u8]) {
    crate::inforouter::fuzzing::multipart(content_type, body);
}

/// A SOAP request to Scene7's `IpsApiService`, given its content type.
pub fn scene7_soap(content_type: &str, body: &[u8]) {
    crate::scene7::fuzzing::soap(content_type, body);
}

/// A form posted to Scene7's `/scene7/UploadFile` servlet, given its content type.
pub fn scene7_upload(content_type: &str, body: &[u8]) {
    crate::scene7::fuzzing::upload(content_type, body);
}

/// Handles and paths of both legacy faces: Scene7 `c|1`, `a|123`, `f|Company/a/`; infoRouter
/// `D12`, `F3`, `~D12.pdf`, `/Lib/a`, `\Lib\a`.
pub fn handles(text: &str) {
    crate::scene7::fuzzing::handle_texts(text);
    crate::inforouter::fuzzing::path_texts(text);
}

/// A JSON body, read as every request type of the REST API.
pub fn rest_json(body: &[u8]) {
    crate::rest::fuzzing::json(body);
}

/// Runs a future to completion on this thread's runtime (the multipart readers are async, and
/// the body budget they read under waits with a timer, so the runtime has one).
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    thread_local! {
        static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime");
    }
    RUNTIME.with(|rt| rt.block_on(future))
}

#[cfg(test)]
mod tests {
    /// The committed multipart seeds run through both readers as the fuzz target feeds them
    /// (content type, newline, body), so a reader that cannot run outside a server — a timer
    /// without a runtime that has one — fails here and not only under the fuzzer.
    #[test]
    fn the_multipart_seeds_read_without_panicking() {
        let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/multipart");
        let mut seeds = 0;
        for entry in std::fs::read_dir(corpus).expect("the multipart seed corpus") {
            let data = std::fs::read(entry.unwrap().path()).unwrap();
            let newline = data.iter().position(|&b| b == b'\n').expect("a content type line");
            let content_type = String::from_utf8_lossy(&data[..newline]);
            super::scene7_upload(&content_type, &data[newline + 1..]);
            super::inforouter_multipart(&content_type, &data[newline + 1..]);
            seeds += 1;
        }
        assert!(seeds >= 3, "the corpus holds {seeds} seeds");
    }
}
