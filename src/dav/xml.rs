//! Request bodies: parsed with quick-xml's namespace-aware reader into a small element tree, then
//! read as PROPFIND or REPORT requests. A DOCTYPE (and so any entity definition) is refused, an
//! entity other than XML's five predefined ones is refused, and the tree is bounded (depth and
//! element count) on top of the body's own size bound.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;

pub const DAV: &str = "DAV:";
pub const CARDDAV: &str = "urn:ietf:params:xml:ns:carddav";
pub const CS: &str = "http://calendarserver.org/ns/";

const MAX_DEPTH: usize = 32;
/// A multiget's hrefs are elements: 8 MiB of them is about 70,000.
const MAX_ELEMENTS: usize = 100_000;

/// A request body that cannot be used: the status is 400, the message says which element and why.
#[derive(Debug)]
pub struct XmlError(pub String);

#[derive(Debug, Default)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

fn predefined(name: &str) -> Option<char> {
    Some(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => return None,
    })
}

/// Parse a whole body into its root element.
pub fn parse(body: &[u8]) -> Result<Element, XmlError> {
    let text = std::str::from_utf8(body).map_err(|_| XmlError("the XML body is not UTF-8".into()))?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    let bad = |e: quick_xml::Error| XmlError(format!("malformed XML: {e}"));
    loop {
        let (ns, ev) = reader.read_resolved_event().map_err(bad)?;
        let ns = match ns {
            ResolveResult::Bound(n) => n.0.to_owned(),
            ResolveResult::Unbound => String::new(),
            ResolveResult::Unknown(p) => return Err(XmlError(format!("undeclared namespace prefix `{p}`"))),
        };
        let (start, empty) = match &ev {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = start {
            if stack.len() >= MAX_DEPTH || count >= MAX_ELEMENTS {
                return Err(XmlError(format!(
                    "the XML body is deeper than {MAX_DEPTH} or has more than {MAX_ELEMENTS} elements"
                )));
            }
            if root.is_some() {
                return Err(XmlError("more than one root element".into()));
            }
            count += 1;
            let mut el = Element { ns, name: e.local_name().as_ref().to_owned(), ..Element::default() };
            for a in e.attributes() {
                let a = a.map_err(|e| XmlError(format!("malformed attribute: {e}")))?;
                let v = a
                    .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .map_err(|e| XmlError(format!("attribute `{}`: {e}", a.key.local_name().as_ref())))?;
                el.attrs.push((a.key.local_name().as_ref().to_owned(), v.into_owned()));
            }
            stack.push(el);
            if !empty {
                continue;
            }
        }
        match ev {
            Event::Start(_) => {}
            Event::Empty(_) | Event::End(_) => {
                let Some(done) = stack.pop() else { return Err(XmlError("unbalanced end tag".into())) };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(done),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(el) = stack.last_mut() {
                    el.text.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = r.xml10_content();
                        predefined(&name).ok_or_else(|| XmlError(format!("entity `&{name};` is not allowed")))?
                    }
                    Err(e) => return Err(XmlError(format!("bad character reference: {e}"))),
                };
                if let Some(el) = stack.last_mut() {
                    el.text.push(c);
                }
            }
            Event::DocType(_) => return Err(XmlError("a DOCTYPE is not allowed".into())),
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("the XML body ends before its elements are closed".into()));
    }
    root.ok_or_else(|| XmlError("the XML body has no element".into()))
}

/// A property name: namespace and local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Prop {
    pub ns: String,
    pub name: String,
}

/// What a PROPFIND or REPORT asks for.
#[derive(Clone, Debug)]
pub enum Props {
    /// `allprop` (or no body): the properties we define, without address-data.
    All,
    /// `propname`: the names only.
    Names,
    Some(Vec<Prop>),
}

impl Props {
    /// Whether `ns:name` is asked for.
    pub fn wants(&self, ns: &str, name: &str) -> bool {
        match self {
            Self::All => !(ns == CARDDAV && name == "address-data"),
            Self::Names => false,
            Self::Some(v) => v.iter().any(|p| p.ns == ns && p.name == name),
        }
    }
}

