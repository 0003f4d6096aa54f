//! Reading untrusted XML into a small element tree: whole documents from memory, and SOAP
//! envelopes from a request body as it arrives (so a body is never held twice, as bytes and as a
//! tree, and a long text such as a file in base64 is never copied).

use super::{SoapVersion, MAX_ATTRIBUTES, MAX_DEPTH, MAX_ELEMENTS, MAX_NAMESPACES};
use crate::budget::{self, BodyError, Metered, Reservation};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// An element with its namespace URI (not its prefix), attributes, text and children.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    pub namespace: Option<String>,
    pub name: String,
    /// Attributes by local name (namespace declarations left out).
    pub attributes: Vec<(String, String)>,
    /// The element's own text (concatenated; CDATA included).
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child with this local name, in any namespace.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A SOAP request: its version (from the envelope's namespace), header blocks and the first
/// element of the body.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub version: SoapVersion,
    pub headers: Vec<Element>,
    pub body: Element,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Not well-formed XML (or not UTF-8).
    #[error("the request is not well-formed XML: {0}")]
    Malformed(String),
    /// Refused on purpose: a DTD, an entity, too deep, too many elements.
    #[error("the request was refused: {0}")]
    Refused(String),
    /// Well-formed, but not a SOAP envelope with a body.
    #[error("the request is not a SOAP envelope: {0}")]
    NotEnvelope(String),
    /// The body could not be read into memory: too large, too slow, or no room in the budget.
    #[error("{0}")]
    Body(BodyError),
}

fn malformed(e: impl std::fmt::Display) -> ReadError {
    ReadError::Malformed(e.to_string())
}

/// A reader's error: the body's own when reading the body failed, else malformed XML.
fn read_error(e: quick_xml::Error) -> ReadError {
    match &e {
        quick_xml::Error::Io(io) => match budget::body_error(io) {
            Some(body) => ReadError::Body(body),
            None => malformed(e),
        },
        _ => malformed(e),
    }
}

fn configure(reader: &mut NsReader<impl Sized>) {
    reader.config_mut().expand_empty_elements = true;
    reader.config_mut().check_end_names = true;
}

/// Reads a whole XML document into its root element.
pub fn read_document(xml: &[u8]) -> Result<Element, ReadError> {
    read_document_charged(xml, None)
}

/// `read_document` for a document from a request, whose tree's memory beyond its bytes is
/// charged to `meter` (the share of the body budget the bytes were read under).
pub(crate) fn read_document_charged(xml: &[u8], meter: Option<&Reservation>) -> Result<Element, ReadError> {
    let xml = std::str::from_utf8(xml).map_err(|_| ReadError::Malformed("the body is not UTF-8".into()))?;
    let mut reader = NsReader::from_str(xml);
    configure(&mut reader);
    let mut tree = Tree::new(meter);
    loop {
        match reader.read_resolved_event().map_err(malformed)? {
            (_, Event::Eof) => break,
            (ns, event) => tree.event(ns, event)?,
        }
    }
    tree.finish()
}

/// Reads a SOAP envelope from a request body as it arrives, so the body is never held whole
/// beside its tree: memory is the tree's, about the body's size. What the tree adds beyond the
/// body's bytes (its elements) is charged to the body's reservation, which is returned to be kept
/// as long as the envelope is.
pub(crate) async fn read_envelope_from(body: Metered) -> Result<(Envelope, Reservation), ReadError> {
    let reservation = body.reservation().clone();
    let mut reader = NsReader::from_reader(body.into_reader());
    configure(&mut reader);
    let mut tree = Tree::new(Some(&reservation));
    let mut buf = Vec::new();
    loop {
        buf.clear();
        let (ns, event) = reader
            .read_resolved_event_into_async(&mut buf)
            .await
            .map_err(read_error)?;
        if let Event::Eof = event {
            break;
        }
        // A long text without references (a file in base64) is all the reader's buffer holds:
        // the buffer becomes the element's text as it is, instead of being copied into it.
        let whole_text = match &event {
            Event::Text(text) => tree.takes_whole(text),
            _ => false,
        };
        if whole_text {
            drop(event);
            let text = String::from_utf8(std::mem::take(&mut buf)).map_err(malformed)?;
            tree.take_text(text)?;
            continue;
        }
        tree.event(ns, event)?;
    }
    let envelope = envelope_of(tree.finish()?)?;
    Ok((envelope, reservation))
}

