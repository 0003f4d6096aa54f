//! Reading an operation's parameters and writing its `{op}Return` element.
//!
//! Parameters are read by local name: the children of `{op}Param` are in the request's
//! namespace, whatever prefix the client chose. Unknown children are ignored (spec §18 #22), so
//! old clients that still send removed fields keep working.

use super::faults::Fault;
use crate::soap::{escape, Element};
use chrono::{DateTime, SecondsFormat, Utc};

/// The parameters of one call.
#[derive(Clone, Copy)]
pub struct Params<'a>(pub &'a Element);

impl<'a> Params<'a> {
    /// A parameter's trimmed text; absent and empty read alike.
    pub fn optional(&self, name: &str) -> Option<&'a str> {
        self.0.child(name).map(|e| e.text.trim()).filter(|t| !t.is_empty())
    }

    pub fn required(&self, name: &str) -> Result<&'a str, Fault> {
        self.optional(name).ok_or_else(|| Fault::missing(name))
    }

    pub fn element(&self, name: &str) -> Option<&'a Element> {
        self.0.child(name)
    }

    pub fn bool(&self, name: &str) -> Result<Option<bool>, Fault> {
        match self.optional(name) {
            None => Ok(None),
            Some("true" | "1") => Ok(Some(true)),
            Some("false" | "0") => Ok(Some(false)),
            Some(other) => Err(Fault::invalid(name, format!("'{other}' is not a boolean"))),
        }
    }

    pub fn int(&self, name: &str) -> Result<Option<i64>, Fault> {
        match self.optional(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Fault::invalid(name, format!("'{v}' is not an integer"))),
        }
    }

    /// The `items` of an array parameter (`StringArray`, `HandleArray`), or `None` if absent.
    pub fn items(&self, name: &str) -> Option<Vec<&'a str>> {
        self.0
            .child(name)
            .map(|array| array.children_named("items").map(|i| i.text.trim()).collect())
    }

    /// A required array parameter; present but empty is allowed.
    pub fn required_items(&self, name: &str) -> Result<Vec<&'a str>, Fault> {
        self.items(name).ok_or_else(|| Fault::missing(name))
    }
}

/// An element of a reply, written in the request's namespace (children inherit it).
#[derive(Debug, Clone, Default)]
pub struct Out {
    name: String,
    text: Option<String>,
    children: Vec<Out>,
}

impl Out {
    pub fn new(name: &str) -> Self {
        Out {
            name: name.to_owned(),
            ..Out::default()
        }
    }

    pub fn text(name: &str, value: impl Into<String>) -> Self {
        Out {
            name: name.to_owned(),
            text: Some(value.into()),
            children: Vec::new(),
        }
    }

    /// Adds a child element.
    pub fn with(mut self, child: Out) -> Self {
        self.children.push(child);
        self
    }

    /// Adds `<name>value</name>`.
    pub fn field(self, name: &str, value: impl Into<String>) -> Self {
        self.with(Out::text(name, value))
    }

    pub fn push(&mut self, child: Out) {
        self.children.push(child);
    }

    /// `<name><items>…</items>…</name>`.
    pub fn array(name: &str, items: impl IntoIterator<Item = Out>) -> Self {
        Out {
            name: name.to_owned(),
            text: None,
            children: items.into_iter().collect(),
        }
    }

    /// Serialises the element as the root of a reply, declaring `namespace` as the default.
    pub fn render(&self, namespace: &str) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(namespace));
        out
    }

    fn write(&self, out: &mut String, namespace: Option<&str>) {
        out.push('<');
        out.push_str(&self.name);
        if let Some(ns) = namespace {
            out.push_str(" xmlns=\"");
            out.push_str(&escape(ns));
            out.push('"');
        }
        if self.children.is_empty() && self.text.is_none() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        if let Some(t) = &self.text {
            out.push_str(&escape(t));
        }
        for c in &self.children {
            c.write(out, None);
        }
        out.push_str("</");
        out.push_str(&self.name);
        out.push('>');
    }
}

/// `xsd:dateTime` in UTC with milliseconds, as IPS writes it.
pub fn date_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn boolean(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::soap::read_document;

    #[test]
    fn params_read_by_local_name_and_replies_keep_order() {
        let e = read_document(
            br#"<p:x xmlns:p="urn:v"><p:companyHandle> c|1 </p:companyHandle><p:flag>1</p:flag><p:n>x</p:n><p:empty/>
                <p:arr><p:items>a</p:items><p:items>b</p:items></p:arr></p:x>"#,
        )
        .unwrap();
        let p = Params(&e);
        assert_eq!(p.required("companyHandle").unwrap(), "c|1");
        assert_eq!(
            p.required("empty").unwrap_err().code,
            super::super::faults::MISSING_PARAMETER
        );
        assert_eq!(p.bool("flag").unwrap(), Some(true));
        assert_eq!(p.int("n").unwrap_err().code, super::super::faults::INVALID_PARAMETER);
        assert_eq!(p.items("arr").unwrap(), vec!["a", "b"]);
        assert_eq!(p.items("none"), None);

        let out = Out::new("opReturn")
            .field("successCount", "1")
            .with(Out::array(
                "errorDetailArray",
                [Out::new("items").field("code", "1 < 2")],
            ))
            .with(Out::new("empty"));
        assert_eq!(
            out.render("urn:v"),
            "<opReturn xmlns=\"urn:v\"><successCount>1</successCount><errorDetailArray><items><code>1 &lt; 2</code></items></errorDetailArray><empty/></opReturn>"
        );
    }
}