fn props_of(parent: &Element) -> Props {
    if parent.child(DAV, "allprop").is_some() {
        return Props::All;
    }
    if parent.child(DAV, "propname").is_some() {
        return Props::Names;
    }
    match parent.child(DAV, "prop") {
        Some(p) => Props::Some(p.children.iter().map(|c| Prop { ns: c.ns.clone(), name: c.name.clone() }).collect()),
        None => Props::All,
    }
}

/// The vCard version asked for in `<C:address-data content-type=... version=...>`.
pub fn address_data_version(parent: &Element) -> Option<String> {
    parent.child(DAV, "prop")?.child(CARDDAV, "address-data")?.attr("version").map(str::to_owned)
}

/// A PROPFIND body (empty = allprop), with the vCard version its address-data asks for.
pub fn propfind(body: &[u8]) -> Result<(Props, Option<String>), XmlError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok((Props::All, None));
    }
    let root = parse(body)?;
    if !root.is(DAV, "propfind") {
        return Err(XmlError(format!("expected <DAV:propfind>, got <{}:{}>", root.ns, root.name)));
    }
    Ok((props_of(&root), address_data_version(&root)))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchType {
    Equals,
    Contains,
    StartsWith,
    EndsWith,
}

#[derive(Clone, Debug)]
pub struct TextMatch {
    pub text: String,
    pub match_type: MatchType,
    pub negate: bool,
}

#[derive(Clone, Debug)]
pub struct PropFilter {
    /// The vCard property, upper case (FN, EMAIL, TEL, ORG...).
    pub name: String,
    pub all_of: bool,
    pub is_not_defined: bool,
    pub matches: Vec<TextMatch>,
}

#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub all_of: bool,
    pub props: Vec<PropFilter>,
}

pub enum Report {
    Multiget { props: Props, version: Option<String>, hrefs: Vec<String> },
    Query { props: Props, version: Option<String>, filter: Filter, limit: Option<usize> },
    Sync { props: Props, version: Option<String>, token: String, limit: Option<usize> },
}

fn limit_of(root: &Element) -> Result<Option<usize>, XmlError> {
    let Some(l) = root.child(DAV, "limit").or_else(|| root.child(CARDDAV, "limit")) else { return Ok(None) };
    let n = l.child(DAV, "nresults").or_else(|| l.child(CARDDAV, "nresults")).map_or("", |n| n.text.trim());
    n.parse().map(Some).map_err(|_| XmlError(format!("<nresults> must be a number, got `{n}`")))
}

fn test_all_of(el: &Element) -> Result<bool, XmlError> {
    match el.attr("test").unwrap_or("anyof") {
        "anyof" => Ok(false),
        "allof" => Ok(true),
        t => Err(XmlError(format!("<{}> test must be anyof or allof, got `{t}`", el.name))),
    }
}

fn filter_of(root: &Element) -> Result<Filter, XmlError> {
    let Some(f) = root.child(CARDDAV, "filter") else { return Ok(Filter::default()) };
    let mut out = Filter { all_of: test_all_of(f)?, props: Vec::new() };
    for pf in f.children.iter().filter(|c| c.is(CARDDAV, "prop-filter")) {
        let name = pf.attr("name").ok_or_else(|| XmlError("<prop-filter> needs a name attribute".into()))?;
        let mut p = PropFilter {
            name: name.to_ascii_uppercase(),
            all_of: test_all_of(pf)?,
            is_not_defined: pf.child(CARDDAV, "is-not-defined").is_some(),
            matches: Vec::new(),
        };
        for tm in pf.children.iter().filter(|c| c.is(CARDDAV, "text-match")) {
            let match_type = match tm.attr("match-type").unwrap_or("contains") {
                "equals" => MatchType::Equals,
                "contains" => MatchType::Contains,
                "starts-with" => MatchType::StartsWith,
                "ends-with" => MatchType::EndsWith,
                t => return Err(XmlError(format!("<text-match> match-type `{t}` is not supported"))),
            };
            let negate = tm.attr("negate-condition") == Some("yes");
            p.matches.push(TextMatch { text: tm.text.clone(), match_type, negate });
        }
        out.props.push(p);
    }
    Ok(out)
}