/// Texts at least this long are taken over whole by `read_envelope_from`.
const TAKEN_WHOLE: usize = 64 * 1024;
/// What an element costs in memory beyond its texts, about: the struct, its place in its
/// parent's list (which grows by doubling), and its allocations.
const ELEMENT_COST: usize = 2 * std::mem::size_of::<Element>() + 64;

/// The element tree as it is read, with every limit checked on every event.
struct Tree<'a> {
    stack: Vec<Element>,
    /// The namespace declarations of each open element, and their sum.
    declared: Vec<usize>,
    in_scope: usize,
    count: usize,
    root: Option<Element>,
    /// Where the tree's own memory is charged, for a request body.
    meter: Option<&'a Reservation>,
}

impl<'a> Tree<'a> {
    fn new(meter: Option<&'a Reservation>) -> Self {
        Tree {
            stack: Vec::new(),
            declared: Vec::new(),
            in_scope: 0,
            count: 0,
            root: None,
            meter,
        }
    }

    fn event(&mut self, ns: ResolveResult, event: Event) -> Result<(), ReadError> {
        match event {
            Event::DocType(_) => {
                return Err(ReadError::Refused(
                    "document type declarations (DTDs) are not accepted".into(),
                ))
            }
            Event::Start(start) => {
                self.count += 1;
                if self.count > MAX_ELEMENTS {
                    return Err(ReadError::Refused(format!("more than {MAX_ELEMENTS} elements")));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(ReadError::Refused(format!(
                        "elements nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                if self.root.is_some() {
                    return Err(ReadError::Malformed("more than one root element".into()));
                }
                let namespace = namespace_of(ns)?;
                let (element, declarations) = element(namespace, &start)?;
                self.charge(&element)?;
                self.in_scope += declarations;
                if self.in_scope > MAX_NAMESPACES {
                    return Err(ReadError::Refused(format!(
                        "more than {MAX_NAMESPACES} namespace declarations in scope"
                    )));
                }
                self.stack.push(element);
                self.declared.push(declarations);
            }
            Event::End(_) => {
                self.in_scope -= self.declared.pop().unwrap_or(0);
                let done = self
                    .stack
                    .pop()
                    .ok_or_else(|| ReadError::Malformed("unbalanced end tag".into()))?;
                match self.stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => self.root = Some(done),
                }
            }
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|e| ReadError::Refused(format!("entity or character reference not accepted: {e}")))?;
                match self.stack.last_mut() {
                    Some(current) => current.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(ReadError::Malformed("text outside the root element".into())),
                }
            }
            Event::CData(data) => {
                let data = std::str::from_utf8(&data).map_err(malformed)?;
                match self.stack.last_mut() {
                    Some(current) => current.text.push_str(data),
                    None => return Err(ReadError::Malformed("CDATA outside the root element".into())),
                }
            }
            // The XML declaration, comments and processing instructions carry nothing.
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Empty(_) | Event::Eof => {}
        }
        Ok(())
    }

    /// Whether `text` may become the open element's text as it is: long, the element's first,
    /// and with no references to resolve.
    fn takes_whole(&self, text: &[u8]) -> bool {
        text.len() >= TAKEN_WHOLE
            && !text.contains(&b'&')
            && self.stack.last().is_some_and(|current| current.text.is_empty())
    }

    fn take_text(&mut self, text: String) -> Result<(), ReadError> {
        let current = self
            .stack
            .last_mut()
            .ok_or_else(|| ReadError::Malformed("text outside the root element".into()))?;
        current.text = text;
        current.text.shrink_to_fit();
        Ok(())
    }

    /// Charges an element's memory beyond the body's bytes, when reading a request body.
    fn charge(&self, element: &Element) -> Result<(), ReadError> {
        let Some(meter) = self.meter else {
            return Ok(());
        };
        let strings = element.name.len()
            + element.namespace.as_ref().map_or(0, String::len)
            + element
                .attributes
                .iter()
                .map(|(k, v)| k.len() + v.len() + 48)
                .sum::<usize>();
        meter.try_grow((ELEMENT_COST + strings) as u64).map_err(ReadError::Body)
    }

    fn finish(self) -> Result<Element, ReadError> {
        if !self.stack.is_empty() {
            return Err(ReadError::Malformed("the document ends inside an element".into()));
        }
        self.root
            .ok_or_else(|| ReadError::Malformed("the body is empty".into()))
    }
}

