//! infoRouter result nodes: a root element (`<response>` or `<root>`) whose attributes keep the
//! documented order, with child elements for lists.

use crate::soap::escape;

#[derive(Debug, Clone)]
pub struct Node {
    name: &'static str,
    attributes: Vec<(&'static str, String)>,
    children: Vec<Node>,
}

impl Node {
    pub fn new(name: &'static str) -> Self {
        Node {
            name,
            attributes: Vec::new(),
            children: Vec::new(),
        }
    }

    /// `<response success="true" error="" />`
    pub fn ok(root: &'static str) -> Self {
        Node::new(root).attr("success", "true").attr("error", "")
    }

    /// `<response success="false" error="…" errorCode="…" />`
    pub fn failure(root: &'static str, error: &str, code: u16) -> Self {
        Node::new(root)
            .attr("success", "false")
            .attr("error", error)
            .attr("errorCode", code.to_string())
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attributes.push((name, value.into()));
        self
    }

    pub fn push(&mut self, child: Node) {
        self.children.push(child);
    }

    /// Serialises the node. Inside a SOAP result the root declares `xmlns=""`, as ASMX writes an
    /// `XmlNode` built without a namespace.
    pub fn render(&self, out: &mut String, unqualified_root: bool) {
        out.push('<');
        out.push_str(self.name);
        if unqualified_root {
            out.push_str(" xmlns=\"\"");
        }
        for (k, v) in &self.attributes {
            out.push(' ');
            out.push_str(k);
            out.push_str("=\"");
            out.push_str(&escape(v));
            out.push('"');
        }
        if self.children.is_empty() {
            out.push_str(" />");
            return;
        }
        out.push('>');
        for c in &self.children {
            c.render(out, false);
        }
        out.push_str("</");
        out.push_str(self.name);
        out.push('>');
    }
}
