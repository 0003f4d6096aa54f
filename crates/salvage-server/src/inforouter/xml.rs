//! infoRouter results, written as ASMX writes the `XmlNode` an operation returns (hence the
//! name, which also keeps it apart from the core's `Node`, an item of the tree): a root element
//! (`<response>` or `<root>`) whose attributes keep the documented order, with child elements for
//! lists.

use crate::soap::escape;

#[derive(Debug, Clone)]
pub struct XmlNode {
    name: &'static str,
    attributes: Vec<(&'static str, String)>,
    children: Vec<XmlNode>,
    /// A scalar result (`byte[]`, `string`): the element's text. Over GET/POST it is the whole
    /// element (`<base64Binary xmlns="http://tempuri.org/">…</base64Binary>`); inside a SOAP
    /// result only the text is written, as ASMX serialises a scalar `{Op}Result`.
    text: Option<String>,
}

impl XmlNode {
    pub fn new(name: &'static str) -> Self {
        XmlNode {
            name,
            attributes: Vec::new(),
            children: Vec::new(),
            text: None,
        }
    }

    /// A scalar result in the tempuri namespace, e.g. `XmlNode::scalar("base64Binary", b64)`.
    pub fn scalar(name: &'static str, text: impl Into<String>) -> Self {
        let mut node = XmlNode::new(name).attr("xmlns", super::binding::TEMPURI);
        node.text = Some(text.into());
        node
    }

    /// An element holding text, e.g. `<SearchPageSize>50</SearchPageSize>` inside a result.
    pub fn element(name: &'static str, text: impl Into<String>) -> Self {
        let mut node = XmlNode::new(name);
        node.text = Some(text.into());
        node
    }

    /// `<response success="true" error="" />`
    pub fn ok(root: &'static str) -> Self {
        XmlNode::new(root).attr("success", "true").attr("error", "")
    }

    /// `<response success="false" error="…" errorCode="…" />`
    pub fn failure(root: &'static str, error: &str, code: u16) -> Self {
        XmlNode::new(root)
            .attr("success", "false")
            .attr("error", error)
            .attr("errorCode", code.to_string())
    }

    /// Whether this is a success result (`success="true"`).
    pub fn is_success(&self) -> bool {
        self.attributes.iter().any(|(k, v)| *k == "success" && v == "true")
    }

    pub fn attr(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.attributes.push((name, value.into()));
        self
    }

    pub fn push(&mut self, child: XmlNode) {
        self.children.push(child);
    }

    /// Serialises the node. Inside a SOAP result the root declares `xmlns=""`, as ASMX writes an
    /// `XmlNode` built without a namespace.
    pub fn render(&self, out: &mut String, unqualified_root: bool) {
        if let Some(text) = &self.text {
            if unqualified_root {
                out.push_str(&escape(text));
                return;
            }
        }
        self.open_tag(out, unqualified_root);
        if self.children.is_empty() && self.text.as_deref().unwrap_or_default().is_empty() {
            out.push_str(" />");
            return;
        }
        out.push('>');
        if let Some(text) = &self.text {
            out.push_str(&escape(text));
        }
        for c in &self.children {
            c.render(out, false);
        }
        self.render_end(out);
    }

    /// The start tag alone, for a list whose children are written as they are read.
    pub fn render_start(&self, out: &mut String, unqualified_root: bool) {
        self.open_tag(out, unqualified_root);
        out.push('>');
    }

    /// The end tag that closes `render_start`.
    pub fn render_end(&self, out: &mut String) {
        out.push_str("</");
        out.push_str(self.name);
        out.push('>');
    }

    /// `<name attributes…` without the closing bracket.
    fn open_tag(&self, out: &mut String, unqualified_root: bool) {
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
    }
}