fn namespace_of(ns: ResolveResult) -> Result<Option<String>, ReadError> {
    match ns {
        ResolveResult::Bound(ns) => Ok(Some(std::str::from_utf8(ns.as_ref()).map_err(malformed)?.to_owned())),
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Unknown(prefix) => Err(ReadError::Malformed(format!(
            "undeclared namespace prefix {:?}",
            String::from_utf8_lossy(&prefix)
        ))),
    }
}

/// An element from its start tag, and the number of namespaces it declares.
fn element(namespace: Option<String>, start: &BytesStart) -> Result<(Element, usize), ReadError> {
    let name = std::str::from_utf8(start.local_name().as_ref())
        .map_err(malformed)?
        .to_owned();
    let mut attributes = Vec::new();
    let mut declarations = 0;
    for (n, attribute) in start.attributes().enumerate() {
        if n >= MAX_ATTRIBUTES {
            return Err(ReadError::Refused(format!(
                "more than {MAX_ATTRIBUTES} attributes on one element"
            )));
        }
        let attribute = attribute.map_err(malformed)?;
        let key = attribute.key;
        if key.as_namespace_binding().is_some() {
            declarations += 1;
            continue;
        }
        // Attributes are read by local name: their namespace is never needed.
        let local = key.local_name();
        let value = attribute
            .unescape_value()
            .map_err(|e| ReadError::Refused(format!("entity or character reference not accepted: {e}")))?;
        attributes.push((
            std::str::from_utf8(local.as_ref()).map_err(malformed)?.to_owned(),
            value.into_owned(),
        ));
    }
    let element = Element {
        namespace,
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    };
    Ok((element, declarations))
}

/// Reads a SOAP 1.1 or 1.2 envelope: its version comes from the envelope's namespace.
pub fn read_envelope(xml: &[u8]) -> Result<Envelope, ReadError> {
    envelope_of(read_document(xml)?)
}