/// A REPORT body.
pub fn report(body: &[u8]) -> Result<Report, XmlError> {
    let root = parse(body)?;
    let props = props_of(&root);
    let version = address_data_version(&root);
    if root.is(CARDDAV, "addressbook-multiget") {
        let hrefs = root.children.iter().filter(|c| c.is(DAV, "href")).map(|c| c.text.trim().to_owned()).collect();
        Ok(Report::Multiget { props, version, hrefs })
    } else if root.is(CARDDAV, "addressbook-query") {
        Ok(Report::Query { props, version, filter: filter_of(&root)?, limit: limit_of(&root)? })
    } else if root.is(DAV, "sync-collection") {
        let token = root.child(DAV, "sync-token").map(|t| t.text.trim().to_owned()).unwrap_or_default();
        if let Some(level) = root.child(DAV, "sync-level")
            && level.text.trim() != "1"
        {
            return Err(XmlError(format!("<sync-level> must be 1, got `{}`", level.text.trim())));
        }
        let limit = limit_of(&root)?;
        if limit == Some(0) {
            return Err(XmlError("<nresults> must be at least 1 (a sync cut short at 0 cards never ends)".into()));
        }
        Ok(Report::Sync { props, version, token, limit })
    } else {
        Err(XmlError(format!("the report <{}:{}> is not supported", root.ns, root.name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_resolve_and_hostile_bodies_are_refused() {
        let b = br#"<?xml version="1.0"?><x:propfind xmlns:x="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav"><x:prop><x:getetag/><c:address-data version="4.0"/></x:prop></x:propfind>"#;
        let (Props::Some(p), Some(v)) = propfind(b).unwrap() else { panic!() };
        assert_eq!(v, "4.0");
        assert_eq!(p[0], Prop { ns: DAV.into(), name: "getetag".into() });
        assert_eq!(p[1].ns, CARDDAV);
        let dtd = br#"<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><propfind xmlns="DAV:">&a;</propfind>"#;
        assert!(propfind(dtd).unwrap_err().0.contains("DOCTYPE"));
        let ent = br#"<propfind xmlns="DAV:"><prop>&xxe;</prop></propfind>"#;
        assert!(propfind(ent).unwrap_err().0.contains("entity"));
        let deep = "<a xmlns=\"DAV:\">".repeat(100);
        assert!(parse(deep.as_bytes()).is_err());
        assert!(propfind(b"<propfind xmlns=\"DAV:\"><prop>").is_err());
        assert!(propfind(b"<y:propfind xmlns=\"DAV:\"/>").unwrap_err().0.contains("prefix"));
        assert!(matches!(propfind(b"").unwrap().0, Props::All));
    }

    #[test]
    fn reports() {
        let b = br#"<C:addressbook-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav"><D:prop><D:getetag/></D:prop><C:filter test="allof"><C:prop-filter name="fn"><C:text-match match-type="starts-with">Cl&amp;</C:text-match></C:prop-filter></C:filter></C:addressbook-query>"#;
        let Report::Query { filter, .. } = report(b).unwrap() else { panic!() };
        assert!(filter.all_of);
        assert_eq!(filter.props[0].name, "FN");
        assert_eq!(filter.props[0].matches[0].text, "Cl&");
        assert_eq!(filter.props[0].matches[0].match_type, MatchType::StartsWith);
        let s = br#"<sync-collection xmlns="DAV:"><sync-token>t</sync-token><sync-level>1</sync-level><prop><getetag/></prop></sync-collection>"#;
        let Report::Sync { token, .. } = report(s).unwrap() else { panic!() };
        assert_eq!(token, "t");
    }
}
