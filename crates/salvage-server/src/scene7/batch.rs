//! Batch asset operations (deleteAssets, moveAssets, restoreAssetsFromTrash,
//! emptyAssetsFromTrash), written once: `Assets` classifies the handles of a batch with one read
//! of the core, the operation makes one core call for the assets in the state it acts on, and
//! `Assets::judge` gives every handle its line in the `Batch`, in the order the client sent them.
//!
//! The result is three counts and, for the items that did not simply succeed, an
//! `AssetOperationFault` with the code the single-item operation would have raised (spec §10.3).
//! Empty detail arrays are left out, as in every IPS example.

use super::auth::Company;
use super::faults::{self, Fault};
use super::handles;
use super::xml::Out;
use super::Call;
use salvage_core::model::{NodeId, NodeKind};
use salvage_core::trash::ItemState;

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

    /// Counts `verdict` for `handle`.
    pub fn record(&mut self, handle: &str, verdict: Verdict) {
        match verdict {
            Verdict::Success => self.success(),
            Verdict::Warning(fault) => self.warning(handle, fault),
            Verdict::Error(fault) => self.error(handle, fault),
        }
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

/// What one handle of a batch came to.
#[derive(Debug)]
pub enum Verdict {
    Success,
    Warning(Fault),
    Error(Fault),
}

/// An unknown handle, another company's, or one that names no asset.
pub fn invalid_handle(handle: &str) -> Fault {
    Fault::ips(faults::INVALID_PARAMETER, format!("Invalid asset handle '{handle}'"))
}

/// What a handle names: an asset of the company with its trash state, or the fault that
/// answers the handle.
type Class = Result<(NodeId, ItemState), Fault>;

/// The handles of a batch, each with its class.
pub struct Assets<'h> {
    classes: Vec<(&'h str, Class)>,
}

impl<'h> Assets<'h> {
    /// Reads what each handle names, with one read of the core for the whole batch.
    pub async fn classify(call: &Call<'_>, company: &Company, handles_in: &[&'h str]) -> Result<Self, Fault> {
        let parsed: Vec<Option<NodeId>> = handles_in.iter().map(|h| handles::parse_asset(h)).collect();
        let ids: Vec<NodeId> = parsed.iter().flatten().copied().collect();
        let mut located = call
            .state
            .repo
            .locate_items(&company.actor, &ids)
            .await
            .map_err(|e| Fault::from_core(&e, "asset handle"))?
            .into_iter();
        let classes = handles_in
            .iter()
            .zip(parsed)
            .map(|(&handle, id)| {
                let found = id.and_then(|_| located.next().flatten());
                let class = match found {
                    Some(item) if item.node.kind == NodeKind::Document => Ok((item.node.id, item.state)),
                    _ => Err(invalid_handle(handle)),
                };
                (handle, class)
            })
            .collect();
        Ok(Assets { classes })
    }

    /// The one asset of a single-item operation, or its fault.
    pub fn single(mut self) -> Class {
        assert_eq!(self.classes.len(), 1, "a single-item operation names one handle");
        self.classes.remove(0).1
    }

    /// The assets whose state the operation `acts_on`, in handle order: what goes to the core.
    pub fn ids(&self, acts_on: fn(ItemState) -> bool) -> Vec<NodeId> {
        self.classes
            .iter()
            .filter_map(|(_, c)| match c {
                Ok((id, state)) if acts_on(*state) => Some(*id),
                _ => None,
            })
            .collect()
    }

    /// Every handle's line: an asset acted on gets the verdict on its outcome (`outcomes` holds
    /// one per id of `ids(acts_on)`, in that order), an asset in another state gets `otherwise`,
    /// and a handle that names no asset its fault, as an error.
    pub fn judge<O>(
        self,
        acts_on: fn(ItemState) -> bool,
        outcomes: Vec<O>,
        on_outcome: impl Fn(&str, O) -> Verdict,
        otherwise: impl Fn(&str, ItemState) -> Verdict,
    ) -> Batch {
        let mut outcomes = outcomes.into_iter();
        let mut batch = Batch::default();
        for (handle, class) in self.classes {
            let verdict = match class {
                Ok((_, state)) if acts_on(state) => {
                    let outcome = outcomes.next().expect("the core answers once per asset it was given");
                    on_outcome(handle, outcome)
                }
                Ok((_, state)) => otherwise(handle, state),
                Err(fault) => Verdict::Error(fault),
            };
            batch.record(handle, verdict);
        }
        batch
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