/// The envelope a document is, taken apart without copying its contents.
fn envelope_of(root: Element) -> Result<Envelope, ReadError> {
    let version = match (&root.namespace, root.name.as_str()) {
        (Some(ns), "Envelope") => SoapVersion::from_namespace(ns)
            .ok_or_else(|| ReadError::NotEnvelope(format!("unknown envelope namespace {ns:?}")))?,
        _ => {
            return Err(ReadError::NotEnvelope(format!(
                "the root element is {:?}, not a SOAP Envelope",
                root.name
            )))
        }
    };
    let ns = version.namespace();
    let (mut headers, mut body) = (None, None);
    for child in root.children {
        if child.namespace.as_deref() != Some(ns) {
            continue;
        }
        match child.name.as_str() {
            "Header" if headers.is_none() => headers = Some(child.children),
            "Body" if body.is_none() => body = Some(child),
            _ => {}
        }
    }
    let body = body.ok_or_else(|| ReadError::NotEnvelope("the envelope has no Body".into()))?;
    let first = body
        .children
        .into_iter()
        .next()
        .ok_or_else(|| ReadError::NotEnvelope("the Body is empty".into()))?;
    Ok(Envelope {
        version,
        headers: headers.unwrap_or_default(),
        body: first,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_by_namespace_whatever_the_prefixes() {
        let default_ns = br#"<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
            <RestoreRecycleBinItem xmlns="http://tempuri.org/"><AuthenticationTicket>t</AuthenticationTicket><ItemHandler>D9871</ItemHandler><RestorePath/></RestoreRecycleBinItem>
            </soap:Body></soap:Envelope>"#;
        let prefixed = br#"<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tns="http://tempuri.org/"><e:Body>
            <tns:RestoreRecycleBinItem><tns:AuthenticationTicket>t</tns:AuthenticationTicket><tns:ItemHandler>D9871</tns:ItemHandler><tns:RestorePath></tns:RestorePath></tns:RestoreRecycleBinItem>
            </e:Body></e:Envelope>"#;
        for xml in [&default_ns[..], &prefixed[..]] {
            let env = read_envelope(xml).unwrap();
            assert_eq!(env.version, SoapVersion::V11);
            assert_eq!(env.body.name, "RestoreRecycleBinItem");
            assert_eq!(env.body.namespace.as_deref(), Some("http://tempuri.org/"));
            assert_eq!(env.body.child("ItemHandler").unwrap().text, "D9871");
            assert_eq!(env.body.child("RestorePath").unwrap().text, "");
        }
    }

    #[test]
    fn reads_soap_12_headers_attributes_and_escapes() {
        let xml = br#"<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header><authHeader xmlns="http://www.scene7.com/IpsApi/xsd"><user>u</user></authHeader></s:Header>
            <s:Body><op a="1 &amp; 2"><name>Tom &amp; Jerry &#233;<![CDATA[<raw>]]></name></op></s:Body></s:Envelope>"#;
        let env = read_envelope(xml).unwrap();
        assert_eq!(env.version, SoapVersion::V12);
        assert_eq!(env.headers[0].name, "authHeader");
        assert_eq!(env.headers[0].child("user").unwrap().text, "u");
        assert_eq!(env.body.attribute("a"), Some("1 & 2"));
        assert_eq!(env.body.child("name").unwrap().text, "Tom & Jerry é<raw>");
    }

    #[test]
    fn refuses_dtds_and_entities_without_expanding_them() {
        let laughs = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
            <soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><a>&lol2;</a></soap:Body></soap:Envelope>"#;
        assert!(matches!(read_envelope(laughs), Err(ReadError::Refused(m)) if m.contains("DTD")));
        let external = br#"<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>"#;
        assert!(matches!(read_document(external), Err(ReadError::Refused(_))));
        let undefined = br#"<a>&xxe;</a>"#;
        assert!(matches!(read_document(undefined), Err(ReadError::Refused(_))));
    }

    #[test]
    fn refuses_deep_nesting_and_bad_documents() {
        let deep = format!("{}{}", "<a>".repeat(MAX_DEPTH + 1), "</a>".repeat(MAX_DEPTH + 1));
        assert!(matches!(read_document(deep.as_bytes()), Err(ReadError::Refused(m)) if m.contains("deeper")));
        assert!(matches!(read_document(b"<a><b></a>"), Err(ReadError::Malformed(_))));
        assert!(matches!(read_document(b"<a>"), Err(ReadError::Malformed(_))));
        assert!(matches!(read_document(b""), Err(ReadError::Malformed(_))));
        assert!(matches!(read_document(b"<a/><b/>"), Err(ReadError::Malformed(_))));
        assert!(matches!(read_document(b"<x:a/>"), Err(ReadError::Malformed(_))));
        assert!(matches!(read_document(&[0xff, 0xfe]), Err(ReadError::Malformed(_))));
        assert!(matches!(read_envelope(b"<Envelope/>"), Err(ReadError::NotEnvelope(_))));
        let no_body = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>"#;
        assert!(matches!(read_envelope(no_body), Err(ReadError::NotEnvelope(_))));
    }

    /// Attributes and namespace declarations are bounded: the reader's work per element grows
    /// with the square of its attributes, and per element with the declarations in scope.
    #[test]
    fn refuses_too_many_attributes_or_namespaces() {
        let attributes = |n: usize| (0..n).map(|i| format!(" a{i}=\"\"")).collect::<String>();
        let most = format!("<a{}/>", attributes(MAX_ATTRIBUTES));
        assert_eq!(read_document(most.as_bytes()).unwrap().attributes.len(), MAX_ATTRIBUTES);
        let more = format!("<a{}/>", attributes(MAX_ATTRIBUTES + 1));
        assert!(matches!(read_document(more.as_bytes()), Err(ReadError::Refused(m)) if m.contains("attributes")));
        assert!(matches!(
            read_document(br#"<a x="1" x="2"/>"#),
            Err(ReadError::Malformed(_))
        ));

        // One declaration per element, as some clients write them, is fine however many
        // elements there are; too many in scope at once is not.
        let declare = |i: usize| format!("<p{i}:e xmlns:p{i}=\"urn:{i}\">");
        let siblings = format!(
            "<r>{}</r>",
            (0..2 * MAX_NAMESPACES)
                .map(|i| format!("{}</p{i}:e>", declare(i)))
                .collect::<String>()
        );
        assert_eq!(
            read_document(siblings.as_bytes()).unwrap().children.len(),
            2 * MAX_NAMESPACES
        );
        let spread = |n: usize| {
            let per_element = MAX_ATTRIBUTES / 2;
            let open: String = (0..n.div_ceil(per_element))
                .map(|level| {
                    let decls: String = (0..per_element)
                        .map(|i| format!(" xmlns:p{level}x{i}=\"urn:x\""))
                        .collect();
                    format!("<e{decls}>")
                })
                .collect();
            format!("{open}{}", "</e>".repeat(n.div_ceil(per_element)))
        };
        assert!(read_document(spread(MAX_NAMESPACES).as_bytes()).is_ok());
        let too_many = spread(MAX_NAMESPACES + 1);
        assert!(matches!(read_document(too_many.as_bytes()), Err(ReadError::Refused(m)) if m.contains("namespace")));
    }
}
