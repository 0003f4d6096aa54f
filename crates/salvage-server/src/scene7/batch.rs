//! The result of a batch asset operation (deleteAssets, moveAssets, restoreAssetsFromTrash,
//! emptyAssetsFromTrash): three counts and, for the items that did not simply succeed, an
//! `AssetOperationFault` with the code the single-item operation would have raised (spec §10.3).
//! Empty detail arrays are left out, as in every IPS example.

use super::faults::Fault;
use super::xml::Out;

#[derive(Debug, Default)]
pub struct Batch {
    successes: usize,
    warnings: Vec<(String, Fault)>,
    errors: Vec<(String, Fault)>,
}

impl Batch {
    pub fn success(&mut self) {
        self.successes += 1;
    }

    /// Nothing was wrong enough to fail, but nothing was done either (e.g. restoring an asset
    /// that is not in the trash).
    pub fn warning(&mut self, handle: &str, fault: Fault) {
        self.warnings.push((handle.to_owned(), fault));
    }

    pub fn error(&mut self, handle: &str, fault: Fault) {
        self.errors.push((handle.to_owned(), fault));
    }

    /// Fills `reply` (the `{op}Return` element) in schema order.
    pub fn render(self, reply: Out) -> Out {
        let details = |name: &str, items: Vec<(String, Fault)>| {
            Out::array(
                name,
                items.into_iter().map(|(handle, f)| {
                    Out::new("items")
                        .field("assetHandle", handle)
                        .field("code", f.code.to_string())
                        .field("reason", f.reason)
                }),
            )
        };
        let mut reply = reply
            .field("successCount", self.successes.to_string())
            .field("warningCount", self.warnings.len().to_string())
            .field("errorCount", self.errors.len().to_string());
        if !self.warnings.is_empty() {
            reply = reply.with(details("warningDetailArray", self.warnings));
        }
        if !self.errors.is_empty() {
            reply = reply.with(details("errorDetailArray", self.errors));
        }
        reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scene7::faults;

    #[test]
    fn counts_then_only_the_arrays_that_have_items() {
        let mut b = Batch::default();
        b.success();
        assert_eq!(
            b.render(Out::new("r")).render("urn:x"),
            "<r xmlns=\"urn:x\"><successCount>1</successCount><warningCount>0</warningCount><errorCount>0</errorCount></r>"
        );
        let mut b = Batch::default();
        b.error("a|9", Fault::ips(faults::INVALID_PARAMETER, "Invalid asset handle"));
        assert_eq!(
            b.render(Out::new("r")).render("urn:x"),
            "<r xmlns=\"urn:x\"><successCount>0</successCount><warningCount>0</warningCount><errorCount>1</errorCount><errorDetailArray><items><assetHandle>a|9</assetHandle><code>30001</code><reason>Invalid asset handle</reason></items></errorDetailArray></r>"
        );
    }
}
